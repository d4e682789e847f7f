"""Targets: a min and/or max per metric from the config, and which period values meet them.

A value that is n/a is neither met nor missed: there is nothing to judge, and the report already
says why. `--fail-on-target` looks only at the latest period shown, the one a nightly run is about.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from crm_metrics.render.values import format_value

if TYPE_CHECKING:
    from crm_metrics.metrics.registry import Unit
    from crm_metrics.report import MetricResult, Report


@dataclass(frozen=True)
class Target:
    min: float | None = None
    max: float | None = None

    def check(self, value: float | None) -> bool | None:
        """True when met, False when missed, None when the value is n/a."""
        if value is None:
            return None
        if self.min is not None and value < self.min:
            return False
        return not (self.max is not None and value > self.max)

    def describe(self, unit: Unit, currency: str) -> str:
        low = None if self.min is None else format_value(self.min, unit, currency)
        high = None if self.max is None else format_value(self.max, unit, currency)
        if low and high:
            return f"{low} to {high}"
        return f">= {low}" if low else f"<= {high}"


@dataclass(frozen=True)
class Miss:
    metric_id: str
    label: str
    period: str
    value: float
    target: Target
    text: str  # one line for people: "Close rate 2026-Q2: 21.0 % (target >= 25.0 %)"


def target_of(report: Report, result: MetricResult) -> Target | None:
    return report.targets.get(result.metric.id)


def status(report: Report, result: MetricResult, period: str) -> bool | None:
    target = target_of(report, result)
    return None if target is None else target.check(result.cells[period].value)


def missed_latest(report: Report) -> list[Miss]:
    """Every target missed in the report's latest period."""
    if not report.periods:
        return []
    latest = report.periods[-1].label
    misses = []
    for result in report.metrics:
        target = target_of(report, result)
        value = result.cells[latest].value
        if target is None or value is None or target.check(value) is not False:
            continue
        unit = result.metric.unit
        text = (f"{result.metric.label} {latest}: {format_value(value, unit, report.currency)} "
                f"(target {target.describe(unit, report.currency)})")
        misses.append(Miss(result.metric.id, result.metric.label, latest, value, target, text))
    return misses
