"""Durations are elapsed time between instants, not the difference of wall-clock readings
(../shared/metrics.md section 1, "Durations are elapsed time"): across the clock changes of a zone
with daylight saving, every calendar duration the metrics read equals the UTC difference."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from crm_metrics.checks import validate
from crm_metrics.clean.durations import add_elapsed, elapsed_seconds
from tests.fixtures.build import make_config, values

BERLIN = "Europe/Berlin"


def _wall(instant: datetime, zone: str) -> pd.Timestamp:
    return pd.Timestamp(instant).tz_convert(zone).tz_localize(None)


def _repeated_hour(wall: pd.Timestamp, zone: str) -> bool:
    """A wall time the clock shows twice: it cannot say which instant it was."""
    try:
        wall.tz_localize(zone, ambiguous="raise")
    except Exception:  # pytz's AmbiguousTimeError, raised by pandas
        return True
    return False


# Instants around Berlin's clock changes of 2020 (March 29, October 25) and across the year.
_instants = st.datetimes(min_value=datetime(2020, 3, 27), max_value=datetime(2020, 10, 28),
                         timezones=st.just(UTC))


@settings(max_examples=300, deadline=None)
@given(start=_instants, minutes=st.integers(min_value=0, max_value=3 * 24 * 60))
def test_elapsed_equals_the_utc_difference(start: datetime, minutes: int) -> None:
    end = start + timedelta(minutes=minutes)
    begin_wall, end_wall = _wall(start, BERLIN), _wall(end, BERLIN)
    # A naive export cannot tell the two 02:30s of the autumn night apart: such a reading is the
    # first occurrence, or the second for an end the first would put before its start
    # (instants' and elapsed_seconds' documented choice), tested by example below.
    assume(not _repeated_hour(begin_wall, BERLIN) and not _repeated_hour(end_wall, BERLIN))
    seconds = elapsed_seconds(pd.Series([begin_wall]), pd.Series([end_wall]), BERLIN)
    assert seconds.iloc[0] == pytest.approx(minutes * 60)
    # And forwards: start + the elapsed seconds lands on the end's wall-clock reading.
    landed = add_elapsed(pd.Series([begin_wall]), pd.Series([minutes * 60.0]), BERLIN)
    assert landed.iloc[0] == end_wall


def test_the_clock_change_nights() -> None:
    starts = pd.Series(pd.to_datetime(["2020-03-29 01:49", "2020-10-25 02:50", "2020-03-29 02:30"]))
    ends = pd.Series(pd.to_datetime(["2020-03-29 03:15", "2020-10-25 02:10", "2020-03-29 03:30"]))
    seconds = elapsed_seconds(starts, ends, BERLIN)
    # 01:49 CET (00:49 UTC) to 03:15 CEST (01:15 UTC): 26 min = 1560 s.
    # 02:50 CEST (00:50 UTC) to 02:10 in the repeated hour, CET (01:10 UTC): 20 min = 1200 s.
    # 02:30 does not exist on the spring night: shifted to 03:00 CEST; to 03:30: 30 min = 1800 s.
    assert seconds.tolist() == [1560.0, 1200.0, 1800.0]
    # 4 h after 01:00 CET (00:00 UTC) is 04:00 UTC = 06:00 CEST.
    deadline = add_elapsed(pd.Series(pd.to_datetime(["2020-03-29 01:00"])), pd.Series([4 * 3600.0]), BERLIN)
    assert deadline.iloc[0] == pd.Timestamp("2020-03-29 06:00")


def _ticket(tid: str, created: str, resolved: str, first_response: str | None = None,
            priority: str | None = None) -> dict:
    return {"ticket_id": tid, "created_at": created, "resolved_at": resolved,
            "first_response_at": first_response, "priority": priority}


SPRING = [
    # Opened 01:49 CET, solved 03:15 CEST: 26 min = 0.4333 h (not 1.4333 h of wall clock);
    # first reply 03:05 CEST = 16 min = 0.2667 h. High: 8 h SLA -> deadline 09:49 CEST, met.
    _ticket("T1", "29.03.2020 01:49", "29.03.2020 03:15", "29.03.2020 03:05", "High"),
]
AUTUMN = [
    # Opened 02:50 CEST, solved "02:10" in the repeated hour (CET): 20 min, not "before created".
    _ticket("T2", "25.10.2020 02:50", "25.10.2020 02:10"),
]


def test_support_times_across_the_spring_change(tmp_path: Path) -> None:
    found = values(tmp_path, {"tickets": SPRING}, ["resolution_time_hours", "first_response_hours",
                                                   "sla_compliance_pct"],
                   date(2020, 3, 1), date(2020, 3, 31), period="month", timezone=BERLIN,
                   sources={"tickets": {"path": str(tmp_path / "tickets.csv"), "dayfirst": True}})
    assert found["resolution_time_hours"]["2020-03"].value == pytest.approx(26 / 60)
    assert found["first_response_hours"]["2020-03"].value == pytest.approx(16 / 60)
    assert found["sla_compliance_pct"]["2020-03"].value == 1.0


def test_urgent_sla_counts_elapsed_hours(tmp_path: Path) -> None:
    # Urgent (4 h) opened 00:30 CET (23:30 UTC on the 28th): deadline 03:30 UTC = 05:30 CEST.
    # Solved 05:00 CEST (03:00 UTC): 3.5 h elapsed, met; by wall clock the deadline 04:30 was missed.
    tickets = [_ticket("T1", "29.03.2020 00:30", "29.03.2020 05:00", None, "Urgent")]
    found = values(tmp_path, {"tickets": tickets}, ["sla_compliance_pct", "resolution_time_hours"],
                   date(2020, 3, 1), date(2020, 3, 31), period="month", timezone=BERLIN,
                   sources={"tickets": {"path": str(tmp_path / "tickets.csv"), "dayfirst": True}})
    assert found["sla_compliance_pct"]["2020-03"].value == 1.0
    assert found["resolution_time_hours"]["2020-03"].value == pytest.approx(3.5)


def test_autumn_ticket_is_not_resolved_before_created(tmp_path: Path) -> None:
    sources = {"tickets": {"path": str(tmp_path / "tickets.csv"), "dayfirst": True}}
    found = values(tmp_path, {"tickets": AUTUMN}, ["resolution_time_hours"], date(2020, 10, 1),
                   date(2020, 10, 31), period="month", timezone=BERLIN, sources=sources)
    assert found["resolution_time_hours"]["2020-10"].value == pytest.approx(20 / 60)
    checked = validate(make_config(tmp_path, {"tickets": AUTUMN}, timezone=BERLIN, sources=sources),
                       today=date(2026, 1, 15))
    assert not [p for p in checked.problems if p.check == "resolved_before_created"]


def test_exported_minutes_are_added_to_the_instant(tmp_path: Path) -> None:
    # Created 01:49 CET (00:49 UTC) + 90 min to resolve = 02:19 UTC = 04:19 CEST, after the SLA
    # deadline 04:00 CEST: missed (wall clock 01:49 + 90 min = 03:19 would have met it).
    tickets = [{"ticket_id": "T1", "created_at": "2020-03-29 01:49", "resolution_minutes": 90,
                "sla_due_at": "2020-03-29 04:00"}]
    found = values(tmp_path, {"tickets": tickets}, ["sla_compliance_pct", "resolution_time_hours"],
                   date(2020, 3, 1), date(2020, 3, 31), period="month", timezone=BERLIN)
    assert found["sla_compliance_pct"]["2020-03"].value == 0.0
    assert found["resolution_time_hours"]["2020-03"].value == pytest.approx(1.5)


def test_sales_cycle_in_elapsed_days(tmp_path: Path) -> None:
    # Created 2020-03-28 12:00 CET (11:00 UTC), won 2020-03-30 12:00 CEST (10:00 UTC): 47 h elapsed
    # = 47 / 24 = 1.9583 days, not the 2 days of the wall clock.
    deals = [{"deal_id": "D1", "stage": "Closed Won", "amount": 100, "created_at": "2020-03-28 12:00",
              "closed_at": "2020-03-30 12:00"}]
    found = values(tmp_path, {"deals": deals}, ["sales_cycle_days"], date(2020, 3, 1), date(2020, 3, 31),
                   period="month", timezone=BERLIN)
    assert found["sales_cycle_days"]["2020-03"].value == pytest.approx(47 / 24)
