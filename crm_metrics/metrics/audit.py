"""The inputs behind each period's number, for `crm-metrics explain ID --config FILE`.

Each auditor rebuilds one metric's numerator and denominator from the same selections the metric
uses (spend_in, new customers from the ledger, closed_deals, ...), so the line it prints can be
checked by hand against the export: "CAC 2025-Q1 = 15,000 spend (...) / 3 new customers (...) = 5,000".
Every metric has one, named in spec.py. Metrics of one shape share a factory: stat_auditor (a median,
mean or p90 of a value per row), share_auditor (flagged rows / rows), count_auditor (rows dated in P),
won_sum_auditor (amounts of won deals) and value_share_auditor (won amount / closed amount).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from crm_metrics.metrics.calls import handle_minutes
from crm_metrics.metrics.campaigns import campaign_first_deals
from crm_metrics.metrics.context import MetricContext
from crm_metrics.metrics.registry import Cell, MetricDef, Unit
from crm_metrics.metrics.sales import SALES_TYPES
from crm_metrics.metrics.support import first_responses, same_day_flags
from crm_metrics.periods import Period
from crm_metrics.render.values import format_value

MAX_NAMES = 8
Auditor = Callable[[MetricContext, Period, Cell], str]


def num(value: float) -> str:
    """An input amount or count: thousands separators, decimals only when it has them."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _names(names: list[str], total: int | None = None) -> str:
    """The first MAX_NAMES of `names` and how many more of `total` (default: all of them) there are."""
    shown = ", ".join(names[:MAX_NAMES])
    more = (len(names) if total is None else total) - MAX_NAMES
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
    mask = acquisition_mask(ctx) & _in_period(ctx.ordinal("spend", "date"), period)
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


def _gross_value_terms(ctx: MetricContext, period: Period) -> str:
    """ "ARPA 2,166.67 x gross margin 1 (not set: 100 %) x lifetime 2.00 y": economics._gross_value's
    factors, as the metrics that use it (clv, ltv_cac_ratio) print them."""
    from crm_metrics.metrics.economics import arpa_annual, customer_lifetime_years

    arpa = arpa_annual(ctx)[period.ordinal]
    life = customer_lifetime_years(ctx)[period.ordinal]
    margin = ctx.config.gross_margin_value
    source = "" if ctx.config.gross_margin is not None else " (not set: 100 %)"
    lifetime = "n/a" if life.value is None else f"{life.value:.2f} y"
    return f"ARPA {_cell(ctx, arpa)} x gross margin {margin:g}{source} x lifetime {lifetime}"


def audit_clv(ctx: MetricContext, period: Period, cell: Cell) -> str:
    from crm_metrics.metrics.economics import cac

    acquisition = cac(ctx)[period.ordinal]
    return (f"CLV {period.label} = {_gross_value_terms(ctx, period)} - CAC {_cell(ctx, acquisition)} = "
            f"{_cell(ctx, cell)}")


def _churn_line(ctx: MetricContext, label: str, first: pd.Timestamp, after: pd.Timestamp, within: str,
                cell: Cell) -> str:
    """The churned and active customers retention.churn_share divides, for the window [first, after)."""
    from crm_metrics.metrics.retention import churned_within

    churned_at = ctx.customers["churned_at"]
    active, churned = churned_within(ctx, first, after)
    names = _customer_names(ctx)
    churned_names = [names.get(str(k), str(k)) for k in churned_at[churned].sort_values(kind="stable").index]
    listed = f" ({_names(churned_names)})" if churned_names else ""
    value = f"n/a ({cell.note})" if cell.value is None else f"{cell.value * 100:.1f} %"
    return (f"{label} = {len(churned_names)} churned {within}{listed} / "
            f"{int(active.sum())} customers active on {first.date()} = {value}")


def audit_churn_rate(ctx: MetricContext, period: Period, cell: Cell) -> str:
    after_last = pd.Timestamp(period.end) + pd.Timedelta(days=1)
    return _churn_line(ctx, f"Churn rate {period.label}", pd.Timestamp(period.start), after_last,
                       "in the period", cell)


def audit_annual_churn_rate(ctx: MetricContext, period: Period, cell: Cell) -> str:
    from crm_metrics.metrics.economics import _trailing_year

    first, after = _trailing_year(period.end)
    return _churn_line(ctx, f"Annual churn rate {period.label}", first, after, f"by {period.end}", cell)


def audit_customer_lifetime_years(ctx: MetricContext, period: Period, cell: Cell) -> str:
    from crm_metrics.metrics.economics import annual_churn_rate

    label = f"Customer lifetime {period.label}"
    clv = ctx.config.clv
    if clv.lifetime_years is not None:
        return f"{label} = clv.lifetime_years {clv.lifetime_years:g} (config) = {_years(cell)}"
    churn = annual_churn_rate(ctx)[period.ordinal]
    if churn.value is None or cell.value is None:
        return f"{label} = {_years(cell)}"
    return (f"{label} = min(1 / annual churn rate {_percent(churn)}, clv.max_lifetime_years "
            f"{clv.max_lifetime_years:g}) = {_years(cell)}")


def audit_arpa_annual(ctx: MetricContext, period: Period, cell: Cell) -> str:
    from crm_metrics.metrics.economics import trailing_won

    window = trailing_won(ctx, period)
    unreadable = int(window["amount"].isna().sum())
    # As arpa_annual counts them: customers with a won deal of readable amount in the window.
    readable = window[window["amount"].notna().to_numpy(dtype=bool)]
    keys = readable.sort_values("closed_at", kind="stable")["account_key"].dropna().astype(str).unique()
    names = _customer_names(ctx)
    customers = [names.get(key, key) for key in keys]
    left_out = f", {unreadable} unreadable left out" if unreadable else ""
    plural = "" if len(customers) == 1 else "s"
    return (f"ARPA (annual) {period.label} = {num(round(float(window['amount'].sum()), 2))} won in the 12 months "
            f"to {period.end} ({len(window)} won deals{left_out}) / {len(customers)} customer{plural} with a "
            f"readable won deal ({_names(customers) or 'none'}) = {_cell(ctx, cell)}")


def audit_ltv_cac_ratio(ctx: MetricContext, period: Period, cell: Cell) -> str:
    from crm_metrics.metrics.economics import _gross_value, cac

    gross, acquisition = _gross_value(ctx)[period.ordinal], cac(ctx)[period.ordinal]
    value = f"n/a ({cell.note})" if cell.value is None else f"{cell.value:,.2f}x"
    if gross.value is None:
        return f"LTV:CAC {period.label} = {value}"
    return (f"LTV:CAC {period.label} = ({_gross_value_terms(ctx, period)} = {_cell(ctx, gross)}) / "
            f"CAC {_cell(ctx, acquisition)} = {value}")


def audit_cac_payback_months(ctx: MetricContext, period: Period, cell: Cell) -> str:
    from crm_metrics.metrics.economics import cac, first_deal_amounts, monthly_gross_revenue

    label = f"CAC payback {period.label}"
    value = f"n/a ({cell.note})" if cell.value is None else f"{cell.value:,.2f} mo"
    if not ctx.config.revenue.recurring:
        return f"{label} = {value}"
    amounts, ordinals = first_deal_amounts(ctx)
    amounts = amounts[_in_period(ordinals, period)]
    names = _customer_names(ctx)
    listed = _names([f"{names.get(str(k), str(k))} {num(round(float(a), 2))}" for k, a in amounts.items()])
    months, margin = ctx.config.revenue.months_per_deal, ctx.config.gross_margin_value
    mean = float(amounts.mean()) if len(amounts) else 0.0
    per_month = float(monthly_gross_revenue(ctx).get(period.ordinal, 0.0))
    plural = "" if len(amounts) == 1 else "s"
    return (f"{label} = CAC {_cell(ctx, cac(ctx)[period.ordinal])} / (mean first-deal amount "
            f"{num(round(mean, 2))} of {len(amounts)} new customer{plural} ({listed or 'none'}) / {months:g} "
            f"months per deal x gross margin {margin:g} = {num(round(per_month, 2))} a month) = {value}")


def _percent(cell: Cell) -> str:
    return f"n/a ({cell.note})" if cell.value is None else f"{cell.value * 100:.1f} %"


def _years(cell: Cell) -> str:
    return f"n/a ({cell.note})" if cell.value is None else f"{cell.value:,.2f} y"


def audit_retention_cost_per_customer(ctx: MetricContext, period: Period, cell: Cell) -> str:
    from crm_metrics.metrics.spend import category_mask, spend_in

    spend = float(spend_in(ctx, category_mask(ctx, ctx.config.retention.categories)).get(period.ordinal, 0.0))
    start = int(ctx.active_on(pd.Timestamp(period.start)).sum())
    end = int(ctx.active_at_end(pd.Timestamp(period.end)).sum())
    return (f"Retention cost per customer {period.label} = {num(round(spend, 2))} retention spend / "
            f"(({start} active on {period.start} + {end} active at the end of {period.end}) / 2 = "
            f"{num((start + end) / 2)}) = {_cell(ctx, cell)}")


def audit_lines(metric: MetricDef, ctx: MetricContext, cells: dict[str, Cell]) -> list[str]:
    """One line per period (`cells` by period label) with the inputs behind its number, from the
    metric's auditor (spec.py names one for every metric); when the config lacks a table or column
    the metric needs, that notice and the value per period instead."""
    # Every metric says "needs ..." when a table ("needs: tickets") or a column ("needs
    # tickets.resolved_at") is missing; the auditors assume both are there.
    if any(c.note and c.note.startswith("needs") for c in cells.values()):
        return ["The tables or columns this metric needs are not in the config:",
                *(f"{metric.label} {p.label} = {_result(ctx, metric, cells[p.label])}" for p in ctx.periods)]
    auditor = metric.auditor
    assert auditor is not None, metric.id  # tests/metrics/test_spec.py: every metric names one
    return [auditor(ctx, period, cells[period.label]) for period in ctx.periods]


# --- shapes many metrics share: a statistic of per-row values, a share of rows, a count ---------
#
# Each factory takes the metric's own selection (values or flags per row and their period ordinals,
# from the metric's module), so the line lists exactly the rows the report aggregated.
Selection = Callable[[MetricContext], tuple[pd.Series, pd.Series]]
_ROW_IDS = {"deals": "deal_id", "tickets": "ticket_id", "calls": "started_at"}
_STATS = {"median": "median", "mean": "mean", "p90": "90th percentile"}
_TIME_UNITS = {Unit.DAYS: "d", Unit.HOURS: "h", Unit.MINUTES: "min"}


Namer = Callable[[MetricContext, pd.Index], list[str]]


def _row_names(ctx: MetricContext, table: str, index: pd.Index) -> list[str]:
    """How explain names rows of `table` (by their row labels): the id, or for calls, which have
    none, the start time."""
    column = ctx.table(table).loc[index, _ROW_IDS[table]]
    if column.dtype.kind == "M":
        return [stamp.strftime("%Y-%m-%d %H:%M") if not pd.isna(stamp) else "undated" for stamp in column]
    return column.astype(str).tolist()


def ids(table: str) -> Namer:
    """A Namer for rows of `table` by their row labels (_row_names)."""
    return lambda ctx, index: _row_names(ctx, table, index)


def customers(ctx: MetricContext, keys: pd.Index) -> list[str]:
    """A Namer for the customer ledger's rows: the account name as exported, else the key."""
    names = _customer_names(ctx)
    return [names.get(str(key), str(key)) for key in keys]


def _metric(metric_id: str) -> MetricDef:
    from crm_metrics.metrics.registry import get_metric

    return get_metric(metric_id)


def stat_auditor(metric_id: str, select: Selection, stat: str, rows: str, name: Namer | None) -> Auditor:
    """An auditor for "the `stat` (median, mean or p90) of a value per row over the rows of P":
    the line lists the rows, shortest first, as `name` calls them, and the longest when there are
    more than MAX_NAMES (when `name` is None, as for survey answers, how many gave each value) and,
    for a mean, the sum it divides."""
    def audit(ctx: MetricContext, period: Period, cell: Cell) -> str:
        metric = _metric(metric_id)
        head = f"{metric.label} {period.label}"
        if cell.value is None:
            return f"{head} = n/a ({cell.note})"
        values, ordinals = select(ctx)
        values = values[_in_period(ordinals, period)].sort_values(kind="stable")
        unit = _TIME_UNITS.get(metric.unit, "")
        # Times to a tenth, as the report shows them; scores (CES answers) are whole numbers.
        if name is None:
            figures = [f"{count} x {value:g}" for value, count in values.value_counts(sort=False).items()]
            listed = _names(figures)
        else:
            # Only the rows shown are named and formatted: a period may hold a million tickets.
            shown = values.iloc[[*range(min(MAX_NAMES, len(values))), *([-1] if len(values) > MAX_NAMES else [])]]
            figures = [f"{row} {v:,.1f} {unit}" for row, v in zip(name(ctx, shown.index), shown, strict=True)]
            listed = _names(figures[:MAX_NAMES], len(values))
            listed += f"; longest {figures[-1]}" if len(values) > MAX_NAMES else ""
        total = f"{values.sum():,.1f} {unit}" if unit else f"{values.sum():g}"
        arithmetic = f"{total} / {len(values)} = " if stat == "mean" else ""
        note = f" ({cell.note})" if cell.note else ""
        return (f"{head} = {_STATS[stat]} of {len(values)} {rows} ({listed}) = {arithmetic}"
                f"{_result(ctx, metric, cell)}{note}")

    return audit


def share_auditor(metric_id: str, select: Selection, yes: str, rows: str, name: Namer | None) -> Auditor:
    """An auditor for "rows of P that are so / rows of P": `select` gives a 1 / 0 flag per row and
    the rows' period ordinals; the line names the rows flagged 1 as `name` calls them."""
    def audit(ctx: MetricContext, period: Period, cell: Cell) -> str:
        metric = _metric(metric_id)
        flags, ordinals = select(ctx)
        flags = flags[_in_period(ordinals, period)]
        if cell.value is None and flags.empty:
            return f"{metric.label} {period.label} = n/a ({cell.note})"
        counted = int(flags.sum())
        names = ""
        if name is not None:
            flagged = flags.index[flags.to_numpy(dtype=bool)]
            names = f" ({_names(name(ctx, flagged[:MAX_NAMES]), len(flagged)) or 'none'})"
        return (f"{metric.label} {period.label} = {counted} {yes}{names} / {len(flags)} {rows} = "
                f"{_result(ctx, metric, cell)}")

    return audit


def count_auditor(metric_id: str, select: Callable[[MetricContext], pd.Series], rows: str, name: Namer) -> Auditor:
    """An auditor for "rows whose date falls in P": `select` gives the rows' period ordinals (index:
    the row labels `name` reads); the line names them."""
    def audit(ctx: MetricContext, period: Period, cell: Cell) -> str:
        metric = _metric(metric_id)
        if cell.value is None:
            return f"{metric.label} {period.label} = n/a ({cell.note})"
        ordinals = select(ctx)
        index = ordinals.index[_in_period(ordinals, period)]
        listed = _names(name(ctx, index[:MAX_NAMES]), len(index)) or "none"
        return f"{metric.label} {period.label} = {len(index)} {rows} ({listed}) = {_result(ctx, metric, cell)}"

    return audit


def _cycle_days(ctx: MetricContext) -> tuple[pd.Series, pd.Series]:
    from crm_metrics.metrics.sales import _cycle_days

    days, ordinals, _ = _cycle_days(ctx)
    return days, ordinals


def _resolution_hours(ctx: MetricContext) -> tuple[pd.Series, pd.Series]:
    from crm_metrics.metrics.support import _resolved

    resolved, ordinals = _resolved(ctx)
    return resolved["hours"], ordinals


def _ces_answers(ctx: MetricContext) -> tuple[pd.Series, pd.Series]:
    from crm_metrics.metrics.survey import Answers, scores

    found = scores(ctx, "ces", ctx.config.support.ces_scale)
    # Without readable answers the metric is n/a and audit_lines prints its reason instead.
    if not isinstance(found, Answers):
        return pd.Series(dtype="float64"), pd.Series(dtype="Int64")
    return found.values, found.ordinals


audit_sales_cycle_days = stat_auditor("sales_cycle_days", _cycle_days, "median", "won deals", ids("deals"))
audit_sales_cycle_days_mean = stat_auditor("sales_cycle_days_mean", _cycle_days, "mean", "won deals", ids("deals"))
audit_resolution_time_hours = stat_auditor("resolution_time_hours", _resolution_hours, "median",
                                           "tickets resolved", ids("tickets"))
audit_resolution_time_hours_mean = stat_auditor("resolution_time_hours_mean", _resolution_hours, "mean",
                                                "tickets resolved", ids("tickets"))
audit_resolution_time_hours_p90 = stat_auditor("resolution_time_hours_p90", _resolution_hours, "p90",
                                               "tickets resolved", ids("tickets"))
audit_first_response_hours = stat_auditor("first_response_hours", first_responses, "median",
                                          "tickets created with a first response", ids("tickets"))
audit_avg_handle_minutes = stat_auditor("avg_handle_minutes", handle_minutes, "mean",
                                        "answered calls with a handle time", ids("calls"))
audit_ces = stat_auditor("ces", _ces_answers, "mean", "answers", None)


def _abandoned(ctx: MetricContext) -> tuple[pd.Series, pd.Series]:
    from crm_metrics.metrics.calls import abandoned_flags, answered_flags

    flags = answered_flags(ctx.table("calls"))
    assert flags is not None  # else the metric says "needs calls.answered ...", printed by audit_lines
    return abandoned_flags(ctx, flags)


def _satisfied(ctx: MetricContext) -> tuple[pd.Series, pd.Series]:
    from crm_metrics.metrics.survey import Answers, scores

    # The answers csat_pct counts (survey.scores), so explain and the report cannot disagree.
    found = scores(ctx, "csat", (1, 5))
    if not isinstance(found, Answers):
        return pd.Series(dtype="int64"), pd.Series(dtype="Int64")
    return (found.values >= 4).astype(int), found.ordinals


def _marketing_customers(ctx: MetricContext) -> tuple[pd.Series, pd.Series]:
    from crm_metrics.metrics.sales import _new_customers_with_source

    found = _new_customers_with_source(ctx)
    if isinstance(found, dict):  # no marketing_sources: n/a, and nothing to list
        return pd.Series(dtype="int64"), pd.Series(dtype="Int64")
    ledger, ordinals = found
    return ledger["marketing"].astype(int), ordinals


def _acquired(ctx: MetricContext) -> pd.Series:
    acquired = ctx.customers["acquired_at"].dropna().sort_values(kind="stable")
    return ctx.calendar.ordinals(acquired)


def _campaign_won_ordinals(ctx: MetricContext) -> pd.Series:
    from crm_metrics.metrics.campaigns import _ALL_TYPES, _campaign_won

    return _campaign_won(ctx, _ALL_TYPES)[1]


audit_same_day_resolution_pct = share_auditor("same_day_resolution_pct", same_day_flags,
                                              "resolved on their creation day", "tickets resolved", ids("tickets"))
audit_abandoned_call_pct = share_auditor("abandoned_call_pct", _abandoned, "unanswered",
                                         "calls answered or not", ids("calls"))
audit_csat_pct = share_auditor("csat_pct", _satisfied, "ratings of 4 or 5", "ratings 1-5", None)
audit_marketing_sourced_pct = share_auditor("marketing_sourced_pct", _marketing_customers,
                                            "from marketing_sources", "new customers", customers)
audit_new_customers = count_auditor("new_customers", _acquired, "acquired", customers)
audit_tickets_created = count_auditor("tickets_created", lambda ctx: ctx.ordinal("tickets", "created_at"),
                                      "tickets created", ids("tickets"))
audit_tickets_resolved = count_auditor("tickets_resolved", lambda ctx: ctx.ordinal("tickets", "resolved_at"),
                                       "tickets resolved", ids("tickets"))
audit_campaign_won_deals = count_auditor("campaign_won_deals", _campaign_won_ordinals,
                                         "won deals naming a campaign", ids("deals"))
audit_campaign_new_customers = count_auditor("campaign_new_customers", campaign_first_deals,
                                             "first won new deals naming a campaign", ids("deals"))


# --- sums of amounts ----------------------------------------------------------------------------

DealSelection = Callable[[MetricContext], tuple[pd.DataFrame, pd.Series]]


def _largest(ctx: MetricContext, rows: pd.DataFrame, count: int = 3) -> str:
    """ "Gamma Inc 3,000; Beta Co 2,000": the largest amounts of deal `rows`, by account name."""
    rows = rows.sort_values("amount", ascending=False, kind="stable").head(count)
    names = _customer_names(ctx)
    return "; ".join(f"{names.get(str(k), str(k))} {num(float(a))}"
                     for k, a in zip(rows["account_key"], rows["amount"], strict=True))


def won_sum_auditor(metric_id: str, select: DealSelection, rows: str) -> Auditor:
    """An auditor for "sum of the amounts of the won deals `select` gives, closed in P": the count,
    the largest three by account, and the deals whose amount was unreadable (left out)."""
    def audit(ctx: MetricContext, period: Period, cell: Cell) -> str:
        metric = _metric(metric_id)
        if cell.value is None:
            return f"{metric.label} {period.label} = n/a ({cell.note})"
        won, ordinals = select(ctx)
        won = won[_in_period(ordinals, period)]
        unreadable = int(won["amount"].isna().sum())
        readable = won[won["amount"].notna().to_numpy(dtype=bool)]
        largest = _largest(ctx, readable)
        detail = f" (largest: {largest})" if largest else ""
        left_out = f"; {unreadable} unreadable left out" if unreadable else ""
        return f"{metric.label} {period.label} = sum of {len(readable)} {rows}{detail}{left_out} = {_cell(ctx, cell)}"

    return audit


def _won_new(ctx: MetricContext) -> tuple[pd.DataFrame, pd.Series]:
    from crm_metrics.metrics.sales import won_deals

    return won_deals(ctx, ("new",))


def _won_expansion(ctx: MetricContext) -> tuple[pd.DataFrame, pd.Series]:
    from crm_metrics.metrics.sales import won_deals

    return won_deals(ctx, ("expansion",))


def _campaign_won(ctx: MetricContext) -> tuple[pd.DataFrame, pd.Series]:
    from crm_metrics.metrics.campaigns import _ALL_TYPES, _campaign_won

    return _campaign_won(ctx, _ALL_TYPES)


audit_new_revenue = won_sum_auditor("new_revenue", _won_new, "won new deals")
audit_expansion_revenue = won_sum_auditor("expansion_revenue", _won_expansion, "won expansion deals")
audit_campaign_won_revenue = won_sum_auditor("campaign_won_revenue", _campaign_won, "won deals naming a campaign")


def value_share_auditor(metric_id: str, types: tuple[str, ...], rows: str) -> Auditor:
    """An auditor for sales.value_ratio: won amount / closed (won + lost) amount of the deals of
    `types` closed in P, unreadable amounts left out of both."""
    def audit(ctx: MetricContext, period: Period, cell: Cell) -> str:
        from crm_metrics.metrics.sales import closed_deals

        metric = _metric(metric_id)
        closed, ordinals = closed_deals(ctx, types)
        closed = closed[_in_period(ordinals, period)]
        unreadable = int(closed["amount"].isna().sum())
        closed = closed[closed["amount"].notna().to_numpy(dtype=bool)]
        won = closed[(closed["outcome"] == "won").to_numpy(dtype=bool)]
        won_sum, all_sum = float(won["amount"].sum()), float(closed["amount"].sum())
        left_out = f"; {unreadable} unreadable left out" if unreadable else ""
        listed = _names([f"{d} {num(float(a))}" for d, a in zip(_row_names(ctx, "deals", won.index), won["amount"],
                                                                 strict=True)])
        return (f"{metric.label} {period.label} = {num(round(won_sum, 2))} won ({listed or 'none'}) / "
                f"{num(round(all_sum, 2))} closed ({num(round(won_sum, 2))} won + "
                f"{num(round(all_sum - won_sum, 2))} lost, {rows}{left_out}) = {_result(ctx, metric, cell)}")

    return audit


audit_close_rate_value = value_share_auditor("close_rate_value", SALES_TYPES, "new and expansion deals")
audit_renewal_rate_value = value_share_auditor("renewal_rate_value", ("renewal",), "renewal deals")


def _open_deals(ctx: MetricContext, period: Period) -> pd.DataFrame:
    from crm_metrics.metrics.sales import _open_at_end

    return ctx.table("deals")[dict(_open_at_end(ctx))[period.ordinal]]


def audit_open_pipeline_count(ctx: MetricContext, period: Period, cell: Cell) -> str:
    deals = _open_deals(ctx, period)
    return (f"Open pipeline (deals) {period.label} = {len(deals)} deals open at the end of {period.end} "
            f"({_names(_row_names(ctx, 'deals', deals.index)) or 'none'}) = {_cell(ctx, cell)}")


def audit_open_pipeline_value(ctx: MetricContext, period: Period, cell: Cell) -> str:
    deals = _open_deals(ctx, period)
    readable = deals[deals["amount"].notna().to_numpy(dtype=bool)]
    lost = len(deals) - len(readable)
    largest = _largest(ctx, readable)
    detail = f" (largest: {largest})" if largest else ""
    left_out = f"; {lost} without a readable amount left out" if lost else ""
    return (f"Open pipeline (value) {period.label} = sum of {len(readable)} deals open at the end of "
            f"{period.end}{detail}{left_out} = {_cell(ctx, cell)}")


def audit_marketing_sourced_revenue_pct(ctx: MetricContext, period: Period, cell: Cell) -> str:
    from crm_metrics.metrics.sales import _new_customers_with_source

    label = f"Marketing-sourced revenue {period.label}"
    found = _new_customers_with_source(ctx)
    if isinstance(found, dict):
        return f"{label} = n/a ({cell.note})"
    ledger, ordinals = found
    ledger = ledger[_in_period(ordinals, period)]
    # As the metric reads it: a first deal without a readable amount is left out of both sides.
    first = ledger["first_amount"].astype("float64")
    left = int((first.isna() & ledger["first_new_deal"].notna()).sum())
    ledger, amount = ledger[first.notna().to_numpy(dtype=bool)], first.dropna()
    marketing = ledger["marketing"].to_numpy(dtype=bool)
    names = customers(ctx, ledger.index[marketing])
    listed = _names([f"{n} {num(float(a))}" for n, a in zip(names, amount[marketing], strict=True)])
    said = f" ({left} with an unreadable first amount left out)" if left else ""
    return (f"{label} = {num(round(float(amount[marketing].sum()), 2))} first-deal revenue of "
            f"{int(marketing.sum())} marketing-sourced new customers ({listed or 'none'}) / "
            f"{num(round(float(amount.sum()), 2))} of all {len(ledger)} new customers{said} = {_percent(cell)}")


def audit_campaign_spend(ctx: MetricContext, period: Period, cell: Cell) -> str:
    from crm_metrics.metrics.campaigns import campaign_spend_rows

    if cell.value is None:
        return f"Campaign spend {period.label} = n/a ({cell.note})"
    rows, ordinals = campaign_spend_rows(ctx)
    rows = rows[_in_period(ordinals, period)]
    sums = rows["amount"].groupby(rows["campaign"].astype("string"), sort=False).sum()
    parts = "; ".join(f"{campaign} {num(round(float(a), 2))}" for campaign, a in sums.items())
    return (f"Campaign spend {period.label} = sum of {len(rows)} spend rows naming a campaign "
            f"({parts or 'none'}) = {_cell(ctx, cell)}")


def audit_campaign_return_on_spend(ctx: MetricContext, period: Period, cell: Cell) -> str:
    from crm_metrics.metrics.campaigns import campaign_spend, campaign_won_revenue

    revenue, cost = campaign_won_revenue(ctx)[period.ordinal], campaign_spend(ctx)[period.ordinal]
    if revenue.value is None or cost.value is None:
        return f"Campaign return on spend {period.label} = n/a ({cell.note})"
    spend = float(cost.value)
    return (f"Campaign return on spend {period.label} = (campaign won revenue {_cell(ctx, revenue)} - "
            f"campaign spend {num(round(spend, 2))}) / {num(round(spend, 2))} = {_percent(cell)}")


def audit_nps(ctx: MetricContext, period: Period, cell: Cell) -> str:
    from crm_metrics.metrics.survey import NPS_SCALE, Answers, scores

    if cell.value is None:
        return f"NPS {period.label} = n/a ({cell.note})"
    found = scores(ctx, "nps", NPS_SCALE)
    assert isinstance(found, Answers)  # a value was computed from them
    answers = found.values[_in_period(found.ordinals, period)]
    promoters, detractors = int((answers >= 9).sum()), int((answers <= 6).sum())
    passives = len(answers) - promoters - detractors
    return (f"NPS {period.label} = 100 x ({promoters} promoters (9-10) - {detractors} detractors (0-6)) / "
            f"{len(answers)} answers ({passives} passives, 7-8) = {cell.value:,.1f}")
