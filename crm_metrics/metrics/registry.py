"""Metric definitions and the registry that the config and --metrics select from by id.

The declarations (catalogue.py) are plain data; the pandas code that computes a metric is imported
only when the metric is computed, so `crm-metrics metrics` and config validation stay fast.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from crm_metrics.errors import ConfigError

if TYPE_CHECKING:
    from crm_metrics.metrics.context import MetricContext


class Unit(StrEnum):
    CURRENCY = "currency"
    RATIO = "ratio"
    COUNT = "count"
    DAYS = "days"
    HOURS = "hours"
    MINUTES = "minutes"
    MONTHS = "months"
    YEARS = "years"
    SCORE = "score"
    MULTIPLE = "multiple"


class Better(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    NEUTRAL = "neutral"


class Group(StrEnum):
    SALES = "sales"
    ECONOMICS = "unit economics"
    RETENTION = "retention"
    SUPPORT = "support"
    CAMPAIGNS = "campaigns"


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


@dataclass(frozen=True)
class MetricDef:
    id: str
    label: str
    group: Group
    unit: Unit
    better: Better
    # Tables the metric reads; "a|b" means either one is enough.
    needs: tuple[str, ...]
    summary: str
    # The module under crm_metrics.metrics whose function named `id` computes it; resolved on first
    # use so that listing metrics never imports pandas.
    module: str
    # Fields of the input tables that --by can split this metric on.
    breakdowns: tuple[str, ...] = ()

    @property
    def compute(self) -> Compute:
        module = importlib.import_module(f"crm_metrics.metrics.{self.module}")
        fn: Compute = getattr(module, self.id)
        return fn


def _catalogue() -> dict[str, MetricDef]:
    from crm_metrics.metrics.catalogue import CATALOGUE

    return {m.id: m for m in CATALOGUE}


def all_metrics() -> list[MetricDef]:
    return list(_catalogue().values())


def get_metric(metric_id: str) -> MetricDef:
    try:
        return _catalogue()[metric_id]
    except KeyError:
        raise ConfigError(_unknown_message(metric_id)) from None


def check_metric_ids(ids: Iterable[str]) -> None:
    problems = [_unknown_message(i) for i in ids if i not in _catalogue()]
    if problems:
        raise ValueError("; ".join(problems))


def _unknown_message(metric_id: str) -> str:
    hint = difflib.get_close_matches(metric_id, list(_catalogue()), n=1)
    suggestion = f"did you mean '{hint[0]}'?" if hint else "run `crm-metrics metrics` for the list"
    return f"unknown metric '{metric_id}': {suggestion}"
