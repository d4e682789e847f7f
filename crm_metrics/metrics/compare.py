"""Period-over-period change: each period against the previous one or the same period a year earlier.

Ratios change in percentage points, scores (NPS) in points, everything else in percent of the
baseline. Whether a change is good follows the metric's `better` (lower CAC is better). Pure Python:
the report objects import it, and `crm-metrics --help` must not import pandas.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from crm_metrics.errors import ConfigError
from crm_metrics.metrics.registry import Better, Cell, MetricDef, Unit
from crm_metrics.periods import Calendar, Period, PeriodKind

COMPARE_CHOICES = ("previous", "year")


class Direction(StrEnum):
    BETTER = "better"
    WORSE = "worse"
    FLAT = "flat"
    UNJUDGED = "neutral"  # the metric has no better direction (tickets created, campaign spend)


@dataclass(frozen=True)
class Change:
    against: str  # label of the baseline period
    delta: float | None  # in `unit`; None with a note when there is nothing to compare
    unit: str  # "%", "pp" (percentage points) or "pts"
    direction: Direction | None
    note: str | None = None


def check_compare(value: str) -> str:
    if value not in COMPARE_CHOICES:
        raise ConfigError(f"--compare {value!r}: choose previous or year")
    return value


def lag(kind: PeriodKind, compare: str) -> int:
    """How many periods back the baseline is."""
    return 1 if compare == "previous" else 12 // kind.months


def with_baselines(calendar: Calendar, shown: list[Period], compare: str) -> list[Period]:
    """The shown periods preceded by the ones their baselines fall in, contiguous."""
    first = shown[0].ordinal - lag(calendar.kind, compare)
    return [calendar.period(o) for o in range(first, shown[-1].ordinal + 1)]


def change(metric: MetricDef, current: Cell, baseline: Cell, against: str) -> Change:
    unit = _change_unit(metric.unit)
    if current.value is None or baseline.value is None:
        which = "this period" if current.value is None else against
        return Change(against, None, unit, None, f"no value for {which}")
    diff = current.value - baseline.value
    if unit == "pp":
        delta = diff * 100
    elif unit == "pts":
        delta = diff
    elif baseline.value == 0:
        return Change(against, None, unit, _direction(metric.better, diff), f"{against} was zero")
    else:
        delta = diff / abs(baseline.value) * 100
    return Change(against, delta, unit, _direction(metric.better, diff))


def changes_for(metric: MetricDef, cells: dict[str, Cell], computed: list[Period], shown: list[Period],
                kind: PeriodKind, compare: str) -> dict[str, Change]:
    by_ordinal = {p.ordinal: p for p in computed}
    back = lag(kind, compare)
    result = {}
    for period in shown:
        base = by_ordinal[period.ordinal - back]
        result[period.label] = change(metric, cells[period.label], cells[base.label], base.label)
    return result


def _change_unit(unit: Unit) -> str:
    match unit:
        case Unit.RATIO:
            return "pp"
        case Unit.SCORE:
            return "pts"
        case (Unit.CURRENCY | Unit.COUNT | Unit.DAYS | Unit.HOURS | Unit.MINUTES | Unit.MONTHS
              | Unit.YEARS | Unit.MULTIPLE):
            return "%"


def _direction(better: Better, diff: float) -> Direction:
    if diff == 0:
        return Direction.FLAT
    match better:
        case Better.HIGHER:
            return Direction.BETTER if diff > 0 else Direction.WORSE
        case Better.LOWER:
            return Direction.BETTER if diff < 0 else Direction.WORSE
        case Better.NEUTRAL:
            return Direction.UNJUDGED
