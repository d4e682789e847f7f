"""The plain result objects that flow from the pipeline to the renderers.

Renderers read only these: one Report feeds the table, JSON, CSV and every later format, so a number
is formatted in one place per format and never recomputed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from crm_metrics.metrics.compare import Change
from crm_metrics.metrics.registry import Cell, MetricDef
from crm_metrics.periods import Period, PeriodKind

if TYPE_CHECKING:
    from crm_metrics.metrics.targets import Target


@dataclass
class TableQuality:
    """What loading and normalising one table did to its rows."""

    table: str
    files: list[str] = field(default_factory=list)
    rows: int = 0
    duplicates_dropped: int = 0
    unparseable: dict[str, int] = field(default_factory=dict)
    left_out: dict[str, int] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)  # canonical field -> export header
    mapping: list[str] = field(default_factory=list)  # "field <- 'header' (how)", for --verbose
    # "preset salesforce", "detected headers (hubspot)", "config map and detected headers (no vendor)",
    # "config map"; " / " between files that were mapped differently
    mapped_by: str = ""
    # Field -> header read from the source's guessed_columns: (init's unconfirmed guesses); every
    # format marks them until the user moves them under columns:.
    guessed: dict[str, str] = field(default_factory=dict)

    def leave_out(self, reason: str, count: int) -> None:
        if count:
            self.left_out[reason] = self.left_out.get(reason, 0) + int(count)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "files": self.files,
            "rows": self.rows,
            "duplicates_dropped": self.duplicates_dropped,
            "unparseable": dict(self.unparseable),
            "left_out": dict(self.left_out),
        }
        # Only when there are guesses, so a confirmed config's json keeps its shape.
        if self.guessed:
            data["guessed_columns"] = dict(self.guessed)
        return data


@dataclass(frozen=True)
class MetricResult:
    metric: MetricDef
    cells: dict[str, Cell]  # period label -> cell
    # With --by: group value -> period label -> cell; None when the metric is not split.
    groups: dict[str, dict[str, Cell]] | None = None
    # With --compare: period label -> the change against its baseline period.
    changes: dict[str, Change] = field(default_factory=dict)
    # With --compare and --by: group value -> period label -> the group's change against the same
    # group's baseline period; None when the metric is not split or nothing is compared.
    group_changes: dict[str, dict[str, Change]] | None = None


@dataclass(frozen=True)
class Report:
    period: PeriodKind
    fiscal_year_start: int
    currency: str
    periods: list[Period]
    metrics: list[MetricResult]
    quality: dict[str, TableQuality]
    notices: list[str]  # report-wide remarks (gross margin defaulted, sample data shown, ...)
    config_origin: str
    generated_on: date
    targets: dict[str, Target] = field(default_factory=dict)  # metric id -> target (config `targets:`)
    by: str | None = None  # the --by field, when the report is split
    compare: str | None = None  # "previous" or "year", when changes are shown
    # How support times were counted, for the caption: "calendar hours" or "business hours (...)";
    # None when the report has no support time metric.
    support_hours: str | None = None
    # Made from the bundled sample data (samples.sample_config): every format says so.
    sample_data: bool = False

    @property
    def labels(self) -> list[str]:
        return [p.label for p in self.periods]
