"""Retention metrics: churn, renewals, expansion and the cost of keeping customers."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from crm_metrics.metrics.context import MetricContext
from crm_metrics.metrics.registry import Cell, PeriodCells
from crm_metrics.metrics.sales import closed_deals, undated_won, value_ratio, won_deals
from crm_metrics.metrics.spend import category_mask, no_spend_in, spend_cells
from crm_metrics.periods import Period


def churn_rate(ctx: MetricContext) -> PeriodCells:
    """Customers active on P's first day who churned in P / customers active on P's first day."""
    def within(period: Period) -> tuple[pd.Timestamp, pd.Timestamp]:
        return pd.Timestamp(period.start), pd.Timestamp(period.end) + pd.Timedelta(days=1)

    return churn_share(ctx, within, "no customers active at the period's start")


def churn_share(ctx: MetricContext, window: Callable[[Period], tuple[pd.Timestamp, pd.Timestamp]],
                nobody_active: str) -> PeriodCells:
    """Per period P, of the customers active on window(P)'s first day, the share (fraction) who
    churned before its end (exclusive): churn_rate over P itself, annual_churn_rate over the 12
    months to P's end. n/a with the reason when the data has no churn date or no churn source at
    all (metrics.md, "No plausible wrong number"), and `nobody_active` when nobody was active."""
    if ctx.customer_date_missing("churned_at"):
        return ctx.per_period(pd.Series(dtype="float64"), empty=None,
                              note="no churn date: map customers.churned_at or add a deals export")
    if (reason := ctx.no_active_customers()) is not None:
        return ctx.na(reason)
    cells: PeriodCells = {}
    for period in ctx.periods:
        active, churned = churned_within(ctx, *window(period))
        cells[period.ordinal] = (Cell(float(churned.sum()) / float(active.sum())) if active.sum()
                                 else Cell.na(nobody_active))
    return cells


def churned_within(ctx: MetricContext, first: pd.Timestamp, after: pd.Timestamp) -> tuple[pd.Series, pd.Series]:
    """Masks over the customer ledger (bool, by customer key): active on `first`, and of those, churned
    on or after `first` and before `after`: the two counts churn_share divides (explain lists them)."""
    churned_at = ctx.customers["churned_at"]
    active = ctx.active_on(first)
    return active, active & (churned_at >= first) & (churned_at < after)


def _renewals_unseen(ctx: MetricContext) -> PeriodCells | None:
    """n/a cells when no renewal can be seen (no deal types) or none has a close date."""
    if (reason := ctx.no_deal_types() or ctx.undated_closed(("renewal",), ("won", "lost"))) is not None:
        return ctx.na(reason)
    return None


def renewal_rate(ctx: MetricContext) -> PeriodCells:
    """Renewal deals won / renewal deals won or lost, closed in P (metrics.md section 3). Ratio."""
    if (unseen := _renewals_unseen(ctx)) is not None:
        return unseen
    closed, ordinals = closed_deals(ctx, ("renewal",))
    won = (closed["outcome"] == "won").astype(int)
    return ctx.ratio(won.groupby(ordinals).sum(), won.groupby(ordinals).count(), "no renewals closed")


def renewal_rate_value(ctx: MetricContext) -> PeriodCells:
    """renewal_rate by amount; unreadable amounts left out of both sides and said. Ratio."""
    if (unseen := _renewals_unseen(ctx)) is not None:
        return unseen
    closed, ordinals = closed_deals(ctx, ("renewal",))
    return value_ratio(ctx, closed, ordinals, "closed renewals", "no renewal amount closed", ("renewal",))


def expansion_revenue(ctx: MetricContext) -> PeriodCells:
    """Sum of the amounts of won expansion deals closed in P (metrics.md section 3). Report
    currency; n/a when no deal type is told (every deal reads as new) or none has a close date."""
    if (reason := ctx.no_deal_types()) is not None:
        return ctx.na(reason)
    if (undated := undated_won(ctx, ("expansion",))) is not None:
        return undated
    won, ordinals = won_deals(ctx, ("expansion",))
    return ctx.summed(won["amount"], ordinals, "won expansion deals")


def retention_cost_per_customer(ctx: MetricContext) -> PeriodCells:
    """Retention spend in P / mean of customers active on P's first day and at its end (metrics.md
    section 3). Report currency; n/a without retention spend anywhere, or when active customers
    cannot be counted (context.no_active_customers: no acquisition date or no churn data)."""
    if (reason := no_spend_in(ctx, ctx.config.retention.categories, "retention",
                              "retention.categories")) is not None:
        return ctx.na(reason)
    if (reason := ctx.no_active_customers()) is not None:
        return ctx.na(reason)
    spend = spend_cells(ctx, category_mask(ctx, ctx.config.retention.categories), "retention")
    cells: PeriodCells = {}
    for period in ctx.periods:
        start_count = float(ctx.active_on(pd.Timestamp(period.start)).sum())
        end_count = float(ctx.active_at_end(pd.Timestamp(period.end)).sum())
        average = (start_count + end_count) / 2
        cost = spend[period.ordinal]
        if cost.value is None:
            cells[period.ordinal] = cost
        elif not average:
            cells[period.ordinal] = Cell.na("no active customers")
        else:
            cells[period.ordinal] = Cell(cost.value / average, cost.note)
    return cells
