"""Seed-catalogue measures over deals, customers and spend (metrics.md section 3): deals won,
proposals sent, deal data completeness, referral and retained customers, the expansion ratio and
the support and onboarding cost per customer, against hand calculations."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.fixtures.build import deal, values

Q1, Q2 = "2025-Q1", "2025-Q2"
ACCOUNTS = ["deals_won", "proposals_sent", "deal_data_completeness_pct", "referral_customers",
            "retained_customers", "expansion_customer_pct", "support_cost_per_customer",
            "onboarding_cost_per_customer"]


def proposed(row: dict, when: str | None) -> dict:
    return {**row, "proposal_at": when}


DEALS = [
    # A: customer since 2024-12-15 (before the range), by a partner referral
    proposed(deal("D1", "Closed Won", 1000, "2024-11-01", "2024-12-15", "A", source="Partner referral",
                  owner="Ann"), None),
    # B: new customer in Q1 from the web; proposal sent Jan 25 (proposal_at)
    proposed(deal("D2", "Closed Won", 2000, "2025-01-05", "2025-02-10", "B", source="Web", owner="Bob"),
             "2025-01-25"),
    # C: new customer on Q1's last day, by word of mouth; no owner (incomplete data)
    proposed(deal("D3", "Closed Won", 500, "2025-02-01", "2025-03-31", "C", source="Word of Mouth"), None),
    # A expands in Q2; proposal_at Apr 20 wins over its stage-history entry of Mar 28
    proposed(deal("D4", "Closed Won", 300, "2025-04-01", "2025-05-01", "A", "Upsell", "Web", "Ann"),
             "2025-04-20"),
    # B's renewal is lost on Jun 30: B churns on Q2's last day
    proposed(deal("D5", "Closed Lost", 2000, "2025-04-10", "2025-06-30", "B", "Renewal", "Web", "Bob"), None),
    # open, no source (incomplete)
    proposed(deal("D6", "Proposal", 800, "2025-05-05", None, "D", owner="Bob"), None),
    # lost new deal: not a customer
    proposed(deal("D7", "Closed Lost", 400, "2025-01-20", "2025-03-01", "E", source="Web", owner="Ann"), None),
    # C expands in Q2
    proposed(deal("D8", "Closed Won", 100, "2025-05-20", "2025-06-01", "C", "Upsell", "Web", "Ann"), None),
    # A renews in Q2
    proposed(deal("D9", "Closed Won", 1000, "2025-06-01", "2025-06-15", "A", "Renewal", "Web", "Ann"), None),
    # lost without a close date: incomplete under the default adoption fields
    proposed(deal("D10", "Closed Lost", 100, "2025-04-15", None, "F", source="Web", owner="Bob"), None),
]
STAGES = [
    {"deal_id": "D3", "stage": "Proposal", "entered_at": "2025-03-01"},
    {"deal_id": "D3", "stage": "Negotiation", "entered_at": "2025-03-10"},
    {"deal_id": "D3", "stage": "Proposal", "entered_at": "2025-03-20"},
    {"deal_id": "D4", "stage": "Proposal", "entered_at": "2025-03-28"},
    {"deal_id": "D6", "stage": "Proposal/Price Quote", "entered_at": "2025-05-10"},
    {"deal_id": "D7", "stage": "Qualification", "entered_at": "2025-01-25"},
    # only in the stage history, not in the deals export
    {"deal_id": "D11", "stage": "Proposal", "entered_at": "2025-06-01"},
]
SPEND = [
    {"date": "2025-02-01", "category": "Support", "amount": 600},
    {"date": "2025-05-01", "category": "support", "amount": 500},
    {"date": "2025-01-15", "category": "Onboarding", "amount": 900},
    {"date": "2025-04-15", "category": "Onboarding", "amount": 100},
    {"date": "2025-01-15", "category": "Ads", "amount": 1000},
]


@pytest.fixture(scope="module")
def accounts(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("accounts")
    return values(tmp, {"deals": DEALS, "stage_changes": STAGES, "spend": SPEND}, ACCOUNTS,
                  date(2025, 1, 1), date(2025, 6, 30))


def test_deals_won_counts_every_type(accounts: dict) -> None:
    # Q1: D2, D3 (new) = 2. Q2: D4, D8 (expansion) + D9 (renewal) = 3; D5 and D10 lost.
    assert accounts["deals_won"][Q1].value == 2
    assert accounts["deals_won"][Q2].value == 3


def test_proposals_sent_from_proposal_at_else_the_first_proposal_stage(accounts: dict) -> None:
    # Q1: D2 (proposal_at Jan 25), D3 (first Proposal entry Mar 1; the Mar 20 re-entry does not
    # count again) = 2; D4's Mar 28 entry loses to its proposal_at Apr 20.
    # Q2: D4 (Apr 20), D6 ("Proposal/Price Quote" May 10), D11 (only in the history, Jun 1) = 3.
    assert accounts["proposals_sent"][Q1].value == 2
    assert accounts["proposals_sent"][Q2].value == 3


def test_deal_data_completeness(accounts: dict) -> None:
    # Created in Q1: D2 complete, D3 no owner, D7 complete (lost, with a close date) -> 2 / 3.
    # Created in Q2: D4, D5, D8, D9 complete; D6 no source; D10 closed without a close date -> 4 / 6.
    assert accounts["deal_data_completeness_pct"][Q1].value == pytest.approx(2 / 3)
    assert accounts["deal_data_completeness_pct"][Q2].value == pytest.approx(4 / 6)


def test_referral_customers_by_the_built_in_words(accounts: dict) -> None:
    # New in Q1: B (Web), C (Word of Mouth) -> 1. None new in Q2 -> 0. A (Partner referral) was
    # acquired in 2024.
    assert accounts["referral_customers"][Q1].value == 1
    assert accounts["referral_customers"][Q2].value == 0


def test_retained_customers_are_active_at_the_periods_end(accounts: dict) -> None:
    # End of Q1: A, B, C (acquired on Mar 31 itself) = 3. End of Q2: B churned on Jun 30 -> A, C = 2.
    assert accounts["retained_customers"][Q1].value == 3
    assert accounts["retained_customers"][Q2].value == 2


def test_expansion_customer_pct(accounts: dict) -> None:
    # Q1: active on Jan 1 = A; no expansion in Q1 -> 0 / 1. Q2: active on Apr 1 = A, B, C; A (D4)
    # and C (D8) won expansions -> 2 / 3.
    assert accounts["expansion_customer_pct"][Q1].value == 0
    assert accounts["expansion_customer_pct"][Q2].value == pytest.approx(2 / 3)


def test_support_and_onboarding_cost_per_customer(accounts: dict) -> None:
    # Support Q1: 600 / ((1 active on Jan 1 + 3 at Mar 31) / 2 = 2) = 300.
    # Support Q2: 500 / ((3 on Apr 1 + 2 at Jun 30) / 2 = 2.5) = 200.
    assert accounts["support_cost_per_customer"][Q1].value == pytest.approx(300)
    assert accounts["support_cost_per_customer"][Q2].value == pytest.approx(200)
    # Onboarding Q1: 900 / 2 new customers (B, C) = 450; Q2: 100 spent, no new customer -> n/a.
    assert accounts["onboarding_cost_per_customer"][Q1].value == pytest.approx(450)
    assert accounts["onboarding_cost_per_customer"][Q2].value is None


def test_referral_sources_and_adoption_fields_from_the_config(tmp_path: Path) -> None:
    result = values(tmp_path, {"deals": DEALS}, ["referral_customers", "deal_data_completeness_pct"],
                    date(2025, 1, 1), date(2025, 3, 31), referral_sources=["web"],
                    adoption={"fields": ["amount", "region"]})
    # referral_sources: exact, ignoring case: B (Web) -> 1 in Q1; C's "Word of Mouth" no longer counts.
    assert result["referral_customers"][Q1].value == 1
    # region has no column: n/a, not 0 %.
    assert result["deal_data_completeness_pct"][Q1].value is None
    assert result["deal_data_completeness_pct"][Q1].note == "needs deals.region"


def test_proposals_without_proposal_at_or_stage_history_are_na(tmp_path: Path) -> None:
    plain = [{k: v for k, v in d.items() if k != "proposal_at"} for d in DEALS]
    result = values(tmp_path, {"deals": plain}, ["proposals_sent"], date(2025, 1, 1), date(2025, 3, 31))
    assert result["proposals_sent"][Q1].value is None


def test_explain_prints_the_inputs_each_period_divided(tmp_path: Path) -> None:
    from crm_metrics import api
    from tests.fixtures.build import make_config

    config = make_config(tmp_path, {"deals": DEALS, "stage_changes": STAGES, "spend": SPEND})
    inputs = {m: api.explain(config, m, date(2025, 4, 1), date(2025, 6, 30)).inputs for m in ACCOUNTS}
    assert inputs["deals_won"] == ["Deals won 2025-Q2 = 3 won deals closed in the period (0 new, 1 renewal, "
                                   "2 expansion)"]
    assert inputs["expansion_customer_pct"] == [
        "Expansion customers 2025-Q2 = 2 with a won expansion deal / 3 customers active on 2025-04-01 = 66.7 %"]
    assert inputs["support_cost_per_customer"] == [
        "Support cost per customer 2025-Q2 = 500 support spend / 2.50 customers, the mean of 3 active on "
        "2025-04-01 and 2 at the end of 2025-06-30 = 200.00"]
    assert inputs["deal_data_completeness_pct"] == [
        "Deal data completeness 2025-Q2 = 4 with amount, account, owner, source filled / 6 deals created = 66.7 %"]
    assert inputs["onboarding_cost_per_customer"][0].endswith("= n/a (no new customers)")


def test_explain_proposals_and_retained_customers(tmp_path: Path) -> None:
    from crm_metrics import api
    from tests.fixtures.build import make_config

    config = make_config(tmp_path, {"deals": DEALS, "stage_changes": STAGES})
    inputs = {m: api.explain(config, m, date(2025, 4, 1), date(2025, 6, 30)).inputs
              for m in ("proposals_sent", "retained_customers")}
    # Q2 proposals: D4 by proposal_at; D6 and D11 by the stage history.
    assert inputs["proposals_sent"] == ["Proposals sent 2025-Q2 = 3 deals (1 by proposal_at, 2 by first entering "
                                        "a proposal stage)"]
    # Acquired by Jun 30: A, B, C; B churned on Jun 30 -> 2.
    assert inputs["retained_customers"] == ["Retained customers 2025-Q2 = 2 active at the end of 2025-06-30 "
                                            "(3 acquired by then - 1 of them churned)"]
