"""The registry that the config and --metrics select metrics from by id, and the cells metrics return.

The metrics themselves are declared once, in spec.py (plain data); the pandas code that computes a
metric is imported only when the metric is computed, so `crm-metrics metrics` and config validation
stay fast. Unit, Better, Group and MetricDef are re-exported here for the modules that import them
from the registry.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crm_metrics.errors import ConfigError
from crm_metrics.metrics.spec import SPECS, Better, Group, MetricDef, Unit

if TYPE_CHECKING:
    from crm_metrics.metrics.context import MetricContext

__all__ = ["Better", "Cell", "Compute", "Group", "MetricDef", "PeriodCells", "Unit", "all_metrics",
           "check_metric_ids", "get_metric"]


@dataclass(frozen=True)
class Cell:
    """One metric's value for one period: a number, or None with the reason why not."""

    value: float | None
    note: str | None = None

    @classmethod
    def na(cls, reason: str) -> Cell:
        return cls(None, reason)


# ordinal of a period -> its cell
PeriodCells = dict[int, Cell]
Compute = Callable[["MetricContext"], PeriodCells]

_BY_ID: dict[str, MetricDef] = {m.id: m for m in SPECS}


def all_metrics() -> list[MetricDef]:
    """Every metric, in the order of spec.SPECS (the order `crm-metrics metrics` lists them)."""
    return list(SPECS)


def get_metric(metric_id: str) -> MetricDef:
    """The metric with this id; ConfigError with a "did you mean" when there is none."""
    try:
        return _BY_ID[metric_id]
    except KeyError:
        raise ConfigError(_unknown_message(metric_id)) from None


def check_metric_ids(ids: Iterable[str]) -> None:
    """ValueError naming every unknown id (pydantic turns it into the config's one-line problem)."""
    problems = [_unknown_message(i) for i in ids if i not in _BY_ID]
    if problems:
        raise ValueError("; ".join(problems))


def _unknown_message(metric_id: str) -> str:
    hint = difflib.get_close_matches(metric_id, list(_BY_ID), n=1)
    suggestion = f"did you mean '{hint[0]}'?" if hint else "run `crm-metrics metrics` for the list"
    return f"unknown metric '{metric_id}': {suggestion}"
