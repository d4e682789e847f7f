"""Service measures from the seeds (metrics.md section 3, "More retention, economics and service
measures"): backlog, reopens, one-touch resolution, calls per day and revenue per interaction,
against hand calculations."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.fixtures.build import deal, values

FEB, MAR, JAN26 = "2025-02", "2025-03", "2026-01"
SERVICE = ["tickets_backlog", "reopen_rate", "one_touch_resolution_pct", "calls_per_day",
           "revenue_per_service_interaction"]


def ticket(tid: str, created: str, resolved: str | None, first_resolved: str | None = None,
           reopens: int | None = None, replies: int | None = None) -> dict:
    return {"ticket_id": tid, "created_at": created, "resolved_at": resolved, "first_resolved_at": first_resolved,
            "reopens": reopens, "agent_replies": replies}


TICKETS = [
    # resolved on February's last day: not in February's backlog; one reply
    ticket("T1", "2025-02-10 09:00", "2025-02-28 18:00", replies=1),
    # solved in February, reopened, finally resolved in March: in February's backlog; 3 replies
    ticket("T2", "2025-02-20 09:00", "2025-03-05 10:00", first_resolved="2025-02-25 10:00", replies=3),
    # never resolved; no reply count
    ticket("T3", "2025-03-01 09:00", None),
    # reopened twice by the count (no first solve date); one reply, so one-touch by its reply count
    ticket("T4", "2025-03-10 09:00", "2025-03-12 09:00", reopens=2, replies=1),
    # solved without a reply (0 is filled)
    ticket("T5", "2025-03-15 09:00", "2025-03-15 12:00", reopens=0, replies=0),
    # no reply count: out of one-touch's denominator
    ticket("T6", "2025-03-20 09:00", "2025-03-31 23:00"),
    # resolved in April: open at March's end
    ticket("T7", "2025-03-25 09:00", "2025-04-02 09:00", replies=1),
]
CALLS = [{"started_at": d} for d in ("2025-02-03 10:00", "2025-02-17 11:00", "2025-03-04 09:00",
                                     "2025-03-05 09:00", "2025-03-30 16:00", "2026-01-03 10:00",
                                     "2026-01-10 10:00")]
DEALS = [
    deal("D1", "Closed Won", 1000, "2025-01-10", "2025-03-03", "A"),
    deal("D2", "Closed Won", 500, "2025-02-01", "2025-03-20", "B", deal_type="Renewal"),
    deal("D3", "Closed Lost", 700, "2025-02-01", "2025-03-21", "C"),
    deal("D4", "Closed Won", 300, "2025-01-05", "2025-02-14", "A", deal_type="Upsell"),
]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("service")
    return values(tmp, {"tickets": TICKETS, "calls": CALLS, "deals": DEALS}, SERVICE, date(2025, 2, 1),
                  date(2025, 3, 31), period="month")


def test_backlog_counts_tickets_open_at_the_periods_end(service: dict) -> None:
    # February's end: created by Feb 28 = T1, T2; T1 resolved on Feb 28 itself, so not open; T2's
    # final resolution is Mar 5 -> 1. March's end: all 7 created; T3 never resolved, T7 resolved
    # Apr 2 -> 2 (T6 resolved Mar 31 23:00, on the last day: closed).
    assert service["tickets_backlog"][FEB].value == 1
    assert service["tickets_backlog"][MAR].value == 2


def test_reopen_rate(service: dict) -> None:
    # February: resolved T1, not reopened -> 0 / 1 = 0. March: resolved T2 (first solve Feb 25 before
    # Mar 5: reopened), T4 (reopens 2), T5, T6 -> 2 / 4 = 0.5.
    assert service["reopen_rate"][FEB].value == 0
    assert service["reopen_rate"][MAR].value == pytest.approx(0.5)


def test_one_touch_counts_only_tickets_with_a_reply_count(service: dict) -> None:
    # February: T1, 1 reply -> 1 / 1. March: resolved with a count T2 (3), T4 (1), T5 (0); T6 has
    # none -> 1 / 3.
    assert service["one_touch_resolution_pct"][FEB].value == pytest.approx(1.0)
    assert service["one_touch_resolution_pct"][MAR].value == pytest.approx(1 / 3)


def test_calls_per_day(service: dict) -> None:
    # February: 2 calls / 28 days; March: 3 calls / 31 days.
    assert service["calls_per_day"][FEB].value == pytest.approx(2 / 28)
    assert service["calls_per_day"][MAR].value == pytest.approx(3 / 31)


def test_calls_per_day_counts_the_current_period_through_today(tmp_path: Path) -> None:
    # run_report's today is 2026-01-15: January 2026 has 2 calls over 15 days so far.
    current = values(tmp_path, {"calls": CALLS}, ["calls_per_day"], date(2026, 1, 1), date(2026, 1, 31),
                     period="month")
    assert current["calls_per_day"][JAN26].value == pytest.approx(2 / 15)


def test_revenue_per_service_interaction(service: dict) -> None:
    # February: won D4 300 / (2 tickets created T1, T2 + 2 calls) = 75.
    # March: won D1 1000 + D2 500 (all types; D3 lost) = 1500 / (5 tickets T3..T7 + 3 calls) = 187.5.
    assert service["revenue_per_service_interaction"][FEB].value == pytest.approx(75)
    assert service["revenue_per_service_interaction"][MAR].value == pytest.approx(187.5)


def test_reopen_rate_without_a_reopen_field_is_na(tmp_path: Path) -> None:
    plain = [{k: v for k, v in t.items() if k not in {"first_resolved_at", "reopens"}} for t in TICKETS]
    result = values(tmp_path, {"tickets": plain}, ["reopen_rate", "one_touch_resolution_pct"],
                    date(2025, 3, 1), date(2025, 3, 31), period="month")
    assert result["reopen_rate"][MAR].value is None
    assert "first_resolved_at" in str(result["reopen_rate"][MAR].note)
    # one-touch still reads agent_replies: 1 / 3 as above
    assert result["one_touch_resolution_pct"][MAR].value == pytest.approx(1 / 3)


def test_explain_prints_the_inputs_each_period_divided(tmp_path: Path) -> None:
    from crm_metrics import api
    from tests.fixtures.build import make_config

    config = make_config(tmp_path, {"tickets": TICKETS, "calls": CALLS, "deals": DEALS}, period="month")
    lines = {m: api.explain(config, m, date(2025, 3, 1), date(2025, 3, 31)).inputs
             for m in SERVICE}
    # The same numbers as the tests above, for March.
    assert lines["tickets_backlog"] == [
        "Ticket backlog 2025-03 = 7 tickets created by 2025-03-31 - 5 of them resolved by the end of that day = 2"]
    assert lines["reopen_rate"] == [
        "Reopen rate 2025-03 = 2 resolved tickets solved before / 4 tickets resolved = 50.0 %"]
    assert lines["one_touch_resolution_pct"][0].endswith("1 resolved with exactly one agent reply / 3 resolved "
                                                         "tickets with a reply count = 33.3 %")
    assert lines["calls_per_day"] == ["Calls per day 2025-03 = 3 calls started / 31 calendar days = 0.10"]
    assert lines["revenue_per_service_interaction"] == [
        "Revenue per service interaction 2025-03 = 1,500 won revenue / 8 tickets created and calls started = 187.50"]
