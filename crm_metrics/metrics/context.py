"""What a metric's compute function gets: the normalised tables, the periods, the config, and the
derived views several metrics share (period ordinals per date column, the customer ledger), each
computed once per run.

A --by group's context (breakdown.py) holds the group's rows of every table, but facts about a
customer or about the whole export are decided on the unsplit data: it keeps the unsplit context
as `whole` and sees only its members' rows of the whole-data ledger.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from crm_metrics.config.model import Config
from crm_metrics.metrics.registry import Cell, PeriodCells
from crm_metrics.periods import Calendar, Period
from crm_metrics.wording import plural

if TYPE_CHECKING:
    from crm_metrics.business_hours import BusinessHours

_T = TypeVar("_T")


@dataclass
class MetricContext:
    config: Config
    calendar: Calendar
    periods: list[Period]
    tables: dict[str, pd.DataFrame]
    # Set on a breakdown group's context: the unsplit context, and the keys of the customers the
    # group holds (ledger.group_values); None where the split field says nothing about customers.
    split_from: MetricContext | None = field(default=None, repr=False)
    members: pd.Index | None = field(default=None, repr=False)
    # The run's today (RunOptions.today): the current period counts its days through it
    # (calls_per_day). None: the machine's date.
    today: date | None = None
    _ordinals: dict[tuple[str, str], pd.Series] = field(default_factory=dict, repr=False)
    _selections: dict[tuple[object, ...], object] = field(default_factory=dict, repr=False)

    @property
    def whole(self) -> MetricContext:
        """The unsplit run's context: itself, unless this is a --by group's."""
        return self.split_from or self

    def has(self, table: str) -> bool:
        return table in self.tables

    def table(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def ordinals_shown(self) -> list[int]:
        return [p.ordinal for p in self.periods]

    def ordinal(self, table: str, column: str) -> pd.Series:
        """The period ordinal of each row's date in `column` (<NA> where the date is missing)."""
        key = (table, column)
        if key not in self._ordinals:
            self._ordinals[key] = self.calendar.ordinals(self.tables[table][column])
        return self._ordinals[key]

    def selection(self, key: tuple[object, ...], select: Callable[[], _T]) -> _T:
        """select(), once per run for `key`: several metrics filter the same rows (closed new and
        expansion deals for close rate and both sales cycles), and on millions of deals copying
        them is the costly part. Callers must not change what they get."""
        if key not in self._selections:
            self._selections[key] = select()
        return self._selections[key]  # type: ignore[return-value]

    def in_periods(self, table: str, column: str) -> npt.NDArray[np.bool_]:
        """Mask of rows whose `column` date falls in one of the periods shown."""
        return self.ordinal(table, column).isin(self.ordinals_shown).fillna(False).to_numpy(dtype=bool)

    # --- building cells -------------------------------------------------------------------------

    def per_period(self, values: pd.Series, empty: float | None = 0.0, note: str = "") -> PeriodCells:
        """Cells from a Series indexed by ordinal; periods it lacks get `empty` (or n/a with note)."""
        cells: PeriodCells = {}
        for ordinal in self.ordinals_shown:
            value = values.get(ordinal)
            if value is None or pd.isna(value):
                cells[ordinal] = Cell(empty) if empty is not None else Cell.na(note)
            else:
                cells[ordinal] = Cell(float(value))
        return cells

    def left_out(self, cells: PeriodCells, ordinals: pd.Series, unreadable: pd.Series, rows: str,
                 field: str) -> PeriodCells:
        """`cells` (computed from the readable rows only) with the rows left out said: a period whose
        rows of this selection (bucketed by `ordinals`) are all `unreadable` (a bool mask aligned
        with `ordinals`) is n/a "all 3 spend rows unreadable (amount)", never the 0 an empty sum
        gives; one with some unreadable keeps its value and says "2 of 9 spend rows unreadable
        (amount), left out". Periods with no rows keep their cell. metrics.md, top section."""
        bad = unreadable.to_numpy(dtype=bool)
        if not bad.any():
            return cells
        total = ordinals.value_counts()
        missing = ordinals[bad].value_counts()
        result = dict(cells)
        for ordinal in self.ordinals_shown:
            count, lost = int(total.get(ordinal, 0)), int(missing.get(ordinal, 0))
            if not lost:
                continue
            if lost == count:
                every = f"all {count} {rows}" if count > 1 else f"the one {rows.removesuffix('s')}"
                result[ordinal] = Cell.na(f"{every} unreadable ({field})")
                continue
            cell = cells[ordinal]
            said = f"{lost} of {count} {rows} unreadable ({field}), left out"
            note = said if not cell.note else f"{cell.note}; {said}"
            result[ordinal] = Cell(cell.value, note) if cell.value is not None else cell
        return result

    def summed(self, amounts: pd.Series, ordinals: pd.Series, rows: str, field: str = "amount",
               empty: float | None = 0.0, note: str = "") -> PeriodCells:
        """The sum of `amounts` per period ordinal (`ordinals`, aligned): NaN amounts are left out
        and said (left_out); a period with no rows gets `empty` (0.0: no deal won is $0 won) or
        n/a with `note`."""
        readable = amounts.notna().to_numpy(dtype=bool)
        sums = amounts[readable].groupby(ordinals[readable]).sum()
        cells = self.per_period(sums, empty, note)
        return self.left_out(cells, ordinals, amounts.isna(), rows, field)

    def said_backwards(self, cells: PeriodCells, backwards: pd.Series, one: str, many: str,
                       event: str) -> PeriodCells:
        """`cells` with the rows left out for ending before they began said on their period
        (`backwards`: period ordinal -> count), e.g. "2 won deals closed before they were created left
        out" (metrics.md section 1: a negative duration is left out and counted). The note replaces
        an empty period's own ("no deals won" would be false: one was, backwards)."""
        result = dict(cells)
        for ordinal, count in backwards.items():
            if ordinal in result:
                count = int(count)
                subject = "it was" if count == 1 else "they were"
                note = f"{plural(count, one, many)} {event} before {subject} created left out"
                result[ordinal] = Cell(result[ordinal].value, note)
        return result

    def dated(self, table: str, column: str, rows: pd.Series | npt.NDArray[np.bool_], what: str) -> str | None:
        """None when some of the `rows` (a mask over the table) have a `column` date; else the reason
        the metrics that bucket them by it are n/a: with none dated, every period would read "none
        in this period", a 0 with no evidence behind it (metrics.md, top section)."""
        frame = self.tables[table]
        selected = np.asarray(rows, dtype=bool)
        if not selected.any():
            return None
        # A mask over the whole column, not a filtered copy of a million dates.
        if column in frame.columns and (frame[column].notna().to_numpy(dtype=bool) & selected).any():
            return None
        return f"no {what} has a {table}.{column} date (column not found or unreadable)"

    def na(self, reason: str) -> PeriodCells:
        """Every period shown as n/a with `reason` ("needs tickets.resolved_at"): the metric cannot be
        computed from this data at all (metrics.md: n/a with the reason, never 0)."""
        return {ordinal: Cell.na(reason) for ordinal in self.ordinals_shown}

    def ratio(self, numerator: pd.Series, denominator: pd.Series, zero_note: str) -> PeriodCells:
        cells: PeriodCells = {}
        for ordinal in self.ordinals_shown:
            den = float(denominator.get(ordinal, 0) or 0)
            num = float(numerator.get(ordinal, 0) or 0)
            cells[ordinal] = Cell(num / den) if den else Cell.na(zero_note)
        return cells

    @cached_property
    def business_hours(self) -> BusinessHours | None:
        """The config's business-hours calendar, built once per run: it may read a holidays file,
        and every support-time metric asks for it."""
        from crm_metrics.business_hours import from_config

        return from_config(self.config)

    # --- the customer ledger --------------------------------------------------------------------

    @cached_property
    def customers(self) -> pd.DataFrame:
        """One row per customer key: acquired_at, churned_at, source, first_amount, first_new_deal
        (ledger.customer_ledger gives the dtypes and rules).

        acquired_at is the customers table's date, else the close date of the first won deal of
        type new. A customer whose won deals are all renewals or expansions has none, and the
        contract counts it neither as new nor as active; the report says how many there are.
        In a --by group: the rows of the whole data's ledger for the group's members, so a customer
        is new, churned and first-dealt once, in one group (metrics.md section 3, "Breakdowns").
        """
        if self.split_from is not None and self.members is not None:
            ledger = self.split_from.customers
            return ledger[ledger.index.isin(self.members)]
        from crm_metrics.metrics.ledger import customer_ledger

        return customer_ledger(self.tables.get("deals"), self.tables.get("customers"))

    def customer_date_missing(self, column: str) -> bool:
        """No deals, and a customers table without `column` (IBM Telco's churn export has no dates at
        all): the ledger would read "nobody acquired / nobody churned", a wrong 0, not a fact."""
        customers = self.tables.get("customers")
        return not self.has("deals") and customers is not None and column not in customers.columns

    def no_churn_source(self) -> str | None:
        """The reason churn cannot be measured, or None: churn needs a churn source in the whole data,
        a mapped customers.churned_at or at least one renewal deal (whose loss is a churn). Without
        one, "nobody churned" is no evidence, and churn is "no churn data", not 0 % (metrics.md,
        top section)."""
        whole = self.whole
        customers = whole.tables.get("customers")
        if customers is not None and "churned_at" in customers.columns:
            unreadable = self.unreadable_everywhere("customers", "churned_at", "customer")
            return None if unreadable is None else f"no churn data: {unreadable}"
        deals = whole.tables.get("deals")
        if deals is not None and bool((deals["deal_type"] == "renewal").any()):
            return None
        return ("no churn data: no customers.churned_at mapped and no renewal deal in the deals "
                "(map churned_at, or the renewal deal type under deal_types)")

    # --- facts the data may not carry at all (metrics.md, top section) -----------------------------
    # Each returns the reason the metrics that need the fact are n/a in every period, or None when
    # the whole data carries it. Decided on the whole data, so a --by group with none of its own
    # rows says 0 where the total could be counted.

    def undated_closed(self, types: tuple[str, ...], outcomes: tuple[str, ...] = ("won",)) -> str | None:
        """None when some deal of `types` with an outcome in `outcomes` has a close date, or when
        there is no such deal (then "none in P" is a true 0); else the reason: every such deal
        would fall in no period, and each period read "none closed", a 0 with no evidence."""
        whole = self.whole
        if not whole.has("deals"):
            return None

        def decide() -> str | None:
            deals = whole.table("deals")
            rows = deals["outcome"].isin(outcomes) & deals["deal_type"].isin(types)
            kind = "" if len(types) > 1 else f"{types[0]} "
            what = f"{'closed' if len(outcomes) > 1 else outcomes[0]} {kind}deal"
            return whole.dated("deals", "closed_at", rows.to_numpy(dtype=bool), what)

        # A dozen metrics ask the same question of millions of deals: answered once per run.
        return whole.selection(("undated closed", types, outcomes), decide)

    def undated_table(self, table: str, column: str, what: str) -> PeriodCells | None:
        """n/a cells when no row of `table` in the whole data has a `column` date (every date
        unreadable): each period would count 0 events it cannot see. None when some row has one,
        or the table has no rows (an empty export: counts 0, metrics.md top section)."""
        whole = self.whole
        frame = whole.tables.get(table)
        if frame is None:
            return None
        reason = whole.dated(table, column, np.ones(len(frame), dtype=bool), what)
        return None if reason is None else self.na(reason)

    def unreadable_everywhere(self, table: str, column: str, what: str) -> str | None:
        """The reason, when `table`.`column` is mapped, no row of the whole data has a readable value
        and some of its cells could not be read (normalise keeps that mask for KEEP_UNREADABLE
        fields): "none resolved / converted / churned" would be a 0 read from a column the tool
        could not read. None otherwise: a column blank on every row is a fact (no ticket resolved
        yet), and counts 0."""
        from crm_metrics.clean.normalise import UNREADABLE

        frame = self.whole.tables.get(table)
        mask = UNREADABLE + column
        if frame is None or column not in frame or mask not in frame or frame[column].notna().any():
            return None
        count = int(frame[mask].sum())
        return f"no {what} has a readable {table}.{column} ({count:,} unreadable)" if count else None

    def no_acquisition_date(self) -> str | None:
        """The reason no customer can be placed in time, or None. The acquisition date is
        customers.acquired_at, else the close date of the first won new deal (metrics.md section 3,
        new_customers): without either, "nobody acquired in P" and "nobody active" are no facts."""
        customers = self.whole.tables.get("customers")
        if customers is not None and "acquired_at" in customers.columns:
            # An empty export counts 0 (metrics.md top section).
            if not len(customers) or customers["acquired_at"].notna().any():
                return None
            if not self.whole.has("deals"):
                return "no customer has a customers.acquired_at date (every one unreadable)"
        if not self.whole.has("deals"):
            return "no acquisition date: map customers.acquired_at or add a deals export"
        return self.undated_closed(("new",))

    def no_deal_types(self) -> str | None:
        """The reason renewals and expansions cannot be seen, or None: every deal of the whole data
        reads as new (no deals.deal_type mapped, or none says renewal or expansion), so "no
        expansion won" would be a 0 read from a missing column (metrics.md section 1: a missing
        deal_type means new)."""
        deals = self.whole.tables.get("deals")
        if deals is None or not len(deals) or bool((deals["deal_type"] != "new").any()):
            return None
        return ("no deal types: every deal reads as new (map deals.deal_type, with the words for renewal "
                "and expansion under deal_types)")

    def no_customer_source(self) -> str | None:
        """The reason a customer's source is unknown for every customer, or None: no source on the
        customers table nor on any first won deal (metrics.md section 3, marketing_sourced_pct), so
        "not from marketing / not a referral" would be read from a missing column."""
        ledger = self.whole.customers
        # Nobody acquired at all (an empty export): 0 referral customers is a fact.
        if ledger["source"].notna().any() or not ledger["acquired_at"].notna().any():
            return None
        return "no customer source: map deals.source or customers.source"

    def no_active_customers(self) -> str | None:
        """The reason customers active on a day cannot be counted, or None: it needs an acquisition
        date and a churn source (without one, "active" would assume that nobody ever left)."""
        if (reason := self.no_acquisition_date()) is not None:
            return reason
        if not self.whole.customers["acquired_at"].notna().any():
            return None  # nobody was ever acquired, so nobody is active, churn or not
        return self.no_churn_source()

    def active_on(self, day: pd.Timestamp) -> pd.Series:
        """Customers active on `day`: acquired before it and not churned before it."""
        c = self.customers
        return (c["acquired_at"] < day) & ~(c["churned_at"] < day)

    def active_at_end(self, last_day: pd.Timestamp) -> pd.Series:
        """Customers active at the end of a day: acquired on or before it, not churned on or before."""
        c = self.customers
        end = last_day + pd.Timedelta(days=1)
        return (c["acquired_at"] < end) & ~(c["churned_at"] < end)


