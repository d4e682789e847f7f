"""Vectorised fast paths for parsing.py: plain ISO dates and plain numbers in text (in Arrow), and
the datetime and number objects of an xlsx column (by type).

Each one takes only the cells whose result it can prove equal to the flexible parser's (the same
pandas call on the same text, without the per-row classification) and leaves the rest, so parsing.py
stays the single definition of what a cell means.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import repeat
from typing import Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crm_metrics.clean.categoricals import arrow_text

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


# Cells of an object column (an xlsx sheet) sorted by their Python type, one dict lookup per cell.
# The flexible date parser takes a cell as a datetime when isinstance(v, (pd.Timestamp,
# np.datetime64)) or hasattr(v, "isoformat"): the _DATE types answer yes, the other listed types no,
# and a cell of any type not listed (_OTHER) is asked that question itself.
_OTHER, _NONE, _FLOAT, _INT, _PLAIN, _DATE = range(6)
_KINDS: dict[type, int] = {type(None): _NONE, type(pd.NA): _NONE, float: _FLOAT, int: _INT, str: _PLAIN,
                           bool: _PLAIN, **dict.fromkeys((dt.datetime, dt.date, dt.time, pd.Timestamp,
                                                         type(pd.NaT), np.datetime64), _DATE)}
# The flexible amount parser's last test; int and float cells reach it as their str(), unchanged.
_AMOUNT_RE = r"[-+]?(\d+\.?\d*|\.\d+)"
# Above this an int's text has more digits than pandas' text-to-number conversion is sure to read
# the same alone as among other cells (it reads an all-int column as ints, a mixed one as floats).
_EXACT_INT = 10**15


class _Parsed(Protocol):
    @property
    def values(self) -> pd.Series: ...

    @property
    def bad_mask(self) -> pd.Series: ...


def _kinds(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The cells of an object column and, for each, its _KINDS code; float NaN counts as _NONE."""
    cells = values.to_numpy(dtype=object)
    kinds = np.fromiter(map(_KINDS.get, map(type, cells), repeat(_OTHER)), dtype=np.int8, count=len(cells))
    floats = kinds == _FLOAT
    kinds[floats & np.isnan(np.where(floats, cells, 0.0).astype("float64"))] = _NONE
    return cells, kinds


def datetime_cells(values: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """(the cells the flexible parser converts as datetime objects, the missing cells) of an object
    column, or None when it has no datetime object (then nothing is gained)."""
    cells, kinds = _kinds(values)
    typed = kinds == _DATE
    if not typed.any():
        return None
    other = kinds == _OTHER
    if other.any():
        typed[other] = [isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "isoformat") for v in cells[other]]
    return typed, kinds == _NONE


def number_cells(values: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """(int and float cells, missing cells) of an object column, or None when it has no number or
    when its other cells could make the flexible parser read the numbers differently than alone:
    a comma in any of them can make the column decimal-comma, and long digit runs change how
    pandas converts the column's texts."""
    cells, kinds = _kinds(values)
    numbers = (kinds == _FLOAT) | (kinds == _INT)
    if not numbers.any():
        return None
    missing = kinds == _NONE
    rest = ~numbers & ~missing
    if rest.any():
        ints = cells[kinds == _INT]
        if len(ints) and np.abs(ints).max() >= _EXACT_INT:
            return None
        text = pa.array(values[rest].astype("string").array)
        if pc.any(pc.match_substring_regex(text, r",|(\d\D*){16}")).as_py():
            return None
    return numbers, missing


def numbers_as_amounts(values: pd.Series) -> pd.Series:
    """What the flexible amount parser makes of int and float cells: their text is plain already
    (no separator, symbol or sign to read), so only its last steps apply, on the same text."""
    text = values.astype("string")
    valid = text.str.fullmatch(_AMOUNT_RE).fillna(False).to_numpy(dtype=bool)
    out = pd.to_numeric(text.where(valid), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    return pd.Series(np.where(np.isfinite(out), out, np.nan), index=values.index)


def typed_and_rest(values: pd.Series, typed: np.ndarray, missing: np.ndarray,
                   convert: Callable[[pd.Series], pd.Series], flexible: Callable[[pd.Series], _Parsed],
                   dtype: str) -> tuple[pd.Series, pd.Series]:
    """(values, bad mask): the typed cells converted in one call, exactly as the flexible parser
    converts them, missing cells empty and not bad, and only the other cells through `flexible`."""
    out = pd.Series(None, index=values.index, dtype=dtype)
    bad = np.zeros(len(values), dtype=bool)
    if typed.any():
        converted = convert(values[typed])
        out[typed] = converted.to_numpy()
        bad[typed] = converted.isna().to_numpy() & ~values[typed].isna().to_numpy()
    rest = ~typed & ~missing
    if rest.any():
        slow = flexible(values[rest])
        out[rest] = slow.values.to_numpy()
        bad[rest] = slow.bad_mask.to_numpy(dtype=bool)
    return out, pd.Series(bad, index=values.index)


def all_distinct(values: pd.Series) -> bool:
    """True when the column's cells (missing ones aside) are provably all different; False when
    they are not, or when this cannot tell (long or non-ASCII text, not Arrow text) and a hash of
    the text must decide. Ids of up to 16 ASCII characters, as most CRMs write them, are padded
    to 16 bytes, read as two integers, mixed into one and sorted: different integers can only come
    from different ids, and sorting integers is several times quicker than hashing strings."""
    data = arrow_text(values)
    if data is None:
        return False
    text = pc.drop_null(data)
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    if len(text) < 2:
        return True
    if pc.max(pc.binary_length(text)).as_py() > 16 or not pc.all(pc.string_is_ascii(text)).as_py():
        return False
    fixed = pc.utf8_rpad(text, width=16, padding="\0").cast(pa.binary()).cast(pa.binary(16))
    words = np.frombuffer(fixed.buffers()[1], dtype=np.uint64, count=2 * len(fixed),
                          offset=16 * fixed.offset).reshape(-1, 2)
    mixed = np.sort(words[:, 0] ^ (words[:, 1] * np.uint64(0x9E3779B97F4A7C15)))
    return not bool((mixed[1:] == mixed[:-1]).any())
