"""Facts the data does not carry, and inputs left out, are never a 0 (../shared/metrics.md, top
section "No plausible wrong number"; issue 14 kinds 1 and 2): a metric that buckets deals by close
date is n/a when no deal has one; referral, expansion and retained-customer counts are n/a when the
source, deal type or churn is not in the data at all; a ratio leaves an unreadable input out of both
sides and says so; spend and first-deal amounts left out are said; event counts whose dates are all
unreadable are n/a; lost deals all at 0 make close rate by value n/a and are a validate problem.

Each test pairs the n/a with the same fixture plus the missing fact, computed by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from crm_metrics.api import report
from crm_metrics.checks import validate
from crm_metrics.periods import PeriodKind
from crm_metrics.pipeline import RunOptions
from tests.fixtures.build import deal, make_config, values

Q1 = "2025-Q1"
JAN, MAR = date(2025, 1, 1), date(2025, 3, 31)
TODAY = date(2026, 1, 15)


def _no_close_dates() -> list[dict[str, Any]]:
    # The reproduction: no closed_at column, 2 won and 1 lost, keyed by account name.
    return [{"deal_id": "1", "stage": "Closed Won", "amount": 1000, "created_at": "2025-01-01", "account_name": "A"},
            {"deal_id": "2", "stage": "Closed Won", "amount": 2000, "created_at": "2025-01-02", "account_name": "B"},
            {"deal_id": "3", "stage": "Closed Lost", "amount": 500, "created_at": "2025-01-03", "account_name": "C"}]


CLOSE_DATED = ["deals_won", "retained_customers", "close_rate", "close_rate_value", "sales_cycle_days",
               "sales_cycle_days_mean", "arpa_annual", "new_customers", "referral_customers"]


def test_no_close_date_column_is_na_with_the_true_reason(tmp_path: Path) -> None:
    got = values(tmp_path, {"deals": _no_close_dates()}, CLOSE_DATED, JAN, MAR)
    for metric in CLOSE_DATED:
        cell = got[metric][Q1]
        assert cell.value is None, metric
        assert "deals.closed_at" in (cell.note or ""), (metric, cell.note)
    # Not "no deals closed": the deals closed, their dates are what is missing.
    assert got["close_rate"][Q1].note == "no closed deal has a deals.closed_at date (column not found or unreadable)"
    assert got["deals_won"][Q1].note == "no won deal has a deals.closed_at date (column not found or unreadable)"


def test_the_same_deals_dated_are_counted(tmp_path: Path) -> None:
    # With close dates in Q1: 2 won of 3 closed -> deals won 2, close rate 2 / 3; by value
    # 3,000 won / 3,500 closed = 0.857; cycles 31 and 40 days -> median 35.5.
    deals = _no_close_dates()
    for row, closed in zip(deals, ("2025-02-01", "2025-02-11", "2025-02-12"), strict=True):
        row["closed_at"] = closed
    got = values(tmp_path, {"deals": deals}, ["deals_won", "close_rate", "close_rate_value", "sales_cycle_days"],
                 JAN, MAR)
    assert got["deals_won"][Q1].value == 2
    assert got["close_rate"][Q1].value == pytest.approx(2 / 3)
    assert got["close_rate_value"][Q1].value == pytest.approx(3000 / 3500)
    assert got["sales_cycle_days"][Q1].value == pytest.approx(35.5)


def test_no_source_anywhere_is_no_referral_count(tmp_path: Path) -> None:
    # Two customers won in Q1, no source column: "0 referral customers" would be read from a
    # missing column, so it is n/a; so are the marketing shares.
    deals = [deal("D1", "Closed Won", 1000, "2025-01-01", "2025-02-01", "A"),
             deal("D2", "Closed Won", 2000, "2025-01-01", "2025-02-03", "B")]
    metrics = ["referral_customers", "marketing_sourced_pct"]
    got = values(tmp_path, {"deals": deals}, metrics, JAN, MAR, marketing_sources=["Web"])
    for metric in metrics:
        assert got[metric][Q1].value is None
        assert got[metric][Q1].note == "no customer source: map deals.source or customers.source"
    # D1 from "Partner referral", D2 from "Web": 1 referral customer, marketing 1 / 2 = 0.5.
    deals[0]["source"], deals[1]["source"] = "Partner referral", "Web"
    got = values(tmp_path, {"deals": deals}, metrics, JAN, MAR, marketing_sources=["Web"])
    assert got["referral_customers"][Q1].value == 1
    assert got["marketing_sourced_pct"][Q1].value == pytest.approx(0.5)


def _customers_and_upsell(deal_type: str | None) -> list[dict[str, Any]]:
    # A and B acquired in 2024; in Q1 2025 A wins a 300 deal (an upsell when typed). The churn
    # source is the customers table's churned_at, given with the deals.
    return [deal("D1", "Closed Won", 1000, "2024-01-01", "2024-02-01", "A", deal_type="New" if deal_type else None),
            deal("D2", "Closed Won", 2000, "2024-01-01", "2024-03-01", "B", deal_type="New" if deal_type else None),
            deal("D3", "Closed Won", 300, "2025-01-01", "2025-02-01", "A", deal_type=deal_type)]


def test_no_deal_types_is_no_expansion(tmp_path: Path) -> None:
    # No deal type column: D3 reads as new, so no expansion can be seen; $0 and 0 % would be guesses.
    customers = [{"customer_id": "A", "churned_at": None}, {"customer_id": "B", "churned_at": None}]
    metrics = ["expansion_revenue", "expansion_customer_pct", "renewal_rate"]
    got = values(tmp_path, {"deals": _customers_and_upsell(None), "customers": customers}, metrics, JAN, MAR)
    for metric in metrics:
        assert got[metric][Q1].value is None, metric
        assert (got[metric][Q1].note or "").startswith("no deal types: every deal reads as new"), metric
    # Typed: D3 is an Upsell (expansion) of 300; A and B active on 2025-01-01, A expanded: 1 / 2.
    got = values(tmp_path, {"deals": _customers_and_upsell("Upsell"), "customers": customers}, metrics, JAN, MAR)
    assert got["expansion_revenue"][Q1].value == pytest.approx(300)
    assert got["expansion_customer_pct"][Q1].value == pytest.approx(0.5)
    # Deal types told, but no renewal closed in Q1: the usual zero-denominator reason.
    assert got["renewal_rate"][Q1].note == "no renewals closed"


def test_no_churn_data_is_no_retained_count(tmp_path: Path) -> None:
    # Customers A, B acquired in 2024 and nothing that could show a churn: "2 retained" assumes
    # nobody left, so retained customers and the costs per active customer are n/a.
    deals = _customers_and_upsell(None)[:2]
    spend = [{"date": "2025-01-15", "category": "Success", "amount": "400"}]
    metrics = ["retained_customers", "retention_cost_per_customer", "support_cost_per_customer"]
    settings = {"retention": {"categories": ["Success"]}, "support_cost": {"categories": ["Success"]}}
    got = values(tmp_path, {"deals": deals, "spend": spend}, metrics, JAN, MAR, **settings)
    for metric in metrics:
        assert got[metric][Q1].value is None, metric
        assert (got[metric][Q1].note or "").startswith("no churn data"), metric
    # With churned_at mapped: B churned 2025-02-15. Active on 2025-01-01: A, B (2); at the end of
    # Q1: A (1). Retained 1; retention cost 400 / ((2 + 1) / 2) = 266.67.
    customers = [{"customer_id": "A", "churned_at": None}, {"customer_id": "B", "churned_at": "2025-02-15"}]
    got = values(tmp_path, {"deals": deals, "spend": spend, "customers": customers}, metrics, JAN, MAR, **settings)
    assert got["retained_customers"][Q1].value == 1
    assert got["retention_cost_per_customer"][Q1].value == pytest.approx(400 / 1.5)
    assert got["support_cost_per_customer"][Q1].value == pytest.approx(400 / 1.5)


def test_arpa_leaves_the_customer_of_a_left_out_amount_out_of_the_denominator(tmp_path: Path) -> None:
    # Won in Q1: A 1,000, B 99999999999999999999999 (over 10^12, left out), C -200. Not 800 / 3
    # customers = 266.67: B has no readable revenue, so 800 / 2 = 400, and the note says it.
    deals = [deal("D1", "Closed Won", 1000, "2025-01-01", "2025-02-01", "A"),
             deal("D2", "Closed Won", "99999999999999999999999", "2025-01-01", "2025-02-02", "B"),
             deal("D3", "Closed Won", -200, "2025-01-01", "2025-02-03", "C")]
    got = values(tmp_path, {"deals": deals}, ["arpa_annual"], JAN, MAR)
    assert got["arpa_annual"][Q1].value == pytest.approx(400)
    assert got["arpa_annual"][Q1].note == "1 of 3 won deals unreadable (amount), left out"


def _lost_at_zero(lost: int) -> list[dict[str, Any]]:
    won = [deal("W1", "Closed Won", 1000, "2025-01-01", "2025-02-01", "A"),
           deal("W2", "Closed Won", 3000, "2025-01-01", "2025-02-02", "B")]
    return won + [deal(f"L{i}", "Closed Lost", 0, "2025-01-01", "2025-02-03", f"L{i}") for i in range(lost)]


def test_lost_deals_all_at_zero_make_close_rate_value_na(tmp_path: Path) -> None:
    # 5 lost deals, every one at 0 (Maven's close_value): by value 4,000 / 4,000 = 100 % by
    # construction, so n/a; by count 2 / 7 stays.
    got = values(tmp_path, {"deals": _lost_at_zero(5)}, ["close_rate_value", "close_rate"], JAN, MAR)
    assert got["close_rate_value"][Q1].value is None
    assert (got["close_rate_value"][Q1].note or "").startswith("every lost deal has amount 0 or blank")
    assert got["close_rate"][Q1].value == pytest.approx(2 / 7)
    checked = validate(make_config(tmp_path, {"deals": _lost_at_zero(5)}), today=TODAY)
    assert [(p.check, p.count) for p in checked.problems if p.check == "lost_without_value"] == [
        ("lost_without_value", 5)]


def test_a_few_lost_deals_at_zero_are_chance(tmp_path: Path) -> None:
    # 4 lost at 0 (fewer than 5) may be real: 4,000 won / 4,000 closed = 1.0, no validate problem.
    got = values(tmp_path, {"deals": _lost_at_zero(4)}, ["close_rate_value"], JAN, MAR)
    assert got["close_rate_value"][Q1].value == pytest.approx(1.0)
    checked = validate(make_config(tmp_path, {"deals": _lost_at_zero(4)}), today=TODAY)
    assert not [p for p in checked.problems if p.check == "lost_without_value"]


def test_campaign_revenue_says_the_amounts_left_out(tmp_path: Path) -> None:
    # Won in Q1 with campaign "Spring": 1,000 and "TBD" -> 1,000 from 1 of 2, with a note.
    deals = [deal("D1", "Closed Won", 1000, "2025-01-01", "2025-02-01", "A"),
             deal("D2", "Closed Won", "TBD", "2025-01-01", "2025-02-02", "B")]
    for row in deals:
        row["campaign"] = "Spring"
    got = values(tmp_path, {"deals": deals}, ["campaign_won_revenue"], JAN, MAR)
    assert got["campaign_won_revenue"][Q1].value == pytest.approx(1000)
    assert got["campaign_won_revenue"][Q1].note == "1 of 2 won campaign deals unreadable (amount), left out"


def test_spend_per_customer_says_the_rows_left_out(tmp_path: Path) -> None:
    # Customers A and B won in Q1 (new in Q1); customers.churned_at mapped, nobody churned.
    # Onboarding spend 300 and "??": 300 / 2 new customers = 150, "1 of 2 ... left out".
    # Support spend 400 and "n/a": active on 2025-01-01 nobody, at the end of Q1 A and B:
    # 400 / ((0 + 2) / 2) = 400. Campaign spend 500 and "TBD" on "Spring": 500, noted.
    deals = [deal("D1", "Closed Won", 1000, "2025-01-01", "2025-02-01", "A"),
             deal("D2", "Closed Won", 2000, "2025-01-01", "2025-02-03", "B")]
    customers = [{"customer_id": "A", "churned_at": None}, {"customer_id": "B", "churned_at": None}]
    spend = [{"date": "2025-01-15", "category": "Onboarding", "amount": "300", "campaign": None},
             {"date": "2025-01-16", "category": "Onboarding", "amount": "??", "campaign": None},
             {"date": "2025-02-15", "category": "Support", "amount": "400", "campaign": None},
             {"date": "2025-02-16", "category": "Support", "amount": "n/a", "campaign": None},
             {"date": "2025-03-15", "category": "Ads", "amount": "500", "campaign": "Spring"},
             {"date": "2025-03-16", "category": "Ads", "amount": "TBD", "campaign": "Spring"}]
    got = values(tmp_path, {"deals": deals, "customers": customers, "spend": spend},
                 ["onboarding_cost_per_customer", "support_cost_per_customer", "campaign_spend"], JAN, MAR,
                 onboarding={"categories": ["Onboarding"]}, support_cost={"categories": ["Support"]})
    assert got["onboarding_cost_per_customer"][Q1].value == pytest.approx(150)
    assert got["onboarding_cost_per_customer"][Q1].note == "1 of 2 onboarding spend rows unreadable (amount), left out"
    assert got["support_cost_per_customer"][Q1].value == pytest.approx(400)
    assert got["support_cost_per_customer"][Q1].note == "1 of 2 support spend rows unreadable (amount), left out"
    assert got["campaign_spend"][Q1].value == pytest.approx(500)
    assert got["campaign_spend"][Q1].note == "1 of 2 campaign spend rows unreadable (amount), left out"


def test_first_deal_amounts_left_out_are_said(tmp_path: Path) -> None:
    # New in Q1: A 1,200 (Web), B "TBD" (Web), C 600 (Events); acquisition spend 600.
    # CAC 600 / 3 = 200; payback 200 / mean(1,200, 600) / 12 months = 200 / 75 = 2.667 months.
    # Marketing (Web) revenue share: 1,200 / (1,200 + 600) = 0.667. B is in neither average.
    deals = [deal("D1", "Closed Won", 1200, "2025-01-01", "2025-02-01", "A", source="Web"),
             deal("D2", "Closed Won", "TBD", "2025-01-01", "2025-02-03", "B", source="Web"),
             deal("D3", "Closed Won", 600, "2025-01-01", "2025-02-05", "C", source="Events")]
    spend = [{"date": "2025-01-15", "category": "Ads", "amount": "600"}]
    got = values(tmp_path, {"deals": deals, "spend": spend}, ["cac_payback_months", "marketing_sourced_revenue_pct"],
                 JAN, MAR, marketing_sources=["Web"])
    said = "1 of 3 new customers' first deals unreadable (amount), left out"
    assert got["cac_payback_months"][Q1].value == pytest.approx(200 / 75)
    assert got["cac_payback_months"][Q1].note == said
    assert got["marketing_sourced_revenue_pct"][Q1].value == pytest.approx(1200 / 1800)
    assert got["marketing_sourced_revenue_pct"][Q1].note == said


@pytest.mark.parametrize(("table", "column", "metric", "what"), [
    ("tickets", "created_at", "tickets_created", "ticket"),
    ("leads", "created_at", "leads_created", "lead"),
    ("activities", "at", "activities_logged", "activity"),
    ("calls", "started_at", "calls_per_day", "call"),
    ("deals", "created_at", "open_pipeline_count", "deal"),
    ("tickets", "created_at", "tickets_backlog", "ticket"),
])
def test_event_counts_with_every_date_unreadable(tmp_path: Path, table: str, column: str, metric: str,
                                                 what: str) -> None:
    # Two rows, both dated "soon": no row can be placed in any period, so the count is n/a, not 0.
    ids = {"tickets": "ticket_id", "leads": "lead_id", "activities": "activity_id", "calls": None,
           "deals": "deal_id"}
    extra = {"activities": {"type": "Call"}, "deals": {"stage": "Open", "amount": 100},
             "tickets": {"resolved_at": None}}.get(table, {})
    rows = [{**({ids[table]: f"X{i}"} if ids[table] else {}), column: "soon", **extra} for i in range(2)]
    got = values(tmp_path, {table: rows}, [metric], JAN, MAR)
    assert got[metric][Q1].value is None
    assert got[metric][Q1].note == f"no {what} has a {table}.{column} date (column not found or unreadable)"
    # One row dated 2025-02-01: 1 in Q1 (calls: 1 call / 90 days of Q1; open pipeline: 1 open deal;
    # backlog: 1 ticket created, none resolved).
    rows[0][column] = "2025-02-01"
    got = values(tmp_path, {table: rows}, [metric], JAN, MAR)
    assert got[metric][Q1].value == pytest.approx(1 / 90 if metric == "calls_per_day" else 1)


def test_sales_cycle_with_every_create_date_unreadable(tmp_path: Path) -> None:
    # Two deals won in Q1, both created "soon": the cycle is unknown, not "no deals won".
    deals = [deal("D1", "Closed Won", 1000, "soon", "2025-02-01", "A"),
             deal("D2", "Closed Won", 2000, "soon", "2025-02-03", "B")]
    got = values(tmp_path, {"deals": deals}, ["sales_cycle_days", "deal_data_completeness_pct"], JAN, MAR)
    unknown = "has a deals.created_at date (column not found or unreadable)"
    assert got["sales_cycle_days"][Q1].note == f"no won deal {unknown}"
    assert got["deal_data_completeness_pct"][Q1].value is None
    assert got["deal_data_completeness_pct"][Q1].note == f"no deal {unknown}"
    # D1 created 2025-01-01: one cycle of 31 days.
    deals[0]["created_at"] = "2025-01-01"
    got = values(tmp_path, {"deals": deals}, ["sales_cycle_days"], JAN, MAR)
    assert got["sales_cycle_days"][Q1].value == pytest.approx(31)


def test_lead_sources_and_activity_deals_blank_everywhere(tmp_path: Path) -> None:
    # A source column blank on both leads, a deal_id column blank on both meetings: 0 % marketing and
    # 0 meetings a deal would be read from empty columns.
    leads = [{"lead_id": "L1", "created_at": "2025-01-10", "source": None},
             {"lead_id": "L2", "created_at": "2025-01-11", "source": None}]
    activities = [{"activity_id": "M1", "at": "2025-01-10", "type": "Meeting", "deal_id": None},
                  {"activity_id": "M2", "at": "2025-01-11", "type": "Meeting", "deal_id": None}]
    deals = [deal("D1", "Closed Won", 1000, "2025-01-01", "2025-02-01", "A")]
    got = values(tmp_path, {"leads": leads, "activities": activities, "deals": deals},
                 ["marketing_sourced_leads_pct", "meetings_per_opportunity"], JAN, MAR, marketing_sources=["Web"])
    assert got["marketing_sourced_leads_pct"][Q1].note == "no lead has a source (leads.source blank on every row)"
    assert got["meetings_per_opportunity"][Q1].note == (
        "no activity names a deal (activities.deal_id blank on every row)")
    # L1 from Web, M1 on D1: marketing 1 / 2 leads = 0.5; 1 meeting / 1 deal closed in Q1 = 1.0.
    leads[0]["source"], activities[0]["deal_id"] = "Web", "D1"
    got = values(tmp_path, {"leads": leads, "activities": activities, "deals": deals},
                 ["marketing_sourced_leads_pct", "meetings_per_opportunity"], JAN, MAR, marketing_sources=["Web"])
    assert got["marketing_sourced_leads_pct"][Q1].value == pytest.approx(0.5)
    assert got["meetings_per_opportunity"][Q1].value == pytest.approx(1.0)


def test_explain_gives_the_true_reason_too(tmp_path: Path) -> None:
    # explain's close-rate line printed "n/a (no deals closed)" whatever the cell said; with no
    # close-date column it must give the report's reason. With dates, 2 won / 3 closed = 66.7 %.
    from crm_metrics.api import explain

    config = make_config(tmp_path, {"deals": _no_close_dates()})
    lines = explain(config, "close_rate", JAN, MAR, today=TODAY).inputs or []
    assert lines == ["Close rate 2025-Q1 = 0 won / 0 closed (0 won + 0 lost, new and expansion deals) = n/a "
                     "(no closed deal has a deals.closed_at date (column not found or unreadable))"]
    deals = _no_close_dates()
    for row in deals:
        row["closed_at"] = "2025-02-01"
    lines = explain(make_config(tmp_path, {"deals": deals}), "close_rate", JAN, MAR, today=TODAY).inputs or []
    assert lines == ["Close rate 2025-Q1 = 2 won / 3 closed (2 won + 1 lost, new and expansion deals) = 66.7 %"]


def test_abandoned_calls_with_no_readable_outcome(tmp_path: Path) -> None:
    # Outcomes "transferred" and "queued" say neither answered nor abandoned: n/a, not "no calls".
    calls = [{"started_at": "2025-01-10", "outcome": "transferred"}, {"started_at": "2025-01-11", "outcome": "queued"}]
    got = values(tmp_path, {"calls": calls}, ["abandoned_call_pct"], JAN, MAR)
    assert got["abandoned_call_pct"][Q1].note == "no call's calls.outcome says whether it was answered"
    # One "missed", one "transferred": 1 abandoned / 1 known = 1.0.
    calls[0]["outcome"] = "missed"
    got = values(tmp_path, {"calls": calls}, ["abandoned_call_pct"], JAN, MAR)
    assert got["abandoned_call_pct"][Q1].value == pytest.approx(1.0)


def test_durations_say_the_rows_left_out(tmp_path: Path) -> None:
    # Sales cycle: D1 2025-01-01 -> 2025-02-01 = 31 days; D2 created "soon" is left out and said.
    deals = [deal("D1", "Closed Won", 1000, "2025-01-01", "2025-02-01", "A"),
             deal("D2", "Closed Won", 2000, "soon", "2025-02-03", "B")]
    # Resolution: T1 00:00 -> 10:00 = 10 h; T2 created "soon" has no time and is said.
    tickets = [{"ticket_id": "T1", "created_at": "2025-01-01 00:00", "resolved_at": "2025-01-01 10:00"},
               {"ticket_id": "T2", "created_at": "soon", "resolved_at": "2025-01-02 10:00"}]
    # Handle time: answered 120 s -> 2 min; answered "??" left out; the unanswered call is in no count.
    calls = [{"started_at": "2025-01-10", "answered": "yes", "handle_seconds": "120"},
             {"started_at": "2025-01-11", "answered": "yes", "handle_seconds": "??"},
             {"started_at": "2025-01-12", "answered": "no", "handle_seconds": None}]
    got = values(tmp_path, {"deals": deals, "tickets": tickets, "calls": calls},
                 ["sales_cycle_days", "resolution_time_hours", "avg_handle_minutes", "same_day_resolution_pct"],
                 JAN, MAR)
    assert got["sales_cycle_days"][Q1].value == pytest.approx(31)
    assert got["sales_cycle_days"][Q1].note == "1 of 2 won deals unreadable (created_at), left out"
    assert got["resolution_time_hours"][Q1].value == pytest.approx(10)
    assert got["resolution_time_hours"][Q1].note == "1 of 2 resolved tickets unreadable (created_at), left out"
    # Same day: T1 resolved on its creation day, 1 / 1; T2 said the same way.
    assert got["same_day_resolution_pct"][Q1].value == pytest.approx(1.0)
    assert got["same_day_resolution_pct"][Q1].note == got["resolution_time_hours"][Q1].note
    assert got["avg_handle_minutes"][Q1].value == pytest.approx(2)
    assert got["avg_handle_minutes"][Q1].note == "1 of 2 answered calls unreadable (handle_seconds), left out"


def test_ticket_end_dates_unreadable_everywhere_are_not_none_resolved(tmp_path: Path) -> None:
    # Both tickets' resolved_at read "done-ish": nothing says when (or whether) they were resolved.
    tickets = [{"ticket_id": "T1", "created_at": "2025-01-10", "resolved_at": "done-ish"},
               {"ticket_id": "T2", "created_at": "2025-01-11", "resolved_at": "done-ish"}]
    metrics = ["tickets_resolved", "resolution_time_hours", "tickets_backlog", "same_day_resolution_pct"]
    got = values(tmp_path, {"tickets": tickets}, metrics, JAN, MAR)
    for metric in metrics:
        assert got[metric][Q1].value is None, metric
        assert got[metric][Q1].note == "no ticket has a readable tickets.resolved_at (2 unreadable)", metric
    # Blank on both (an export of open tickets): 0 resolved and a backlog of 2 are facts.
    for row in tickets:
        row["resolved_at"] = None
    got = values(tmp_path, {"tickets": tickets}, metrics, JAN, MAR)
    assert got["tickets_resolved"][Q1].value == 0
    assert got["tickets_backlog"][Q1].value == 2


def test_conversion_churn_and_proposal_dates_unreadable_everywhere(tmp_path: Path) -> None:
    # converted_at "yes" on both leads (a flag mapped as a date), churned_at "True" / "False" (RavenStack's
    # churn_flag mapped as a date), proposal_at "sent" on the open deal: every one unreadable, so
    # conversion, churn and proposals are unknown, not 0.
    leads = [{"lead_id": "L1", "created_at": "2025-01-10", "converted_at": "yes"},
             {"lead_id": "L2", "created_at": "2025-01-11", "converted_at": "yes"}]
    customers = [{"customer_id": "A", "acquired_at": "2024-01-01", "churned_at": "True"},
                 {"customer_id": "B", "acquired_at": "2024-01-01", "churned_at": "False"}]
    deals = [{"deal_id": "D1", "stage": "Proposal", "amount": 100, "created_at": "2025-01-01",
              "proposal_at": "sent"}]
    metrics = ["lead_conversion_rate", "lead_to_customer_days", "churn_rate", "retained_customers", "proposals_sent"]
    got = values(tmp_path, {"leads": leads, "customers": customers, "deals": deals}, metrics, JAN, MAR)
    assert got["lead_conversion_rate"][Q1].note == "no lead has a readable leads.converted_at (2 unreadable)"
    assert got["lead_to_customer_days"][Q1].note == got["lead_conversion_rate"][Q1].note
    assert got["churn_rate"][Q1].note == "no churn data: no customer has a readable customers.churned_at (2 unreadable)"
    assert got["retained_customers"][Q1].note == got["churn_rate"][Q1].note
    assert got["proposals_sent"][Q1].note == "no deal has a readable deals.proposal_at (1 unreadable)"
    # Readable: L1 converted 2025-01-20 -> 1 / 2 = 0.5, 10 days; B churned 2025-02-01 -> 1 of 2
    # active on 2025-01-01 = 0.5, retained 1; D1's proposal on 2025-01-15 -> 1.
    leads[0]["converted_at"], leads[1]["converted_at"] = "2025-01-20", None
    customers[0]["churned_at"], customers[1]["churned_at"] = None, "2025-02-01"
    deals[0]["proposal_at"] = "2025-01-15"
    got = values(tmp_path, {"leads": leads, "customers": customers, "deals": deals}, metrics, JAN, MAR)
    assert got["lead_conversion_rate"][Q1].value == pytest.approx(0.5)
    assert got["lead_to_customer_days"][Q1].value == pytest.approx(10)
    assert got["churn_rate"][Q1].value == pytest.approx(0.5)
    assert got["retained_customers"][Q1].value == 1
    assert got["proposals_sent"][Q1].value == 1


def test_spend_with_every_date_unreadable(tmp_path: Path) -> None:
    # Both spend rows dated "Q1": no row falls in a period, so retention, support and campaign spend
    # are unknown, not $0. Customers A, B active all Q1 (customers.churned_at mapped, blank).
    deals = _customers_and_upsell(None)[:2]
    customers = [{"customer_id": "A", "churned_at": None}, {"customer_id": "B", "churned_at": None}]
    spend = [{"date": "Q1", "category": "Success", "amount": "400", "campaign": "Spring"},
             {"date": "Q1", "category": "Success", "amount": "200", "campaign": "Spring"}]
    metrics = ["retention_cost_per_customer", "support_cost_per_customer", "campaign_spend"]
    settings = {"retention": {"categories": ["Success"]}, "support_cost": {"categories": ["Success"]}}
    got = values(tmp_path, {"deals": deals, "customers": customers, "spend": spend}, metrics, JAN, MAR, **settings)
    for metric in metrics:
        assert got[metric][Q1].note == "no spend row has a spend.date date (column not found or unreadable)", metric
    # Dated 2025-02-01: 600 / ((2 + 2) / 2) = 300 per customer; campaign spend 600.
    for row in spend:
        row["date"] = "2025-02-01"
    got = values(tmp_path, {"deals": deals, "customers": customers, "spend": spend}, metrics, JAN, MAR, **settings)
    assert got["retention_cost_per_customer"][Q1].value == pytest.approx(300)
    assert got["support_cost_per_customer"][Q1].value == pytest.approx(300)
    assert got["campaign_spend"][Q1].value == pytest.approx(600)


def test_surveys_and_stage_changes_with_every_date_unreadable(tmp_path: Path) -> None:
    # Answers 10 and 3 and two stage changes, all dated "soon": unknown, not "no NPS answers".
    surveys = [{"answered_at": "soon", "nps": 10}, {"answered_at": "soon", "nps": 3}]
    changes = [{"deal_id": "D1", "stage": "Qualify", "entered_at": "soon"},
               {"deal_id": "D1", "stage": "Proposal", "entered_at": "soon"}]
    got = values(tmp_path, {"surveys": surveys, "stage_changes": changes}, ["nps", "stage_duration_days"], JAN, MAR)
    unknown = "date (column not found or unreadable)"
    assert got["nps"][Q1].note == f"no survey answer has a surveys.answered_at {unknown}"
    assert got["stage_duration_days"][Q1].note == f"no stage change has a stage_changes.entered_at {unknown}"
    # Dated: NPS (1 promoter - 1 detractor) / 2 = 0; D1 in Qualify 2025-01-01 -> 2025-01-11 = 10 days.
    surveys[0]["answered_at"], surveys[1]["answered_at"] = "2025-01-05", "2025-01-06"
    changes[0]["entered_at"], changes[1]["entered_at"] = "2025-01-01", "2025-01-11"
    got = values(tmp_path, {"surveys": surveys, "stage_changes": changes}, ["nps", "stage_duration_days"], JAN, MAR)
    assert got["nps"][Q1].value == pytest.approx(0)
    assert got["stage_duration_days"][Q1].value == pytest.approx(10)


def test_an_empty_deals_export_counts_zero(tmp_path: Path) -> None:
    # A header and no rows: nobody acquired, so 0 referral and 0 retained customers are facts, even
    # with no source or churn column (metrics.md top section: an empty export counts 0).
    (tmp_path / "deals.csv").write_text("deal_id,stage,amount,created_at,closed_at,account_id\n", encoding="utf-8")
    config = make_config(tmp_path, {}, sources={"deals": {"path": str(tmp_path / "deals.csv")}})
    options = RunOptions(period=PeriodKind("quarter"), date_from=JAN, date_to=MAR,
                         metrics=("referral_customers", "retained_customers", "deals_won"), today=TODAY)
    got = {r.metric.id: r.cells for r in report(config, options).metrics}
    assert [got[m][Q1].value for m in ("referral_customers", "retained_customers", "deals_won")] == [0, 0, 0]


def test_an_empty_deals_export_gives_amounts_as_na_not_zero(tmp_path: Path) -> None:
    # metrics.md top section: an empty export counts 0 and the rest is n/a: deals_won 0 (a count),
    # new revenue and open pipeline value n/a, never $0.00 read from a header.
    (tmp_path / "deals.csv").write_text("deal_id,stage,amount,created_at,closed_at,account_id\n", encoding="utf-8")
    config = make_config(tmp_path, {}, sources={"deals": {"path": str(tmp_path / "deals.csv")}})
    options = RunOptions(period=PeriodKind("quarter"), date_from=JAN, date_to=MAR,
                         metrics=("deals_won", "new_revenue", "open_pipeline_value"), today=TODAY)
    got = {r.metric.id: r.cells[Q1] for r in report(config, options).metrics}
    assert got["deals_won"].value == 0
    for metric in ("new_revenue", "open_pipeline_value"):
        assert got[metric].value is None
        assert got[metric].note == "no rows in the deals export (a header and no data rows)"
