"""Vectorised fast paths for parsing.py, in Arrow: plain ISO dates and plain numbers.

Each one takes only the cells whose result it can prove equal to the flexible parser's (the same
pandas call on the same text, without the per-row classification) and leaves the rest, so parsing.py
stays the single definition of what a cell means.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Plain ISO dates and timestamps, years 1700-2199 (no overflow in nanoseconds): the flexible parser
# sends exactly these cells, unchanged but for T -> space, through pd.to_datetime(format="ISO8601").
_PLAIN_ISO = r"^(1[7-9]|2[01])[0-9]{2}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}:[0-9]{2})?$"
_PLAIN_NUMBER = r"^-?[0-9]+(\.[0-9]+)?$"


def _trimmed(values: pd.Series) -> pa.Array:
    array = pa.array(values.array)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return pc.utf8_trim_whitespace(array)


def any_match(values: pd.Series, pattern: str) -> bool:
    return bool(pc.any(pc.match_substring_regex(pa.array(values.array), pattern)).as_py())


def iso_dates(values: pd.Series) -> tuple[pd.Series, pd.Series] | None:
    """(datetime64[ns] values, mask of rows taken) for cells in a plain ISO layout; None if no cell is."""
    text = _trimmed(values)
    plain = pc.fill_null(pc.match_substring_regex(text, _PLAIN_ISO), False).to_numpy(zero_copy_only=False)
    if not plain.any():
        return None
    cells = text.filter(pa.array(plain))
    try:
        # Arrow's ISO cast rejects the whole lot if one cell is not a real date (2025-02-30) ...
        stamps = pc.cast(cells, pa.timestamp("s")).to_numpy(zero_copy_only=False).astype("datetime64[ns]")
    except pa.ArrowInvalid:
        # ... and then pandas, the flexible parser's own call, sorts the good cells from the bad.
        stamps = pd.to_datetime(pd.Series(cells.to_pandas(), dtype="str"), format="ISO8601",
                                errors="coerce").astype("datetime64[ns]").to_numpy()
    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[ns]")
    out[plain] = stamps
    taken = plain.copy()
    taken[plain] = ~np.isnat(stamps)  # 2025-02-30 and the like go to the flexible parser
    return (pd.Series(out, index=values.index, dtype="datetime64[ns]"),
            pd.Series(taken, index=values.index))


def plain_numbers(values: pd.Series) -> pd.Series | None:
    """Float64 values when every non-blank cell is a plain number (-1234.5); else None."""
    text = _trimmed(values)
    text = pc.if_else(pc.equal(pc.utf8_length(text), 0), pa.scalar(None, text.type), text)
    if not pc.all(pc.match_substring_regex(text, _PLAIN_NUMBER)).as_py():
        return None  # pc.all skips nulls: blank cells stay missing
    numbers = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
    return pd.Series(np.asarray(numbers, dtype="float64"), index=values.index)
