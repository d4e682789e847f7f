"""Retention metrics against hand calculations from ../shared/metrics.md section 3."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.fixtures.build import deal, values

Q1, Q2 = "2025-Q1", "2025-Q2"
RETENTION = ["churn_rate", "renewal_rate", "renewal_rate_value", "expansion_revenue",
             "retention_cost_per_customer"]

DEALS = [
    # Customers A, B, C acquired in 2024; D acquired on 2025-01-01 itself (not active on that day).
    deal("A0", "Closed Won", 1000, "2024-01-01", "2024-02-01", "A"),
    deal("B0", "Closed Won", 1000, "2024-01-01", "2024-03-01", "B"),
    deal("C0", "Closed Won", 1000, "2024-01-01", "2024-04-01", "C"),
    deal("D0", "Closed Won", 1000, "2024-10-01", "2025-01-01", "D"),
    # Q1 renewals: A won 1,000, C won 3,000, B lost 1,000 (B churns on 2025-02-10).
    deal("RA", "Closed Won", 1000, "2025-01-01", "2025-01-20", "A", "Renewal"),
    deal("RC", "Closed Won", 3000, "2025-01-01", "2025-03-05", "C", "Contract renewal"),
    deal("RB", "Closed Lost", 1000, "2025-01-01", "2025-02-10", "B", "renewal"),
    # An open renewal is not in the denominator.
    deal("RX", "Negotiation", 5000, "2025-01-01", "2025-03-30", "D", "Renewal"),
    # Expansion: upsell and cross-sell won, an add-on lost.
    deal("E1", "Closed Won", 500, "2025-01-01", "2025-02-01", "A", "Upsell"),
    deal("E2", "Closed Won", 250, "2025-01-01", "2025-03-01", "C", "Cross-sell"),
    deal("E3", "Closed Lost", 900, "2025-01-01", "2025-03-02", "C", "Add-on"),
]
SPEND = [
    {"date": "2025-01-15", "amount": 400, "category": "Retention"},
    {"date": "2025-03-15", "amount": 200, "category": "Customer Success"},
    {"date": "2025-02-15", "amount": 9999, "category": "Advertising"},
]
CUSTOMERS = [{"customer_id": "C", "churned_at": "2025-05-05"}]


@pytest.fixture(scope="module")
def retention(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("retention")
    return values(tmp, {"deals": DEALS, "spend": SPEND, "customers": CUSTOMERS}, RETENTION,
                  date(2025, 1, 1), date(2025, 9, 30),
                  retention={"categories": ["retention", "customer success"]})


def test_churn_rate_from_lost_renewal_and_churned_at(retention: dict) -> None:
    # Active on 2025-01-01: A, B, C (D is acquired that very day) = 3.
    # Q1: B churns by its lost renewal on 2025-02-10: 1 / 3.
    assert retention["churn_rate"][Q1].value == pytest.approx(1 / 3)
    # Active on 2025-04-01: A, C, D = 3; C churns on 2025-05-05 (customers.churned_at): 1 / 3.
    assert retention["churn_rate"][Q2].value == pytest.approx(1 / 3)
    # Q3: active A, D = 2, nobody churns: 0 / 2 = 0.0.
    assert retention["churn_rate"]["2025-Q3"].value == 0.0


def test_churn_rate_na_without_active_customers(tmp_path: Path) -> None:
    got = values(tmp_path, {"deals": DEALS}, ["churn_rate"], date(2023, 1, 1), date(2023, 3, 31))
    assert got["churn_rate"]["2023-Q1"].value is None
    assert got["churn_rate"]["2023-Q1"].note == "no customers active at the period's start"


def test_renewal_rate_by_count_and_value(retention: dict) -> None:
    # Q1 renewals closed: RA won, RC won, RB lost (RX open, not counted): 2 / 3.
    assert retention["renewal_rate"][Q1].value == pytest.approx(2 / 3)
    # By amount: (1,000 + 3,000) / (1,000 + 3,000 + 1,000) = 4,000 / 5,000 = 0.8.
    assert retention["renewal_rate_value"][Q1].value == pytest.approx(0.8)
    # Q2: no renewal closed.
    assert retention["renewal_rate"][Q2].value is None
    assert retention["renewal_rate"][Q2].note == "no renewals closed"
    assert retention["renewal_rate_value"][Q2].value is None


def test_expansion_revenue(retention: dict) -> None:
    # Won expansion deals in Q1: upsell 500 + cross-sell 250 = 750 (the lost add-on is out).
    assert retention["expansion_revenue"][Q1].value == pytest.approx(750)
    assert retention["expansion_revenue"][Q2].value == 0


def test_retention_cost_per_customer(retention: dict) -> None:
    # Q1 retention spend (Retention 400 + Customer Success 200; Advertising excluded) = 600.
    # Active on 2025-01-01: A, B, C = 3; active at the end of 2025-03-31: A, C, D = 3
    # (B churned on 2025-02-10). 600 / ((3 + 3) / 2) = 200.
    assert retention["retention_cost_per_customer"][Q1].value == pytest.approx(200)
    # Q2 no retention spend: 0 / ((3 + 2) / 2) = 0.
    assert retention["retention_cost_per_customer"][Q2].value == 0


def test_retention_cost_needs_spend(tmp_path: Path) -> None:
    got = values(tmp_path, {"deals": DEALS}, ["retention_cost_per_customer"], date(2025, 1, 1), date(2025, 3, 31))
    assert got["retention_cost_per_customer"][Q1].value is None
    assert got["retention_cost_per_customer"][Q1].note == "needs: spend"


def test_customers_table_alone(tmp_path: Path) -> None:
    customers = [
        {"customer_id": "A", "acquired_at": "2024-01-05", "churned_at": "2025-02-01", "source": "Web"},
        {"customer_id": "B", "acquired_at": "2025-02-05", "churned_at": None, "source": "Referral"},
        {"customer_id": "C", "acquired_at": "2024-06-05", "churned_at": None, "source": "web"},
    ]
    got = values(tmp_path, {"customers": customers},
                 ["new_customers", "churn_rate", "annual_churn_rate", "marketing_sourced_pct"],
                 date(2025, 1, 1), date(2025, 3, 31), marketing_sources=["Web"])
    # Q1 acquisitions: B only -> 1; B's source Referral is not marketing -> 0 / 1.
    assert got["new_customers"][Q1].value == 1
    assert got["marketing_sourced_pct"][Q1].value == 0.0
    # Active on 2025-01-01: A, C; A churns on 2025-02-01 -> 1 / 2.
    assert got["churn_rate"][Q1].value == pytest.approx(0.5)
    # Active on 2024-04-01 (12 months before 2025-03-31's end): A only, who churns -> 1 / 1.
    assert got["annual_churn_rate"][Q1].value == pytest.approx(1.0)
