"""Unit economics: CAC, ARPA, churn-based lifetime, CLV (net of CAC), LTV:CAC and CAC payback.

Metrics built from other metrics call those functions, so a CLV can always be audited against the
CAC and ARPA printed beside it; an n/a input carries its reason into the result.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from crm_metrics.metrics.context import MetricContext
from crm_metrics.metrics.registry import Cell, PeriodCells
from crm_metrics.metrics.retention import churn_share
from crm_metrics.metrics.sales import new_customers
from crm_metrics.metrics.spend import acquisition_mask, spend_cells
from crm_metrics.periods import Period


def _trailing_year(end: date) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First day of the 12 months ending on `end`, and the day after `end`."""
    after = pd.Timestamp(end) + pd.Timedelta(days=1)
    return after - pd.DateOffset(months=12), after


def cac(ctx: MetricContext) -> PeriodCells:
    spend = spend_cells(ctx, acquisition_mask(ctx), "acquisition", empty=None, note="no acquisition spend recorded")
    customers = new_customers(ctx)
    cells: PeriodCells = {}
    for ordinal in ctx.ordinals_shown:
        cost, new = spend[ordinal], customers[ordinal]
        if cost.value is None:
            cells[ordinal] = cost
        elif new.value is None:
            cells[ordinal] = Cell.na(f"new customers: {new.note}")
        elif not new.value:
            cells[ordinal] = Cell.na("no new customers")
        else:
            cells[ordinal] = Cell(cost.value / new.value, _notes(cost, new))
    return cells


def _notes(*inputs: Cell) -> str | None:
    """The notes of a value's inputs (rows left out, ...), carried into it."""
    return "; ".join(c.note for c in inputs if c.note) or None


def trailing_won(ctx: MetricContext, period: Period) -> pd.DataFrame:
    """The won deals (every type, rows of the deals table) closed in the 12 months ending on
    `period`'s last day: arpa_annual's window (metrics.md section 3), which explain lists."""
    def select() -> pd.DataFrame:
        deals = ctx.table("deals")
        return deals[(deals["outcome"] == "won") & deals["closed_at"].notna()]

    # The won deals are picked from millions of rows once per run, then windowed per period.
    won = ctx.selection(("won deals with a close date",), select)
    first, after = _trailing_year(period.end)
    return won[(won["closed_at"] >= first) & (won["closed_at"] < after)]


def arpa_annual(ctx: MetricContext) -> PeriodCells:
    """Won amount (all deal types) closed in the 12 months to P's end / distinct customers with a
    won deal of readable amount in them (metrics.md section 3). Report currency. A deal whose amount
    is unreadable or implausible is left out of both sides, so its customer does not dilute the
    average unless another of its deals is counted; the note says how many were left out."""
    if (reason := ctx.undated_closed(("new", "renewal", "expansion"))) is not None:
        return ctx.na(reason)
    cells: PeriodCells = {}
    for period in ctx.periods:
        window = trailing_won(ctx, period)
        customers = window["account_key"][window["amount"].notna()].nunique()
        lost = int(window["amount"].isna().sum())
        if not len(window):
            cells[period.ordinal] = Cell.na("no won deals in the 12 months to the period's end")
        elif lost == len(window):
            cells[period.ordinal] = Cell.na(f"all {lost} won deals of the 12 months unreadable (amount)")
        else:
            said = f"{lost} of {len(window)} won deals unreadable (amount), left out" if lost else None
            cells[period.ordinal] = Cell(float(window["amount"].sum()) / customers, said)
    return cells


def annual_churn_rate(ctx: MetricContext) -> PeriodCells:
    """Customers active on the first day of the 12 months to P's end who churned within them /
    those active on that day."""
    return churn_share(ctx, lambda period: _trailing_year(period.end),
                       "no customer active 12 months before the period's end; set clv.lifetime_years")


def customer_lifetime_years(ctx: MetricContext) -> PeriodCells:
    clv = ctx.config.clv
    if clv.lifetime_years is not None:
        return {o: Cell(clv.lifetime_years) for o in ctx.ordinals_shown}
    if not ctx.customer_date_missing("churned_at") and (reason := ctx.no_churn_source()) is not None:
        # Not the cap: with no churn data the lifetime is unknown, and CLV with it.
        return ctx.na(f"{reason}; or set clv.lifetime_years")
    cells: PeriodCells = {}
    for ordinal, churn in annual_churn_rate(ctx).items():
        if churn.value is None:
            cells[ordinal] = churn
        elif churn.value == 0:
            cells[ordinal] = Cell(clv.max_lifetime_years, "no churn: capped at clv.max_lifetime_years")
        else:
            cells[ordinal] = Cell(min(1 / churn.value, clv.max_lifetime_years))
    return cells


def _gross_value(ctx: MetricContext) -> PeriodCells:
    """ARPA x gross margin x lifetime: the lifetime value before CAC."""
    arpa, lifetime = arpa_annual(ctx), customer_lifetime_years(ctx)
    margin = ctx.config.gross_margin_value
    cells: PeriodCells = {}
    for ordinal in ctx.ordinals_shown:
        a, life = arpa[ordinal], lifetime[ordinal]
        if a.value is None or life.value is None:
            cells[ordinal] = Cell.na((a.note or "no ARPA") if a.value is None else f"lifetime: {life.note}")
        else:
            cells[ordinal] = Cell(a.value * margin * life.value, _notes(a, life))
    return cells


def clv(ctx: MetricContext) -> PeriodCells:
    gross, acquisition = _gross_value(ctx), cac(ctx)
    cells: PeriodCells = {}
    for ordinal in ctx.ordinals_shown:
        g, c = gross[ordinal], acquisition[ordinal]
        if g.value is None:
            cells[ordinal] = g
        elif c.value is None:
            cells[ordinal] = Cell.na(f"CAC: {c.note}")
        else:
            cells[ordinal] = Cell(g.value - c.value, _notes(g, c))
    return cells


def ltv_cac_ratio(ctx: MetricContext) -> PeriodCells:
    gross, acquisition = _gross_value(ctx), cac(ctx)
    cells: PeriodCells = {}
    for ordinal in ctx.ordinals_shown:
        g, c = gross[ordinal], acquisition[ordinal]
        if g.value is None:
            cells[ordinal] = g
        elif c.value is None:
            cells[ordinal] = Cell.na(f"CAC: {c.note}")
        elif c.value == 0:
            cells[ordinal] = Cell.na("CAC is zero")
        else:
            cells[ordinal] = Cell(g.value / c.value, _notes(g, c))
    return cells


def first_deal_amounts(ctx: MetricContext) -> tuple[pd.Series, pd.Series]:
    """The first won deal's amount (float64, report currency; index: customer key) of every
    customer with an acquisition date and a readable first amount, and the period ordinal of its
    acquisition: whose revenue cac_payback_months averages per period (metrics.md section 3)."""
    ledger = ctx.customers
    acquired = ledger[ledger["acquired_at"].notna() & ledger["first_amount"].notna()]
    return acquired["first_amount"].astype("float64"), ctx.calendar.ordinals(acquired["acquired_at"])


def monthly_gross_revenue(ctx: MetricContext) -> pd.Series:
    """Per acquisition period ordinal, the mean first-deal amount of the customers acquired in it /
    revenue.months_per_deal x gross_margin: the monthly gross revenue a new customer brings, which
    cac_payback_months divides CAC by (metrics.md section 3). Report currency a month."""
    amounts, ordinals = first_deal_amounts(ctx)
    average_monthly = (amounts / ctx.config.revenue.months_per_deal).groupby(ordinals).mean()
    return average_monthly * ctx.config.gross_margin_value


def cac_payback_months(ctx: MetricContext) -> PeriodCells:
    revenue = ctx.config.revenue
    if not revenue.recurring:
        return {o: Cell.na("revenue.recurring is false: one-off sales have no payback")
                for o in ctx.ordinals_shown}
    per_month_by_period = monthly_gross_revenue(ctx)
    # A new customer whose first amount is unreadable is left out of the average, and said; one
    # known only from the customers table (no won deal) has no amount to read, and is not said.
    acquired = ctx.customers[ctx.customers["acquired_at"].notna()]
    unreadable = ~acquired["first_amount"].notna() & acquired["first_new_deal"].notna()
    acquired_in = ctx.calendar.ordinals(acquired["acquired_at"])
    cells: PeriodCells = {}
    for ordinal, c in cac(ctx).items():
        per_month = float(per_month_by_period.get(ordinal, 0.0))
        if c.value is None:
            cells[ordinal] = Cell.na(f"CAC: {c.note}")
        elif not per_month:
            cells[ordinal] = Cell.na("no revenue from customers acquired in the period")
        else:
            cells[ordinal] = Cell(c.value / per_month, c.note)
    return ctx.left_out(cells, acquired_in, unreadable, "new customers' first deals", "amount")
