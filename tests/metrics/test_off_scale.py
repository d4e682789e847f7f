"""Answers off their scale and negative sales cycles (../shared/metrics.md section 1): an NPS of
6.5, a CES of 8 on 1-7 or a CSAT of 4.5 is unparseable, counted, reported by validate and left out
of numerator and denominator; a won deal closed before it was created is left out of the sales
cycle, counted, and noted on the metric."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crm_metrics.checks import validate
from tests.fixtures.build import make_config, run_report, values

MAR = "2025-03"
TODAY = date(2026, 1, 15)


def _answers(column: str, scores: list[object]) -> list[dict]:
    return [{"answered_at": f"2025-03-{i + 1:02d}", column: s} for i, s in enumerate(scores)]


NPS = _answers("nps", [10, 9, 6.5, 8.5, 3, 10, 11])


def test_nps_leaves_out_answers_off_the_scale(tmp_path: Path) -> None:
    # On the scale: 10, 9, 3, 10 -> promoters 3, detractors 1 of 4: 75 % - 25 % = 50.
    # 6.5, 8.5 (not integers) and 11 (above 10) are unparseable and in neither count.
    report = run_report(tmp_path, {"surveys": NPS}, ["nps"], date(2025, 3, 1), date(2025, 3, 31), period="month")
    cell = {r.metric.id: r.cells for r in report.metrics}["nps"]
    assert cell[MAR].value == pytest.approx(50.0)
    assert report.quality["surveys"].unparseable["nps"] == 3


def test_validate_reports_answers_off_the_scale(tmp_path: Path) -> None:
    checked = validate(make_config(tmp_path, {"surveys": NPS}), today=TODAY)
    problems = [p for p in checked.problems if p.check == "unparseable"]
    assert [(p.message, p.count) for p in problems] == [("unparseable nps", 3)]
    assert [value for _, _, value in problems[0].examples] == ["6.5", "8.5", "11"]


def test_ces_on_the_configured_scale(tmp_path: Path) -> None:
    # support.ces_scale 1-5: 5, 4, 2 are on it, mean 11 / 3 = 3.667; 7 and 2.5 are not.
    surveys = _answers("ces", [5, 4, 7, 2.5, 2])
    found = values(tmp_path, {"surveys": surveys}, ["ces"], date(2025, 3, 1), date(2025, 3, 31),
                   period="month", support={"ces_scale": [1, 5]})
    assert found["ces"][MAR].value == pytest.approx(11 / 3)


def test_ces_default_scale_is_one_to_seven(tmp_path: Path) -> None:
    # 7 and 1 on 1-7, mean 4; 0 and 8 off it.
    surveys = _answers("ces", [7, 0, 8, 1])
    found = values(tmp_path, {"surveys": surveys}, ["ces"], date(2025, 3, 1), date(2025, 3, 31), period="month")
    assert found["ces"][MAR].value == pytest.approx(4.0)


def test_csat_leaves_out_answers_off_the_scale(tmp_path: Path) -> None:
    # 5, 4, 2 on 1-5: satisfied 2 of 3 = 0.6667; 4.5 and 6 unparseable, in no count.
    surveys = _answers("csat", [5, 4.5, 4, 6, 2])
    report = run_report(tmp_path, {"surveys": surveys}, ["csat_pct"], date(2025, 3, 1), date(2025, 3, 31),
                        period="month")
    cell = {r.metric.id: r.cells for r in report.metrics}["csat_pct"]
    assert cell[MAR].value == pytest.approx(2 / 3)
    assert report.quality["surveys"].unparseable["csat"] == 2


DEALS = [
    # won after 10 days, after 30 days; D3 won 5 days before it was created: left out.
    {"deal_id": "D1", "stage": "Closed Won", "amount": 100, "created_at": "2025-03-01", "closed_at": "2025-03-11"},
    {"deal_id": "D2", "stage": "Closed Won", "amount": 100, "created_at": "2025-02-01", "closed_at": "2025-03-03"},
    {"deal_id": "D3", "stage": "Closed Won", "amount": 100, "created_at": "2025-03-20", "closed_at": "2025-03-15"},
]


def test_sales_cycle_leaves_out_deals_closed_before_created(tmp_path: Path) -> None:
    # Median of 10 and 30 = 20 days; mean 20 (with D3's -5 it would be 10 and 11.67).
    report = run_report(tmp_path, {"deals": DEALS}, ["sales_cycle_days", "sales_cycle_days_mean"],
                        date(2025, 3, 1), date(2025, 3, 31), period="month")
    found = {r.metric.id: r.cells for r in report.metrics}
    assert found["sales_cycle_days"][MAR].value == pytest.approx(20.0)
    assert found["sales_cycle_days_mean"][MAR].value == pytest.approx(20.0)
    assert found["sales_cycle_days"][MAR].note == "1 won deal closed before it was created left out"
    assert report.quality["deals"].left_out["won deals closed before they were created (left out of sales cycles)"] == 1
    checked = validate(make_config(tmp_path, {"deals": DEALS}), today=TODAY)
    assert [p.count for p in checked.problems if p.check == "closed_before_created"] == [1]


def test_sales_cycle_of_only_backwards_deals_is_na(tmp_path: Path) -> None:
    found = values(tmp_path, {"deals": DEALS[2:]}, ["sales_cycle_days"], date(2025, 3, 1), date(2025, 3, 31),
                   period="month")
    assert found["sales_cycle_days"][MAR].value is None
    assert found["sales_cycle_days"][MAR].note == "1 won deal closed before it was created left out"
