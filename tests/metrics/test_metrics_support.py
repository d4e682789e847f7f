"""Support metrics against hand calculations from ../shared/metrics.md section 3."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.fixtures.build import values

FEB, MAR = "2025-02", "2025-03"
SUPPORT = ["tickets_created", "tickets_resolved", "resolution_time_hours", "resolution_time_hours_mean",
           "resolution_time_hours_p90", "first_response_hours", "same_day_resolution_pct",
           "sla_compliance_pct", "csat_pct"]


def ticket(tid: str, created: str, resolved: str | None, first_response: str | None,
           priority: str | None, csat: int | None, sla_due: str | None = None) -> dict:
    return {"ticket_id": tid, "created_at": created, "resolved_at": resolved,
            "first_response_at": first_response, "priority": priority, "csat": csat,
            "sla_due_at": sla_due}


TICKETS = [
    # resolution 2 h, same day, High (8 h SLA) met, first response 1 h, CSAT 5
    ticket("T1", "2025-03-03 09:00", "2025-03-03 11:00", "2025-03-03 10:00", "High", 5),
    # 24 h, next day, Normal (24 h) met exactly on the deadline, first response 3 h, CSAT 4
    ticket("T2", "2025-03-04 10:00", "2025-03-05 10:00", "2025-03-04 13:00", "Normal", 4),
    # 10 h, same day, Urgent (4 h) missed, first response 0.5 h, CSAT 2
    ticket("T3", "2025-03-05 08:00", "2025-03-05 18:00", "2025-03-05 08:30", "urgent", 2),
    # 72 h; Urgent would miss, but sla_due_at (Mar 14) wins and is met; no first response
    ticket("T4", "2025-03-10 00:00", "2025-03-13 00:00", None, "Urgent", None, "2025-03-14 00:00"),
    # still open; first response 5 h
    ticket("T5", "2025-03-28 09:00", None, "2025-03-28 14:00", "High", None),
    # created in February, resolved in March after 66 h; no priority, no deadline; CSAT 3
    ticket("T6", "2025-02-27 12:00", "2025-03-02 06:00", None, None, 3),
]
SURVEYS = [{"answered_at": "2025-03-15", "csat": 5}, {"answered_at": "2025-03-20", "csat": 5},
           {"answered_at": "2025-04-01", "csat": 1}]


@pytest.fixture(scope="module")
def support(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("support")
    return values(tmp, {"tickets": TICKETS}, SUPPORT, date(2025, 2, 1), date(2025, 3, 31), period="month")


def test_tickets_created_and_resolved(support: dict) -> None:
    # created: Feb T6 = 1; Mar T1..T5 = 5. resolved: Feb none; Mar T1, T2, T3, T4, T6 = 5.
    assert support["tickets_created"][FEB].value == 1
    assert support["tickets_created"][MAR].value == 5
    assert support["tickets_resolved"][FEB].value == 0
    assert support["tickets_resolved"][MAR].value == 5


def test_resolution_time_median_mean_p90(support: dict) -> None:
    # March resolutions in hours, sorted: 2, 10, 24, 66, 72. Median 24; mean 174 / 5 = 34.8;
    # p90 (linear): rank 0.9 x 4 = 3.6 -> 66 + 0.6 x (72 - 66) = 69.6.
    assert support["resolution_time_hours"][MAR].value == pytest.approx(24)
    assert support["resolution_time_hours_mean"][MAR].value == pytest.approx(34.8)
    assert support["resolution_time_hours_p90"][MAR].value == pytest.approx(69.6)
    assert support["resolution_time_hours"][FEB].value is None
    assert support["resolution_time_hours"][FEB].note == "no tickets resolved"


def test_first_response_median(support: dict) -> None:
    # Created in March with a first response: 1, 3, 0.5, 5 h -> sorted 0.5, 1, 3, 5 -> (1 + 3) / 2 = 2.
    assert support["first_response_hours"][MAR].value == pytest.approx(2)
    # February's only ticket (T6) has no first response.
    assert support["first_response_hours"][FEB].value is None


def test_same_day_resolution(support: dict) -> None:
    # Resolved in March: T1 and T3 on their creation day; T2, T4, T6 later: 2 / 5 = 0.4.
    assert support["same_day_resolution_pct"][MAR].value == pytest.approx(0.4)
    assert support["same_day_resolution_pct"][FEB].value is None


def test_sla_compliance_from_due_date_and_priority_hours(support: dict) -> None:
    # With a deadline: T1 met (2 h <= 8 h), T2 met (24 h <= 24 h), T3 missed (10 h > 4 h),
    # T4 met (sla_due_at Mar 14 beats the urgent 4 h). T6 has none. 3 / 4 = 0.75.
    assert support["sla_compliance_pct"][MAR].value == pytest.approx(0.75)
    assert support["sla_compliance_pct"][FEB].value is None


def test_sla_hours_from_config(tmp_path: Path) -> None:
    got = values(tmp_path, {"tickets": TICKETS}, ["sla_compliance_pct"], date(2025, 3, 1), date(2025, 3, 31),
                 period="month", support={"sla_hours": {"high": 1, "normal": 48, "urgent": 12}})
    # T1 2 h > 1 h missed; T2 24 h <= 48 met; T3 10 h <= 12 met; T4 by its due date met: 3 / 4.
    assert got["sla_compliance_pct"][MAR].value == pytest.approx(0.75)
    got = values(tmp_path, {"tickets": TICKETS}, ["sla_compliance_pct"], date(2025, 3, 1), date(2025, 3, 31),
                 period="month", support={"sla_hours": {"High": 1, "Normal": 1, "Urgent": 1}})
    # Keys are matched case-insensitively: only T4 (due date) met: 1 / 4.
    assert got["sla_compliance_pct"][MAR].value == pytest.approx(0.25)


def test_csat_from_tickets(support: dict) -> None:
    # Ratings of tickets resolved in March: 5, 4, 2, 3 -> 4 or 5: 2 / 4 = 0.5.
    assert support["csat_pct"][MAR].value == pytest.approx(0.5)
    assert support["csat_pct"][FEB].value is None
    assert support["csat_pct"][FEB].note == "no satisfaction ratings"


def test_csat_from_tickets_and_surveys(tmp_path: Path) -> None:
    got = values(tmp_path, {"tickets": TICKETS, "surveys": SURVEYS}, ["csat_pct"],
                 date(2025, 3, 1), date(2025, 4, 30), period="month")
    # March: tickets 5, 4, 2, 3 plus surveys 5, 5 -> (2 + 2) / 6; April: survey 1 -> 0 / 1.
    assert got["csat_pct"][MAR].value == pytest.approx(4 / 6)
    assert got["csat_pct"]["2025-04"].value == 0.0


def test_missing_tickets_table(tmp_path: Path) -> None:
    got = values(tmp_path, {"surveys": SURVEYS}, ["tickets_created", "csat_pct"],
                 date(2025, 3, 1), date(2025, 3, 31), period="month")
    assert got["tickets_created"][MAR].note == "needs: tickets"
    # Surveys alone are enough for CSAT: 5, 5 -> 2 / 2.
    assert got["csat_pct"][MAR].value == 1.0


def test_missing_resolved_column(tmp_path: Path) -> None:
    tickets = [{"ticket_id": "T1", "created_at": "2025-03-01"}]
    got = values(tmp_path, {"tickets": tickets}, ["tickets_resolved", "resolution_time_hours"],
                 date(2025, 3, 1), date(2025, 3, 31), period="month")
    assert got["tickets_resolved"][MAR].note == "needs tickets.resolved_at"
    assert got["resolution_time_hours"][MAR].note == "needs tickets.resolved_at"
