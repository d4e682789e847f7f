"""A small hand-made Report for the file-format tests: two quarters, four metrics, one n/a whose
reason carries text shaped like a spreadsheet formula, one negative amount, and two targets."""

from __future__ import annotations

from datetime import date

from crm_metrics.metrics.registry import Cell, get_metric
from crm_metrics.metrics.targets import Target
from crm_metrics.periods import Calendar, PeriodKind
from crm_metrics.report import MetricResult, Report, TableQuality

FORMULA_NOTE = "@SUM(1+1) from owner =cmd"


def fixture_report(close_rate_q2: float = 0.2, targets: bool = True) -> Report:
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
