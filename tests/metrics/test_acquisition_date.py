"""Who counts as active: only customers with an acquisition date (../shared/metrics.md section 3).

Acquisition date = customers.acquired_at, else the closed_at of the first won deal of type new. A
customer known only from a won renewal (or upgrade) has none, so churn_rate, annual_churn_rate and
retention_cost_per_customer leave it out, and the report says how many such customers there are.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.fixtures.build import cells, deal, make_config, run_report

Q1 = "2025-Q1"
ACTIVE_METRICS = ["churn_rate", "annual_churn_rate", "retention_cost_per_customer"]

DEALS = [
    # A and B are acquired by won new deals in early 2024.
    deal("A0", "Closed Won", 1000, "2024-01-01", "2024-02-01", "A"),
    deal("B0", "Closed Won", 1000, "2024-01-01", "2024-03-01", "B"),
    # R has only a won renewal (a customer from before the export began): no acquisition date
    # unless a customers table gives one.
    deal("R1", "Closed Won", 1000, "2024-01-01", "2024-01-15", "R", "Renewal"),
    # B and R churn in 2025-Q1 by lost renewals.
    deal("B1", "Closed Lost", 1000, "2025-01-01", "2025-02-10", "B", "Renewal"),
    deal("R2", "Closed Lost", 1000, "2025-01-01", "2025-03-01", "R", "Renewal"),
]
SPEND = [{"date": "2025-02-15", "amount": 300, "category": "Retention"}]


def test_renewal_only_customer_is_not_active_without_customers_table(tmp_path: Path) -> None:
    report = run_report(tmp_path, {"deals": DEALS, "spend": SPEND}, ACTIVE_METRICS,
                        date(2025, 1, 1), date(2025, 3, 31))
    got = cells(report)
    # Active on 2025-01-01: A, B (R has no acquisition date) = 2; B churns on 2025-02-10 -> 1 / 2.
    # (Counting R from its renewal gave A, B, R = 3 with B and R churning: 2 / 3.)
    assert got["churn_rate"][Q1].value == pytest.approx(1 / 2)
    # Trailing year from 2024-04-01: active then A, B = 2; B churns within it -> 1 / 2.
    assert got["annual_churn_rate"][Q1].value == pytest.approx(1 / 2)
    # Start of Q1: A, B = 2; end of 2025-03-31: A = 1 (B churned). 300 / ((2 + 1) / 2) = 200.
    # (With R: start 3, end 1 -> 300 / 2 = 150.)
    assert got["retention_cost_per_customer"][Q1].value == pytest.approx(200)
    undated = [n for n in report.notices if "no acquisition date" in n]
    assert len(undated) == 1
    assert undated[0].startswith("1 customer has won deals but no acquisition date")
    assert "customers table with acquired_at" in undated[0] and "deal_types" in undated[0]


def test_customers_table_acquired_at_makes_it_active(tmp_path: Path) -> None:
    customers = [{"customer_id": "R", "acquired_at": "2023-05-01"}]
    report = run_report(tmp_path, {"deals": DEALS, "spend": SPEND, "customers": customers},
                        ACTIVE_METRICS, date(2025, 1, 1), date(2025, 3, 31))
    got = cells(report)
    # Active on 2025-01-01: A, B, R = 3; B (2025-02-10) and R (2025-03-01) churn -> 2 / 3.
    assert got["churn_rate"][Q1].value == pytest.approx(2 / 3)
    # Active on 2024-04-01: A, B, R = 3; B and R churn within the 12 months -> 2 / 3.
    assert got["annual_churn_rate"][Q1].value == pytest.approx(2 / 3)
    # Start of Q1: 3; end of 2025-03-31: A = 1. 300 / ((3 + 1) / 2) = 150.
    assert got["retention_cost_per_customer"][Q1].value == pytest.approx(150)
    assert not [n for n in report.notices if "no acquisition date" in n]


def test_won_new_deal_without_close_date_is_counted_in_the_notice(tmp_path: Path) -> None:
    # U's won new deal has an unparseable close date: U has won deals but no acquisition date too.
    deals = [*DEALS, deal("U0", "Closed Won", 1000, "2024-01-01", "TBD", "U")]
    report = run_report(tmp_path, {"deals": deals}, ["churn_rate"], date(2025, 1, 1), date(2025, 3, 31))
    # R and U: 2 customers. Active on 2025-01-01 is still A, B: 1 / 2.
    assert cells(report)["churn_rate"][Q1].value == pytest.approx(1 / 2)
    assert [n for n in report.notices if n.startswith("2 customers have won deals but no acquisition date")]


def test_no_notice_for_metrics_that_do_not_count_active_customers(tmp_path: Path) -> None:
    report = run_report(tmp_path, {"deals": DEALS}, ["renewal_rate"], date(2025, 1, 1), date(2025, 3, 31))
    assert not [n for n in report.notices if "no acquisition date" in n]


def test_explain_shows_the_same_counts_and_the_note(tmp_path: Path) -> None:
    from crm_metrics.api import explain

    config = make_config(tmp_path, {"deals": DEALS, "spend": SPEND}, range={"from": "2025-01-01", "to": "2025-03-31"})
    churn = explain(config, "churn_rate", None, None, today=date(2026, 1, 15)).inputs or []
    # As in the first test: A, B active on 2025-01-01; B churns -> 1 / 2 = 50 %.
    assert churn[0] == "Churn rate 2025-Q1 = 1 churned in the period (B) / 2 customers active on 2025-01-01 = 50.0 %"
    assert churn[1].startswith("Note: 1 customer has won deals but no acquisition date")
    cost = explain(config, "retention_cost_per_customer", None, None, today=date(2026, 1, 15)).inputs or []
    # 300 / ((2 + 1) / 2 = 1.5) = 200.
    assert cost[0] == ("Retention cost per customer 2025-Q1 = 300 retention spend / ((2 active on 2025-01-01 + "
                       "1 active at the end of 2025-03-31) / 2 = 1.50) = 200")


# The customers table's acquisition dates count for every metric that reads the customer ledger,
# whatever else the run selects: `--metrics clv` used to leave the customers table unread (clv
# needs deals and spend), so its CAC counted fewer new customers than `--metrics clv,cac` did.
LEDGER_DEALS = [deal("N1", "Closed Won", 1200, "2025-01-10", "2025-02-01", "N")]
LEDGER_SPEND = [{"date": "2025-02-15", "amount": 600, "category": "Advertising"}]
# C is a customer the deals export does not know: acquired in Q1 by the customers table alone.
LEDGER_CUSTOMERS = [{"customer_id": "N", "acquired_at": None}, {"customer_id": "C", "acquired_at": "2025-03-01"}]


@pytest.mark.parametrize("metrics", [["clv"], ["clv", "cac"], ["cac_payback_months"]])
def test_metrics_on_the_ledger_read_the_customers_table_whatever_else_is_selected(
        tmp_path: Path, metrics: list[str]) -> None:
    tables = {"deals": LEDGER_DEALS, "spend": LEDGER_SPEND, "customers": LEDGER_CUSTOMERS}
    report = run_report(tmp_path, tables, metrics, date(2025, 1, 1), date(2025, 3, 31), clv={"lifetime_years": 2})
    got = cells(report)
    # New customers in Q1: N (first won new deal 2025-02-01) and C (customers.acquired_at) = 2, so
    # CAC = 600 / 2 = 300 (without the customers table: 600 / 1 = 600).
    if "clv" in got:
        # ARPA = 1,200 won in the 12 months to 2025-03-31 / 1 customer with a won deal = 1,200;
        # CLV = 1,200 x margin 1 x 2 years - 300 = 2,100 (without customers: 2,400 - 600 = 1,800).
        assert got["clv"][Q1].value == pytest.approx(2100)
    if "cac_payback_months" in got:
        # Monthly revenue of the customers acquired in Q1 with a first deal: N 1,200 / 12 = 100
        # (C has no deal); 300 / (100 x 1) = 3 months (without customers: 600 / 100 = 6).
        assert got["cac_payback_months"][Q1].value == pytest.approx(3.0)
    assert "customers" in report.quality
