"""Activity metrics (metrics.md section 3, "Leads, activities and CRM use") against hand
calculations: calls, meetings and activities logged (per rep with --by owner) and meetings per
opportunity."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crm_metrics.api import report as run
from crm_metrics.periods import PeriodKind
from crm_metrics.pipeline import RunOptions
from tests.fixtures.build import deal, make_config, values

Q1, Q2 = "2025-Q1", "2025-Q2"
ACTIVITY_METRICS = ["sales_calls", "meetings_held", "activities_logged", "meetings_per_opportunity"]


def activity(aid: str, at: str, kind: str, owner: str, deal_id: str | None = None) -> dict:
    return {"activity_id": aid, "activity_date": at, "activity_type": kind, "owner": owner, "deal_id": deal_id}


ACTIVITIES = [
    activity("A1", "2025-01-15", "Outbound call", "Ann", "D1"),
    activity("A2", "2025-02-10", "Meeting", "Ann", "D1"),
    activity("A3", "2025-03-05", "Site visit", "Bob", "D2"),      # a meeting, on D2 (closes in Q2)
    activity("A4", "2025-03-06", "Email", "Bob"),
    activity("A5", "2025-04-02", "Call", "Bob", "D2"),
    activity("A6", "2025-04-20", "Meeting", "Ann", "D3"),          # D3 is open
    activity("A7", "2025-05-01", "Meeting", "Ann", "D2"),          # after D2 closed: still D2's
    activity("A8", "2025-01-20", "Logged meeting", "Ann", "D1"),
    activity("A9", "2025-02-11", "Call", "Ann"),
]
DEALS = [
    deal("D1", "Closed Won", 1000, "2025-01-02", "2025-03-20", "X"),
    deal("D2", "Closed Lost", 500, "2025-02-01", "2025-04-10", "Y"),
    deal("D3", "Proposal", 700, "2025-03-01", None, "Z"),
    deal("D4", "Closed Won", 300, "2025-04-01", "2025-05-15", "X", deal_type="Renewal"),
]


@pytest.fixture(scope="module")
def activities(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("activities")
    return values(tmp, {"activities": ACTIVITIES, "deals": DEALS}, ACTIVITY_METRICS, date(2025, 1, 1),
                  date(2025, 6, 30))


def test_calls_meetings_and_all_activities(activities: dict) -> None:
    # calls: Q1 A1, A9 = 2; Q2 A5 = 1. meetings (Meeting, Site visit, Logged meeting): Q1 A2, A3,
    # A8 = 3; Q2 A6, A7 = 2. all: Q1 A1-A4, A8, A9 = 6; Q2 A5-A7 = 3.
    assert (activities["sales_calls"][Q1].value, activities["sales_calls"][Q2].value) == (2, 1)
    assert (activities["meetings_held"][Q1].value, activities["meetings_held"][Q2].value) == (3, 2)
    assert (activities["activities_logged"][Q1].value, activities["activities_logged"][Q2].value) == (6, 3)


def test_meetings_per_opportunity_count_in_the_deals_close_period(activities: dict) -> None:
    # Q1: closed D1; its meetings A2, A8 -> 2 / 1 = 2.0.
    # Q2: closed D2 (lost) and D4 (won renewal); D2's meetings A3 (March) and A7 (May), D4 none
    # -> 2 / 2 = 1.0. A6 is on the open D3: in no period.
    assert activities["meetings_per_opportunity"][Q1].value == pytest.approx(2.0)
    assert activities["meetings_per_opportunity"][Q2].value == pytest.approx(1.0)


def test_activities_per_rep_with_by_owner(tmp_path: Path) -> None:
    config = make_config(tmp_path, {"activities": ACTIVITIES})
    report = run(config, RunOptions(period=PeriodKind.QUARTER, date_from=date(2025, 1, 1),
                                    date_to=date(2025, 6, 30), metrics=("activities_logged",), by="owner",
                                    today=date(2026, 1, 15)))
    groups = report.metrics[0].groups
    assert groups is not None
    # Q1: Ann A1, A2, A8, A9 = 4; Bob A3, A4 = 2. Q2: Ann A6, A7 = 2; Bob A5 = 1.
    assert (groups["Ann"][Q1].value, groups["Bob"][Q1].value) == (4, 2)
    assert (groups["Ann"][Q2].value, groups["Bob"][Q2].value) == (2, 1)


def test_meetings_per_opportunity_needs_the_deal_link(tmp_path: Path) -> None:
    unlinked = [{k: v for k, v in a.items() if k != "deal_id"} for a in ACTIVITIES]
    result = values(tmp_path, {"activities": unlinked, "deals": DEALS}, ["meetings_per_opportunity"],
                    date(2025, 1, 1), date(2025, 3, 31))
    assert result["meetings_per_opportunity"][Q1].note == "needs activities.deal_id"


def test_explain_counts_and_the_busiest_reps(tmp_path: Path) -> None:
    from crm_metrics import api

    config = make_config(tmp_path, {"activities": ACTIVITIES, "deals": DEALS})
    lines = {m: api.explain(config, m, date(2025, 1, 1), date(2025, 3, 31)).inputs
             for m in ("sales_calls", "meetings_held", "activities_logged")}
    # Q1 calls: A1, A9 (both Ann). Meetings: A2, A8 (Ann), A3 (Bob).
    assert lines["sales_calls"] == ["Sales calls 2025-Q1 = 2 (most by: Ann 2)"]
    assert lines["meetings_held"] == ["Meetings held 2025-Q1 = 3 (most by: Ann 2, Bob 1)"]
    assert lines["activities_logged"] == ["Activities logged 2025-Q1 = 6 (2 call, 3 meeting, 1 email, 0 task, 0 other)"]
