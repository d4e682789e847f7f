"""Sales and acquisition metrics against hand calculations from ../shared/metrics.md section 3."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.fixtures.build import deal, values

Q1, Q2, Q3 = "2025-Q1", "2025-Q2", "2025-Q3"
SALES = ["new_customers", "new_revenue", "close_rate", "close_rate_value", "sales_cycle_days",
         "sales_cycle_days_mean", "open_pipeline_count", "open_pipeline_value",
         "marketing_sourced_pct", "marketing_sourced_revenue_pct"]

DEALS = [
    # Q1: three won (two new, one upsell), one lost; a renewal that close rate ignores.
    deal("D1", "Closed Won", 1000, "2025-01-01", "2025-02-15", "A", "New Business", "Web"),
    deal("D2", "closedwon", 3000, "2025-01-10", "2025-03-01", "B", None, "Referral"),
    deal("D3", "Closed Lost", 2000, "2025-01-05", "2025-03-10", "C", "New Business", "Web"),
    deal("D4", "Won", 500, "2025-02-01", "2025-03-20", "A", "Upsell", "Web"),
    deal("D5", "Closed Won", 9000, "2024-03-01", "2025-03-25", "A", "Renewal", "Web"),
    # Open deals carry an expected close date, in the future or already past: still open.
    deal("D6", "Negotiation", 4000, "2025-02-01", "2025-09-30", "E"),
    deal("D7", "Proposal", 700, "2025-04-15", "2025-03-01", "F"),
    # Open at the end of Q1, lost in Q2.
    deal("D8", "Lost", 800, "2025-03-15", "2025-05-10", "G", "New Business"),
]


@pytest.fixture
def sales(tmp_path: Path) -> dict:
    return values(tmp_path, {"deals": DEALS}, SALES, date(2025, 1, 1), date(2025, 9, 30),
                  marketing_sources=["web", "Paid Search"])


def test_new_customers_and_new_revenue(sales: dict) -> None:
    # Q1: A (first won new deal D1, 2025-02-15) and B (D2, 2025-03-01); C only lost.
    assert sales["new_customers"][Q1].value == 2
    assert sales["new_customers"][Q2].value == 0
    # Q1: won new deals D1 1,000 + D2 3,000 (missing type means new) = 4,000; the upsell and the
    # renewal are not new revenue.
    assert sales["new_revenue"][Q1].value == 4000
    assert sales["new_revenue"][Q2].value == 0


def test_close_rate_by_count_and_value(sales: dict) -> None:
    # Q1 new + expansion closed: won D1, D2, D4; lost D3; renewal D5 and open deals excluded.
    # won 3 / (won 3 + lost 1) = 0.75
    assert sales["close_rate"][Q1].value == pytest.approx(0.75)
    # (1,000 + 3,000 + 500) / (1,000 + 3,000 + 500 + 2,000) = 4,500 / 6,500
    assert sales["close_rate_value"][Q1].value == pytest.approx(4500 / 6500)
    # Q2: only D8 lost: 0 / 1 = 0.0, a real zero and not n/a.
    assert sales["close_rate"][Q2].value == 0.0
    # Q3: nothing closed: zero denominator.
    assert sales["close_rate"][Q3].value is None
    assert sales["close_rate"][Q3].note == "no deals closed"
    assert sales["close_rate_value"][Q3].value is None


def test_sales_cycle_median_and_mean(sales: dict) -> None:
    # Won new/expansion in Q1: D1 Jan 1 -> Feb 15 = 45 d; D2 Jan 10 -> Mar 1 = 21 + 28 + 1 = 50 d;
    # D4 Feb 1 -> Mar 20 = 28 + 19 = 47 d. Median 47; mean (45 + 50 + 47) / 3 = 142 / 3.
    assert sales["sales_cycle_days"][Q1].value == pytest.approx(47)
    assert sales["sales_cycle_days_mean"][Q1].value == pytest.approx(142 / 3)
    assert sales["sales_cycle_days"][Q2].value is None
    assert sales["sales_cycle_days"][Q2].note == "no deals won"


def test_sales_cycle_seed_february_to_august_is_six_months(tmp_path: Path) -> None:
    deals = [deal("S1", "Closed Won", 100, "2025-02-01", "2025-08-01", "A")]
    got = values(tmp_path, {"deals": deals}, ["sales_cycle_days"], date(2025, 7, 1), date(2025, 9, 30))
    # Feb 28 + Mar 31 + Apr 30 + May 31 + Jun 30 + Jul 31 = 181 days, about six months.
    assert got["sales_cycle_days"][Q3].value == pytest.approx(181)
    assert 181 / (365.25 / 12) == pytest.approx(6, abs=0.1)


def test_open_pipeline_at_each_period_end(sales: dict) -> None:
    # End of Q1 (2025-03-31): D6 (open, expected close in September) and D8 (created Mar 15,
    # lost May 10) -> 2 deals, 4,000 + 800 = 4,800. D7 is created later.
    assert sales["open_pipeline_count"][Q1].value == 2
    assert sales["open_pipeline_value"][Q1].value == 4800
    # End of Q2: D6 and D7 (its expected close date of Mar 1 is past, but it is open) -> 4,700.
    assert sales["open_pipeline_count"][Q2].value == 2
    assert sales["open_pipeline_value"][Q2].value == 4700
    # End of Q3 (Sept 30 = D6's expected close): still open, so the same.
    assert sales["open_pipeline_count"][Q3].value == 2
    assert sales["open_pipeline_value"][Q3].value == 4700


def test_marketing_sourced_from_first_won_deal(sales: dict) -> None:
    # Q1 new customers: A (first won deal D1, source Web = marketing, 1,000) and
    # B (D2, Referral, 3,000). Count: 1 / 2 = 0.5; revenue: 1,000 / (1,000 + 3,000) = 0.25.
    assert sales["marketing_sourced_pct"][Q1].value == pytest.approx(0.5)
    assert sales["marketing_sourced_revenue_pct"][Q1].value == pytest.approx(0.25)
    assert sales["marketing_sourced_pct"][Q2].value is None
    assert sales["marketing_sourced_pct"][Q2].note == "no new customers"


def test_marketing_sourced_customer_source_wins(tmp_path: Path) -> None:
    customers = [{"customer_id": "A", "source": "Partner"},
                 {"customer_id": "B", "source": "Paid Search"}]
    got = values(tmp_path, {"deals": DEALS, "customers": customers},
                 ["marketing_sourced_pct", "marketing_sourced_revenue_pct"],
                 date(2025, 1, 1), date(2025, 3, 31), marketing_sources=["web", "Paid Search"])
    # The customers table's source beats the deal's: A is Partner (not marketing), B is Paid
    # Search (marketing). Count 1 / 2 = 0.5; revenue B's first deal 3,000 / 4,000 = 0.75.
    assert got["marketing_sourced_pct"][Q1].value == pytest.approx(0.5)
    assert got["marketing_sourced_revenue_pct"][Q1].value == pytest.approx(0.75)


def test_marketing_sourced_needs_marketing_sources(tmp_path: Path) -> None:
    got = values(tmp_path, {"deals": DEALS}, ["marketing_sourced_pct"], date(2025, 1, 1), date(2025, 3, 31))
    assert got["marketing_sourced_pct"][Q1].value is None
    assert "marketing_sources" in (got["marketing_sourced_pct"][Q1].note or "")


def test_new_customers_from_customers_acquired_at(tmp_path: Path) -> None:
    # acquired_at from the customers table beats the first won deal's close date:
    # A acquired 2024-12-20 (Q4 2024), so Q1 2025 has only B (D2) -> 1; Z has no deals -> Q2 1.
    customers = [{"customer_id": "A", "acquired_at": "2024-12-20"},
                 {"customer_id": "Z", "acquired_at": "2025-04-02"}]
    got = values(tmp_path, {"deals": DEALS, "customers": customers}, ["new_customers"],
                 date(2024, 10, 1), date(2025, 6, 30))
    assert got["new_customers"]["2024-Q4"].value == 1
    assert got["new_customers"][Q1].value == 1
    assert got["new_customers"][Q2].value == 1


def test_missing_deals_table_is_na_with_reason(tmp_path: Path) -> None:
    spend = [{"date": "2025-01-05", "amount": 100}]
    got = values(tmp_path, {"spend": spend}, ["close_rate", "new_customers"], date(2025, 1, 1), date(2025, 3, 31))
    assert got["close_rate"][Q1].value is None
    assert got["close_rate"][Q1].note == "needs: deals"
    assert got["new_customers"][Q1].note == "needs: deals or customers"


def test_won_deal_without_close_date_is_not_open_pipeline(tmp_path: Path) -> None:
    deals = [deal("O1", "Negotiation", 100, "2025-01-05", None, "A"),
             deal("W1", "Closed Won", 900, "2025-01-05", None, "B")]
    got = values(tmp_path, {"deals": deals}, ["open_pipeline_count", "open_pipeline_value"],
                 date(2025, 1, 1), date(2025, 3, 31))
    # W1 is won (its missing close date is reported as left out), so only O1 is open: 1 deal, 100.
    assert got["open_pipeline_count"][Q1].value == 1
    assert got["open_pipeline_value"][Q1].value == 100
