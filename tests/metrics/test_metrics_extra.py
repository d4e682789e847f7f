"""NPS, CES, calls and campaign results against hand calculations on tests/extra_fixtures.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_metrics.api import report as run
from crm_metrics.config.model import Config, load_config
from crm_metrics.pipeline import RunOptions
from tests.extra_fixtures import TODAY, make_config


def _values(tmp: Path, tables: tuple[str, ...], metric: str) -> dict[str, float | None]:
    report = run(make_config(tmp, tables), RunOptions(metrics=(metric,), today=TODAY))
    return {label: cell.value for label, cell in report.metrics[0].cells.items()}


def test_nps_from_surveys(tmp_path: Path) -> None:
    # Q1 answers 10, 9, 7, 3, 0, 9: promoters 3/6 = 50 %, detractors (3, 0) 2/6 = 33.3 %
    #   -> 50 - 33.33 = 16.67.
    # Q2 answers 8, 6 (11 is off the 0-10 scale, left out): promoters 0, detractors 1/2 -> -50.
    values = _values(tmp_path, ("surveys",), "nps")
    assert values["2025-Q1"] == pytest.approx(100 * (3 - 2) / 6)
    assert values["2025-Q2"] == pytest.approx(-50.0)


def test_ces_from_surveys(tmp_path: Path) -> None:
    # Q1: 7, 6, 5, 2 (two blanks) -> 20 / 4 = 5.0.  Q2: 4, 3 (9 is off the 1-7 scale) -> 3.5.
    values = _values(tmp_path, ("surveys",), "ces")
    assert values == {"2025-Q1": pytest.approx(5.0), "2025-Q2": pytest.approx(3.5)}


def test_nps_and_ces_from_ticket_columns(tmp_path: Path) -> None:
    # Two tickets resolved in Q1 with nps 10 and 5: (1 - 1) / 2 -> 0; CES only 6 -> 6.0.
    # Nothing resolved in Q2 -> n/a.
    report = run(make_config(tmp_path, ("tickets",)), RunOptions(metrics=("nps", "ces"), today=TODAY))
    nps, ces = report.metrics
    assert nps.cells["2025-Q1"].value == pytest.approx(0.0)
    assert ces.cells["2025-Q1"].value == pytest.approx(6.0)
    assert nps.cells["2025-Q2"].value is None and nps.cells["2025-Q2"].note == "no NPS answers"


def test_abandoned_calls_and_handle_time(tmp_path: Path) -> None:
    # Q1 calls with a known outcome: answered, abandoned, answered, missed (the "transferred" one is
    # left out) -> 2 unanswered / 4 = 0.5. Handle time of answered calls: (300 + 420) / 2 = 360 s
    # = 6.0 minutes (the missed call's 30 s does not count). No calls in Q2 -> n/a.
    abandoned = _values(tmp_path, ("calls",), "abandoned_call_pct")
    handle = _values(tmp_path, ("calls",), "avg_handle_minutes")
    assert abandoned == {"2025-Q1": pytest.approx(0.5), "2025-Q2": None}
    assert handle == {"2025-Q1": pytest.approx(6.0), "2025-Q2": None}


def test_answered_flag_wins_over_outcome(tmp_path: Path) -> None:
    # answered yes, no, no -> 2 / 3 abandoned.
    (tmp_path / "calls.csv").write_text(
        "started_at,answered,handle_seconds\n2025-01-05,yes,120\n2025-01-06,no,\n2025-02-01,no,\n"
    )
    from crm_metrics.config.model import parse_config

    config = parse_config({"range": {"from": "2025-01-01", "to": "2025-03-31"},
                           "sources": {"calls": {"path": "calls.csv"}}}, "t.yaml", tmp_path)
    report = run(config, RunOptions(metrics=("abandoned_call_pct", "avg_handle_minutes"), today=TODAY))
    assert report.metrics[0].cells["2025-Q1"].value == pytest.approx(2 / 3)
    assert report.metrics[1].cells["2025-Q1"].value == pytest.approx(2.0)  # 120 s


@pytest.mark.parametrize(
    ("metric", "q1", "q2"),
    [
        # Q1 won deals naming a campaign: D1 (Spring), D3 (Webinar), D4 (Spring upsell) = 3;
        # Q2: D6 = 1 (D7 names none).
        ("campaign_won_deals", 3.0, 1.0),
        # Revenue: 1,000 + 3,000 + 500 = 4,500; Q2: 700.
        ("campaign_won_revenue", 4500.0, 700.0),
        # First won new deal per account: Alpha D1 (Spring), Beta D2 (none), Gamma D3 (Webinar)
        # -> 2 in Q1; in Q2 Gamma's D6 is its second new deal and Echo's D7 has no campaign -> 0.
        ("campaign_new_customers", 2.0, 0.0),
        # Spend rows with a campaign: 1,000 + 500 = 1,500; Q2: 700.
        ("campaign_spend", 1500.0, 700.0),
        # (4,500 - 1,500) / 1,500 = 2.0;  (700 - 700) / 700 = 0.
        ("campaign_return_on_spend", 2.0, 0.0),
    ],
)
def test_campaign_results(tmp_path: Path, metric: str, q1: float, q2: float) -> None:
    values = _values(tmp_path, ("deals", "spend"), metric)
    assert values == {"2025-Q1": pytest.approx(q1), "2025-Q2": pytest.approx(q2)}


def test_survey_metric_without_any_score_column_says_what_it_needs(tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_text("answered_at,csat\n2025-01-05,5\n")
    from crm_metrics.config.model import parse_config

    config = parse_config({"range": {"from": "2025-01-01", "to": "2025-03-31"},
                           "sources": {"surveys": {"path": "s.csv"}}}, "t.yaml", tmp_path)
    cell = run(config, RunOptions(metrics=("nps",), today=TODAY)).metrics[0].cells["2025-Q1"]
    assert cell.value is None and cell.note == "needs surveys.nps or tickets.nps"


def test_campaign_revenue_is_na_when_no_deal_names_a_campaign(tmp_path: Path) -> None:
    # Without a campaign column the return on spend would read (0 - 1,500) / 1,500 = -100 %: n/a instead.
    make_config(tmp_path, ("deals", "spend"))
    text = (tmp_path / "deals.csv").read_text().splitlines()
    (tmp_path / "deals.csv").write_text("\n".join(line.rsplit(",", 1)[0] for line in text) + "\n")
    report = run(_reuse(tmp_path),
                 RunOptions(metrics=("campaign_return_on_spend",), today=TODAY))
    cell = report.metrics[0].cells["2025-Q1"]
    assert cell.value is None and cell.note == "no deal names a campaign: map deals.campaign"


def _reuse(tmp: Path) -> Config:

    return load_config(tmp / "crm-metrics.yaml")
