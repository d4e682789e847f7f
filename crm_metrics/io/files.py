"""Reading an export file into a raw frame of text cells (CSV) or typed cells (xlsx).

Nothing here knows about CRMs: it finds the encoding, delimiter and header row (sniff.py), reads the
sheet, cuts off title and totals rows (counted in frame.attrs["skipped_rows"]), and turns every way a
file can be unreadable into an InputError that names the file.
"""

from __future__ import annotations

import csv
import glob
import io
import os
import re
import zipfile
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np
import pandas as pd

from crm_metrics.clean.categoricals import blank_cells, categorise
from crm_metrics.errors import InputError
from crm_metrics.io.arrow_csv import CsvLayout, read_csv_arrow
from crm_metrics.io.sniff import (
    count_footer,
    detect_delimiter,
    detect_encoding,
    filled,
    find_header,
    is_text,
    is_total_label,
)

if TYPE_CHECKING:
    from crm_metrics.config.model import LimitsConfig

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
_SNIFF_BYTES = 64 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and old .xls are OLE files
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# A string frame takes several times the file's size in memory (arrow buffers plus the parsed copy).
_MEMORY_PER_CSV_BYTE = 5
_MB = 1024 * 1024


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


def expand_sheets(paths: list[Path], sheet: str | int | None) -> list[tuple[Path, str | int | None]]:
    """Each file once, or with `sheet: "*"` each sheet of each workbook (CSV files have none)."""
    if sheet != "*":
        return [(p, sheet) for p in paths]
    found: list[tuple[Path, str | int | None]] = []
    for path in paths:
        names = sheet_names(path)
        found += [(path, name) for name in names] if names else [(path, None)]
    return found


def read_table(path: Path | BinaryIO, sheet: str | int | None = None, limits: LimitsConfig | None = None,
               usecols: Collection[str] | None = None, categorical: Collection[str] = (),
               name: str | None = None) -> pd.DataFrame:
    """The file's cells with its header row as column names, every value as read (no parsing).

    `path` is a file path or a binary file object (an upload, io.BytesIO in a test); a file object
    is named by `name` (else its .name), whose extension says CSV or workbook, and is read whole
    by the plain reader (the Arrow reader wants a file it can seek in by path).
    With `usecols` (names as csv_headers gives them) only those columns are kept; a CSV is then read
    for those columns alone, which is what makes a wide export with millions of rows quick. The
    `categorical` columns come back as categoricals where their values repeat (categories.py).
    Raises InputError naming the file for anything that makes it unreadable.
    """
    if not isinstance(path, (str, os.PathLike)):
        where = name or str(getattr(path, "name", "") or "file object")
        return _finish_frame(_read_file_object(path, where, sheet, limits, categorical), where, usecols)
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found; check the path in the config's sources")
    if path.is_dir():
        raise InputError(f"{path}: is a directory; point the source's path at an export file")
    suffix = path.suffix.lower()
    try:
        if suffix in EXCEL_SUFFIXES:
            max_mb = limits.max_xlsx_uncompressed_mb if limits else 500.0
            frame = _read_excel(path, sheet, max_mb)
            categorise(frame, categorical)
        elif suffix in CSV_SUFFIXES or suffix == "":
            _check_csv_size(path, limits.max_csv_mb if limits else None)
            frame = _read_csv(path, usecols, categorical)
        else:
            raise InputError(f"{path}: unsupported file type '{suffix}'; export as .csv or .xlsx")
    except PermissionError:
        raise InputError(f"{path}: permission denied; make the file readable for this user") from None
    except MemoryError:
        raise InputError(f"{path}: too big to load into memory ({_size(path)}); export a shorter "
                         "date range, e.g. only the rows since the --from date you report on") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    return _finish_frame(frame, str(path), usecols)


def _finish_frame(frame: pd.DataFrame, where: str, usecols: Collection[str] | None) -> pd.DataFrame:
    if frame.columns.empty:
        raise InputError(f"{where}: the file is empty; export it again with a header row")
    frame.columns = _unique([str(c).strip() for c in frame.columns])
    if usecols is not None:
        frame = frame[[c for c in frame.columns if c in usecols]]
    return frame


def _read_file_object(source: BinaryIO, where: str, sheet: str | int | None, limits: LimitsConfig | None,
                      categorical: Collection[str]) -> pd.DataFrame:
    """read_table for a binary file object, by the extension of `where`."""
    suffix = Path(where).suffix.lower()
    try:
        data = source.read()
    except OSError as exc:
        raise InputError(f"{where}: cannot read the file ({exc.strerror or exc})") from None
    if not isinstance(data, bytes):
        raise InputError(f"{where}: give the file opened in binary mode ('rb'), not as text")
    if suffix in EXCEL_SUFFIXES:
        frame = _read_excel(io.BytesIO(data), sheet, limits.max_xlsx_uncompressed_mb if limits else 500.0, where)
        categorise(frame, categorical)
        return frame
    if suffix not in CSV_SUFFIXES and suffix != "":
        raise InputError(f"{where}: unsupported file type '{suffix}'; export as .csv or .xlsx")
    max_mb = limits.max_csv_mb if limits else None
    if max_mb is not None and len(data) > max_mb * _MB:
        raise InputError(f"{where}: is {_human(len(data))}, over limits.max_csv_mb ({max_mb:g} MB); export a "
                         "shorter date range (rows since the --from date you report on) or raise the limit")
    return _plain_csv(data, _csv_encoding(data[:_SNIFF_BYTES], where), where, categorical)


def csv_headers(path: Path) -> list[str] | None:
    """A CSV's column names as read_table would give them, from its first block only; None for a
    workbook or a file whose first block cannot be read (read_table then says what is wrong)."""
    if path.suffix.lower() not in CSV_SUFFIXES and path.suffix != "":
        return None
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return None
    layout = _csv_layout(path, head, detect_encoding(head), fast_only=False)
    return None if layout is None else layout.names


def _unique(headers: list[str]) -> list[str]:
    """Repeated headers get .1, .2 as pandas names them in a CSV, so one name is one column."""
    seen: dict[str, int] = {}
    out = []
    for header in headers:
        name = header
        while name in seen:
            seen[header] += 1
            name = f"{header}.{seen[header]}"
        seen.setdefault(name, 0)
        out.append(name)
    return out


def _read_csv(path: Path, usecols: Collection[str] | None = None, categorical: Collection[str] = ()) -> pd.DataFrame:
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    encoding = _csv_encoding(head, str(path))
    layout = _csv_layout(path, head, encoding, fast_only=True)
    if layout is not None:
        fast = read_csv_arrow(path, layout, usecols, categorical)
        if fast is not None:
            return fast
    return _plain_csv(path.read_bytes(), encoding, str(path), categorical)


def _csv_encoding(head: bytes, where: str) -> str:
    """The encoding of a CSV from its first block; InputError for an empty, binary or mixed file."""
    encoding = detect_encoding(head)
    if not head.strip(b"\x00\r\n\t \xff\xfe\xef\xbb\xbf"):
        raise InputError(f"{where}: the file is empty; export it again with a header row")
    if not is_text(head, encoding):
        raise InputError(f"{where}: this is not a text CSV file (binary content); export as CSV or xlsx")
    if encoding == "cp1252" and _UTF8_MULTIBYTE.search(head):
        raise InputError(f"{where}: mixes UTF-8 and another encoding (such as Latin-1) in one file; "
                         "export it again as UTF-8")
    return encoding


def _plain_csv(data: bytes, encoding: str, where: str, categorical: Collection[str]) -> pd.DataFrame:
    """The plain reader (the csv module): every file the Arrow reader declines, and file objects."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise InputError(f"{where}: cannot decode the file as {encoding}; save it as UTF-8") from None
    delimiter = detect_delimiter(text[:_SNIFF_BYTES])
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True,
                                     strict=True))
    except csv.Error as exc:
        raise InputError(f"{where}: cannot split the file into cells ({exc}); check its quoting") from None
    frame = _frame_from_rows(where, rows)
    # Text cells in pandas' string dtype, as the fast reader gives them.
    frame = frame.astype("str") if len(frame.columns) else frame
    categorise(frame, categorical)
    return frame


def _csv_layout(path: Path, head: bytes, encoding: str, fast_only: bool) -> CsvLayout | None:
    """Where the table sits in a CSV, found from its first and last blocks: the header line (below
    any title rows) and the footer rows (totals, "Generated by"), as _frame_from_rows would find them.

    None when the fast reader should not try (fast_only and not UTF-8: Arrow would transcode in
    Python) or when the blocks cannot be split into rows; the plain reader then reads the file.
    """
    if fast_only and encoding not in ("utf-8", "utf-8-sig"):
        return None
    size = path.stat().st_size
    whole = size <= len(head)
    text = head.decode(encoding, errors="replace")
    if not whole:
        # Only complete lines: a row cut at the block's end would look like a short row.
        text = text[: max(text.rfind("\n"), text.rfind("\r")) + 1]
    delimiter = detect_delimiter(text)
    try:
        rows, line_starts = _rows_with_lines(text, delimiter)
    except csv.Error:
        return None
    if not rows:
        return None
    start = find_header(rows)
    header = rows[start]
    if not filled(header):
        return None
    if whole:
        footer_rows = rows[start + 1:]
    else:
        try:
            footer_rows = _tail_rows(path, size, delimiter)
        except (csv.Error, OSError):
            return None
    footer = footer_rows[len(footer_rows) - count_footer(footer_rows, filled(header)):]
    if not whole and len(footer) == len(footer_rows):
        return None  # the whole tail looks like a footer: let the plain reader look at every row
    # Bytes of the lines above the header (the BOM included), so Arrow can start at the header.
    prefix = "".join(io.StringIO(text, newline="").readlines()[: line_starts[start]])
    if "\ufffd" in prefix:
        return None  # undecodable bytes above the header: their length in the file is unknown
    offset = len(prefix.encode("utf-8")) + (3 if encoding == "utf-8-sig" else 0) if start else 0
    names = _unique([str(h).strip() if h not in ("", None) else f"column_{i + 1}" for i, h in enumerate(header)])
    return CsvLayout(delimiter=delimiter, header_offset=offset, header_line=line_starts[start] + 1,
                     rows_above=start, names=names, footer=footer)


def _rows_with_lines(text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """The non-empty rows of `text` and, for each, how many physical lines come before it."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True, strict=True)
    rows, starts = [], []
    before = 0
    for row in reader:
        if row:
            rows.append(row)
            starts.append(before)
        before = reader.line_num
    return rows, starts


def _tail_rows(path: Path, size: int, delimiter: str) -> list[list[str]]:
    with path.open("rb") as handle:
        handle.seek(max(0, size - _SNIFF_BYTES))
        tail = handle.read().decode("utf-8", errors="replace")
    # The block starts mid-line: keep only the lines after its first line break.
    cut = min((i for i in (tail.find("\n"), tail.find("\r")) if i >= 0), default=len(tail))
    rows, _ = _rows_with_lines(tail[cut + 1:], delimiter)
    return rows


def _frame_from_rows(path: Path | str, rows: Sequence[Sequence[object]]) -> pd.DataFrame:
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
            raise InputError(f"{path}: rows do not have the same number of columns (row {number} has "
                             f"{len(row)} cells, the header {width}); check the delimiter and quoting of the export")
    body = [list(r[:width]) + [None] * (width - len(r)) for r in body if filled(r)]
    names = [str(h).strip() if h not in ("", None) else f"column_{i + 1}" for i, h in enumerate(header)]
    frame = pd.DataFrame(body, columns=names, dtype=object).replace("", None)
    frame.attrs["skipped_rows"] = start + footer
    frame.attrs["header_row"] = numbers[start]
    return frame


def _frame_from_grid(path: Path | str, rows: Sequence[Sequence[object]]) -> pd.DataFrame:
    """_frame_from_rows for a sheet, whose rows calamine gives all of one width: blank rows are
    found for the whole grid at once instead of with a Python call per row (2.7 s for 200k rows).

    Only the few rows at the top (header) and bottom (footer) go through sniff's row-by-row rules;
    frame, cell types and attrs are _frame_from_rows's (rows of one width are never ragged), and
    any other shape of rows is left to _frame_from_rows itself.
    """
    width = len(rows[0])
    if width == 0 or len(set(map(len, rows))) != 1:
        return _frame_from_rows(path, rows)
    start = find_header(rows)
    header = rows[start]
    body = rows[start + 1:]
    footer = count_footer(body, filled(header))
    body = body[: len(body) - footer]
    if not body:
        return _frame_from_rows(path, rows)
    grid = np.empty((len(body), width), dtype=object)
    grid[:] = body
    cells = grid.reshape(-1)  # a view: writing to it writes to grid
    types = np.fromiter(map(type, cells), dtype=object, count=cells.size)
    is_text = types == str  # noqa: E721 (element-wise, on an array of types)
    text = cells[is_text]
    # sniff.filled's rule: a cell is blank when it is None or text that strips to nothing; numbers,
    # dates and booleans never are. str.isspace is exactly what str.strip() removes.
    empty_text = text == ""
    blank = types == type(None)  # noqa: E721
    blank[is_text] = empty_text | np.fromiter(map(str.isspace, text), dtype=bool, count=text.size)
    keep = ~blank.reshape(grid.shape).all(axis=1)
    empty = np.zeros(cells.size, dtype=bool)
    empty[is_text] = empty_text
    cells[empty] = None  # _frame_from_rows's .replace("", None)
    names = [str(h).strip() if h not in ("", None) else f"column_{i + 1}" for i, h in enumerate(header)]
    frame = pd.DataFrame(grid[keep], columns=names, dtype=object)
    frame.attrs["skipped_rows"] = start + footer
    frame.attrs["header_row"] = start + 1
    return frame


def _size(path: Path) -> str:
    return _human(path.stat().st_size)


def _human(size: int) -> str:
    return f"{size / _MB / 1024:.1f} GB" if size >= 1024 * _MB else f"{size / _MB:.1f} MB"


def _available_memory() -> int | None:
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # not every platform reports it
        return None


def _check_csv_size(path: Path, max_mb: float | None) -> None:
    """Refuse a CSV that would not fit in memory before pandas tries, and say how big it is."""
    size = path.stat().st_size
    if max_mb is not None:
        if size > max_mb * _MB:
            raise InputError(f"{path}: is {_size(path)}, over limits.max_csv_mb ({max_mb:g} MB); export a "
                             "shorter date range (rows since the --from date you report on) or raise the limit")
        return
    available = _available_memory()
    if available is not None and size * _MEMORY_PER_CSV_BYTE > available:
        raise InputError(f"{path}: is {_size(path)}, too big for the {_human(available)} of free "
                         "memory; export a shorter date range (rows since the --from date you report on)")


def _check_xlsx(path: Path | BinaryIO, max_mb: float, where: str | None = None) -> None:
    """Reject protected or corrupt workbooks and zip bombs before calamine inflates anything."""
    if isinstance(path, Path):
        with path.open("rb") as handle:
            magic = handle.read(len(_OLE_MAGIC))
    else:
        magic = path.read(len(_OLE_MAGIC))
        path.seek(0)
    path_name = where or str(path)
    if magic == _OLE_MAGIC:
        raise InputError(f"{path_name}: is password-protected (or an old .xls); remove the password and save "
                         "it as .xlsx")
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise InputError(f"{path_name}: is not a valid .xlsx (corrupt or not a workbook); save it again "
                         "from Excel as .xlsx") from None
    if total > max_mb * _MB:
        raise InputError(f"{path_name}: unpacks to {total / _MB:,.0f} MB, over limits.max_xlsx_uncompressed_mb "
                         f"({max_mb:g} MB); export it as CSV or raise the limit if the file is trusted")


def sheet_names(path: Path) -> list[str]:
    """A workbook's sheets in order; [] for a CSV file."""
    if path.suffix.lower() not in EXCEL_SUFFIXES:
        return []
    from python_calamine import CalamineWorkbook

    try:
        return list(CalamineWorkbook.from_path(str(path)).sheet_names)
    except Exception as exc:  # calamine raises its own error types for every kind of bad zip
        raise InputError(f"{path}: cannot open the workbook ({exc}); is it a valid, unprotected .xlsx?") from None


def _read_excel(path: Path | BinaryIO, sheet: str | int | None, max_mb: float = 500.0,
                where: str | None = None) -> pd.DataFrame:
    from python_calamine import CalamineWorkbook

    _check_xlsx(path, max_mb, where)
    path_name = where or str(path)
    if not isinstance(path, Path):
        path.seek(0)  # the zip check read it
    try:
        workbook = (CalamineWorkbook.from_path(str(path)) if isinstance(path, Path)
                    else CalamineWorkbook.from_filelike(path))
    except Exception as exc:  # calamine raises its own error types for every kind of bad zip
        raise InputError(f"{path_name}: cannot open the workbook ({exc}); is it a valid, unprotected .xlsx?") from None
    names = workbook.sheet_names
    if sheet is None:
        sheet = 0
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise InputError(f"{path_name}: no sheet number {sheet}; it has {len(names)}: {', '.join(names)}")
        sheet = names[sheet]
    if sheet not in names:
        raise InputError(f"{path_name}: no sheet named '{sheet}'; its sheets are: {', '.join(names)}")
    try:
        rows = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=True)
    except Exception as exc:  # calamine's own error types for a broken sheet part
        raise InputError(f"{path_name}: cannot read sheet '{sheet}' ({exc}); save the workbook again") from None
    if not rows:
        raise InputError(f"{path_name}: sheet '{sheet}' is empty")
    return whole_numbers_as_int(_frame_from_grid(path_name, rows))


# Floats from 2**53 up are not all whole numbers typed as such (1e20 is no id anyone typed).
_EXACT_INT = 2.0**53


def whole_numbers_as_int(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` (object columns of sheet cells) with every float cell that holds a whole number
    below 2**53 as a Python int, in place; returns the frame.

    A workbook stores every number as a float, so calamine gives the id typed 12417 as 12417.0, and
    as text (the id, the customer key, every message and export) it would read "12417.0". Amounts,
    scores and Excel date serials read the same from an int; fractions (1.5) stay floats.
    """
    for column in frame.columns:
        values = frame[column].to_numpy(dtype=object)
        floats = np.flatnonzero(np.fromiter(map(type, values), dtype=object, count=len(values)) == float)  # noqa: E721 (element-wise, on an array of types)
        if not len(floats):
            continue
        numbers = values[floats].astype(np.float64)
        whole = np.isfinite(numbers) & (np.trunc(numbers) == numbers) & (np.abs(numbers) < _EXACT_INT)
        if whole.any():
            values = values.copy()
            values[floats[whole]] = [int(n) for n in numbers[whole]]
            frame[column] = values
    return frame


def subtotal_rows(frame: pd.DataFrame, dates: Sequence[str], key: str | None) -> np.ndarray:
    """Rows inside a table that are subtotal or total lines, not data: a cell of the row is a total
    label (sniff.is_total_label, the rule that cuts totals rows off the end of a file), every one
    of the `dates` columns is blank, and the `key` (id) column is blank or the label itself ("Total"
    in the id column). A bool mask over `frame`'s rows (columns starting with "_" are not looked at;
    `dates` and `key` not in the frame are left out of the rule)."""
    candidates = np.ones(len(frame), dtype=bool)
    for name in [d for d in dates if d in frame.columns]:
        # Vectorised: dates are filled on nearly every data row, so few rows are left to look at.
        candidates &= blank_cells(frame[name])
    if key is not None and key in frame.columns:
        if len(candidates) and candidates.all():
            candidates &= blank_cells(frame[key])  # no date to narrow by: a label in the id is not looked for
        else:
            rows = np.flatnonzero(candidates)
            ids = frame[key].iloc[rows].to_numpy(dtype=object)
            candidates[rows] = blank_cells(frame[key].iloc[rows]) | np.fromiter(
                map(is_total_label, ids), dtype=bool, count=len(rows))
    rows = np.flatnonzero(candidates)
    cells = frame.iloc[rows][[c for c in frame.columns if not str(c).startswith("_")]].to_numpy(dtype=object)
    labelled = np.array([any(map(is_total_label, row)) for row in cells], dtype=bool)
    found = np.zeros(len(frame), dtype=bool)
    found[rows[labelled]] = True
    return found
