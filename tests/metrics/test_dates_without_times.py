"""Ticket exports whose timestamps are dates only (no time of day in any row): the support hours
are whole calendar days x 24, and the report (a notice, via the data-problem footer) and validate
say so instead of showing "24.0 h" as a response time (issue 14, kind 12; checks._dates_without_times)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crm_metrics.checks import validate
from tests.fixtures.build import make_config, run_report

TODAY = date(2026, 1, 15)
TICKETS = [
    {"ticket_id": "T1", "created_at": "2025-01-02", "resolved_at": "2025-01-04"},  # 2 days: 48 h
    {"ticket_id": "T2", "created_at": "2025-01-03", "resolved_at": "2025-01-03"},  # same day: 0 h
    {"ticket_id": "T3", "created_at": "2025-01-05", "resolved_at": "2025-01-06"},  # 1 day: 24 h
]
MESSAGE = ("tickets whose created_at and resolved_at are dates without times (no time in any row): resolution "
           "hours are whole calendar days x 24, not response times; export the timestamps with their time")


def test_dates_only_give_whole_days_and_say_so(tmp_path: Path) -> None:
    report = run_report(tmp_path, {"tickets": TICKETS}, ["resolution_time_hours"], date(2025, 1, 1),
                        date(2025, 3, 31))
    # Median of 48, 0 and 24 h = 24.0 h: a count of calendar days, which the notice says.
    assert report.metrics[0].cells["2025-Q1"].value == pytest.approx(24.0)
    # Named metrics read their own columns: the footer names the validate that checks those.
    assert (f"data problems in tickets (crm-metrics validate --metrics resolution_time_hours): 3 {MESSAGE}"
            in report.notices)
    checked = validate(make_config(tmp_path, {"tickets": TICKETS}), today=TODAY)
    assert [(p.check, p.count, p.message, [row for _, row, _ in p.examples]) for p in checked.problems] == [
        ("dates_without_times", 3, MESSAGE, [2, 3, 4])]


def test_one_time_of_day_is_a_timestamp_column(tmp_path: Path) -> None:
    # T1 resolved at 09:30: resolved_at has times; created_at alone is dates only, and is named alone.
    tickets = [{**TICKETS[0], "resolved_at": "2025-01-04 09:30"}, *TICKETS[1:]]
    checked = validate(make_config(tmp_path, {"tickets": tickets}), today=TODAY)
    assert [p.message.split(" are ")[0] for p in checked.problems] == ["tickets whose created_at"]
    with_times = [{**t, "created_at": t["created_at"] + " 08:15", "resolved_at": t["resolved_at"] + " 17:00"}
                  for t in TICKETS]
    assert validate(make_config(tmp_path, {"tickets": with_times}), today=TODAY).ok


def test_a_date_only_start_with_timed_ends_says_hours_count_from_midnight(tmp_path: Path) -> None:
    # created_at is a date alone (Kaggle's "Date of Purchase" read as one), resolved_at has times:
    # the hours are not whole days, they run from midnight; the message must not say "days x 24".
    tickets = [
        {"ticket_id": "T1", "created_at": "2025-01-10", "resolved_at": "2025-01-10 09:30"},
        {"ticket_id": "T2", "created_at": "2025-01-11", "resolved_at": "2025-01-12 06:00"},
    ]
    checked = validate(make_config(tmp_path, {"tickets": tickets}), today=TODAY)
    messages = [p.message for p in checked.problems if p.check == "dates_without_times"]
    assert messages == ["tickets whose created_at are dates without times (no time in any row): resolution hours "
                        "count from or to midnight of those days (resolved_at have times), not response times; "
                        "export the timestamps with their time"]
