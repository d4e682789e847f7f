"""The inputs behind each period's number, for `crm-metrics explain ID --config FILE`.

Each auditor rebuilds one metric's numerator and denominator from the same selections the metric
uses (spend_in, new customers from the ledger, closed_deals, ...), so the line it prints can be
checked by hand against the export: "CAC 2025-Q1 = 15,000 spend (...) / 3 new customers (...) = 5,000".
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from crm_metrics.metrics.context import MetricContext
from crm_metrics.metrics.registry import Cell, MetricDef
from crm_metrics.periods import Period
from crm_metrics.render.values import format_value

MAX_NAMES = 8
Auditor = Callable[[MetricContext, Period, Cell], str]


def num(value: float) -> str:
    """An input amount or count: thousands separators, decimals only when it has them."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_NAMES])
    more = len(names) - MAX_NAMES
    return f"{shown}, and {more} more" if more > 0 else shown


def _result(ctx: MetricContext, metric: MetricDef, cell: Cell) -> str:
    if cell.value is None:
        return f"n/a ({cell.note})"
    if metric.unit.value == "currency":
        return num(round(cell.value, 2))
    return format_value(cell.value, metric.unit, ctx.config.currency)


def _in_period(ordinals: pd.Series, period: Period) -> np.ndarray:
    return (ordinals == period.ordinal).fillna(False).to_numpy(dtype=bool)


def _customer_names(ctx: MetricContext) -> dict[str, str]:
    """Customer key -> a readable name (the account name as exported, else the key)."""
    names: dict[str, str] = {}
    if ctx.has("customers") and "customer_name" in ctx.table("customers").columns:
        customers = ctx.table("customers")
        names.update(zip(customers["customer_key"].astype(str), customers["customer_name"].astype(str), strict=True))
    if ctx.has("deals") and "account_name" in ctx.table("deals").columns:
        deals = ctx.table("deals").dropna(subset=["account_name"])
        for key, name in zip(deals["account_key"].astype(str), deals["account_name"].astype(str), strict=True):
            names.setdefault(key, name)
    return names


def _new_customers(ctx: MetricContext, period: Period) -> list[str]:
    ledger = ctx.customers[ctx.customers["acquired_at"].notna()]
    ledger = ledger[_in_period(ctx.calendar.ordinals(ledger["acquired_at"]), period)]
    ledger = ledger.sort_values("acquired_at", kind="stable")
    names = _customer_names(ctx)
    return [names.get(str(key), str(key)) for key in ledger.index]


def audit_cac(ctx: MetricContext, period: Period, cell: Cell) -> str:
    from crm_metrics.metrics.spend import acquisition_mask

    spend = ctx.table("spend")
    mask = acquisition_mask(ctx).to_numpy(dtype=bool) & _in_period(ctx.ordinal("spend", "date"), period)
    rows = spend[mask].sort_values("date", kind="stable")
    # As the metric reads them: unreadable amounts left out and counted, not added as 0. The
    # category is text first: a categorical column cannot take the new word "uncategorised".
    unreadable = int(rows["amount"].isna().sum())
    rows = rows[rows["amount"].notna().to_numpy(dtype=bool)]
    by_category: dict[str, float] = {}
    categories = rows["category"].astype("string").fillna("uncategorised")
    for category, amount in zip(categories, rows["amount"], strict=True):
        by_category[str(category)] = by_category.get(str(category), 0.0) + float(amount)
    parts = "; ".join(f"{c} {num(round(a, 2))}" for c, a in by_category.items())
    if unreadable:
        parts += f"{'; ' if parts else ''}{unreadable} unreadable left out"
    customers = _new_customers(ctx, period)
    plural = "" if len(customers) == 1 else "s"
    return (f"CAC {period.label} = {num(round(sum(by_category.values()), 2))} spend ({parts or 'none'}) / "
            f"{len(customers)} new customer{plural} ({_names(customers) or 'none'}) = {_cell(ctx, cell)}")


def _cell(ctx: MetricContext, cell: Cell) -> str:
    return "n/a (" + str(cell.note) + ")" if cell.value is None else num(round(cell.value, 2))


def audit_close_rate(ctx: MetricContext, period: Period, cell: Cell) -> str:
    from crm_metrics.metrics.sales import SALES_TYPES, closed_deals

    closed, ordinals = closed_deals(ctx, SALES_TYPES)
    closed = closed[_in_period(ordinals, period)]
    won = int((closed["outcome"] == "won").sum())
    lost = len(closed) - won
    value = f"n/a ({cell.note})" if cell.value is None else f"{cell.value * 100:.1f} %"
    return (f"Close rate {period.label} = {won} won / {won + lost} closed ({won} won + {lost} lost, "
            f"new and expansion deals) = {value}")


def audit_renewal_rate(ctx: MetricContext, period: Period, cell: Cell) -> str:
    from crm_metrics.metrics.sales import closed_deals

    closed, ordinals = closed_deals(ctx, ("renewal",))
    closed = closed[_in_period(ordinals, period)]
    won = int((closed["outcome"] == "won").sum())
    lost = len(closed) - won
    value = f"n/a ({cell.note})" if cell.value is None else f"{cell.value * 100:.1f} %"
    return f"Renewal rate {period.label} = {won} won / {won + lost} renewals closed ({won} won + {lost} lost) = {value}"


def audit_new_revenue(ctx: MetricContext, period: Period, cell: Cell) -> str:
    from crm_metrics.metrics.sales import won_deals

    won, ordinals = won_deals(ctx, ("new",))
    won = won[_in_period(ordinals, period)].sort_values("amount", ascending=False, kind="stable")
    names = _customer_names(ctx)
    largest = "; ".join(f"{names.get(str(k), str(k))} {num(float(a))}"
                        for k, a in zip(won["account_key"].head(3), won["amount"].head(3), strict=True))
    detail = f" (largest: {largest})" if largest else ""
    return f"New revenue {period.label} = sum of {len(won)} won new deals{detail} = {_cell(ctx, cell)}"


def audit_clv(ctx: MetricContext, period: Period, cell: Cell) -> str:
    from crm_metrics.metrics.economics import arpa_annual, cac, customer_lifetime_years

    arpa = arpa_annual(ctx)[period.ordinal]
    life = customer_lifetime_years(ctx)[period.ordinal]
    acquisition = cac(ctx)[period.ordinal]
    margin = ctx.config.gross_margin_value
    source = "" if ctx.config.gross_margin is not None else " (not set: 100 %)"
    lifetime = "n/a" if life.value is None else f"{life.value:.2f} y"
    return (f"CLV {period.label} = ARPA {_cell(ctx, arpa)} x gross margin {margin:g}{source} x lifetime "
            f"{lifetime} - CAC {_cell(ctx, acquisition)} = {_cell(ctx, cell)}")


def audit_resolution_time_hours(ctx: MetricContext, period: Period, cell: Cell) -> str:
    from crm_metrics.metrics.support import _resolved

    resolved, ordinals = _resolved(ctx)
    hours = resolved["hours"][_in_period(ordinals, period)]
    if hours.empty:
        return f"Resolution time {period.label} = n/a: no tickets resolved"
    return (f"Resolution time {period.label} = median of {len(hours)} tickets resolved (shortest "
            f"{hours.min():,.1f} h, longest {hours.max():,.1f} h) = {cell.value:,.1f} h")


def audit_churn_rate(ctx: MetricContext, period: Period, cell: Cell) -> str:
    first = pd.Timestamp(period.start)
    after_last = pd.Timestamp(period.end) + pd.Timedelta(days=1)
    churned_at = ctx.customers["churned_at"]
    active = ctx.active_on(first)
    churned = active & (churned_at >= first) & (churned_at < after_last)
    names = _customer_names(ctx)
    churned_names = [names.get(str(k), str(k)) for k in churned_at[churned].sort_values(kind="stable").index]
    listed = f" ({_names(churned_names)})" if churned_names else ""
    value = f"n/a ({cell.note})" if cell.value is None else f"{cell.value * 100:.1f} %"
    return (f"Churn rate {period.label} = {len(churned_names)} churned in the period{listed} / "
            f"{int(active.sum())} customers active on {period.start} = {value}")


def audit_retention_cost_per_customer(ctx: MetricContext, period: Period, cell: Cell) -> str:
    from crm_metrics.metrics.spend import spend_in

    spend = float(spend_in(ctx, retention=True).get(period.ordinal, 0.0))
    start = int(ctx.active_on(pd.Timestamp(period.start)).sum())
    end = int(ctx.active_at_end(pd.Timestamp(period.end)).sum())
    return (f"Retention cost per customer {period.label} = {num(round(spend, 2))} retention spend / "
            f"(({start} active on {period.start} + {end} active at the end of {period.end}) / 2 = "
            f"{num((start + end) / 2)}) = {_cell(ctx, cell)}")


def audit_lines(metric: MetricDef, ctx: MetricContext, cells: dict[str, Cell]) -> list[str]:
    """One line per period: the inputs where an auditor exists, else the value and a plain notice."""
    auditor = metric.auditor  # spec.py names it
    # Every metric says "needs ..." when a table ("needs: tickets") or a column ("needs
    # tickets.resolved_at") is missing; the auditors assume both are there.
    needs_missing = any(c.note and c.note.startswith("needs") for c in cells.values())
    if auditor is None or needs_missing:
        lines = [f"No breakdown of inputs is available for {metric.id}; the value per period:"
                 if auditor is None else "The tables or columns this metric needs are not in the config:"]
        lines += [f"{metric.label} {p.label} = {_result(ctx, metric, cells[p.label])}" for p in ctx.periods]
        return lines
    return [auditor(ctx, period, cells[period.label]) for period in ctx.periods]
