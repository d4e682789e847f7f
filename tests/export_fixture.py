"""Hand-made Reports for the format tests.

fixture_report(): two quarters, four metrics, one n/a whose reason carries text shaped like a
spreadsheet formula, one negative amount, and two targets.

full_report(): what a report people pass around can carry, all at once: split by owner (groups, one
n/a group value, a group name shaped like a formula, the folded "other" group, a metric that is not
split), compared with the previous period (percent, percentage points, a change with no baseline),
targets met and missed, n/a values with footnotes, notices, support hours and a column mapping.

monthly_report(): eighteen months of three metrics, for fitting the table into a terminal.
"""

from __future__ import annotations

from datetime import date

from crm_metrics.metrics.compare import Change, change
from crm_metrics.metrics.registry import Cell, get_metric
from crm_metrics.metrics.targets import Target
from crm_metrics.periods import Calendar, PeriodKind
from crm_metrics.report import MetricResult, Report, TableQuality

FORMULA_NOTE = "@SUM(1+1) from owner =cmd"
FORMULA_OWNER = "=HYPERLINK(1)"


def fixture_report(close_rate_q2: float = 0.2, targets: bool = True) -> Report:
    """Two quarters, four metrics, one formula-shaped n/a reason, a negative amount, two targets."""
    periods = Calendar(PeriodKind.QUARTER).periods_between(date(2025, 1, 1), date(2025, 6, 30))
    q1, q2 = (p.label for p in periods)
    metrics = [
        # close rate: Q1 1 won of 4 closed = 0.25; Q2 given by the caller (default 1 of 5 = 0.2)
        MetricResult(get_metric("close_rate"), {q1: Cell(0.25), q2: Cell(close_rate_q2)}),
        # CAC: Q1 15,000 spend / 3 new customers = 5,000; Q2 no new customers -> n/a
        MetricResult(get_metric("cac"), {q1: Cell(5000.0), q2: Cell.na(FORMULA_NOTE)}),
        # new revenue: a refund larger than the sales makes Q1 negative, a real number
        MetricResult(get_metric("new_revenue"), {q1: Cell(-1500.0), q2: Cell(250.5)}),
        MetricResult(get_metric("sales_cycle_days"), {q1: Cell(45.5), q2: Cell(30.0)}),
    ]
    quality = {"deals": TableQuality("deals", files=["/data/deals.csv"], rows=10, duplicates_dropped=1)}
    return Report(
        period=PeriodKind.QUARTER, fiscal_year_start=1, currency="USD", periods=periods, metrics=metrics,
        quality=quality, notices=[], config_origin="fixture.yaml", generated_on=date(2025, 7, 1),
        targets={"close_rate": Target(min=0.22), "cac": Target(max=6000.0)} if targets else {},
    )


def full_report() -> Report:
    """Groups, changes, targets, n/a footnotes, notices, support hours and a column mapping."""
    calendar = Calendar(PeriodKind.QUARTER)
    periods = calendar.periods_between(date(2025, 1, 1), date(2025, 6, 30))
    q4, q1, q2 = "2024-Q4", *(p.label for p in periods)
    close_rate, cac, revenue, hours = (get_metric(i) for i in
                                       ("close_rate", "cac", "new_revenue", "resolution_time_hours"))

    def changes(metric_cells: dict[str, Cell], baseline: Cell, metric_id: str) -> dict[str, Change]:
        metric = get_metric(metric_id)
        return {q1: change(metric, metric_cells[q1], baseline, q4),
                q2: change(metric, metric_cells[q2], metric_cells[q1], q1)}

    def group_changes(groups: dict[str, dict[str, Cell]], baselines: dict[str, Cell],
                      metric_id: str) -> dict[str, dict[str, Change]]:
        return {name: changes(cells, baselines[name], metric_id) for name, cells in groups.items()}

    # Close rate: Q4 0.30 -> Q1 0.25 (-5.0 pp, worse) -> Q2 0.20 (-5.0 pp, worse); target >= 22 %.
    # Groups: Ann 3/4 then 1/2, Bob 0/3 then n/a (no deals closed), the formula-shaped owner 1/2 in
    # both, "other" (the folded rest, --top 2) 0/1 then 1/4.
    # Their changes, each against its own Q4: Ann 1/2 -> 3/4 (+25.0 pp) -> 1/2 (-25.0 pp); Bob none
    # in Q4 -> 0/3 (no baseline) -> n/a; the formula owner 1/2 -> 1/2 -> 1/2 (flat); other 0/2 -> 0/1
    # (flat) -> 1/4 (+25.0 pp).
    rate = {q1: Cell(0.25), q2: Cell(0.2)}
    rate_groups = {
        "Ann": {q1: Cell(0.75), q2: Cell(0.5)},
        "Bob": {q1: Cell(0.0), q2: Cell.na("no deals closed")},
        FORMULA_OWNER: {q1: Cell(0.5), q2: Cell(0.5)},
        "other": {q1: Cell(0.0), q2: Cell(0.25)},
    }
    rate_group_changes = group_changes(rate_groups, {"Ann": Cell(0.5), "Bob": Cell.na("no deals closed"),
                                                     FORMULA_OWNER: Cell(0.5), "other": Cell(0.0)}, "close_rate")
    # CAC: Q4 4,000 -> Q1 5,000 (+25.0 %, worse) -> Q2 n/a (no new customers); target <= 6,000.
    cac_cells = {q1: Cell(5000.0), q2: Cell.na(FORMULA_NOTE)}
    # New revenue: Q4 none (n/a) -> Q1 -1,500 (no baseline) -> Q2 250.50 (from -1,500: +116.7 %).
    # Groups sum to the total: Ann -2,000 + Bob 500 = -1,500; Ann 0 + Bob 250.50 = 250.50.
    money = {q1: Cell(-1500.0), q2: Cell(250.5)}
    money_groups = {"Ann": {q1: Cell(-2000.0), q2: Cell(0.0)}, "Bob": {q1: Cell(500.0), q2: Cell(250.5)}}
    # Their changes: no Q4 baseline for either; Q2 Ann -2,000 -> 0 (+100.0 %), Bob 500 -> 250.50
    # ((250.5 - 500) / 500 = -49.9 %).
    money_group_changes = group_changes(money_groups, {"Ann": Cell.na("no deals"), "Bob": Cell.na("no deals")},
                                        "new_revenue")
    # Resolution time: Q4 10 h -> Q1 12.5 h (+25.0 %, worse) -> Q2 10 h (-20.0 %, better); not split.
    hours_cells = {q1: Cell(12.5), q2: Cell(10.0)}
    metrics = [
        MetricResult(close_rate, rate, rate_groups, changes(rate, Cell(0.3), "close_rate"), rate_group_changes),
        MetricResult(cac, cac_cells, None, changes(cac_cells, Cell(4000.0), "cac")),
        MetricResult(revenue, money, money_groups, changes(money, Cell.na("no deals"), "new_revenue"),
                     money_group_changes),
        MetricResult(hours, hours_cells, None, changes(hours_cells, Cell(10.0), "resolution_time_hours")),
    ]
    quality = {
        "deals": TableQuality("deals", files=["/data/deals.csv"], rows=10, duplicates_dropped=1,
                              unparseable={"closed_at": 2}, columns={"deal_id": "Record Id", "stage": "Stage"},
                              mapping=["deal_id <- 'Record Id' (detected)", "stage <- 'Stage' (detected)"],
                              mapped_by="detected headers (zoho)"),
        "tickets": TableQuality("tickets", files=["/data/tickets.csv"], rows=4, mapped_by="preset zendesk",
                                mapping=["ticket_id <- 'ID' (preset)"]),
    }
    return Report(
        period=PeriodKind.QUARTER, fiscal_year_start=1, currency="USD", periods=periods, metrics=metrics,
        quality=quality, notices=["gross_margin is not set: CLV assumes 100 % margin"],
        config_origin="fixture.yaml", generated_on=date(2025, 7, 1),
        targets={"close_rate": Target(min=0.22), "cac": Target(max=6000.0)},
        by="owner", compare="previous", support_hours="calendar hours",
    )


def monthly_report(months: int = 18) -> Report:
    """`months` months from 2025-01 of three metrics, values rising by one step a month, compared
    with the previous month and split by owner, so a row is as wide as a report row gets."""
    calendar = Calendar(PeriodKind.MONTH)
    first = calendar.ordinal_of(date(2025, 1, 1))
    periods = [calendar.period(first + i) for i in range(months)]
    labels = [p.label for p in periods]
    results = []
    for metric_id, start, step in (("close_rate", 0.2, 0.01), ("cac", 12_000.0, 150.0),
                                   ("resolution_time_hours", 30.0, -0.5)):
        metric = get_metric(metric_id)
        cells = {label: Cell(start + step * i) for i, label in enumerate(labels)}
        groups = {"Maya Thompson": dict(cells), "other": dict(cells)} if metric_id == "close_rate" else None
        changes = {label: change(metric, cells[label], cells[labels[max(i - 1, 0)]], labels[max(i - 1, 0)])
                   for i, label in enumerate(labels)}
        # The groups rise as the total does, so each group's change is the total's.
        grouped = {name: dict(changes) for name in groups} if groups is not None else None
        results.append(MetricResult(metric, cells, groups, changes, grouped))
    quality = {"deals": TableQuality("deals", files=["/data/deals.csv"], rows=1200)}
    return Report(
        period=PeriodKind.MONTH, fiscal_year_start=1, currency="USD", periods=periods, metrics=results,
        quality=quality, notices=[], config_origin="fixture.yaml", generated_on=date(2026, 7, 1),
        by="owner", compare="previous", support_hours="business hours (mon-fri 09:00-17:00 Europe/Berlin)",
    )
