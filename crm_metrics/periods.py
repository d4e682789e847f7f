"""Reporting periods: month, quarter or year, with a fiscal year that may start in any month.

Periods are numbered by an integer ordinal (months, quarters or years since year 0, counted from the
fiscal year start) so that bucketing a whole column is integer arithmetic on year and month, and the
pandas fiscal-period pitfalls (QuarterEnd startingMonth, Q-MAR qyear) are avoided entirely.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    @property
    def months(self) -> int:
        match self:
            case PeriodKind.MONTH:
                return 1
            case PeriodKind.QUARTER:
                return 3
            case PeriodKind.YEAR:
                return 12


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    ordinal: int
    start: date
    end: date  # last day, inclusive
    label: str


@dataclass(frozen=True)
class Calendar:
    """How dates map to periods: the period length and the fiscal year's first month."""

    kind: PeriodKind
    fiscal_year_start: int = 1

    def _shifted_month(self, year: int, month: int) -> int:
        return year * 12 + (month - 1) - (self.fiscal_year_start - 1)

    def ordinal_of(self, day: date) -> int:
        return self._shifted_month(day.year, day.month) // self.kind.months

    def period(self, ordinal: int) -> Period:
        first_shifted = ordinal * self.kind.months
        absolute = first_shifted + (self.fiscal_year_start - 1)
        start = date(absolute // 12, absolute % 12 + 1, 1)
        last_absolute = absolute + self.kind.months - 1
        last_year, last_month = last_absolute // 12, last_absolute % 12 + 1
        end = date(last_year, last_month, calendar.monthrange(last_year, last_month)[1])
        return Period(self.kind, ordinal, start, end, self._label(ordinal, start))

    def _label(self, ordinal: int, start: date) -> str:
        fiscal = self.fiscal_year_start != 1
        shifted = ordinal * self.kind.months
        # A fiscal year is named after the calendar year in which it ends.
        year = shifted // 12 + (1 if fiscal else 0)
        prefix = f"FY{year}" if fiscal else f"{year}"
        match self.kind:
            case PeriodKind.MONTH:
                return f"{start.year}-{start.month:02d}"
            case PeriodKind.QUARTER:
                return f"{prefix}-Q{(shifted % 12) // 3 + 1}"
            case PeriodKind.YEAR:
                return prefix

    def periods_between(self, first: date, last: date) -> list[Period]:
        """Every period from the one holding `first` to the one holding `last`, empty ones too."""
        lo, hi = self.ordinal_of(first), self.ordinal_of(last)
        return [self.period(o) for o in range(lo, hi + 1)]

    def default_periods(self, today: date, count: int = 4) -> list[Period]:
        """The last `count` complete periods plus the current one to date."""
        current = self.ordinal_of(today)
        return [self.period(o) for o in range(current - count, current + 1)]

    def ordinals(self, dates: pd.Series) -> pd.Series:
        """Vectorised ordinal_of for a datetime column; NaT gives <NA>."""
        shifted = dates.dt.year * 12 + (dates.dt.month - 1) - (self.fiscal_year_start - 1)
        return (shifted // self.kind.months).astype("Int64")
