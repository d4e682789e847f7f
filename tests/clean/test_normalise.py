"""Normalisation before any metric: stages, deal types, duplicates, currencies, time zones."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crm_metrics.errors import ConfigError
from crm_metrics.pipeline import load_tables
from tests.fixtures.build import deal, make_config, run_report


def _deals(tmp_path: Path, rows: list[dict], **settings: object):  # type: ignore[no-untyped-def]
    config = make_config(tmp_path, {"deals": rows}, **settings)
    loaded = load_tables(config, {"deals"})
    return loaded.frames["deals"], loaded.quality["deals"]


def test_stages_become_won_lost_open(tmp_path: Path) -> None:
    rows = [deal(str(i), stage, 1, "2025-01-01", "2025-01-02") for i, stage in enumerate(
        ["Closed Won", "closedwon", "Won", "CLOSED LOST", "Lost", "Qualification", "Signed", "Dead"])]
    frame, _ = _deals(tmp_path, rows, won_stages=["Signed"], lost_stages=["dead"])
    assert frame["outcome"].tolist() == ["won", "won", "won", "lost", "lost", "open", "won", "lost"]
    # Open deals keep no close date: the expected close date is not a close.
    assert frame["closed_at"].isna().tolist() == [False] * 5 + [True] + [False] * 2


def test_status_column_wins_over_stage(tmp_path: Path) -> None:
    rows = [{**deal("1", "Contract Sent", 1, "2025-01-01", "2025-01-02"), "status": "won"},
            {**deal("2", "Closed Won", 1, "2025-01-01", "2025-01-02"), "status": "lost"},
            {**deal("3", "Closed Won", 1, "2025-01-01", "2025-01-02"), "status": "open"},
            {**deal("4", "Closed Lost", 1, "2025-01-01", "2025-01-02"), "status": None}]
    frame, _ = _deals(tmp_path, rows)
    assert frame["outcome"].tolist() == ["won", "lost", "open", "lost"]


def test_deal_types(tmp_path: Path) -> None:
    types = ["Upsell", "Cross-sell", "add on", "Upgrade", "Renewal", "New Business", None, "Existing Biz"]
    rows = [deal(str(i), "Won", 1, "2025-01-01", "2025-01-02", deal_type=t) for i, t in enumerate(types)]
    frame, _ = _deals(tmp_path, rows, deal_types={"expansion": ["existing biz"]})
    assert frame["deal_type"].tolist() == ["expansion", "expansion", "expansion", "expansion", "renewal",
                                           "new", "new", "expansion"]


def test_duplicates_keep_the_last_row_and_are_counted(tmp_path: Path) -> None:
    rows = [deal("1", "Open", 100, "2025-01-01"), deal("2", "Won", 50, "2025-01-01", "2025-01-05"),
            deal("1", "Won", 300, "2025-01-01", "2025-02-01"), deal("1", "Won", 400, "2025-01-01", "2025-02-01")]
    frame, quality = _deals(tmp_path, rows)
    assert quality.rows == 4
    assert quality.duplicates_dropped == 2
    assert sorted(frame["amount"].tolist()) == [50, 400]


def test_account_name_is_the_key_when_there_is_no_id(tmp_path: Path) -> None:
    rows = [{"deal_id": "1", "stage": "Won", "amount": 1, "created_at": "2025-01-01", "closed_at": "2025-01-02",
             "account_name": "  Acme  Corp "},
            {"deal_id": "2", "stage": "Won", "amount": 1, "created_at": "2025-01-01", "closed_at": "2025-01-02",
             "account_name": "ACME corp"}]
    frame, _ = _deals(tmp_path, rows)
    assert frame["account_key"].tolist() == ["acme corp", "acme corp"]


def test_fx_conversion(tmp_path: Path) -> None:
    rows = [{**deal("1", "Won", "1.000,00 €", "2025-01-01", "2025-02-01", "A"), "currency": None},
            {**deal("2", "Won", "200", "2025-01-01", "2025-02-01", "B"), "currency": "gbp"},
            {**deal("3", "Won", "$300.00", "2025-01-01", "2025-02-01", "C"), "currency": None}]
    report = run_report(tmp_path, {"deals": rows}, ["new_revenue"], date(2025, 1, 1), date(2025, 3, 31),
                        fx={"EUR": 1.1, "gbp": 1.25})
    # 1,000 EUR x 1.1 = 1,100 + 200 GBP x 1.25 = 250 + 300 USD = 1,650 USD.
    assert report.metrics[0].cells["2025-Q1"].value == pytest.approx(1650)


def test_missing_fx_rate_names_the_currency(tmp_path: Path) -> None:
    rows = [{**deal("1", "Won", "100", "2025-01-01", "2025-02-01"), "currency": "CHF"}]
    with pytest.raises(ConfigError) as caught:
        _deals(tmp_path, rows, fx={"EUR": 1.1})
    message = str(caught.value)
    assert "deals amounts in CHF but the config has no fx rate" in message
    assert "fx: {CHF:" in message
    assert str(tmp_path / "deals.csv") in message


def test_timezone_moves_an_event_into_the_next_quarter(tmp_path: Path) -> None:
    rows = [deal("1", "Won", 100, "2025-01-01", "2025-03-31T23:30:00Z", "A")]
    utc = run_report(tmp_path, {"deals": rows}, ["new_revenue"], date(2025, 1, 1), date(2025, 6, 30))
    berlin = run_report(tmp_path, {"deals": rows}, ["new_revenue"], date(2025, 1, 1), date(2025, 6, 30),
                        timezone="Europe/Berlin")
    assert [c.value for c in utc.metrics[0].cells.values()] == [100, 0]
    # 2025-04-01 01:30 in Berlin: the win belongs to Q2.
    assert [c.value for c in berlin.metrics[0].cells.values()] == [0, 100]


def test_unparseable_and_left_out_rows_are_reported_once_each(tmp_path: Path) -> None:
    rows = [deal("1", "Won", "lots", "2025-01-01", "2025-02-01"),  # unparseable amount
            deal("2", "Won", 10, "someday", "2025-02-01"),  # unparseable created_at
            deal("3", "Won", 10, "2025-01-01", None),  # won without a close date
            deal(None, "Won", 10, "2025-01-01", "2025-02-01"),  # type: ignore[arg-type]  # no deal_id
            deal("5", "Lost", 10, "2025-01-01", "TBD"),  # unparseable closed_at
            deal("6", "Won", None, "2025-01-01", "2025-02-01"),  # type: ignore[arg-type]  # no amount
            deal("7", "Won", 10, None, "2025-02-01")]  # type: ignore[arg-type]  # no create date
    _, quality = _deals(tmp_path, rows)
    # An unreadable value is counted as unparseable only, not again as "without" that value: the
    # most specific reason, so the 7 bad rows add up to 7 (3 unparseable + 4 left out).
    assert {k: v for k, v in quality.unparseable.items() if v} == {"amount": 1, "created_at": 1, "closed_at": 1}
    assert quality.left_out == {"no deal_id": 1, "won or lost deals without a close date": 1,
                                "deals without a create date": 1, "deals without an amount": 1}
    assert sum(quality.unparseable.values()) + sum(quality.left_out.values()) == len(rows)


def test_footer_counts_an_unparseable_close_date_once(tmp_path: Path) -> None:
    from crm_metrics.render.shared import quality_lines

    rows = [deal("1", "Won", 10, "2025-01-01", "TBD", "A"), deal("2", "Lost", 10, "2025-01-01", None, "B")]
    report = run_report(tmp_path, {"deals": rows}, ["close_rate"], date(2025, 1, 1), date(2025, 3, 31))
    # Deal 1: 'TBD' is unparseable; deal 2 is blank: one reason each.
    assert quality_lines(report)[0] == ("Data quality, deals: 2 rows read; 1 unparseable closed_at; "
                                        "1 won or lost deals without a close date")


def test_blank_optional_columns_are_treated_as_missing(tmp_path: Path) -> None:
    # An export whose optional columns exist but are empty reads them as all-NA numbers.
    deals = [{"deal_id": "1", "stage": "Won", "amount": "100", "created_at": "2025-01-01",
              "closed_at": "2025-01-05", "status": None, "source": None, "account_id": None,
              "deal_type": None, "currency": None}]
    spend = [{"date": "2025-01-02", "amount": "100", "category": None, "currency": None}]
    tickets = [{"ticket_id": "1", "created_at": "2025-01-01 10:00", "resolved_at": "2025-01-01 12:00",
                "priority": None, "csat": None, "sla_due_at": None}]
    report = run_report(tmp_path, {"deals": deals, "spend": spend, "tickets": tickets},
                        ["new_revenue", "cac", "resolution_time_hours", "sla_compliance_pct"],
                        date(2025, 1, 1), date(2025, 3, 31))
    got = {r.metric.id: r.cells["2025-Q1"] for r in report.metrics}
    # One new deal of 100 (blank type = new); 100 spend / 1 new customer; 2 h resolution; no SLA.
    assert got["new_revenue"].value == 100
    assert got["cac"].value == 100
    assert got["resolution_time_hours"].value == 2
    assert got["sla_compliance_pct"].note == "no resolved tickets with an SLA deadline"
