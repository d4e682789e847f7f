"""Durations that help desks export themselves: "HH:MM:SS" text (hours may pass 24, "30:15:00"),
or plain numbers of minutes or hours. Parsed to seconds, with unreadable cells counted, and compared
with the timestamps they were computed from (the `validate` hook).

Also the one place calendar durations are computed (elapsed_seconds, add_elapsed): the cleaned
tables keep naive local wall-clock times (for bucketing by day and period), but a duration is
elapsed time between two instants (metrics.md section 1, "Durations are elapsed time"), so both
ends are placed in the config's time zone and subtracted in UTC. A ticket opened 01:49 and solved
03:15 on the night Berlin's clocks go forward took 26 minutes, not 1 h 26.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from crm_metrics.clean.parsers import Parsed, once_per_value

if TYPE_CHECKING:
    from crm_metrics.business_hours import BusinessHours

_CLOCK_RE = r"(\d+):([0-5]?\d)(?::([0-5]?\d(?:\.\d+)?))?"
_NUMBER_RE = r"\d+(?:[.,]\d+)?|[.,]\d+"
# A duration more than a minute away from its timestamps is a disagreement worth showing.
TOLERANCE_SECONDS = 60.0


class DurationUnit(Enum):
    """What a plain number in a duration column counts; "HH:MM:SS" text is read as such always."""

    HOURS = "hours"
    MINUTES = "minutes"
    SECONDS = "seconds"

    @property
    def seconds(self) -> float:
        match self:
            case DurationUnit.HOURS:
                return 3600.0
            case DurationUnit.MINUTES:
                return 60.0
            case DurationUnit.SECONDS:
                return 1.0


@once_per_value
def parse_durations(values: pd.Series, unit: DurationUnit) -> Parsed:
    """Seconds (float64, NaN where blank or unreadable) from "HH:MM:SS", "HH:MM", numbers in
    `unit`, and time-like cells from Excel (timedelta, time). Negative values are unreadable."""
    index = values.index
    out = pd.Series(np.nan, index=index, dtype="float64")
    objects = values.astype(object)
    is_delta = objects.map(lambda v: isinstance(v, (dt.timedelta, dt.time))).astype(bool).to_numpy()
    if is_delta.any():
        out[is_delta] = np.array([_cell_seconds(v) for v in objects[is_delta]], dtype="float64")
    # NaN is how a missing cell of a text column reads as an object: blank, not a number.
    is_number = objects.map(lambda v: isinstance(v, (int, float, np.number)) and not isinstance(v, bool)
                            and v == v).astype(bool).to_numpy()
    if is_number.any():
        out[is_number] = pd.to_numeric(objects[is_number], errors="coerce").astype("float64") * unit.seconds
    text = values.astype("string").str.strip().where(~(is_delta | is_number))
    blank = (text.isna() | (text == "")).fillna(True).to_numpy(dtype=bool) & ~(is_delta | is_number)
    clock = text.str.extract(f"^{_CLOCK_RE}$")
    on_clock = clock[0].notna().to_numpy(dtype=bool)
    if on_clock.any():
        parts = clock[on_clock].astype("float64").fillna(0.0)
        out[on_clock] = parts[0] * 3600 + parts[1] * 60 + parts[2]
    number = text.str.fullmatch(_NUMBER_RE).fillna(False).to_numpy(dtype=bool)
    if number.any():
        out[number] = pd.to_numeric(text[number].str.replace(",", ".", regex=False)).astype("float64") * unit.seconds
    out = out.where(out >= 0)
    bad = pd.Series(~blank & out.isna().to_numpy(dtype=bool), index=index)
    return Parsed(out, int(bad.sum()), bad)


def _cell_seconds(value: object) -> float:
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    assert isinstance(value, dt.time)
    return value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6


# Fields kept as elapsed seconds that exports give as numbers of seconds, "h:mm:ss" text or Excel
# time-of-day cells used as durations: the PwC call-centre workbook's AvgTalkDuration 0:04:05 is
# 4 minutes 5 seconds of talk, not five past four (../shared/exports/pwc_call_center/PROFILE.md).
SECONDS_FIELDS: dict[str, frozenset[str]] = {"calls": frozenset({"handle_seconds"})}


def is_seconds_field(table: str, name: str) -> bool:
    """Whether `table.name` is read with parse_seconds rather than as a plain number."""
    return name in SECONDS_FIELDS.get(table, frozenset())


def parse_seconds(values: pd.Series) -> Parsed:
    """Seconds (float64) from numbers of seconds, "h:mm:ss" / "h:mm" text and time cells; see
    parse_durations for blanks and unreadable cells."""
    return parse_durations(values, DurationUnit.SECONDS)


def instants(wall: pd.Series, timezone: str) -> pd.Series:
    """Naive local wall-clock times (datetime64, `timezone`) as UTC instants (datetime64[ns, UTC]),
    NaT kept. A time the clock skipped (02:30 on the spring-forward night) is read as the moment
    the clock resumed (pandas' nonexistent="shift_forward": 03:00); a time the clock showed twice
    (02:30 on the autumn night) as its first occurrence, in summer time, as business_hours.py does.
    Exports that carry no offset cannot tell the two 02:30s apart; the first is the earlier, so a
    duration starting there is never shortened to a negative one."""
    values = pd.Series(wall).astype("datetime64[ns]")
    aware = values.dt.tz_localize(timezone, ambiguous=np.ones(len(values), dtype=bool),
                                  nonexistent="shift_forward")
    return aware.dt.tz_convert("UTC")


def elapsed_seconds(start: pd.Series, end: pd.Series, timezone: str) -> pd.Series:
    """Seconds elapsed (float64, NaN where either end is missing; negative when `end` is before
    `start`) between two columns of naive local times in `timezone`, aligned on their index.
    metrics.md section 1: durations are elapsed time, not the difference of wall-clock readings.
    Both ends are read as instants(); an `end` in the repeated autumn hour that would lie before
    its start is read as the hour's second occurrence instead."""
    if _without_clock_changes(timezone):
        return _seconds_between(start, end)
    begun = instants(start, timezone)
    seconds = (instants(end, timezone) - begun).dt.total_seconds().astype("float64")
    backwards = (seconds < 0).to_numpy(dtype=bool)
    if backwards.any():
        # An end the clock showed twice (a ticket opened 02:50 summer time, solved "02:10" in the
        # repeated hour) is its second occurrence when the first would put it before its start:
        # the only reading under which the row is not an error.
        later = pd.Series(end).astype("datetime64[ns]").dt.tz_localize(
            timezone, ambiguous=np.zeros(len(end), dtype=bool), nonexistent="shift_forward")
        second = (later.dt.tz_convert("UTC") - begun).dt.total_seconds().astype("float64")
        seconds = seconds.where(~backwards | ~(second >= 0), second)
    return seconds


def _seconds_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """end - start in seconds (float64, NaN where either is NaT), on the int64 nanoseconds: pandas'
    timedelta total_seconds costs a third more on the millions of rows of a sales-cycle column."""
    begin = pd.Series(start).astype("datetime64[ns]")
    finish = pd.Series(end).astype("datetime64[ns]").reindex(begin.index)
    missing = (begin.isna() | finish.isna()).to_numpy(dtype=bool)
    nanoseconds = finish.to_numpy().view(np.int64) - begin.to_numpy().view(np.int64)
    seconds = nanoseconds / 1e9
    seconds[missing] = np.nan
    return pd.Series(seconds, index=begin.index, dtype="float64")


def add_elapsed(start: pd.Series, seconds: pd.Series, timezone: str) -> pd.Series:
    """The naive local time (datetime64[ns], `timezone`) `seconds` (float64, NaN gives NaT) after
    each `start` (naive local): a duration the export gives ("First reply time in minutes"), or an
    SLA's hours, counted on the clock of the world, so 4 h after 01:00 on the spring-forward night
    is 06:00 local."""
    delta = pd.to_timedelta(pd.Series(seconds, index=start.index).astype("float64"), unit="s")
    if _without_clock_changes(timezone):
        return (start + delta).astype("datetime64[ns]")
    return (instants(start, timezone) + delta).dt.tz_convert(timezone).dt.tz_localize(None).astype("datetime64[ns]")


def _without_clock_changes(timezone: str) -> bool:
    # UTC and fixed offsets: wall time is elapsed time, and the costly localisation can be skipped.
    return timezone.upper() in {"UTC", "ETC/UTC", "GMT", "ETC/GMT", "Z"}


# Exported duration column (seconds) -> the timestamp it measures from created_at.
DURATION_PAIRS = {"first_response_seconds": "first_response_at", "resolution_seconds": "full_resolved_at"}


def duration_disagreements(tickets: pd.DataFrame, business_hours: BusinessHours | None = None,
                           tolerance: float = TOLERANCE_SECONDS, timezone: str = "UTC") -> pd.DataFrame:
    """Rows of a normalised tickets table whose exported duration and timestamps disagree by more
    than `tolerance` seconds: ticket_id, field, exported_hours, from_timestamps_hours,
    difference_minutes. Durations are compared in business time when `business_hours` is given
    (the desk's own business-hours columns), else in elapsed calendar time, the naive timestamps
    being local times in `timezone`."""
    found = []
    for duration, stamp in DURATION_PAIRS.items():
        stamp = stamp if stamp in tickets else stamp.replace("full_", "")
        if duration not in tickets or stamp not in tickets:
            continue
        if business_hours is None:
            measured = elapsed_seconds(tickets["created_at"], tickets[stamp], timezone).to_numpy(dtype="float64")
        else:
            measured = business_hours.business_seconds(tickets["created_at"], tickets[stamp])
        exported = tickets[duration].to_numpy(dtype="float64", na_value=np.nan)
        gap = np.abs(measured - exported)
        rows = np.flatnonzero(gap > tolerance)  # NaN on either side compares False: nothing to compare
        found.append(pd.DataFrame({
            "ticket_id": tickets["ticket_id"].to_numpy()[rows],
            "field": stamp,
            "exported_hours": exported[rows] / 3600,
            "from_timestamps_hours": measured[rows] / 3600,
            "difference_minutes": (measured[rows] - exported[rows]) / 60,
        }))
    if not found:
        return pd.DataFrame(columns=["ticket_id", "field", "exported_hours", "from_timestamps_hours",
                                     "difference_minutes"])
    return pd.concat(found, ignore_index=True)
