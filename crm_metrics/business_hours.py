"""Business time: a weekly schedule in a time zone, minus holidays, as help desks count it.

A schedule is read in the local wall time of its zone ("mon-fri 09:00-17:00" is 09:00 to 17:00 on
the clock in Berlin, in winter and in summer), so a ticket that spans a daylight-saving change still
counts 8 hours per working day. Only on the day of a change itself, and only for an open range that
covers the skipped or repeated hour (a 24/7 or night schedule), does the elapsed time of the range
differ from its wall-clock length; those few days are computed exactly.

Business seconds between two instants are F(end) - F(start), where F(t) is the business time from
the start of a day table to t: a cumulative sum over days plus the open time of t's own day up to
t. Both parts are numpy operations over whole columns, so a million tickets cost one pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from crm_metrics.errors import ConfigError

if TYPE_CHECKING:
    from crm_metrics.config.model import Config

DAY = 86_400
_DAY_NS = DAY * 1_000_000_000
_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_GROUP_RE = re.compile(r"^(?P<days>[a-z]+(?:\s*[-,]\s*[a-z]+)*)\s+(?P<ranges>\d.*)$")
_RANGE_RE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
# 1970-01-01, day 0 of datetime64, was a Thursday.
_EPOCH_WEEKDAY = 3

Ranges = tuple[tuple[int, int], ...]  # (start, end) seconds of the local day, sorted, disjoint


def parse_schedule(spec: str | Iterable[str]) -> tuple[Ranges, ...]:
    """Seven tuples of open ranges (Monday first) from text such as
    "mon-fri 09:00-12:00, 13:00-17:00; sat 10:00-14:00" (groups split by ';', newlines or list items).

    Raises ValueError with a message fit for the config error line.
    """
    groups = re.split(r"[;\n]", spec) if isinstance(spec, str) else list(spec)
    days: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    seen_any = False
    for raw in groups:
        group = " ".join(str(raw).strip().casefold().split())
        if not group:
            continue
        match = _GROUP_RE.match(group)
        if match is None:
            raise ValueError(f"cannot read {raw.strip()!r}; write days then ranges, e.g. 'mon-fri 09:00-17:00'")
        ranges = [_parse_range(part.strip(), raw) for part in match["ranges"].split(",") if part.strip()]
        for weekday in _parse_days(match["days"], raw):
            days[weekday].extend(ranges)
            seen_any = True
    if not seen_any:
        raise ValueError("the schedule names no days; e.g. 'mon-fri 09:00-17:00'")
    weekly = []
    for weekday, ranges in enumerate(days):
        ranges.sort()
        for (_, end), (start, _) in zip(ranges, ranges[1:], strict=False):
            if start < end:
                raise ValueError(f"ranges overlap on {_DAY_NAMES[weekday]}")
        weekly.append(tuple(ranges))
    return tuple(weekly)


def _day_index(name: str, raw: str) -> int:
    for names in (_DAY_NAMES, _FULL_NAMES):
        if name in names:
            return names.index(name)
    raise ValueError(f"unknown day {name!r} in {raw.strip()!r}; use mon, tue, wed, thu, fri, sat, sun")


def _parse_days(text: str, raw: str) -> list[int]:
    found: list[int] = []
    for part in text.replace(" ", "").split(","):
        if "-" in part:
            first, last = (_day_index(p, raw) for p in part.split("-", 1))
            # "fri-mon" wraps over the weekend.
            found += [(first + i) % 7 for i in range((last - first) % 7 + 1)]
        else:
            found.append(_day_index(part, raw))
    return sorted(set(found))


def _parse_range(text: str, raw: str) -> tuple[int, int]:
    match = _RANGE_RE.match(text)
    if match is None:
        raise ValueError(f"cannot read the range {text!r} in {raw.strip()!r}; write HH:MM-HH:MM")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = h1 * 3600 + m1 * 60, h2 * 3600 + m2 * 60
    if m1 > 59 or m2 > 59 or end > DAY or start >= end:
        raise ValueError(f"the range {text!r} in {raw.strip()!r} must run forward within one day (00:00-24:00)")
    return start, end


def read_holidays(path: Path) -> list[date]:
    """Dates from a file: one ISO date per line, or a CSV whose first column is the date.

    A first line that is not a date is a header; blank lines and '#' comments are skipped.
    """
    dates = []
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        cell = re.split(r"[,;\t]", line, maxsplit=1)[0].strip().strip('"')
        if not cell or cell.startswith("#"):
            continue
        try:
            dates.append(date.fromisoformat(cell))
        except ValueError:
            if number == 1:
                continue
            raise ValueError(f"{path}, line {number}: {cell!r} is not a date (write YYYY-MM-DD)") from None
    return dates


def from_config(config: Config) -> BusinessHours | None:
    """The config's support.business_hours, holidays file read; None when calendar hours apply."""
    settings = config.support.business_hours
    if settings is None:
        return None
    holidays = settings.holidays
    if isinstance(holidays, str):
        path = config.resolve(holidays)
        key = f"{config.origin}: support.business_hours.holidays"
        try:
            holidays = read_holidays(path)
        except (FileNotFoundError, IsADirectoryError):
            raise ConfigError(f"{key}: holidays file {path} not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{key}: cannot read {path} ({exc})") from None
        except ValueError as exc:
            raise ConfigError(f"{key}: {exc}") from None
    return BusinessHours.build(settings.schedule, settings.timezone or config.timezone, holidays,
                               data_timezone=config.timezone)


@dataclass(frozen=True)
class BusinessHours:
    """A weekly schedule in `timezone`; `data_timezone` is the zone of the naive timestamps given."""

    weekly: tuple[Ranges, ...]
    timezone: str
    holidays: frozenset[date]
    label: str
    data_timezone: str

    @classmethod
    def build(cls, schedule: str | Iterable[str], timezone: str, holidays: Iterable[date] = (),
              data_timezone: str | None = None) -> BusinessHours:
        text = schedule if isinstance(schedule, str) else "; ".join(schedule)
        label = " ".join(text.split())
        return cls(parse_schedule(schedule), timezone, frozenset(holidays), label, data_timezone or timezone)

    @property
    def description(self) -> str:
        return f"business hours ({self.label} {self.timezone})"

    # --- the public operations ------------------------------------------------------------------

    def business_seconds(self, start: object, end: object) -> np.ndarray:
        """Business seconds from each start to each end (negative when end is before start; NaN
        where either is missing). Both are naive timestamps in `data_timezone`."""
        s_ns, s_ok = self._local_ns(start)
        e_ns, e_ok = self._local_ns(end)
        ok = s_ok & e_ok
        out = np.full(len(s_ns), np.nan)
        if not ok.any():
            return out
        table = _DayTable(self, _days(s_ns[ok]).min(), _days(e_ns[ok]).max())
        out[ok] = table.cumulative(e_ns[ok]) - table.cumulative(s_ns[ok])
        return out

    def add(self, start: object, seconds: object) -> pd.Series:
        """The instant `seconds` business seconds after each start (a deadline), naive in
        `data_timezone`. With 0 seconds it is the next open moment at or after the start."""
        s_ns, s_ok = self._local_ns(start)
        amount = np.asarray(pd.Series(seconds, dtype="float64").to_numpy(dtype="float64", na_value=np.nan))
        if amount.shape == (1,) and len(s_ns) != 1:
            amount = np.full(len(s_ns), amount[0])
        ok = s_ok & ~np.isnan(amount) & (amount >= 0)
        result = np.full(len(s_ns), np.datetime64("NaT"), dtype="datetime64[ns]")
        if ok.any():
            first = _days(s_ns[ok]).min()
            weekly_open = sum(b - a for day in self.weekly for a, b in day)
            weeks = int(np.ceil(amount[ok].max() / weekly_open)) + 2
            table = _DayTable(self, first, _days(s_ns[ok]).max() + 7 * weeks + len(self.holidays))
            target = table.cumulative(s_ns[ok]) + amount[ok]
            result[ok] = table.invert(target, strict=amount[ok] == 0)
        return self._to_data_zone(pd.Series(result, dtype="datetime64[ns]"))

    def same_business_day(self, start: object, end: object) -> np.ndarray:
        """Whether each end falls on the local date of the first open moment at or after its start:
        a ticket opened on Saturday and solved on Monday morning was solved on its first business day."""
        opened = self._local(self.add(start, 0)).to_numpy(dtype="datetime64[ns]")
        closed = self._local(pd.Series(end).astype("datetime64[ns]")).to_numpy(dtype="datetime64[ns]")
        # NaT compares unequal, so a missing time is never "same day".
        return np.asarray(opened.astype("datetime64[D]") == closed.astype("datetime64[D]"))

    # --- time zones -----------------------------------------------------------------------------

    def _local(self, values: pd.Series) -> pd.Series:
        values = pd.Series(values).astype("datetime64[ns]")
        if self.timezone == self.data_timezone:
            return values
        aware = values.dt.tz_localize(self.data_timezone, ambiguous=np.ones(len(values), dtype=bool),
                                      nonexistent="shift_forward")
        return aware.dt.tz_convert(self.timezone).dt.tz_localize(None).astype("datetime64[ns]")

    def _to_data_zone(self, values: pd.Series) -> pd.Series:
        if self.timezone == self.data_timezone:
            return values
        aware = values.dt.tz_localize(self.timezone, ambiguous=np.ones(len(values), dtype=bool),
                                      nonexistent="shift_forward")
        return aware.dt.tz_convert(self.data_timezone).dt.tz_localize(None).astype("datetime64[ns]")

    def _local_ns(self, values: object) -> tuple[np.ndarray, np.ndarray]:
        local = self._local(pd.Series(values) if not isinstance(values, pd.Series) else values)
        raw = local.to_numpy(dtype="datetime64[ns]")
        ok = ~np.isnat(raw)
        return raw.astype("int64"), ok


def _days(ns: np.ndarray) -> np.ndarray:
    return np.floor_divide(ns, _DAY_NS)


class _DayTable:
    """Open seconds per local day from `first` to `last` (day numbers since 1970-01-01), their
    running total, and exact handling of the days on which the zone's UTC offset changes."""

    def __init__(self, hours: BusinessHours, first: int, last: int) -> None:
        self.hours = hours
        self.first = int(first)
        n = int(last) - self.first + 1
        day_numbers = np.arange(self.first, self.first + n)
        self.weekday = (day_numbers + _EPOCH_WEEKDAY) % 7
        dates = (day_numbers.astype("datetime64[D]")).astype(object)
        self.holiday = np.array([d in hours.holidays for d in dates], dtype=bool)
        totals = np.array([sum(b - a for a, b in hours.weekly[w]) for w in range(7)], dtype="float64")
        self.total = np.where(self.holiday, 0.0, totals[self.weekday])
        self.shifted = self._offset_change_days(day_numbers)
        for index in np.flatnonzero(self.shifted & ~self.holiday):
            self.total[index] = self._exact_open(int(day_numbers[index]), DAY)
        self.before = np.concatenate(([0.0], np.cumsum(self.total)[:-1]))

    def _offset_change_days(self, day_numbers: np.ndarray) -> np.ndarray:
        midnights = pd.DatetimeIndex(np.append(day_numbers, day_numbers[-1] + 1).astype("datetime64[D]"))
        aware = midnights.tz_localize(self.hours.timezone, ambiguous=np.ones(len(midnights), dtype=bool),
                                      nonexistent="shift_forward")
        lengths = np.diff(aware.as_unit("s").asi8)
        return np.asarray(lengths != DAY)

    def _instant(self, day: int, second: float) -> float:
        """Epoch seconds of a local wall time (skipped times move forward, repeated ones take the
        first pass), so elapsed time on a change day is exact and never runs backwards."""
        wall = pd.Timestamp(np.datetime64(day, "D")) + pd.Timedelta(seconds=second)
        stamp = wall.tz_localize(self.hours.timezone, ambiguous=True, nonexistent="shift_forward")
        return stamp.value / 1e9

    def _exact_open(self, day: int, second: float) -> float:
        ranges = self.hours.weekly[(day + _EPOCH_WEEKDAY) % 7]
        return sum(self._instant(day, min(second, b)) - self._instant(day, a) for a, b in ranges if second > a)

    def cumulative(self, ns: np.ndarray) -> np.ndarray:
        days = _days(ns)
        index = days - self.first
        seconds = (ns - days * _DAY_NS) / 1e9
        weekday = self.weekday[index]
        within = np.zeros(len(ns))
        for w, ranges in enumerate(self.hours.weekly):
            on_day = weekday == w
            for a, b in ranges:
                within[on_day] += np.clip(seconds[on_day] - a, 0, b - a)
        within[self.holiday[index]] = 0.0
        for i in np.flatnonzero(self.shifted[index] & ~self.holiday[index]):
            within[i] = self._exact_open(int(days[i]), float(seconds[i]))
        return self.before[index] + within

    def invert(self, target: np.ndarray, strict: np.ndarray) -> np.ndarray:
        """The earliest local instant whose cumulative business time reaches `target` (or, where
        `strict`, exceeds it: the next open moment rather than the end of the previous range)."""
        ends = self.before + self.total
        index = np.where(strict, np.searchsorted(ends, target, side="right"),
                         np.searchsorted(ends, target, side="left"))
        if (index >= len(ends)).any():
            raise AssertionError("business-hours day table too short")  # sized in add(); a bug if hit
        remaining = target - self.before[index]
        weekday = self.weekday[index]
        second = np.full(len(target), np.nan)
        for w, ranges in enumerate(self.hours.weekly):
            done = weekday != w
            used = 0.0
            for a, b in ranges:
                reach = used + (b - a)
                take = ~done & np.where(strict, reach > remaining, reach >= remaining)
                second[take] = a + (remaining[take] - used)
                done |= take
                used = reach
        day_numbers = index + self.first
        out = (day_numbers * _DAY_NS + np.round(second * 1e9)).astype("int64").view("datetime64[ns]")
        for i in np.flatnonzero(self.shifted[index]):
            out[i] = self._exact_invert(int(day_numbers[i]), float(remaining[i]), bool(strict[i]))
        return out

    def _exact_invert(self, day: int, remaining: float, strict: bool) -> np.datetime64:
        used = 0.0
        for a, b in self.hours.weekly[(day + _EPOCH_WEEKDAY) % 7]:
            start = self._instant(day, a)
            length = self._instant(day, b) - start
            if (used + length > remaining) if strict else (used + length >= remaining):
                instant = pd.Timestamp(start + (remaining - used), unit="s", tz="UTC")
                return np.datetime64(instant.tz_convert(self.hours.timezone).tz_localize(None).value, "ns")
            used += length
        raise AssertionError("no open range reaches the target on its own day")  # ends[] says one does
