"""stage_duration_days (metrics.md section 3) against hand calculations: stints from one stage_changes
row to the same deal's next, counted in the period of the exit, always split by stage in pipeline
order; a deal that skips a stage, and one still in a stage at the period's end."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crm_metrics.api import report as run
from crm_metrics.periods import PeriodKind
from crm_metrics.pipeline import RunOptions
from tests.fixtures.build import make_config

JAN, FEB = "2025-01", "2025-02"


def entered(deal_id: str, stage: str, at: str) -> dict:
    return {"deal_id": deal_id, "stage": stage, "entered_at": at}


STAGES = [
    entered("D1", "Qualification", "2025-01-01"),
    entered("D1", "Proposal", "2025-01-11"),               # Qualification: 10 d, exits in January
    entered("D1", "Negotiation", "2025-02-05"),            # Proposal: 25 d, exits in February
    entered("D1", "Closed Won", "2025-02-15"),             # Negotiation: 10 d; Closed Won never ends
    entered("D2", "Qualification", "2025-01-05"),
    entered("D2", "Negotiation", "2025-01-09 12:00"),      # skips Proposal; Qualification 4.5 d
    entered("D2", "Closed Lost", "2025-03-01"),            # Negotiation exits in March: out of range
    entered("D3", "Qualification", "2025-01-20"),
    entered("D3", "Proposal", "2025-02-20"),               # Qualification 31 d; still in Proposal
]


def _result(tmp_path: Path, **settings: object) -> object:
    config = make_config(tmp_path, {"stage_changes": STAGES}, **settings)
    report = run(config, RunOptions(period=PeriodKind.MONTH, date_from=date(2025, 1, 1), date_to=date(2025, 2, 28),
                                    metrics=("stage_duration_days",), today=date(2026, 1, 15)))
    return report.metrics[0]


def test_median_over_all_exits_of_the_period(tmp_path: Path) -> None:
    result = _result(tmp_path)
    # January exits: D1 Qualification 10, D2 Qualification 4.5 -> median 7.25.
    # February exits: D1 Proposal 25, D1 Negotiation 10, D3 Qualification 31 -> median 25.
    # D3's Proposal and D1's Closed Won have no next row: not ended, not counted.
    assert result.cells[JAN].value == pytest.approx(7.25)
    assert result.cells[FEB].value == pytest.approx(25)


def test_always_split_by_stage_in_pipeline_order(tmp_path: Path) -> None:
    # Without a stage list: the order deals first entered them (Negotiation on Jan 9, Proposal on
    # Jan 11). Closed Won and Closed Lost, which no deal left, have no time to show.
    assert list(_result(tmp_path).groups) == ["Qualification", "Negotiation", "Proposal"]
    result = _result(tmp_path, open_stages=["Qualification", "Proposal", "Negotiation"])
    groups = result.groups
    assert list(groups) == ["Qualification", "Proposal", "Negotiation"]
    # Qualification: Jan median(10, 4.5) = 7.25; Feb 31. Proposal: Jan none; Feb 25 (D2 skipped it).
    # Negotiation: Feb 10 (D2's ends in March).
    assert groups["Qualification"][JAN].value == pytest.approx(7.25)
    assert groups["Qualification"][FEB].value == pytest.approx(31)
    assert groups["Proposal"][JAN].value is None
    assert groups["Proposal"][FEB].value == pytest.approx(25)
    assert groups["Negotiation"][FEB].value == pytest.approx(10)


def test_explain_lists_the_exits(tmp_path: Path) -> None:
    from crm_metrics import api

    config = make_config(tmp_path, {"stage_changes": STAGES}, period="month")
    lines = api.explain(config, "stage_duration_days", date(2025, 2, 1), date(2025, 2, 28)).inputs
    # Stages in the order deals first entered them.
    assert lines == ["Time in stage 2025-02 = median of 3 stage exits (Qualification 1 (median 31.0 d); "
                     "Negotiation 1 (median 10.0 d); Proposal 1 (median 25.0 d)) = 25.0 d"]


def test_hubspots_wide_date_entered_columns_become_stage_rows(tmp_path: Path) -> None:
    # The same history as STAGES for D1 and D3, as a HubSpot deals export: one "Date entered" column
    # per stage; D3 never entered Negotiation or Closed Won (blank cells are no rows).
    (tmp_path / "hubspot-deals.csv").write_text(
        "Record ID,Deal Name,Date entered 'Qualification' (Sales Pipeline),"
        "Date entered 'Proposal' (Sales Pipeline),Date entered 'Negotiation' (Sales Pipeline),"
        "Date entered 'Closed Won' (Sales Pipeline)\n"
        "D1,Acme,2025-01-01,2025-01-11,2025-02-05,2025-02-15\n"
        "D3,Beta,2025-01-20,2025-02-20,,\n")
    from crm_metrics.config.model import parse_config

    config = parse_config({"sources": {"stage_changes": {"path": "hubspot-deals.csv"}}}, origin="t.yaml",
                          base_dir=tmp_path)
    report = run(config, RunOptions(period=PeriodKind.MONTH, date_from=date(2025, 1, 1), date_to=date(2025, 2, 28),
                                    metrics=("stage_duration_days",), today=date(2026, 1, 15)))
    result = report.metrics[0]
    # January: D1 Qualification 10 -> 10. February: D1 Proposal 25, D1 Negotiation 10, D3
    # Qualification 31 -> median 25.
    assert result.cells[JAN].value == pytest.approx(10)
    assert result.cells[FEB].value == pytest.approx(25)
    assert list(result.groups) == ["Qualification", "Proposal", "Negotiation"]
