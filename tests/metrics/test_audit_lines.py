"""explain's input lines (metrics/audit.py) against the report's cells: for each metric, the figures
the line prints and the value the report gives, both worked out by hand from a few rows."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from crm_metrics import api
from crm_metrics.metrics.registry import Cell
from crm_metrics.pipeline import RunOptions
from tests.fixtures.build import cells, deal, make_config

Q1 = "2025-Q1"
JAN1, MAR31 = date(2025, 1, 1), date(2025, 3, 31)


def explained(directory: Path, tables: dict[str, list[dict[str, Any]]], metric: str, first: date = JAN1,
              last: date = MAR31, **settings: Any) -> tuple[list[str], dict[str, Cell]]:
    """explain's input lines for `metric` and the report's cells for it, over the same rows."""
    config = make_config(directory, tables, **{"period": "quarter", **settings})
    lines = api.explain(config, metric, first, last, today=date(2026, 1, 15)).inputs or []
    report = api.report(config, RunOptions(date_from=first, date_to=last, metrics=(metric,),
                                           today=date(2026, 1, 15)))
    return lines, cells(report)[metric]


# A and B became customers in March 2024; A's renewal is lost on 2025-02-15 (A churns), B renews
# for 2,400 in March 2025; C is new on 2025-02-01 with a 600 first deal. 900 advertising in Q1.
ECON_DEALS = [
    deal("D1", "Closed Won", 1200, "2024-01-01", "2024-03-01", "A"),
    deal("D2", "Closed Won", 2400, "2024-01-01", "2024-03-15", "B"),
    deal("D3", "Closed Lost", 1200, "2025-01-01", "2025-02-15", "A", "Renewal"),
    deal("D4", "Closed Won", 600, "2025-01-01", "2025-02-01", "C"),
    deal("D5", "Closed Won", 2400, "2025-01-01", "2025-03-15", "B", "Renewal"),
]
ECON = {"deals": ECON_DEALS, "spend": [{"date": "2025-01-10", "category": "Advertising", "amount": 900}]}


def test_arpa_annual_lists_the_trailing_year(tmp_path: Path) -> None:
    lines, got = explained(tmp_path, ECON, "arpa_annual")
    # Won 2024-04-01..2025-03-31: D4 600 + D5 2,400 = 3,000 (D1, D2 closed before); customers C, B:
    # 3,000 / 2 = 1,500.
    assert got[Q1].value == pytest.approx(1500)
    assert lines == ["ARPA (annual) 2025-Q1 = 3,000 won in the 12 months to 2025-03-31 (2 won deals) / "
                     "2 customers with a readable won deal (C, B) = 1,500"]


def test_arpa_explain_leaves_the_customer_of_an_unreadable_amount_out(tmp_path: Path) -> None:
    # As the metric: D4 of C has an unreadable amount, so C is in neither side. Won 2024-04-01 to
    # 2025-03-31 with a readable amount: D5 2,400 of B; 2,400 / 1 customer = 2,400.
    deals = [*ECON_DEALS[:3], deal("D4", "Closed Won", "n/a", "2025-01-01", "2025-02-01", "C"), ECON_DEALS[4]]
    lines, got = explained(tmp_path, {**ECON, "deals": deals}, "arpa_annual")
    assert got[Q1].value == pytest.approx(2400)
    assert lines == ["ARPA (annual) 2025-Q1 = 2,400 won in the 12 months to 2025-03-31 (2 won deals, 1 unreadable "
                     "left out) / 1 customer with a readable won deal (B) = 2,400"]


def test_annual_churn_and_lifetime(tmp_path: Path) -> None:
    lines, got = explained(tmp_path, ECON, "annual_churn_rate")
    # Active on 2024-04-01: A (2024-03-01), B (2024-03-15); A churns 2025-02-15: 1 / 2.
    assert got[Q1].value == pytest.approx(0.5)
    assert lines == ["Annual churn rate 2025-Q1 = 1 churned by 2025-03-31 (A) / 2 customers active on "
                     "2024-04-01 = 50.0 %"]
    lines, got = explained(tmp_path, ECON, "customer_lifetime_years")
    # 1 / 0.5 = 2 years, under the default cap of 10.
    assert got[Q1].value == pytest.approx(2)
    assert lines == ["Customer lifetime 2025-Q1 = min(1 / annual churn rate 50.0 %, clv.max_lifetime_years 10) "
                     "= 2.00 y"]
    lines, got = explained(tmp_path, ECON, "customer_lifetime_years", clv={"lifetime_years": 3})
    assert got[Q1].value == 3
    assert lines == ["Customer lifetime 2025-Q1 = clv.lifetime_years 3 (config) = 3.00 y"]


def test_ltv_cac_ratio_and_cac_payback(tmp_path: Path) -> None:
    lines, got = explained(tmp_path, ECON, "ltv_cac_ratio", gross_margin=0.5)
    # Gross value 1,500 ARPA x 0.5 x 2 y = 1,500; CAC 900 spend / 1 new customer (C) = 900;
    # 1,500 / 900 = 1.67.
    assert got[Q1].value == pytest.approx(1500 / 900)
    assert lines == ["LTV:CAC 2025-Q1 = (ARPA 1,500 x gross margin 0.5 x lifetime 2.00 y = 1,500) / CAC 900 "
                     "= 1.67x"]
    lines, got = explained(tmp_path, ECON, "cac_payback_months", gross_margin=0.5)
    # C's first deal 600 / 12 months = 50 a month x 0.5 = 25; 900 / 25 = 36 months.
    assert got[Q1].value == pytest.approx(36)
    assert lines == ["CAC payback 2025-Q1 = CAC 900 / (mean first-deal amount 600 of 1 new customer (C 600) / 12 "
                     "months per deal x gross margin 0.5 = 25 a month) = 36.00 mo"]


def with_campaign(row: dict[str, Any], campaign: str | None) -> dict[str, Any]:
    return {**row, "campaign": campaign}


# Q1 2025. A: new won Jan 31 (30 days, Web, Spring), expansion won Feb 11 (10 days, Spring), renewal
# won Mar 20 (Fall); B: new won Mar 2 (60 days, Partner), renewal lost Mar 25; C: new lost; D and E
# open at the end of Q1 (E without an amount); G won on Apr 5, so still open on Mar 31.
SALES_DEALS = [
    with_campaign(deal("S1", "Closed Won", 1000, "2025-01-01", "2025-01-31", "A", source="Web"), "Spring"),
    with_campaign(deal("S2", "Closed Won", 3000, "2025-01-01", "2025-03-02", "B", source="Partner"), None),
    with_campaign(deal("S3", "Closed Won", 500, "2025-02-01", "2025-02-11", "A", "Upsell", "Web"), "Spring"),
    with_campaign(deal("S4", "Closed Lost", 2000, "2025-01-15", "2025-03-10", "C", source="Web"), None),
    with_campaign(deal("S5", "Proposal", 4000, "2025-02-01", None, "D"), None),
    with_campaign(deal("S6", "Proposal", "", "2025-03-01", None, "E"), None),
    with_campaign(deal("S7", "Closed Won", 1200, "2025-01-01", "2025-03-20", "A", "Renewal"), "Fall"),
    with_campaign(deal("S8", "Closed Lost", 800, "2025-01-01", "2025-03-25", "B", "Renewal"), None),
    with_campaign(deal("S9", "Closed Won", 700, "2025-03-15", "2025-04-05", "G"), None),
]
CAMPAIGN_SPEND = [
    {"date": "2025-01-10", "category": "Ads", "amount": 600, "campaign": "Spring"},
    {"date": "2025-02-10", "category": "Ads", "amount": 300, "campaign": "Fall"},
    {"date": "2025-03-01", "category": "Salaries", "amount": 5000, "campaign": None},
]
SALES = {"deals": SALES_DEALS, "spend": CAMPAIGN_SPEND}


@pytest.mark.parametrize(("metric", "value", "line"), [
    # A by S1 (Jan 31), B by S2 (Mar 2); G's first deal closes in Q2.
    ("new_customers", 2, "New customers 2025-Q1 = 2 acquired (A, B) = 2"),
    # Won new and expansion deals: S3 10 d, S1 30 d, S2 60 d; median 30.
    ("sales_cycle_days", 30, "Sales cycle (median) 2025-Q1 = median of 3 won deals (S3 10.0 d, S1 30.0 d, "
                             "S2 60.0 d) = 30.0 d"),
    # (10 + 30 + 60) / 3 = 33.3.
    ("sales_cycle_days_mean", 100 / 3, "Sales cycle (mean) 2025-Q1 = mean of 3 won deals (S3 10.0 d, S1 30.0 d, "
                                       "S2 60.0 d) = 100.0 d / 3 = 33.3 d"),
    # Won 1,000 + 3,000 + 500 = 4,500 of 4,500 + S4's 2,000 lost = 6,500.
    ("close_rate_value", 4500 / 6500, "Close rate (value) 2025-Q1 = 4,500 won (S1 1,000, S2 3,000, S3 500) / "
                                      "6,500 closed (4,500 won + 2,000 lost, new and expansion deals) = 69.2 %"),
    # S7 1,200 won of S7 + S8's 800 lost = 2,000.
    ("renewal_rate_value", 0.6, "Renewal rate (value) 2025-Q1 = 1,200 won (S7 1,200) / 2,000 closed (1,200 won + "
                                "800 lost, renewal deals) = 60.0 %"),
    ("open_pipeline_count", 3, "Open pipeline (deals) 2025-Q1 = 3 deals open at the end of 2025-03-31 (S5, S6, S9) "
                               "= 3"),
    # S5 4,000 + S9 700; S6 has no amount.
    ("open_pipeline_value", 4700, "Open pipeline (value) 2025-Q1 = sum of 2 deals open at the end of 2025-03-31 "
                                  "(largest: D 4,000; G 700); 1 without a readable amount left out = 4,700"),
    ("expansion_revenue", 500, "Expansion revenue 2025-Q1 = sum of 1 won expansion deals (largest: A 500) = 500"),
    # A's first deal came from Web, B's from Partner: 1 / 2.
    ("marketing_sourced_pct", 0.5, "Marketing-sourced customers 2025-Q1 = 1 from marketing_sources (A) / "
                                   "2 new customers = 50.0 %"),
    # First-deal amounts A 1,000 (marketing), B 3,000: 1,000 / 4,000.
    ("marketing_sourced_revenue_pct", 0.25, "Marketing-sourced revenue 2025-Q1 = 1,000 first-deal revenue of 1 "
                                            "marketing-sourced new customers (A 1,000) / 4,000 of all 2 new "
                                            "customers = 25.0 %"),
    # Won deals naming a campaign: S1, S3 (Spring), S7 (Fall).
    ("campaign_won_deals", 3, "Campaign deals won 2025-Q1 = 3 won deals naming a campaign (S1, S3, S7) = 3"),
    # Only A's first won new deal (S1) names one; B's (S2) does not.
    ("campaign_new_customers", 1, "Campaign new customers 2025-Q1 = 1 first won new deals naming a campaign (S1) "
                                  "= 1"),
    # 1,000 + 500 + 1,200 = 2,700.
    ("campaign_won_revenue", 2700, "Campaign won revenue 2025-Q1 = sum of 3 won deals naming a campaign (largest: "
                                   "A 1,200; A 1,000; A 500) = 2,700"),
    # Spring 600 + Fall 300; the salaries row names no campaign.
    ("campaign_spend", 900, "Campaign spend 2025-Q1 = sum of 2 spend rows naming a campaign (Spring 600; Fall 300) "
                            "= 900"),
    # (2,700 - 900) / 900 = 2.
    ("campaign_return_on_spend", 2, "Campaign return on spend 2025-Q1 = (campaign won revenue 2,700 - campaign "
                                    "spend 900) / 900 = 200.0 %"),
])
def test_sales_and_campaign_lines(tmp_path: Path, metric: str, value: float, line: str) -> None:
    lines, got = explained(tmp_path, SALES, metric, marketing_sources=["Web"])
    assert got[Q1].value == pytest.approx(value)
    assert lines == [line]


# K1 answered in 1 h, solved the same day in 4 h (high: 8 h SLA, met), rated 5; K2 answered in 3 h,
# solved next day after 24 h (urgent: 4 h, missed), rated 2; K3 answered in 30 min, solved after
# 48 h (low: 72 h, met), rated 4; K4 still open.
TICKETS = [
    {"ticket_id": "K1", "created_at": "2025-01-06 09:00", "first_response_at": "2025-01-06 10:00",
     "resolved_at": "2025-01-06 13:00", "priority": "High", "csat": 5},
    {"ticket_id": "K2", "created_at": "2025-01-07 09:00", "first_response_at": "2025-01-07 12:00",
     "resolved_at": "2025-01-08 09:00", "priority": "Urgent", "csat": 2},
    {"ticket_id": "K3", "created_at": "2025-02-03 09:00", "first_response_at": "2025-02-03 09:30",
     "resolved_at": "2025-02-05 09:00", "priority": "Low", "csat": 4},
    {"ticket_id": "K4", "created_at": "2025-03-30 09:00", "first_response_at": None, "resolved_at": None,
     "priority": "Normal", "csat": None},
]


@pytest.mark.parametrize(("metric", "value", "line"), [
    ("tickets_created", 4, "Tickets created 2025-Q1 = 4 tickets created (K1, K2, K3, K4) = 4"),
    ("tickets_resolved", 3, "Tickets resolved 2025-Q1 = 3 tickets resolved (K1, K2, K3) = 3"),
    # 4, 24, 48 h: median 24.
    ("resolution_time_hours", 24, "Resolution time (median) 2025-Q1 = median of 3 tickets resolved (K1 4.0 h, "
                                  "K2 24.0 h, K3 48.0 h) = 24.0 h"),
    # (4 + 24 + 48) / 3 = 25.3.
    ("resolution_time_hours_mean", 76 / 3, "Resolution time (mean) 2025-Q1 = mean of 3 tickets resolved (K1 4.0 h, "
                                           "K2 24.0 h, K3 48.0 h) = 76.0 h / 3 = 25.3 h"),
    # Linear p90 of 4, 24, 48: position 0.9 x 2 = 1.8, 24 + 0.8 x (48 - 24) = 43.2.
    ("resolution_time_hours_p90", 43.2, "Resolution time (p90) 2025-Q1 = 90th percentile of 3 tickets resolved "
                                        "(K1 4.0 h, K2 24.0 h, K3 48.0 h) = 43.2 h"),
    # 0.5, 1, 3 h: median 1.
    ("first_response_hours", 1, "First response time (median) 2025-Q1 = median of 3 tickets created with a first "
                                "response (K3 0.5 h, K1 1.0 h, K2 3.0 h) = 1.0 h"),
    ("same_day_resolution_pct", 1 / 3, "Same-day resolution 2025-Q1 = 1 resolved on their creation day (K1) / "
                                       "3 tickets resolved = 33.3 %"),
    # K1 and K3 resolved by their deadline, K2 after it: 2 / 3 (support.audit_sla_compliance_pct).
    ("sla_compliance_pct", 2 / 3, "SLA compliance 2025-Q1 = 2 met / 3 resolved tickets with a verdict, by deadline: "
                                  "sla_due_at, else created_at + support.sla_hours for the priority = 66.7 %"),
    # Ratings 5, 2, 4: two of three are 4 or 5.
    ("csat_pct", 2 / 3, "CSAT 2025-Q1 = 2 ratings of 4 or 5 / 3 ratings 1-5 = 66.7 %"),
])
def test_support_lines(tmp_path: Path, metric: str, value: float, line: str) -> None:
    lines, got = explained(tmp_path, {"tickets": TICKETS}, metric)
    assert got[Q1].value == pytest.approx(value)
    assert lines == [line]


SURVEYS = [
    {"answered_at": "2025-01-10", "nps": 10, "ces": 7},
    {"answered_at": "2025-02-10", "nps": 9, "ces": 5},
    {"answered_at": "2025-02-20", "nps": 7, "ces": 6},
    {"answered_at": "2025-03-05", "nps": 3, "ces": 2},
    {"answered_at": "2025-03-06", "nps": 8, "ces": None},
]
CALLS = [
    {"started_at": "2025-01-05 09:00", "answered": "yes", "handle_seconds": 240},
    {"started_at": "2025-01-05 10:00", "answered": "no", "handle_seconds": None},
    {"started_at": "2025-02-01 12:00", "answered": "yes", "handle_seconds": 480},
    {"started_at": "2025-03-01 08:00", "answered": "no", "handle_seconds": None},
]


@pytest.mark.parametrize(("metric", "value", "line"), [
    # Promoters 10, 9; detractor 3; passives 7, 8: 100 x (2 - 1) / 5 = 20.
    ("nps", 20, "NPS 2025-Q1 = 100 x (2 promoters (9-10) - 1 detractors (0-6)) / 5 answers (2 passives, 7-8) "
                "= 20.0"),
    # (2 + 5 + 6 + 7) / 4 = 5.
    ("ces", 5, "Customer effort score 2025-Q1 = mean of 4 answers (1 x 2, 1 x 5, 1 x 6, 1 x 7) = 20 / 4 = 5.0"),
    ("abandoned_call_pct", 0.5, "Abandoned calls 2025-Q1 = 2 unanswered (2025-01-05 10:00, 2025-03-01 08:00) / "
                                "4 calls answered or not = 50.0 %"),
    # 240 s = 4 min, 480 s = 8 min: 12 / 2 = 6.
    ("avg_handle_minutes", 6, "Average handle time 2025-Q1 = mean of 2 answered calls with a handle time "
                              "(2025-01-05 09:00 4.0 min, 2025-02-01 12:00 8.0 min) = 12.0 min / 2 = 6.0 min"),
])
def test_survey_and_call_lines(tmp_path: Path, metric: str, value: float, line: str) -> None:
    lines, got = explained(tmp_path, {"surveys": SURVEYS, "calls": CALLS}, metric)
    assert got[Q1].value == pytest.approx(value)
    assert lines == [line]


def test_a_long_list_is_shortened_and_keeps_the_longest(tmp_path: Path) -> None:
    # R01..R10 created Jan 6 at 00:00, resolved after 1, 2, ..., 10 hours.
    tickets = [{"ticket_id": f"R{h:02d}", "created_at": "2025-01-06 00:00", "resolved_at": f"2025-01-06 {h:02d}:00"}
               for h in range(1, 11)]
    lines, got = explained(tmp_path, {"tickets": tickets}, "resolution_time_hours")
    # Median of 1..10 = (5 + 6) / 2 = 5.5.
    assert got[Q1].value == pytest.approx(5.5)
    assert lines == ["Resolution time (median) 2025-Q1 = median of 10 tickets resolved (R01 1.0 h, R02 2.0 h, "
                     "R03 3.0 h, R04 4.0 h, R05 5.0 h, R06 6.0 h, R07 7.0 h, R08 8.0 h, and 2 more; longest R10 "
                     "10.0 h) = 5.5 h"]


def test_rows_left_out_and_absent_settings_are_said(tmp_path: Path) -> None:
    deals = [deal("B1", "Closed Won", 100, "2025-01-01", "2025-01-21", "A"),
             # closed before it was created: left out of the cycle and counted in the note
             deal("B2", "Closed Won", 100, "2025-02-10", "2025-02-01", "B")]
    lines, got = explained(tmp_path, {"deals": deals}, "sales_cycle_days")
    # Only B1: Jan 1 -> Jan 21 = 20 days.
    assert got[Q1].value == pytest.approx(20)
    assert got[Q1].note == "1 won deal closed before it was created left out"
    assert lines == ["Sales cycle (median) 2025-Q1 = median of 1 won deals (B1 20.0 d) = 20.0 d (1 won deal closed "
                     "before it was created left out)"]
    # Without marketing_sources there is no share to count: n/a, as the report says.
    lines, got = explained(tmp_path, {"deals": deals}, "marketing_sourced_pct")
    assert got[Q1].value is None
    assert lines == ["Marketing-sourced customers 2025-Q1 = n/a (set marketing_sources in the config)"]
