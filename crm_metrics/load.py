"""Reading an export file into a raw frame of text cells (CSV) or typed cells (xlsx).

Nothing here knows about CRMs: it finds the encoding and delimiter, reads the sheet, and turns every
way a file can be unreadable into an InputError that names the file.
"""

from __future__ import annotations

import csv
import glob
from pathlib import Path

import pandas as pd

from crm_metrics.errors import InputError
from crm_metrics.readers import Usecols, header_filter, read_csv_arrow

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
_DELIMITERS = ",;\t|"
_SNIFF_BYTES = 64 * 1024


def expand_paths(patterns: list[str], resolve: callable) -> list[Path]:  # type: ignore[valid-type]
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


def read_table(path: Path, sheet: str | int | None = None, usecols: Usecols | None = None) -> pd.DataFrame:
    """The file's cells with its header row as column names, every value as read (no parsing).

    With `usecols` (header names, or a test on a header, after trimming) a CSV is read for those
    columns only; headers it does not keep may be missing from the frame.
    """
    if not path.exists():
        raise InputError(f"{path}: file not found; check the path in the config's sources")
    if path.is_dir():
        raise InputError(f"{path}: is a directory; point the source's path at an export file")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        frame = _read_excel(path, sheet)
    elif suffix in CSV_SUFFIXES or suffix == "":
        frame = _read_csv(path, usecols)
    else:
        raise InputError(f"{path}: unsupported file type '{suffix}'; export as .csv or .xlsx")
    if frame.columns.empty:
        raise InputError(f"{path}: the file is empty; export it again with a header row")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def detect_encoding(head: bytes) -> str:
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the sniff boundary is still UTF-8.
        if exc.start < len(head) - 3:
            return "cp1252"
    return "utf-8"


def detect_delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines() if line.strip()][:20]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=_DELIMITERS).delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        return max(_DELIMITERS, key=header.count)


def _read_csv(path: Path, usecols: Usecols | None = None) -> pd.DataFrame:
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if not head.strip():
        raise InputError(f"{path}: the file is empty; export it again with a header row")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{path}: this is not a text CSV file (binary content); export as CSV or xlsx")
    encoding = detect_encoding(head)
    delimiter = detect_delimiter(head.decode(encoding, errors="replace"))
    fast = read_csv_arrow(path, delimiter, encoding, usecols)
    if fast is not None:
        return fast
    try:
        return pd.read_csv(
            path, sep=delimiter, encoding=encoding, dtype=str, keep_default_na=False,
            na_values=[""], skipinitialspace=True,
            usecols=None if usecols is None else header_filter(usecols),
        )
    except pd.errors.ParserError as exc:
        raise InputError(f"{path}: rows do not have the same number of columns ({exc}); "
                         "check the delimiter and quoting of the export") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: cannot decode the file as {encoding}; save it as UTF-8") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: the file is empty; export it again with a header row") from None


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
    header, body = rows[0], rows[1:]
    frame = pd.DataFrame(body, columns=[str(h) if h != "" else f"column_{i + 1}" for i, h in enumerate(header)],
                         dtype=object)
    return frame.replace("", None)
