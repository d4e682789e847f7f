"""Business time: hand-counted hours across weekends, holidays, daylight-saving changes and split
days, SLA deadlines, and the support metrics that use them."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_metrics.business_hours import BusinessHours, _DayTable, parse_schedule, read_holidays
from crm_metrics.config.model import parse_config
from crm_metrics.errors import ConfigError
from tests._tickets import run_tickets, values

NINE_TO_FIVE = "mon-fri 09:00-17:00"


def stamps(*texts: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(texts), format="ISO8601")).astype("datetime64[ns]")


def hours(bh: BusinessHours, start: str, end: str) -> float:
    return float(bh.business_seconds(stamps(start), stamps(end))[0]) / 3600


def test_weekend_is_not_counted() -> None:
    bh = BusinessHours.build(NINE_TO_FIVE, "Europe/Berlin")
    # Fri 2025-03-07 16:00 -> 17:00 = 1 h; Sat, Sun closed; Mon 2025-03-10 09:00 -> 10:00 = 1 h; 1 + 1 = 2 h
    assert hours(bh, "2025-03-07 16:00", "2025-03-10 10:00") == 2.0
    # Sat 10:00 -> Sun 18:00: closed all the way = 0 h
    assert hours(bh, "2025-03-08 10:00", "2025-03-09 18:00") == 0.0
    # Mon 08:00 -> Mon 18:00: only 09-17 counts = 8 h
    assert hours(bh, "2025-03-10 08:00", "2025-03-10 18:00") == 8.0


def test_holidays_are_closed_days() -> None:
    plain = BusinessHours.build(NINE_TO_FIVE, "Europe/Berlin")
    xmas = BusinessHours.build(NINE_TO_FIVE, "Europe/Berlin", [date(2025, 12, 25), date(2025, 12, 26)])
    # Wed 2025-12-24 16:00 -> Mon 2025-12-29 10:00.
    # Without holidays: Wed 1 h + Thu 8 h + Fri 8 h + Mon 1 h = 18 h
    assert hours(plain, "2025-12-24 16:00", "2025-12-29 10:00") == 18.0
    # Thu 25 and Fri 26 closed: Wed 1 h + Mon 1 h = 2 h
    assert hours(xmas, "2025-12-24 16:00", "2025-12-29 10:00") == 2.0


def test_several_ranges_a_day() -> None:
    bh = BusinessHours.build("mon-fri 09:00-12:00, 13:00-17:00", "UTC")
    # Mon 2025-03-03 11:00 -> 14:00: 11-12 = 1 h, lunch closed, 13-14 = 1 h; 1 + 1 = 2 h
    assert hours(bh, "2025-03-03 11:00", "2025-03-03 14:00") == 2.0
    # A whole day: 3 h + 4 h = 7 h
    assert hours(bh, "2025-03-03 00:00", "2025-03-04 00:00") == 7.0
    # Deadline 4 business hours after Mon 11:00: 11-12 uses 1 h, 13-16 the other 3 h -> 16:00
    assert bh.add(stamps("2025-03-03 11:00"), 4 * 3600)[0] == pd.Timestamp("2025-03-03 16:00")


def test_schedule_with_groups_per_day() -> None:
    weekly = parse_schedule("mon-fri 09:00-17:00; sat 10:00-14:00")
    assert weekly[0] == ((9 * 3600, 17 * 3600),)
    assert weekly[5] == ((10 * 3600, 14 * 3600),)
    assert weekly[6] == ()
    assert parse_schedule(["mon,wed 08:00-12:00"])[2] == ((8 * 3600, 12 * 3600),)


@pytest.mark.parametrize(("spec", "message"), [
    ("mon-fri 9-17", "cannot read the range '9-17'"),
    ("mo-fr 09:00-17:00", "unknown day 'mo'"),
    ("mon 09:00-12:00, 11:00-13:00", "ranges overlap on mon"),
    ("mon 17:00-09:00", "must run forward"),
    ("", "names no days"),
])
def test_unreadable_schedules_say_why(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_schedule(spec)


def test_daylight_saving_change_keeps_wall_clock_hours() -> None:
    bh = BusinessHours.build(NINE_TO_FIVE, "Europe/Berlin")
    # Fri 2025-03-28 09:30 CET -> Mon 2025-03-31 09:30 CEST (clocks went forward on Sun 30 March).
    # Fri 09:30-17:00 = 7.5 h + Mon 09:00-09:30 = 0.5 h = 8 h. Counting at a fixed UTC+1 would put
    # Monday's 09:30 CEST at 08:30 and give 7.5 h.
    assert hours(bh, "2025-03-28 09:30", "2025-03-31 09:30") == 8.0
    # Fri 2025-10-24 09:30 CEST -> Mon 2025-10-27 09:30 CET (clocks went back on Sun 26 October): 8 h
    assert hours(bh, "2025-10-24 09:30", "2025-10-27 09:30") == 8.0


def test_an_open_range_over_the_changed_hour_counts_elapsed_time() -> None:
    always = BusinessHours.build("mon-sun 00:00-24:00", "Europe/Berlin")
    # 2025-03-30 01:00 -> 04:00 wall clock: 02:00-03:00 never happened, so 3 h - 1 h = 2 h
    assert hours(always, "2025-03-30 01:00", "2025-03-30 04:00") == 2.0
    # 2025-10-26 01:00 -> 04:00 wall clock: 02:00-03:00 happened twice, so 3 h + 1 h = 4 h
    assert hours(always, "2025-10-26 01:00", "2025-10-26 04:00") == 4.0
    # Sat 12:00 -> Mon 12:00 over the spring change: 48 h - 1 h = 47 h
    assert hours(always, "2025-03-29 12:00", "2025-03-31 12:00") == 47.0
    # 2 business hours after 01:00 CET on 30 March is 03:00 UTC... 01:00 CET = 00:00Z, + 2 h = 02:00Z = 04:00 CEST
    assert always.add(stamps("2025-03-30 01:00"), 2 * 3600)[0] == pd.Timestamp("2025-03-30 04:00")


def test_sla_deadline_runs_over_the_weekend() -> None:
    bh = BusinessHours.build(NINE_TO_FIVE, "Europe/Berlin")
    # Fri 2025-03-07 15:00 + 4 business hours: Fri 15-17 = 2 h, Mon 09-11 = 2 h -> Mon 11:00
    assert bh.add(stamps("2025-03-07 15:00"), 4 * 3600)[0] == pd.Timestamp("2025-03-10 11:00")
    # 8 h from Fri 17:00 exactly: all of Monday -> Mon 17:00 (not Tue 09:00)
    assert bh.add(stamps("2025-03-07 17:00"), 8 * 3600)[0] == pd.Timestamp("2025-03-10 17:00")
    # 0 h from Sat 10:00 is the next opening: Mon 09:00
    assert bh.add(stamps("2025-03-08 10:00"), 0)[0] == pd.Timestamp("2025-03-10 09:00")


def test_schedule_zone_differs_from_data_zone() -> None:
    # Data in UTC, desk in Berlin (UTC+1 in March before the 30th).
    bh = BusinessHours.build(NINE_TO_FIVE, "Europe/Berlin", data_timezone="UTC")
    # 2025-03-07 15:00Z = 16:00 Berlin -> 2025-03-10 08:00Z = 09:00 Berlin: Fri 16-17 = 1 h, Mon 0 h
    assert hours(bh, "2025-03-07 15:00", "2025-03-10 08:00") == 1.0
    # Deadline 2 h from 15:00Z: Fri 16-17 Berlin = 1 h, Mon 09-10 Berlin = 1 h -> 10:00 Berlin = 09:00Z
    assert bh.add(stamps("2025-03-07 15:00"), 2 * 3600)[0] == pd.Timestamp("2025-03-10 09:00")


def test_missing_times_give_nan_not_zero() -> None:
    bh = BusinessHours.build(NINE_TO_FIVE, "UTC")
    out = bh.business_seconds(stamps("2025-03-03 09:00", "2025-03-03 09:00"),
                              pd.Series([pd.NaT, pd.Timestamp("2025-03-03 10:00")]))
    assert pd.isna(out[0]) and out[1] == 3600.0


def _open_minutes(bh: BusinessHours, start: datetime, end: datetime) -> int:
    """Brute force: every real minute between two Berlin wall times that is open on the wall clock."""
    zone = ZoneInfo(bh.timezone)
    t = start.replace(tzinfo=zone).astimezone(ZoneInfo("UTC"))
    stop = end.replace(tzinfo=zone).astimezone(ZoneInfo("UTC"))
    count = 0
    while t < stop:
        local = t.astimezone(zone)
        second = local.hour * 3600 + local.minute * 60
        if local.date() not in bh.holidays and any(a <= second < b for a, b in bh.weekly[local.weekday()]):
            count += 1
        t += timedelta(minutes=1)
    return count


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 9 * 24 * 60), st.integers(0, 5 * 24 * 60))
def test_matches_a_minute_by_minute_count(offset: int, length: int) -> None:
    bh = BusinessHours.build("mon-fri 08:00-12:00, 13:00-18:30; sun 01:00-04:00", "Europe/Berlin",
                             [date(2025, 10, 28)])
    # Starts between 2025-10-22 and 2025-10-31: spans the change on Sun 26 October (02:00-03:00
    # happens twice, inside the Sunday range) and a holiday.
    start = datetime(2025, 10, 22) + timedelta(minutes=offset)
    end = start + timedelta(minutes=length)
    got = bh.business_seconds(stamps(start.isoformat()), stamps(end.isoformat()))[0]
    assert got == _open_minutes(bh, start, end) * 60


def test_holidays_file_lines_or_csv(tmp_path: Path) -> None:
    (tmp_path / "plain.txt").write_text("2025-12-25\n\n# boxing day\n2025-12-26\n")
    (tmp_path / "table.csv").write_text("date,name\n2025-12-25,Christmas\n2025-12-26,Boxing Day\n")
    assert read_holidays(tmp_path / "plain.txt") == [date(2025, 12, 25), date(2025, 12, 26)]
    assert read_holidays(tmp_path / "table.csv") == [date(2025, 12, 25), date(2025, 12, 26)]
    (tmp_path / "bad.csv").write_text("date\n2025-12-25\n25.12.2025\n")
    with pytest.raises(ValueError, match=r"line 3: '25.12.2025' is not a date"):
        read_holidays(tmp_path / "bad.csv")


def test_config_errors_name_the_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"support\.business_hours\.schedule: cannot read the range"):
        parse_config({"support": {"business_hours": {"schedule": "mon-fri 9-5"}}}, "c.yaml", tmp_path)
    with pytest.raises(ConfigError, match=r"support\.business_hours\.timezone: unknown time zone"):
        parse_config({"support": {"business_hours": {"schedule": NINE_TO_FIVE, "timezone": "Mars/Base"}}},
                     "c.yaml", tmp_path)
    with pytest.raises(ConfigError, match=r"support: .*durations.clock is 'business'"):
        parse_config({"support": {"durations": {"clock": "business"}}}, "c.yaml", tmp_path)


TICKETS = """
ticket_id,created_at,first_response_at,resolved_at,priority
1,2025-03-07 16:00,2025-03-10 09:30,2025-03-10 10:00,high
2,2025-03-08 11:00,2025-03-10 09:15,2025-03-10 12:00,urgent
3,2025-03-11 09:00,2025-03-11 09:30,2025-03-12 17:00,high
"""


def test_support_metrics_in_business_hours(tmp_path: Path) -> None:
    metrics = ["resolution_time_hours", "resolution_time_hours_mean", "first_response_hours",
               "same_day_resolution_pct", "sla_compliance_pct"]
    report = run_tickets(tmp_path, TICKETS, metrics, timezone="Europe/Berlin",
                         support={"business_hours": {"schedule": NINE_TO_FIVE}})
    # Resolution, business hours: #1 Fri 16-17 + Mon 9-10 = 2 h; #2 Sat closed, Mon 9-12 = 3 h;
    # #3 Tue 9-17 + Wed 9-17 = 16 h. Median of (2, 3, 16) = 3; mean = 21 / 3 = 7.
    assert values(report, "resolution_time_hours")["2025-Q1"] == 3.0
    assert values(report, "resolution_time_hours_mean")["2025-Q1"] == 7.0
    # First response: #1 Fri 1 h + Mon 0.5 h = 1.5; #2 0.25; #3 0.5. Median = 0.5
    assert values(report, "first_response_hours")["2025-Q1"] == 0.5
    # Same business day: #2 opened Saturday, first business day Mon 10 March, solved Mon -> yes;
    # #1 opened Fri, solved Mon -> no; #3 Tue -> Wed -> no. 1 / 3
    assert values(report, "same_day_resolution_pct")["2025-Q1"] == pytest.approx(1 / 3)
    # SLA (high 8 h, urgent 4 h, in business hours): #1 due Fri 16-17 + Mon 9-16 = Mon 16:00, solved
    # 10:00 -> met; #2 due Mon 13:00, solved 12:00 -> met; #3 due Tue 17:00, solved Wed -> missed. 2 / 3
    assert values(report, "sla_compliance_pct")["2025-Q1"] == pytest.approx(2 / 3)
    assert report.support_hours == "business hours (mon-fri 09:00-17:00 Europe/Berlin)"


def test_calendar_hours_stay_the_default(tmp_path: Path) -> None:
    report = run_tickets(tmp_path, TICKETS, ["resolution_time_hours", "sla_compliance_pct",
                                             "same_day_resolution_pct"], timezone="Europe/Berlin")
    # Calendar: #1 Fri 16:00 -> Mon 10:00 = 66 h; #2 Sat 11:00 -> Mon 12:00 = 49 h; #3 32 h. Median 49
    assert values(report, "resolution_time_hours")["2025-Q1"] == 49.0
    # SLA in calendar hours: 66 > 8, 49 > 4, 32 > 8: none met = 0 / 3
    assert values(report, "sla_compliance_pct")["2025-Q1"] == 0.0
    # Same calendar day: none of the three = 0 / 3
    assert values(report, "same_day_resolution_pct")["2025-Q1"] == 0.0
    assert report.support_hours == "calendar hours"


def test_holidays_from_a_file_in_the_config(tmp_path: Path) -> None:
    (tmp_path / "holidays.txt").write_text("2025-03-10\n")
    report = run_tickets(tmp_path, TICKETS, ["resolution_time_hours_mean"], timezone="Europe/Berlin",
                         support={"business_hours": {"schedule": NINE_TO_FIVE, "holidays": "holidays.txt"}})
    # Mon 10 March closed: #1 Fri 1 h + Mon 0 = 1 h; #2 0 h; #3 16 h. Mean = 17 / 3
    assert values(report, "resolution_time_hours_mean")["2025-Q1"] == pytest.approx(17 / 3)


def test_missing_holidays_file_is_one_config_error(tmp_path: Path) -> None:
    message = r"test.yaml: support.business_hours.holidays: holidays file .*nope.txt not found"
    with pytest.raises(ConfigError, match=message):
        run_tickets(tmp_path, TICKETS, ["resolution_time_hours"],
                    support={"business_hours": {"schedule": NINE_TO_FIVE, "holidays": "nope.txt"}})


def test_only_the_two_change_days_of_a_year_take_the_exact_path() -> None:
    bh = BusinessHours.build(NINE_TO_FIVE, "Europe/Berlin")
    first = int(np.datetime64("2025-01-01", "D").astype("int64"))
    table = _DayTable(bh, first, first + 364)
    # 2025 in Berlin: clocks change on 30 March and 26 October, and on no other day (the exact path
    # is per row, so flagging every day would be correct but a hundred times slower).
    changed = [str(np.datetime64(first + int(i), "D")) for i in np.flatnonzero(table.shifted)]
    assert changed == ["2025-03-30", "2025-10-26"]


def test_table_caption_says_which_hours(tmp_path: Path) -> None:
    from crm_metrics.render.table import render_table

    for support, expected in (
        ({"business_hours": {"schedule": NINE_TO_FIVE}},
         "support times in business hours (mon-fri 09:00-17:00 Europe/Berlin)"),
        (None, "support times in calendar hours"),
    ):
        report = run_tickets(tmp_path, TICKETS, ["resolution_time_hours"], timezone="Europe/Berlin", support=support)
        out = io.StringIO()
        render_table(report, out)
        assert expected in " ".join(out.getvalue().split())  # the caption may wrap
