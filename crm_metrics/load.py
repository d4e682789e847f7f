"""Reading an export file into a raw frame of text cells (CSV) or typed cells (xlsx).

Nothing here knows about CRMs: it finds the encoding, delimiter and header row (sniff.py), reads the
sheet, cuts off title and totals rows (counted in frame.attrs["skipped_rows"]), and turns every way a
file can be unreadable into an InputError that names the file.
"""

from __future__ import annotations

import csv
import glob
import io
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from crm_metrics.errors import InputError
from crm_metrics.sniff import count_footer, detect_delimiter, detect_encoding, filled, find_header, is_text

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
_SNIFF_BYTES = 64 * 1024


def expand_paths(patterns: list[str], resolve: Callable[[str], Path]) -> list[Path]:
    """Paths and globs from a source's `path`, relative to the config; missing ones are errors."""
    found: list[Path] = []
    for pattern in patterns:
        target = resolve(pattern)
        if glob.has_magic(str(target)):
            matches = sorted(Path(p) for p in glob.glob(str(target)))
            if not matches:
                raise InputError(f"{target}: no file matches this pattern; check sources.*.path")
            found.extend(matches)
        else:
            found.append(target)
    return found


def read_table(path: Path, sheet: str | int | None = None) -> pd.DataFrame:
    """The file's cells with its header row as column names, every value as read (no parsing)."""
    if not path.exists():
        raise InputError(f"{path}: file not found; check the path in the config's sources")
    if path.is_dir():
        raise InputError(f"{path}: is a directory; point the source's path at an export file")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        frame = _read_excel(path, sheet)
    elif suffix in CSV_SUFFIXES or suffix == "":
        frame = _read_csv(path)
    else:
        raise InputError(f"{path}: unsupported file type '{suffix}'; export as .csv or .xlsx")
    if frame.columns.empty:
        raise InputError(f"{path}: the file is empty; export it again with a header row")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _read_csv(path: Path) -> pd.DataFrame:
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    encoding = detect_encoding(head)
    if not head.strip(b"\x00\r\n\t \xff\xfe\xef\xbb\xbf"):
        raise InputError(f"{path}: the file is empty; export it again with a header row")
    if not is_text(head, encoding):
        raise InputError(f"{path}: this is not a text CSV file (binary content); export as CSV or xlsx")
    try:
        text = path.read_bytes().decode(encoding)
    except UnicodeDecodeError:
        raise InputError(f"{path}: cannot decode the file as {encoding}; save it as UTF-8") from None
    delimiter = detect_delimiter(text[:_SNIFF_BYTES])
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True))
    except csv.Error as exc:
        raise InputError(f"{path}: cannot split the file into cells ({exc}); check its quoting") from None
    return _frame_from_rows(path, rows)


def _frame_from_rows(path: Path, rows: Sequence[Sequence[object]]) -> pd.DataFrame:
    """The table inside a report export: header found below any title rows, footer rows cut off."""
    numbers = [i for i, r in enumerate(rows, start=1) if r]  # csv gives [] for an empty line
    rows = [r for r in rows if r]
    if not rows:
        raise InputError(f"{path}: the file is empty; export it again with a header row")
    start = find_header(rows)
    header = rows[start]
    width = len(header)
    body = rows[start + 1:]
    footer = count_footer(body, filled(header))
    body = body[: len(body) - footer]
    for number, row in zip(numbers[start + 1:], body, strict=False):
        if len(row) > width and any(c not in ("", None) for c in row[width:]):
            raise InputError(f"{path}: row {number} has {len(row)} cells but the header has {width}; "
                             "check the delimiter and quoting of the export")
    body = [list(r[:width]) + [None] * (width - len(r)) for r in body if filled(r)]
    names = [str(h).strip() if h not in ("", None) else f"column_{i + 1}" for i, h in enumerate(header)]
    frame = pd.DataFrame(body, columns=names, dtype=object).replace("", None)
    frame.attrs["skipped_rows"] = start + footer
    frame.attrs["header_row"] = numbers[start]
    return frame


def sheet_names(path: Path) -> list[str]:
    """A workbook's sheets in order; [] for a CSV file."""
    if path.suffix.lower() not in EXCEL_SUFFIXES:
        return []
    from python_calamine import CalamineWorkbook

    try:
        return list(CalamineWorkbook.from_path(str(path)).sheet_names)
    except Exception as exc:  # calamine raises its own error types for every kind of bad zip
        raise InputError(f"{path}: cannot open the workbook ({exc}); is it a valid, unprotected .xlsx?") from None


def _read_excel(path: Path, sheet: str | int | None) -> pd.DataFrame:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for every kind of bad zip
        raise InputError(f"{path}: cannot open the workbook ({exc}); is it a valid, unprotected .xlsx?") from None
    names = workbook.sheet_names
    if sheet is None:
        sheet = 0
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise InputError(f"{path}: no sheet number {sheet}; it has {len(names)}: {', '.join(names)}")
        sheet = names[sheet]
    if sheet not in names:
        raise InputError(f"{path}: no sheet named '{sheet}'; its sheets are: {', '.join(names)}")
    rows = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=True)
    if not rows:
        raise InputError(f"{path}: sheet '{sheet}' is empty")
    return _frame_from_rows(path, rows)
