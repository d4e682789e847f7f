"""The fast readers behind load.py: pyarrow for CSV.

They return the same raw frame the plain pandas reader would (text cells, blank -> missing) but read
only the columns asked for, on every core. Anything pyarrow cannot read the way pandas would (ragged
rows, duplicate headers, a decode error, cells starting with a space) returns None, so load.py falls
back to pandas and keeps its messages.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# Which headers to read: their names (compared after trimming) or a test on the trimmed name.
Usecols = Collection[str] | Callable[[str], bool]


def header_filter(usecols: Usecols | None) -> Callable[[str], bool]:
    if usecols is None:
        return lambda header: True
    if callable(usecols):
        test = usecols
        return lambda header: bool(test(str(header).strip()))
    names = set(usecols)
    return lambda header: str(header).strip() in names

def read_csv_arrow(
    path: Path, delimiter: str, encoding: str, usecols: Usecols | None = None
) -> pd.DataFrame | None:
    """The CSV as text cells via pyarrow, or None when pandas must read it instead."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    arrow_encoding = "utf8" if encoding in {"utf-8", "utf-8-sig"} else encoding
    read = pacsv.ReadOptions(encoding=arrow_encoding, block_size=16 << 20)
    parse = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True)
    try:
        # The header alone, from a small first block.
        small = pacsv.ReadOptions(encoding=arrow_encoding, block_size=1 << 16)
        with pacsv.open_csv(path, read_options=small, parse_options=parse) as head:
            names = head.schema.names
    except (pa.ArrowInvalid, UnicodeDecodeError, LookupError, StopIteration):
        return None
    if len(set(names)) != len(names):
        return None  # pandas renames duplicate headers ("Amount.1"); let it.
    keep = header_filter(usecols)
    wanted = [n for n in names if keep(n)]
    convert = pacsv.ConvertOptions(
        include_columns=wanted,
        column_types={n: pa.string() for n in wanted},
        # Blank cells, quoted or not, are missing, as pandas' na_values=[""] makes them.
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )
    try:
        table = pacsv.read_csv(path, read_options=read, parse_options=parse, convert_options=convert)
    except (pa.ArrowInvalid, UnicodeDecodeError, LookupError):
        return None
    return _to_frame(table)


def _to_frame(table: object) -> pd.DataFrame | None:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    assert isinstance(table, pa.Table)
    columns = {}
    for name in table.column_names:
        column = table.column(name)
        if pc.any(pc.starts_with(column, " ")).as_py():
            # pandas' skipinitialspace drops such spaces unless the cell was quoted, which Arrow
            # no longer tells; pandas reads this file.
            return None
        columns[name] = column.to_pandas()  # pandas 3 maps Arrow strings to its default `str` dtype
    return pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows))
