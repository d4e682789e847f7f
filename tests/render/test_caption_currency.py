"""The caption names the report currency only when some metric is an amount of money."""

from __future__ import annotations

import dataclasses

from crm_metrics.metrics.registry import Unit
from crm_metrics.render.view import caption
from tests.export_fixture import fixture_report


def test_a_report_with_amounts_names_its_currency() -> None:
    report = fixture_report()  # cac and new_revenue are currency metrics
    assert "; amounts in USD" in caption(report)


def test_a_report_without_amounts_does_not() -> None:
    report = fixture_report()
    # Only close rate (ratio) and sales cycle (days) left: no money in the report.
    rates = [r for r in report.metrics if r.metric.unit is not Unit.CURRENCY]
    assert [r.metric.id for r in rates] == ["close_rate", "sales_cycle_days"]
    text = caption(dataclasses.replace(report, metrics=rates))
    assert "amounts in" not in text and text.startswith("2 quarters, 2025-01-01 to 2025-06-30")
