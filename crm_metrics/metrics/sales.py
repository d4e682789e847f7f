"""Sales and acquisition metrics (../shared/metrics.md section 3, first group).

Each function takes the run's MetricContext and returns a cell per period ordinal; the deal
selections they share (closed new and expansion deals, won ones) are small helpers here.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from crm_metrics.checks import LOST_WITHOUT_VALUE, lost_without_value
from crm_metrics.clean.durations import elapsed_seconds
from crm_metrics.metrics.context import MetricContext
from crm_metrics.metrics.registry import Cell, PeriodCells

SALES_TYPES = ("new", "expansion")


def closed_deals(ctx: MetricContext, types: tuple[str, ...]) -> tuple[pd.DataFrame, pd.Series]:
    """Won and lost deals of `types` closed in the periods shown, and their period ordinals."""
    def select() -> tuple[pd.DataFrame, pd.Series]:
        deals = ctx.table("deals")
        mask = ctx.in_periods("deals", "closed_at") & deals["outcome"].isin(["won", "lost"]).to_numpy(
            dtype=bool
        ) & deals["deal_type"].isin(types).to_numpy(dtype=bool)
        # Without the ids, which no metric reads from a selection: the one text column not kept as
        # categories, costly to copy on millions of deals.
        return deals.drop(columns="deal_id")[mask], ctx.ordinal("deals", "closed_at")[mask]

    return ctx.selection(("closed deals", types), select)


def won_deals(ctx: MetricContext, types: tuple[str, ...]) -> tuple[pd.DataFrame, pd.Series]:
    def select() -> tuple[pd.DataFrame, pd.Series]:
        closed, ordinals = closed_deals(ctx, types)
        won = (closed["outcome"] == "won").to_numpy(dtype=bool)
        return closed[won], ordinals[won]

    return ctx.selection(("won deals", types), select)


def undated_won(ctx: MetricContext, types: tuple[str, ...]) -> PeriodCells | None:
    """n/a in every period when no won deal of `types` in the whole data has a close date (the
    column not found, or every date unreadable): "none won in P" would be a 0 with no evidence
    behind it (metrics.md, top section). None when some have one (context.undated_closed)."""
    reason = ctx.undated_closed(types)
    return None if reason is None else ctx.na(reason)


def undated_closes(ctx: MetricContext, types: tuple[str, ...]) -> PeriodCells | None:
    """undated_won for the won and lost deals of `types` (close rates: "no deals closed" would be a
    false reason when the close dates are what is missing)."""
    reason = ctx.undated_closed(types, ("won", "lost"))
    return None if reason is None else ctx.na(reason)


def new_customers(ctx: MetricContext) -> PeriodCells:
    """Customers whose acquisition date falls in P (metrics.md section 3). Count; n/a when no
    customer has an acquisition date at all (context.no_acquisition_date)."""
    if (reason := ctx.no_acquisition_date()) is not None:
        return ctx.na(reason)
    acquired = ctx.customers["acquired_at"].dropna()
    ordinals = ctx.calendar.ordinals(acquired)
    return ctx.per_period(ordinals.value_counts())


def new_revenue(ctx: MetricContext) -> PeriodCells:
    if (undated := undated_won(ctx, ("new",))) is not None:
        return undated
    won, ordinals = won_deals(ctx, ("new",))
    return ctx.summed(won["amount"], ordinals, "won new deals")


def close_rate(ctx: MetricContext) -> PeriodCells:
    if (undated := undated_closes(ctx, SALES_TYPES)) is not None:
        return undated
    closed, ordinals = closed_deals(ctx, SALES_TYPES)
    won = (closed["outcome"] == "won").astype(int)
    return ctx.ratio(won.groupby(ordinals).sum(), won.groupby(ordinals).count(), "no deals closed")


def close_rate_value(ctx: MetricContext) -> PeriodCells:
    """Won amount / closed amount of new and expansion deals closed in P (metrics.md section 3).
    n/a when the close dates are missing, or when the export gives lost deals no value at all
    (checks.lost_without_value: the ratio would be 100 % by construction)."""
    if (undated := undated_closes(ctx, SALES_TYPES)) is not None:
        return undated
    closed, ordinals = closed_deals(ctx, SALES_TYPES)
    return value_ratio(ctx, closed, ordinals, "closed deals", "no closed deal amount", SALES_TYPES)


def value_ratio(ctx: MetricContext, closed: pd.DataFrame, ordinals: pd.Series, rows: str,
                zero_note: str, types: tuple[str, ...]) -> PeriodCells:
    """Won amount / closed amount per period of the closed deals of `types`; deals with an
    unreadable amount are left out of both, and said (context.left_out), never counted as $0 in the
    denominator. n/a when the whole data's lost deals of `types` all have no value
    (checks.lost_without_value): the ratio would be 100 % by construction."""
    deals = ctx.whole.table("deals")
    of_types = deals["deal_type"].isin(types).to_numpy(dtype=bool)
    if lost_without_value(deals["outcome"][of_types], deals["amount"][of_types]):
        return ctx.na(LOST_WITHOUT_VALUE)
    readable = closed["amount"].notna().to_numpy(dtype=bool)
    amount = closed["amount"][readable]
    won_amount = amount.where(closed["outcome"][readable] == "won", 0.0)
    kept = ordinals[readable]
    cells = ctx.ratio(won_amount.groupby(kept).sum(), amount.groupby(kept).sum(), zero_note)
    return ctx.left_out(cells, ordinals, closed["amount"].isna(), rows, "amount")


def _cycle_days(ctx: MetricContext) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Elapsed days from created_at to closed_at of won new and expansion deals closed in the
    periods shown, their ordinals, and per ordinal how many deals closed before they were created
    (left out: metrics.md section 1, "A negative duration ... is left out ... and counted")."""
    won, ordinals = won_deals(ctx, SALES_TYPES)
    days = elapsed_seconds(won["created_at"], won["closed_at"], ctx.config.timezone) / 86400
    backwards = (days < 0).fillna(False).to_numpy(dtype=bool)
    valid = days.notna().to_numpy(dtype=bool) & ~backwards
    return days[valid], ordinals[valid], ordinals[backwards].value_counts()


def _undated_starts(ctx: MetricContext) -> tuple[pd.Series, pd.Series]:
    """The ordinals of the won new and expansion deals closed in the periods shown, and the mask of
    those without a readable created_at (left out of the cycle, and said)."""
    won, ordinals = won_deals(ctx, SALES_TYPES)
    return ordinals, won["created_at"].isna()


def _cycle_cells(ctx: MetricContext, stat: str) -> PeriodCells:
    if (undated := undated_won(ctx, SALES_TYPES)) is not None:
        return undated
    whole = ctx.whole.table("deals")
    won = ((whole["outcome"] == "won") & whole["deal_type"].isin(SALES_TYPES)).to_numpy(dtype=bool)
    if (reason := ctx.whole.dated("deals", "created_at", won, "won deal")) is not None:
        # Not "no deals won": they were, but when they started is unreadable on every one.
        return ctx.na(reason)
    days, ordinals, backwards = _cycle_days(ctx)
    cells = ctx.per_period(days.groupby(ordinals).agg(stat), None, "no deals won")
    cells = ctx.said_backwards(cells, backwards, "won deal", "won deals", "closed")
    return ctx.left_out(cells, *_undated_starts(ctx), "won deals", "created_at")


def sales_cycle_days(ctx: MetricContext) -> PeriodCells:
    return _cycle_cells(ctx, "median")


def sales_cycle_days_mean(ctx: MetricContext) -> PeriodCells:
    return _cycle_cells(ctx, "mean")


def _open_at_end(ctx: MetricContext) -> list[tuple[int, npt.NDArray[np.bool_]]]:
    deals = ctx.table("deals")
    result = []
    for period in ctx.periods:
        end = pd.Timestamp(period.end) + pd.Timedelta(days=1)
        # Won/lost deals without a close date are left out (and reported), never open forever.
        still_open = (deals["outcome"] == "open") | (deals["closed_at"] >= end)
        open_then = (deals["created_at"] < end) & still_open
        result.append((period.ordinal, open_then.fillna(False).to_numpy(dtype=bool)))
    return result


def open_pipeline_count(ctx: MetricContext) -> PeriodCells:
    """Deals open at the end of P (created on or before its last day, not closed on or before it).
    Count; n/a when no deal has a readable created_at (none could be placed as open)."""
    if (undated := ctx.undated_table("deals", "created_at", "deal")) is not None:
        return undated
    return {ordinal: Cell(float(mask.sum())) for ordinal, mask in _open_at_end(ctx)}


def open_pipeline_value(ctx: MetricContext) -> PeriodCells:
    """Amount of the deals open at the end of P. Report currency; open deals without a readable
    amount are left out and said; n/a as open_pipeline_count."""
    if (undated := ctx.undated_table("deals", "created_at", "deal")) is not None:
        return undated
    amount = ctx.table("deals")["amount"]
    unreadable = amount.isna().to_numpy(dtype=bool)
    cells: PeriodCells = {}
    for ordinal, mask in _open_at_end(ctx):
        count, lost = int(mask.sum()), int((mask & unreadable).sum())
        if lost and lost == count:
            # An open deal often has no amount yet: blank as well as unreadable, so not "unreadable".
            cells[ordinal] = Cell.na(f"none of the {count} open deals has a readable amount")
        else:
            said = f"{lost} of {count} open deals without a readable amount, left out" if lost else None
            cells[ordinal] = Cell(float(amount[mask].sum()), said)
    return cells


def _new_customers_with_source(ctx: MetricContext) -> tuple[pd.DataFrame, pd.Series] | PeriodCells:
    sources = {s.casefold().strip() for s in ctx.config.marketing_sources}
    if not sources:
        return ctx.na("set marketing_sources in the config")
    if (reason := ctx.no_acquisition_date() or ctx.no_customer_source()) is not None:
        return ctx.na(reason)
    ledger = ctx.customers[ctx.customers["acquired_at"].notna()]
    marketing = ledger["source"].astype("string").str.casefold().str.strip().isin(sources)
    return ledger.assign(marketing=marketing.fillna(False).to_numpy(dtype=bool)), ctx.calendar.ordinals(
        ledger["acquired_at"]
    )


def marketing_sourced_pct(ctx: MetricContext) -> PeriodCells:
    found = _new_customers_with_source(ctx)
    if isinstance(found, dict):
        return found
    ledger, ordinals = found
    flags = ledger["marketing"].astype(int)
    return ctx.ratio(flags.groupby(ordinals).sum(), flags.groupby(ordinals).count(), "no new customers")


def marketing_sourced_revenue_pct(ctx: MetricContext) -> PeriodCells:
    found = _new_customers_with_source(ctx)
    if isinstance(found, dict):
        return found
    ledger, ordinals = found
    # A first deal whose amount is unreadable is left out of both sides, and said.
    first = ledger["first_amount"].astype("float64")
    readable = first.notna().to_numpy(dtype=bool)
    amount = first[readable]
    marketing_amount = amount.where(ledger["marketing"][readable], 0.0)
    cells = ctx.ratio(marketing_amount.groupby(ordinals[readable]).sum(), amount.groupby(ordinals[readable]).sum(),
                      "no new-customer revenue")
    # A customer known only from the customers table has no first deal: no amount, and not said.
    unreadable = first.isna() & ledger["first_new_deal"].notna()
    return ctx.left_out(cells, ordinals, unreadable, "new customers' first deals", "amount")
