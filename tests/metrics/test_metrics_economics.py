"""Unit economics against hand calculations from ../shared/metrics.md section 3, seeds included."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.fixtures.build import deal, values

Q1, Q2 = "2025-Q1", "2025-Q2"
ECONOMICS = ["new_customers", "cac", "arpa_annual", "clv", "ltv_cac_ratio", "cac_payback_months",
             "customer_lifetime_years"]

# Ten new customers in 2025-Q1, each a won new deal of 3,000 (an annual contract).
SEED_DEALS = [deal(f"D{i}", "Closed Won", 3000, "2024-11-01", f"2025-02-{i + 1:02d}", f"C{i}")
              for i in range(10)]
# 10,000 of acquisition spend in Q1 (ads, salaries, overhead), plus retention spend CAC ignores,
# and Q2 spend with no new customers.
SEED_SPEND = [
    {"date": "2025-01-10", "amount": "$6,000.00", "category": "Advertising"},
    {"date": "2025-02-28", "amount": "3,000", "category": "Salaries"},
    {"date": "2025-03-31", "amount": "1000", "category": "Overhead"},
    {"date": "2025-03-15", "amount": "999", "category": "Retention"},
    {"date": "2025-05-01", "amount": "500", "category": "Advertising"},
]


def seed(tmp_path: Path, **settings: object) -> dict:
    return values(tmp_path, {"deals": SEED_DEALS, "spend": SEED_SPEND}, ECONOMICS,
                  date(2025, 1, 1), date(2025, 6, 30), **settings)


def test_cac_seed(tmp_path: Path) -> None:
    got = seed(tmp_path, clv={"lifetime_years": 2})
    # (6,000 + 3,000 + 1,000) acquisition spend / 10 new customers = 1,000; retention 999 excluded.
    assert got["new_customers"][Q1].value == 10
    assert got["cac"][Q1].value == pytest.approx(1000)
    # Q2: 500 spent, no new customers: zero denominator.
    assert got["cac"][Q2].value is None
    assert got["cac"][Q2].note == "no new customers"


def test_cac_categories_from_config(tmp_path: Path) -> None:
    got = seed(tmp_path, cac={"categories": ["advertising"]})
    # Only Advertising counts: 6,000 / 10 = 600.
    assert got["cac"][Q1].value == pytest.approx(600)


def test_clv_seed_and_ratio_and_payback(tmp_path: Path) -> None:
    got = seed(tmp_path, clv={"lifetime_years": 2})
    # ARPA: 12 months to 2025-03-31 hold 10 x 3,000 = 30,000 won from 10 customers = 3,000.
    assert got["arpa_annual"][Q1].value == pytest.approx(3000)
    assert got["customer_lifetime_years"][Q1].value == 2
    # CLV = 3,000 x 1.0 (default margin) x 2 years - 1,000 CAC = 5,000.
    assert got["clv"][Q1].value == pytest.approx(5000)
    # LTV:CAC = (5,000 + 1,000) / 1,000 = 6.
    assert got["ltv_cac_ratio"][Q1].value == pytest.approx(6)
    # Payback: monthly revenue 3,000 / 12 months_per_deal = 250; 1,000 / (250 x 1.0) = 4 months.
    assert got["cac_payback_months"][Q1].value == pytest.approx(4)
    # Q2 has no CAC, so CLV carries the reason.
    assert got["clv"][Q2].value is None
    assert got["clv"][Q2].note == "CAC: no new customers"


def test_gross_margin_and_months_per_deal(tmp_path: Path) -> None:
    got = seed(tmp_path, clv={"lifetime_years": 2}, gross_margin=0.8, revenue={"months_per_deal": 1})
    # CLV = 3,000 x 0.8 x 2 - 1,000 = 3,800.
    assert got["clv"][Q1].value == pytest.approx(3800)
    # LTV:CAC = 4,800 / 1,000 = 4.8.
    assert got["ltv_cac_ratio"][Q1].value == pytest.approx(4.8)
    # Amounts are MRR: 3,000 / 1 = 3,000 a month; 1,000 / (3,000 x 0.8) = 0.41666... months.
    assert got["cac_payback_months"][Q1].value == pytest.approx(1000 / 2400)


def test_cac_payback_na_for_one_off_sales(tmp_path: Path) -> None:
    got = seed(tmp_path, revenue={"recurring": False})
    assert got["cac_payback_months"][Q1].value is None
    assert "revenue.recurring is false" in (got["cac_payback_months"][Q1].note or "")


def test_missing_spend_table_is_na(tmp_path: Path) -> None:
    got = values(tmp_path, {"deals": SEED_DEALS}, ["cac", "clv", "cac_payback_months"],
                 date(2025, 1, 1), date(2025, 3, 31))
    for metric in ("cac", "clv", "cac_payback_months"):
        assert got[metric][Q1].value is None
        assert got[metric][Q1].note == "needs: spend"


def test_quarter_without_acquisition_spend_is_na(tmp_path: Path) -> None:
    spend = [{"date": "2025-03-15", "amount": "999", "category": "Retention"}]
    got = values(tmp_path, {"deals": SEED_DEALS, "spend": spend}, ["cac"], date(2025, 1, 1), date(2025, 3, 31))
    assert got["cac"][Q1].value is None
    assert got["cac"][Q1].note == "no acquisition spend recorded"


# Customers for churn: four active on 2024-04-01; W1 churns by customers.churned_at, W2 by a lost
# renewal; W5 joins after the window starts and churns, which does not count.
CHURN_CUSTOMERS = [
    {"customer_id": "W1", "acquired_at": "2024-01-10", "churned_at": "2024-09-01"},
    {"customer_id": "W2", "acquired_at": "2024-02-10", "churned_at": None},
    {"customer_id": "W3", "acquired_at": "2024-03-10", "churned_at": None},
    {"customer_id": "W4", "acquired_at": "2024-03-31", "churned_at": None},
    {"customer_id": "W5", "acquired_at": "2024-06-01", "churned_at": "2024-12-01"},
]
CHURN_DEALS = [
    deal("R1", "Closed Lost", 1200, "2025-01-01", "2025-02-10", "W2", "Renewal"),
    deal("N1", "Closed Won", 2400, "2024-12-01", "2025-01-15", "W3", "Renewal"),
]


def test_annual_churn_and_lifetime(tmp_path: Path) -> None:
    got = values(tmp_path, {"deals": CHURN_DEALS, "customers": CHURN_CUSTOMERS},
                 ["annual_churn_rate", "customer_lifetime_years"], date(2025, 1, 1), date(2025, 3, 31))
    # 12 months to 2025-03-31 start 2024-04-01; active then: W1..W4 = 4. Churned within: W1
    # (churned_at 2024-09-01) and W2 (lost renewal 2025-02-10) = 2. 2 / 4 = 0.5.
    assert got["annual_churn_rate"][Q1].value == pytest.approx(0.5)
    # Lifetime = 1 / 0.5 = 2 years.
    assert got["customer_lifetime_years"][Q1].value == pytest.approx(2)


def test_lifetime_capped_at_max(tmp_path: Path) -> None:
    got = values(tmp_path, {"deals": CHURN_DEALS, "customers": CHURN_CUSTOMERS},
                 ["customer_lifetime_years"], date(2025, 1, 1), date(2025, 3, 31),
                 clv={"max_lifetime_years": 1.5})
    # 1 / 0.5 = 2 years, capped at 1.5.
    assert got["customer_lifetime_years"][Q1].value == pytest.approx(1.5)


def test_lifetime_na_without_customers_a_year_ago(tmp_path: Path) -> None:
    got = seed(tmp_path)
    # Every customer was acquired in 2025-Q1: nobody was active on 2024-04-01.
    assert got["customer_lifetime_years"][Q1].value is None
    assert "clv.lifetime_years" in (got["customer_lifetime_years"][Q1].note or "")
    assert got["clv"][Q1].value is None
    assert "clv.lifetime_years" in (got["clv"][Q1].note or "")


def test_arpa_counts_all_deal_types_over_trailing_year(tmp_path: Path) -> None:
    deals = [
        deal("A1", "Closed Won", 1000, "2024-01-01", "2024-03-31", "A"),  # before the window
        deal("A2", "Closed Won", 2000, "2024-01-01", "2024-04-01", "A"),  # first day of it
        deal("A3", "Closed Won", 500, "2024-01-01", "2025-03-31", "A", "Upsell"),
        deal("B1", "Closed Won", 1500, "2024-01-01", "2024-10-10", "B", "Renewal"),
        deal("B2", "Closed Lost", 9000, "2024-01-01", "2024-10-10", "B"),
    ]
    got = values(tmp_path, {"deals": deals}, ["arpa_annual"], date(2025, 1, 1), date(2025, 3, 31))
    # Window 2024-04-01..2025-03-31: A2 2,000 + A3 500 + B1 1,500 = 4,000 won by 2 customers.
    assert got["arpa_annual"][Q1].value == pytest.approx(2000)
