"""What cleaning finds wrong in the data, recorded while the raw cells are still at hand.

A SourceCheck collects, for one table, the rows read, the columns found, the blank cells per column
and the Problems: each a count and up to MAX_EXAMPLES examples (file, row, raw value), where a
file's header is row 1 and its first data row is row 2. `crm-metrics validate` renders these; the
report's footer and --strict read the very same objects (checks.check_tables).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

MAX_EXAMPLES = 5


@dataclass
class Problem:
    """One kind of problem in one source: what, how many rows, and a few examples."""

    table: str
    check: str  # a stable id: missing_column, unparseable, duplicate_exact, ...
    count: int
    message: str
    examples: list[tuple[str, int, str]] = field(default_factory=list)  # (file, row, value)


def file_rows(raw: pd.DataFrame) -> np.ndarray:
    """Each row's number in its file (int32; the header is row 1, so the first data row is 2): the
    `_row` column of a frame with rows left out (checks.leave_out_subtotals), else counted."""
    if "_row" in raw.columns:
        return raw["_row"].to_numpy(dtype=np.int32)
    return np.arange(2, len(raw) + 2, dtype=np.int32)


@dataclass
class FileRows:
    """Where the rows of a table's frame come from: the files one under the other (file i holds
    rows starts[i] up to starts[i + 1]), each with its mapped raw frame (canonical column names,
    cells as read, and `_row`, the file row, when rows were left out) for showing a problem's raw
    value."""

    files: list[str]
    raws: list[pd.DataFrame]

    @property
    def starts(self) -> np.ndarray:
        return np.cumsum([0] + [len(raw) for raw in self.raws])

    def examples(self, positions: np.ndarray, column: str | None) -> list[tuple[str, int, str]]:
        """(file, row in the file, raw cell of `column` or "") for each position of the frame."""
        starts = self.starts
        found = []
        for position in positions:
            part = int(np.searchsorted(starts, position, side="right")) - 1
            local = int(position - starts[part])
            raw = self.raws[part]
            value = _show(raw[column].iloc[local]) if column is not None and column in raw.columns else ""
            # A frame with rows left out (checks.leave_out_subtotals) carries each row's file row.
            row = int(raw["_row"].iloc[local]) if "_row" in raw.columns else local + 2
            found.append((self.files[part], row, value))
        return found

    def cells(self, positions: np.ndarray) -> pd.DataFrame:
        """The raw mapped cells (no `_` helper columns) of the rows at `positions`, as text with ""
        for a missing cell or a column another file has and this one has not."""
        starts = self.starts
        parts = []
        for part, raw in enumerate(self.raws):
            local = positions[(positions >= starts[part]) & (positions < starts[part + 1])] - starts[part]
            if len(local):
                parts.append(raw.iloc[local][[c for c in raw.columns if not str(c).startswith("_")]]
                             .astype("string"))
        return pd.concat(parts, ignore_index=True).fillna("")


@dataclass
class SourceCheck:
    """Everything cleaning and checking found in one table, summed over its files."""

    table: str
    files: list[str]
    rows: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # canonical field -> export header
    blanks: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Files with a header row and no data rows (no tickets this month): an empty part of the table,
    # not an error (metrics.md, top section); the report and validate name them.
    empty_files: list[str] = field(default_factory=list)
    # Files joined onto the table (sources.<table>.join) that have a header row and no data rows.
    empty_joined: list[str] = field(default_factory=list)

    def add(self, check: str, mask: object, message: str, rows: FileRows, column: str | None) -> None:
        """Record a problem for the rows where `mask` is true, showing `column`'s raw value; the
        same problem found in another file of the table adds to the first one's count."""
        flags = (np.asarray(mask, dtype=bool) if isinstance(mask, np.ndarray)
                 else pd.Series(mask).fillna(False).to_numpy(dtype=bool))
        count = int(flags.sum())
        if not count:
            return
        # Positions first: filtering every column of a million-row frame for five examples is slow.
        examples = rows.examples(np.flatnonzero(flags)[:MAX_EXAMPLES], column)
        for problem in self.problems:
            if (problem.check, problem.message) == (check, message):
                problem.count += count
                problem.examples = (problem.examples + examples)[:MAX_EXAMPLES]
                return
        self.problems.append(Problem(self.table, check, count, message, examples))

    def count_blanks(self, name: str, count: int) -> None:
        self.blanks[name] = self.blanks.get(name, 0) + count


def _show(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."
