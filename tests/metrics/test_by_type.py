"""--by type on tickets: ticket counts and support times split by the ticket's type, "complaint
resolution times" (../shared/metrics.md section 3, Breakdowns). The groups are the tickets' own
types; the activities' types (call, meeting) beside them in the same config are no ticket group."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crm_metrics.api import report as run
from crm_metrics.periods import PeriodKind
from crm_metrics.pipeline import RunOptions
from tests.fixtures.build import make_config

Q1 = "2025-Q1"
NONE = "(none)"

# Q1 2025, times in hours from creation to resolution:
#   complaint: T1 10 h, T2 26 h (09:00 to 11:00 the next day), T3 4 h
#   question:  T4 1 h, T5 3 h
#   problem:   T6 still open at the quarter's end
#   no type:   T7 8 h
TICKETS = [
    {"ticket_id": "T1", "created_at": "2025-01-06 09:00", "resolved_at": "2025-01-06 19:00", "type": "complaint"},
    {"ticket_id": "T2", "created_at": "2025-01-07 09:00", "resolved_at": "2025-01-08 11:00", "type": "complaint"},
    {"ticket_id": "T3", "created_at": "2025-01-08 09:00", "resolved_at": "2025-01-08 13:00", "type": "complaint"},
    {"ticket_id": "T4", "created_at": "2025-01-09 09:00", "resolved_at": "2025-01-09 10:00", "type": "question"},
    {"ticket_id": "T5", "created_at": "2025-01-10 09:00", "resolved_at": "2025-01-10 12:00", "type": "question"},
    {"ticket_id": "T6", "created_at": "2025-02-03 09:00", "resolved_at": None, "type": "problem"},
    {"ticket_id": "T7", "created_at": "2025-02-04 09:00", "resolved_at": "2025-02-04 17:00", "type": None},
]
# Activities have a type too (call, meeting): more rows than any ticket type, so they would rank
# first if the groups came from every table.
ACTIVITIES = [{"activity_id": f"A{i}", "at": "2025-01-05", "type": kind, "owner": "Ann"}
              for i, kind in enumerate(["Call"] * 4 + ["Meeting"] * 4)]
METRICS = ("tickets_created", "tickets_resolved", "tickets_backlog", "resolution_time_hours", "activities_logged")


Split = dict[str, dict[str, float | None] | None]  # metric id -> group -> its Q1 value; None: not split


@pytest.fixture
def report(tmp_path: Path) -> tuple[dict[str, float | None], Split]:
    """Each metric's Q1 total, and its Q1 value per group."""
    config = make_config(tmp_path, {"tickets": TICKETS, "activities": ACTIVITIES})
    result = run(config, RunOptions(period=PeriodKind.QUARTER, date_from=date(2025, 1, 1), date_to=date(2025, 3, 31),
                                    metrics=METRICS, by="type", today=date(2026, 1, 15)))
    totals = {r.metric.id: r.cells[Q1].value for r in result.metrics}
    groups: Split = {r.metric.id: None if r.groups is None else {g: cells[Q1].value for g, cells in r.groups.items()}
                     for r in result.metrics}
    return totals, groups


def test_ticket_counts_split_by_the_tickets_own_types(report: tuple[dict[str, float | None], Split]) -> None:
    totals, groups = report
    # Created: complaint 3, question 2, problem 1, no type 1 = 7 tickets, no "call" or "meeting" group.
    assert groups["tickets_created"] == {"complaint": 3, "question": 2, "problem": 1, NONE: 1}
    assert totals["tickets_created"] == 7
    # Resolved in Q1: all but T6: 3 + 2 + 0 + 1 = 6.
    assert groups["tickets_resolved"] == {"complaint": 3, "question": 2, "problem": 0, NONE: 1}
    assert totals["tickets_resolved"] == 6
    # Open at 2025-03-31: only T6, a problem.
    assert groups["tickets_backlog"] == {"complaint": 0, "question": 0, "problem": 1, NONE: 0}
    assert totals["tickets_backlog"] == 1


def test_resolution_time_by_type_is_each_types_own_median(report: tuple[dict[str, float | None], Split]) -> None:
    totals, groups = report
    # complaint: median(4, 10, 26) = 10 h; question: median(1, 3) = 2 h; problem: nothing resolved,
    # n/a; no type: 8 h. The total is the median of all six, not of the groups' medians:
    # 1, 3, 4, 8, 10, 26 -> (4 + 8) / 2 = 6 h.
    assert groups["resolution_time_hours"] == pytest.approx({"complaint": 10.0, "question": 2.0, "problem": None,
                                                            NONE: 8.0})
    assert totals["resolution_time_hours"] == pytest.approx(6.0)


def test_a_metric_not_split_by_type_stays_whole(report: tuple[dict[str, float | None], Split]) -> None:
    totals, groups = report
    # Activities split by owner only: the 8 activities, no groups (the report lists it as not split).
    assert groups["activities_logged"] is None and totals["activities_logged"] == 8
