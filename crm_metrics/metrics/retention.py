"""Retention metrics: churn, renewals, expansion and the cost of keeping customers."""

from __future__ import annotations

import pandas as pd

from crm_metrics.metrics.context import MetricContext
from crm_metrics.metrics.registry import Cell, PeriodCells
from crm_metrics.metrics.sales import closed_deals, won_deals
from crm_metrics.metrics.spend import spend_in


def churn_rate(ctx: MetricContext) -> PeriodCells:
    if ctx.customer_date_missing("churned_at"):
        return ctx.per_period(pd.Series(dtype="float64"), empty=None,
                              note="no churn date: map customers.churned_at or add a deals export")
    churned_at = ctx.customers["churned_at"]
    cells: PeriodCells = {}
    for period in ctx.periods:
        first = pd.Timestamp(period.start)
        after_last = pd.Timestamp(period.end) + pd.Timedelta(days=1)
        active = ctx.active_on(first)
        churned = active & (churned_at >= first) & (churned_at < after_last)
        cells[period.ordinal] = (
            Cell(float(churned.sum()) / float(active.sum())) if active.sum()
            else Cell.na("no customers active at the period's start")
        )
    return cells


def renewal_rate(ctx: MetricContext) -> PeriodCells:
    closed, ordinals = closed_deals(ctx, ("renewal",))
    won = (closed["outcome"] == "won").astype(int)
    return ctx.ratio(won.groupby(ordinals).sum(), won.groupby(ordinals).count(), "no renewals closed")


def renewal_rate_value(ctx: MetricContext) -> PeriodCells:
    closed, ordinals = closed_deals(ctx, ("renewal",))
    amount = closed["amount"].fillna(0.0)
    won_amount = amount.where(closed["outcome"] == "won", 0.0)
    return ctx.ratio(won_amount.groupby(ordinals).sum(), amount.groupby(ordinals).sum(),
                     "no renewal amount closed")


def expansion_revenue(ctx: MetricContext) -> PeriodCells:
    won, ordinals = won_deals(ctx, ("expansion",))
    return ctx.per_period(won["amount"].groupby(ordinals).sum())


def retention_cost_per_customer(ctx: MetricContext) -> PeriodCells:
    spend = spend_in(ctx, retention=True)
    cells: PeriodCells = {}
    for period in ctx.periods:
        start_count = float(ctx.active_on(pd.Timestamp(period.start)).sum())
        end_count = float(ctx.active_at_end(pd.Timestamp(period.end)).sum())
        average = (start_count + end_count) / 2
        cells[period.ordinal] = (
            Cell(float(spend.get(period.ordinal, 0.0)) / average) if average
            else Cell.na("no active customers")
        )
    return cells
