"""Absence of evidence is not zero (../shared/metrics.md, top section "No plausible wrong number"):
a metric whose inputs in a period are all unreadable is n/a with the reason; with some readable it
is computed from the rest and says how many rows were left out; churn without a churn source is
"no churn data", and so is a lifetime (and CLV) computed from it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.fixtures.build import deal, values

Q1 = "2025-Q1"
TWO_WON = [deal("D1", "Closed Won", 1000, "2025-01-01", "2025-02-01", "A"),
           deal("D2", "Closed Won", 2000, "2025-01-01", "2025-02-03", "B")]


def test_cac_na_when_every_spend_amount_is_unreadable(tmp_path: Path) -> None:
    # The example: the only Q1 spend row reads "? 1000"; two won new deals. Spend is not
    # $0, it is unknown: CAC and the payback built on it are n/a, not $0.00 and 0.0 months.
    got = values(tmp_path, {"deals": TWO_WON,
                            "spend": [{"date": "2025-01-15", "category": "Ads", "amount": "? 1000"}]},
                 ["cac", "cac_payback_months", "clv"], date(2025, 1, 1), date(2025, 3, 31),
                 clv={"lifetime_years": 2})
    assert got["cac"][Q1].value is None
    assert got["cac"][Q1].note == "the one acquisition spend row unreadable (amount)"
    assert got["cac_payback_months"][Q1].value is None
    assert got["clv"][Q1].value is None


def test_cac_from_the_readable_spend_with_a_note(tmp_path: Path) -> None:
    # 3 Q1 spend rows, one unreadable: (1,000 + 500) / 2 new customers = 750, "1 of 3 ... left out".
    spend = [{"date": "2025-01-15", "category": "Ads", "amount": "1000"},
             {"date": "2025-02-15", "category": "Ads", "amount": "? 1000"},
             {"date": "2025-03-15", "category": "Ads", "amount": "500"}]
    got = values(tmp_path, {"deals": TWO_WON, "spend": spend}, ["cac", "cac_payback_months"],
                 date(2025, 1, 1), date(2025, 3, 31))
    assert got["cac"][Q1].value == pytest.approx(750)
    assert got["cac"][Q1].note == "1 of 3 acquisition spend rows unreadable (amount), left out"
    # Payback: 750 / ((1,000 + 2,000) / 2 / 12 months a deal) = 750 / 125 = 6 months, same note.
    assert got["cac_payback_months"][Q1].value == pytest.approx(6)
    assert got["cac_payback_months"][Q1].note == got["cac"][Q1].note


def test_won_deals_without_a_close_date_column(tmp_path: Path) -> None:
    # The deals export has no close-date column: its won deals cannot be placed in any period, so
    # new revenue and new customers are unknown, not $0.00 and 0.
    deals = [{"deal_id": "1", "stage": "Closed Won", "amount": 1000, "created_at": "2025-01-01", "account_id": "A"},
             {"deal_id": "2", "stage": "Closed Won", "amount": 2000, "created_at": "2025-01-02", "account_id": "B"}]
    got = values(tmp_path, {"deals": deals}, ["new_revenue", "new_customers", "expansion_revenue"],
                 date(2025, 1, 1), date(2025, 3, 31))
    reason = "no won new deal has a deals.closed_at date (column not found or unreadable)"
    assert got["new_revenue"][Q1] == got["new_customers"][Q1]
    assert got["new_revenue"][Q1].value is None and got["new_revenue"][Q1].note == reason
    # No deal type column: every deal reads as new, so no expansion could be seen at all, and
    # "$0 expansion" would be read from the missing column (test_no_evidence has the typed case).
    assert got["expansion_revenue"][Q1].value is None
    assert (got["expansion_revenue"][Q1].note or "").startswith("no deal types")


def test_new_revenue_leaves_out_unreadable_amounts(tmp_path: Path) -> None:
    # Q1: won new deals of 1,000, "n/a" and 2,000 -> 3,000 from 2 of 3, with a note. Q2: one won
    # deal of "??" -> n/a. A Q3 with no deal won is a true 0.
    deals = TWO_WON + [deal("D3", "Closed Won", "n/a", "2025-01-01", "2025-03-01", "C"),
                       deal("D4", "Closed Won", "??", "2025-01-01", "2025-05-01", "D")]
    got = values(tmp_path, {"deals": deals}, ["new_revenue", "close_rate_value"],
                 date(2025, 1, 1), date(2025, 9, 30))
    assert got["new_revenue"][Q1].value == pytest.approx(3000)
    assert got["new_revenue"][Q1].note == "1 of 3 won new deals unreadable (amount), left out"
    assert got["new_revenue"]["2025-Q2"].value is None
    assert got["new_revenue"]["2025-Q2"].note == "the one won new deal unreadable (amount)"
    assert got["new_revenue"]["2025-Q3"].value == 0
    # Close rate by value: 3,000 won / 3,000 closed = 100 %, the unreadable deal in neither.
    assert got["close_rate_value"][Q1].value == pytest.approx(1.0)
    assert got["close_rate_value"][Q1].note == "1 of 3 closed deals unreadable (amount), left out"


def test_no_churn_source_is_no_churn_data(tmp_path: Path) -> None:
    # Deals with no deal types (so no renewals) and no customers table: nothing could show a churn.
    # Churn is "no churn data", not 0 %, and the lifetime is not the 10-year cap, nor CLV from it.
    deals = [deal("D1", "Closed Won", 1200, "2023-01-01", "2024-01-10", "A"),
             deal("D2", "Closed Won", 1200, "2023-01-01", "2024-02-10", "B"),
             deal("D3", "Closed Won", 1200, "2024-01-01", "2025-02-10", "C")]
    spend = [{"date": "2025-01-15", "category": "Ads", "amount": "100"}]
    metrics = ["churn_rate", "annual_churn_rate", "customer_lifetime_years", "clv"]
    got = values(tmp_path, {"deals": deals, "spend": spend}, metrics, date(2025, 1, 1), date(2025, 3, 31))
    for metric in metrics:
        assert got[metric][Q1].value is None, metric
        assert "no churn data" in (got[metric][Q1].note or ""), metric
    assert "clv.lifetime_years" in (got["customer_lifetime_years"][Q1].note or "")
    # With clv.lifetime_years set, CLV is computed: ARPA over the 12 months to 2025-03-31 = 1,200
    # (D3, customer C) x margin 1 x 2 years - CAC (100 / 1 new customer) = 2,300.
    got = values(tmp_path, {"deals": deals, "spend": spend}, metrics, date(2025, 1, 1), date(2025, 3, 31),
                 clv={"lifetime_years": 2})
    assert got["clv"][Q1].value == pytest.approx(2300)
    assert got["churn_rate"][Q1].value is None


def test_one_renewal_deal_is_a_churn_source(tmp_path: Path) -> None:
    # A renewal deal anywhere in the data makes "nobody churned" a fact: A and B active on
    # 2025-01-01, A's renewal won, nobody lost: churn 0 / 2 = 0 %.
    deals = [deal("D1", "Closed Won", 1200, "2023-01-01", "2024-01-10", "A"),
             deal("D2", "Closed Won", 1200, "2023-01-01", "2024-02-10", "B"),
             deal("R1", "Closed Won", 1200, "2024-12-01", "2025-01-10", "A", deal_type="Renewal")]
    got = values(tmp_path, {"deals": deals}, ["churn_rate"], date(2025, 1, 1), date(2025, 3, 31))
    assert got["churn_rate"][Q1].value == 0


def test_retention_cost_without_retention_spend(tmp_path: Path) -> None:
    # No spend row in a retention category anywhere: what keeping customers cost is unknown.
    got = values(tmp_path, {"deals": TWO_WON,
                            "spend": [{"date": "2025-01-15", "category": "Ads", "amount": "100"}]},
                 ["retention_cost_per_customer"], date(2025, 1, 1), date(2025, 3, 31))
    cell = got["retention_cost_per_customer"][Q1]
    assert cell.value is None and cell.note is not None and "retention.categories" in cell.note
