"""Durations that help desks export themselves: "HH:MM:SS" text (hours may pass 24, "30:15:00"),
or plain numbers of minutes or hours. Parsed to seconds, with unreadable cells counted, and compared
with the timestamps they were computed from (the `validate` hook).
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


# Exported duration column (seconds) -> the timestamp it measures from created_at.
DURATION_PAIRS = {"first_response_seconds": "first_response_at", "resolution_seconds": "full_resolved_at"}


def duration_disagreements(tickets: pd.DataFrame, business_hours: BusinessHours | None = None,
                           tolerance: float = TOLERANCE_SECONDS) -> pd.DataFrame:
    """Rows of a normalised tickets table whose exported duration and timestamps disagree by more
    than `tolerance` seconds: ticket_id, field, exported_hours, from_timestamps_hours,
    difference_minutes. Durations are compared in business time when `business_hours` is given
    (the desk's own business-hours columns), else in calendar time."""
    found = []
    for duration, stamp in DURATION_PAIRS.items():
        stamp = stamp if stamp in tickets else stamp.replace("full_", "")
        if duration not in tickets or stamp not in tickets:
            continue
        if business_hours is None:
            measured = (tickets[stamp] - tickets["created_at"]).dt.total_seconds().to_numpy(dtype="float64")
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
