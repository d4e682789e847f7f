"""Columns that repeat a few values (stages, owners, regions, dates) as pandas categoricals, and work
on them done once per distinct value instead of once per row.

A 5-million-row export has a handful of stages, a few hundred owners and a few thousand dates; kept
as categories they take a code per row instead of a string, filter as integers, and a parser or a
word key runs over the distinct values only. Every helper here gives the same cells as the plain
per-row computation would: only the dtype differs.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import pyarrow as pa

# A column is kept as categories when it has at most this share of distinct values: beyond it the
# codes and the dictionary take more room than the strings, and nothing repeats enough to save work.
MAX_DISTINCT_SHARE = 0.5


def worth_categories(distinct: int, rows: int) -> bool:
    return 0 < distinct <= rows * MAX_DISTINCT_SHARE  # an all-blank column stays as it is


def categorise(frame: pd.DataFrame, columns: Collection[str]) -> None:
    """Turn the text `columns` of `frame` (in place) into categoricals where values repeat enough."""
    for name in columns:
        if name not in frame.columns or isinstance(frame[name].dtype, pd.CategoricalDtype):
            continue
        values = frame[name]
        if values.dtype != object and not isinstance(values.dtype, pd.StringDtype):
            continue
        codes, uniques = pd.factorize(values)
        if worth_categories(len(uniques), len(values)):
            frame[name] = pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=uniques.dtype))


def is_categorical(values: pd.Series) -> bool:
    return isinstance(values.dtype, pd.CategoricalDtype)


def distinct_values(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """A categorical column's distinct values plus one missing value at the end, and each row's
    position in that list: compute on the first, then `spread` the result to the rows."""
    categories = values.cat.categories.array
    codes = values.cat.codes.to_numpy()
    used = np.bincount(codes[codes >= 0], minlength=len(categories)) > 0
    if not used.all():
        # A filtered column keeps every category of the whole one: compute on those its rows use.
        categories = categories[used]
        codes = np.where(codes < 0, -1, np.cumsum(used)[np.maximum(codes, 0)] - 1)
    distinct = pd.Series(categories.take(np.append(np.arange(len(categories)), -1), allow_fill=True))
    return distinct, np.where(codes < 0, len(categories), codes)


def spread(result: pd.Series, positions: np.ndarray, index: pd.Index) -> pd.Series:
    """Per-distinct-value results as one value per row."""
    return result.take(positions).set_axis(index)


def per_value(values: pd.Series, compute: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """compute(values), run once per distinct value when the column is categorical.

    `compute` must treat each cell on its own or decide from the set of values alone (never their
    counts), which holds for every parser and key function in this package.
    """
    if not is_categorical(values):
        return compute(values)
    distinct, positions = distinct_values(values)
    return spread(compute(distinct), positions, values.index)


def recode(values: pd.Series, compute: Callable[[pd.Series], pd.Series], text: bool = True) -> pd.Series:
    """compute(values), run once per distinct value when the column is categorical, giving a
    categorical again. For text results (`text`) the categories are in sorted order, so that sorting
    and grouping order the rows as the text would; other results keep them in order of appearance.
    The same rule as per_value applies to `compute`."""
    if not is_categorical(values):
        return compute(values)
    distinct, positions = distinct_values(values)
    result = compute(distinct)
    if text:
        result = result.astype("string")
        categories = pd.Index(result.dropna().unique(), dtype="string").sort_values()
        codes = categories.get_indexer(result)
    else:
        codes, categories = pd.factorize(result)
    return pd.Series(pd.Categorical.from_codes(codes[positions], categories=categories), index=values.index)


def arrow_text(values: pd.Series) -> pa.ChunkedArray | None:
    """The Arrow data of a text column that pandas keeps in Arrow (the default `str`, `string`,
    `string[pyarrow]`), the same buffers and no copy; None for any other column."""
    dtype = values.dtype
    if isinstance(dtype, pd.StringDtype):
        arrow = dtype.storage == "pyarrow"
    elif isinstance(dtype, pd.ArrowDtype):
        import pyarrow as pa

        arrow = pa.types.is_string(dtype.pyarrow_dtype) or pa.types.is_large_string(dtype.pyarrow_dtype)
    else:
        return None
    # Checked by dtype first: Python-backed strings also offer __arrow_array__, but build a copy.
    return values.array.__arrow_array__() if arrow else None


def stripped_text(values: pd.Series) -> pd.Series:
    """Text cells with surrounding space removed (string, or categorical for a categorical column)."""
    data = arrow_text(values)
    if data is not None and not _space_around(data):
        return values.astype("string")  # the same Arrow data: no copy of millions of ids
    return recode(values, lambda cells: cells.astype("string").str.strip())


def _space_around(data: object) -> bool:
    """Whether any Arrow text cell starts or ends with a space (as utf8_trim_whitespace sees one)."""
    import pyarrow.compute as pc

    return any(pc.any(pc.utf8_is_space(pc.utf8_slice_codeunits(data, start, stop))).as_py()
               for start, stop in ((0, 1), (-1, None)))


def blank_cells(values: pd.Series) -> np.ndarray:
    """Rows whose cell is missing or only spaces."""
    data = arrow_text(values)
    if data is not None:
        # Arrow text: tested in place, without the stripped copy of every cell; utf8_is_space knows
        # the same spaces as utf8_trim_whitespace, which pandas' .str.strip() calls here.
        import pyarrow.compute as pc

        spaces = pc.or_kleene(pc.equal(pc.utf8_length(data), 0), pc.utf8_is_space(data))
        return np.asarray(pc.fill_null(spaces, True), dtype=bool)

    def blank(cells: pd.Series) -> pd.Series:
        text = cells.astype("string").str.strip()
        return pd.Series(cells.isna().to_numpy() | (text == "").fillna(True).to_numpy(dtype=bool),
                         index=cells.index)

    return per_value(values, blank).to_numpy(dtype=bool)


def concat_rows(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Frames one under the other; a column that is categorical in every frame stays categorical
    (pd.concat turns categoricals with different categories into plain objects)."""
    if len(frames) == 1:
        return frames[0]
    from pandas.api.types import union_categoricals

    names = list(dict.fromkeys(name for frame in frames for name in frame.columns))
    merged = {}
    for name in names:
        parts = [frame[name] for frame in frames if name in frame.columns]
        if len(parts) == len(frames) and all(is_categorical(p) for p in parts):
            try:
                merged[name] = union_categoricals([p.array for p in parts])
            except TypeError:  # categories of different types (text in one file, dates in another)
                pass
    rest = [frame.drop(columns=list(merged)).astype({n: object for n in frame.columns
                                                    if n not in merged and is_categorical(frame[n])})
            for frame in frames]
    combined = pd.concat(rest, ignore_index=True)
    for name, values in merged.items():
        combined[name] = values
    return combined[names]
