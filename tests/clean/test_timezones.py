"""Time zones: exported UTC or offset timestamps are converted to the config's zone before a ticket
is put in a period and before "same day" is decided; naive ones are taken as already in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests._tickets import run_tickets, values

BOUNDARY = """
ticket_id,created_at
1,2025-03-31T21:30:00Z
2,2025-03-31T23:30:00-04:00
3,2025-04-01T03:30:00Z
4,2025-03-31T22:30:00Z
5,2025-03-31 23:30
"""


def test_quarter_boundary_in_new_york(tmp_path: Path) -> None:
    report = run_tickets(tmp_path, BOUNDARY, ["tickets_created"], timezone="America/New_York")
    # New York is UTC-4 (EDT) on 31 March:
    # #1 21:30Z = 17:30 on 31 Mar -> Q1; #2 23:30-04:00 = 23:30 on 31 Mar -> Q1 (UTC says 1 April);
    # #3 03:30Z on 1 Apr = 23:30 on 31 Mar -> Q1; #4 22:30Z = 18:30 -> Q1; #5 naive 23:30 -> Q1.
    # Q1 = 5, Q2 = 0
    assert values(report, "tickets_created") == {"2025-Q1": 5.0, "2025-Q2": 0.0}


def test_quarter_boundary_in_berlin(tmp_path: Path) -> None:
    report = run_tickets(tmp_path, BOUNDARY, ["tickets_created"], timezone="Europe/Berlin")
    # Berlin is UTC+2 (CEST) on 31 March:
    # #1 21:30Z = 23:30 on 31 Mar -> Q1; #2 23:30-04:00 = 03:30Z 1 Apr = 05:30 -> Q2;
    # #3 03:30Z = 05:30 on 1 Apr -> Q2; #4 22:30Z = 00:30 on 1 Apr -> Q2; #5 naive 23:30 -> Q1.
    # Q1 = 2, Q2 = 3
    assert values(report, "tickets_created") == {"2025-Q1": 2.0, "2025-Q2": 3.0}


def test_in_utc_the_same_export_splits_differently(tmp_path: Path) -> None:
    report = run_tickets(tmp_path, BOUNDARY, ["tickets_created"], timezone="UTC")
    # UTC: #1 21:30 31 Mar Q1; #2 03:30 1 Apr Q2; #3 Q2; #4 22:30 31 Mar Q1; #5 naive Q1. Q1 = 3, Q2 = 2
    assert values(report, "tickets_created") == {"2025-Q1": 3.0, "2025-Q2": 2.0}


SAME_DAY = """
ticket_id,created_at,resolved_at
1,2025-03-10T22:30:00Z,2025-03-10T23:30:00Z
2,2025-03-10T23:30:00Z,2025-03-11T01:00:00Z
3,2025-03-12T23:10:00Z,2025-03-13T00:20:00Z
"""


@pytest.mark.parametrize(("zone", "expected"), [
    # Berlin (UTC+1 in early March): #1 23:30 10 Mar -> 00:30 11 Mar, no; #2 00:30 -> 02:00 on 11 Mar,
    # yes; #3 00:10 -> 01:20 on 13 Mar, yes. 2 / 3
    ("Europe/Berlin", 2 / 3),
    # UTC: #1 both 10 Mar, yes; #2 10 -> 11 Mar, no; #3 12 -> 13 Mar, no. 1 / 3
    ("UTC", 1 / 3),
])
def test_same_day_is_decided_in_the_config_zone(tmp_path: Path, zone: str, expected: float) -> None:
    report = run_tickets(tmp_path, SAME_DAY, ["same_day_resolution_pct"], timezone=zone)
    assert values(report, "same_day_resolution_pct")["2025-Q1"] == pytest.approx(expected)


def test_business_hours_in_a_zone_other_than_the_config(tmp_path: Path) -> None:
    export = """
ticket_id,created_at,resolved_at
1,2025-03-07T15:00:00Z,2025-03-10T09:00:00Z
"""
    report = run_tickets(tmp_path, export, ["resolution_time_hours"], timezone="UTC",
                         support={"business_hours": {"schedule": "mon-fri 09:00-17:00",
                                                     "timezone": "America/New_York"}})
    # New York is UTC-5 (EST) before 9 March and UTC-4 (EDT) from it:
    # 15:00Z Fri 7 Mar = 10:00 EST -> 17:00 = 7 h; 09:00Z Mon 10 Mar = 05:00 EDT, before opening = 0 h.
    # 7 h
    assert values(report, "resolution_time_hours")["2025-Q1"] == 7.0
    assert report.support_hours == "business hours (mon-fri 09:00-17:00 America/New_York)"
