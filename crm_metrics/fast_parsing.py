"""Vectorised fast paths for parsing.py, in Arrow: plain ISO dates and plain numbers.

Each one takes only the cells whose result it can prove equal to the flexible parser's (a date is
accepted only if formatting it back gives the very same text) and leaves the rest, so parsing.py
stays the single definition of what a cell means.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# (text length, strptime format): the layouts CRMs and spreadsheets write most, unpadded variants
# and fractions of a second go to the flexible parser.
_ISO_LAYOUTS = ((10, "%Y-%m-%d"), (19, "%Y-%m-%d %H:%M:%S"), (19, "%Y-%m-%dT%H:%M:%S"))
# Years the flexible parser turns into the same nanosecond timestamp without overflow.
_YEARS = (1700, 2200)
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
    lengths = pc.utf8_length(text)
    out: pa.Array | None = None
    for length, layout in _ISO_LAYOUTS:
        fits = pc.fill_null(pc.equal(lengths, length), False)
        if not pc.any(fits).as_py():
            continue
        candidate = pc.if_else(fits, text, pa.scalar(None, text.type))
        stamps = pc.strptime(candidate, format=layout, unit="s", error_is_null=True)
        # strptime rolls 2025-02-30 over to March; the round trip rejects that and any stray text.
        exact = pc.equal(pc.strftime(stamps, format=layout), candidate)
        years = pc.year(stamps)
        exact = pc.and_(exact, pc.and_(pc.greater_equal(years, _YEARS[0]), pc.less_equal(years, _YEARS[1])))
        stamps = pc.if_else(pc.fill_null(exact, False), stamps, pa.scalar(None, stamps.type))
        out = stamps if out is None else pc.coalesce(out, stamps)
    if out is None:
        return None
    taken = pc.is_valid(out).to_numpy(zero_copy_only=False)
    if not taken.any():
        return None
    stamps_ns = pc.cast(out, pa.timestamp("ns")).to_numpy(zero_copy_only=False).astype("datetime64[ns]")
    return (pd.Series(stamps_ns, index=values.index, dtype="datetime64[ns]"),
            pd.Series(np.asarray(taken, dtype=bool), index=values.index))


def plain_numbers(values: pd.Series) -> pd.Series | None:
    """Float64 values when every non-blank cell is a plain number (-1234.5); else None."""
    text = _trimmed(values)
    text = pc.if_else(pc.equal(pc.utf8_length(text), 0), pa.scalar(None, text.type), text)
    if not pc.all(pc.match_substring_regex(text, _PLAIN_NUMBER)).as_py():
        return None  # pc.all skips nulls: blank cells stay missing
    numbers = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
    return pd.Series(np.asarray(numbers, dtype="float64"), index=values.index)
