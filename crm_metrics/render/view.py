"""The one view of a report that every format people read is rendered from (table, md, html, xlsx).

A Report is turned once into a View: the title and caption, the period columns, the metrics laid out
by the catalogue's parts and groups (View.sections: "Business performance" > "Sales" > Close rate,
metrics/spec.py Part and Group), one row per metric with its --by groups as rows under it, each value
already formatted with its footnote (the n/a reason, or the note on a value computed without some
inputs: "1 of 3 spend rows unreadable (amount), left out"), target mark and change (--compare), and
the notes below. The renderers only lay the view out, so what a
report says, and in which words, is decided here and nowhere else: a new column or a new note is one
change in this module. Plain dataclasses: no rich, no openpyxl, no pandas.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from enum import StrEnum

from crm_metrics.metrics.compare import Change, Direction
from crm_metrics.metrics.registry import Cell, Unit
from crm_metrics.metrics.spec import catalogue_order
from crm_metrics.metrics.targets import target_of
from crm_metrics.render.shared import LongRow, long_rows, quality_lines
from crm_metrics.render.values import currency_digits, format_value
from crm_metrics.report import MetricResult, Report

NOT_COMPUTABLE = "not computable"
# Same word as metrics.breakdown.OTHER_GROUP; not imported, because that module needs pandas.
OTHER_GROUP = "other"
# What a report made from the bundled sample data says in its title and caption, so no format can be
# published as the user's numbers (../shared/metrics.md section 5).
SAMPLE_TITLE = "SAMPLE DATA"
SAMPLE_CAPTION = ("sample data bundled with crm-metrics, not your CRM's: run `crm-metrics init EXPORT...` "
                  "for a config that reads your exports")
COMPARED_WITH = {"previous": "the previous period", "year": "the same period a year earlier"}


class Tone(StrEnum):
    """How a change reads for the business, from the metric's `better`."""

    BETTER = "better"
    WORSE = "worse"
    NEUTRAL = "neutral"  # flat, no better direction, or nothing to compare


@dataclass(frozen=True)
class ChangeView:
    """A value's change against its baseline period, formatted once for every format."""

    against: str
    delta: float | None  # in `unit`; None when there is nothing to compare (`note` says why)
    unit: str  # "%", "pp" or "pts"
    tone: Tone
    note: str | None = None

    @property
    def rising(self) -> bool | None:
        """True up, False down, None flat or unknown."""
        if not self.delta:
            return None
        return self.delta > 0

    @property
    def magnitude(self) -> str:
        """The size of the change without its sign: "5.0 pp", "25.0%"; "" when unknown."""
        if self.delta is None:
            return ""
        return f"{abs(self.delta):.1f}{'%' if self.unit == '%' else ' ' + self.unit}"

    @property
    def arrow(self) -> str:
        """↑, ↓ or → ("" when unknown)."""
        if self.delta is None:
            return ""
        return {True: "↑", False: "↓", None: "→"}[self.rising]

    @property
    def signed(self) -> str:
        """ASCII, for pipes and files: "+5.0 pp", "-25.0%", "±0.0%"; "" when unknown."""
        if self.delta is None:
            return ""
        return {True: "+", False: "-", None: "±"}[self.rising] + self.magnitude

    @property
    def fraction(self) -> float | None:
        """The change as a spreadsheet number: percent changes as fractions (0.25 = 25 %), points as
        points, so one number format per unit shows them."""
        if self.delta is None:
            return None
        return round(self.delta / 100 if self.unit == "%" else self.delta, 10)

    @property
    def explained(self) -> str:
        """For a tooltip: "+5.0 pp against 2025-Q1" or why there is no change."""
        return self.note or f"{self.signed} against {self.against}"


@dataclass(frozen=True)
class ValueView:
    """One cell: the number, its text, and what the reader needs beside it."""

    value: float | None
    text: str  # "25.0 %", "-$1,500", "n/a"
    # The number in View.footnotes of the n/a reason, or of the note on a value some inputs were left
    # out of ("1 of 3 spend rows unreadable (amount), left out"): a number shown without it would
    # pass for one computed from every row (../shared/metrics.md, "No plausible wrong number").
    footnote: int | None = None
    reason: str | None = None  # that footnote's text, for tooltips and cell comments
    met: bool | None = None  # target met / missed; None when no target or n/a (totals only)
    change: ChangeView | None = None  # with --compare: against the same row's baseline period

    @property
    def marker(self) -> str:
        """The footnote as every text format prints it after the value: "[2]", or ""."""
        return "" if self.footnote is None else f"[{self.footnote}]"

    @property
    def shown(self) -> str:
        """The text with its footnote marker: "n/a [1]", "$5,000 [3]", "25.0 %"."""
        return f"{self.text} {self.marker}" if self.marker else self.text


@dataclass(frozen=True)
class RowView:
    """One line of the table: a metric's total or one of its groups."""

    label: str  # the metric's label, or the group's name for a group row
    values: list[ValueView]  # one per View.columns
    group: bool = False  # a --by group under its metric's total row


@dataclass(frozen=True)
class MetricView:
    """A metric with its total row, its group rows and its target."""

    id: str
    label: str
    unit: Unit
    total: RowView  # labelled total_label(label) when the metric is split
    groups: list[RowView]  # largest latest value first, n/a after numbers, "other" last
    target: str | None  # ">= 22.0 %", when the config sets one
    bounds: tuple[float | None, float | None] = (None, None)  # the target's min and max, for charts
    part: str = ""  # the heading of its part of the catalogue: "Business performance"
    group: str = ""  # the heading of its group within the part: "Unit economics"

    @property
    def rows(self) -> list[RowView]:
        return [self.total, *self.groups]


@dataclass(frozen=True)
class GroupSection:
    """A group's heading and its metrics, in the report's order."""

    title: str
    metrics: list[MetricView]


@dataclass(frozen=True)
class PartSection:
    """A part's heading ("Customer perception") and its groups with metrics in this report."""

    title: str
    groups: list[GroupSection]


def sections(metrics: list[MetricView]) -> list[PartSection]:
    """The metrics under their part and group headings, in the order given (build_view sorts them
    by catalogue order, so each part and each group appears once)."""
    parts: list[PartSection] = []
    for metric in metrics:
        if not parts or parts[-1].title != metric.part:
            parts.append(PartSection(metric.part, []))
        groups = parts[-1].groups
        if not groups or groups[-1].title != metric.group:
            groups.append(GroupSection(metric.group, []))
        groups[-1].metrics.append(metric)
    return parts


@dataclass(frozen=True)
class Footnote:
    """An n/a reason and the number the cells refer to it by."""

    number: int
    text: str


@dataclass(frozen=True)
class Mapping:
    """How one table's columns were found: "deals: columns by preset salesforce" and one line per
    field ("deal_id <- 'Opportunity ID' (preset)")."""

    heading: str
    lines: list[str]


@dataclass(frozen=True)
class View:
    """Everything a report shows, in the words it shows it, for every format people read."""

    title: str
    caption: str
    period: str  # "quarter"
    currency: str
    columns: list[str]  # the period labels shown, oldest first
    metrics: list[MetricView]  # in catalogue order: by part, then group, then the config's order
    footnotes: list[Footnote]  # numbered in reading order: metric by metric, total then groups
    targets: list[str]  # "Close rate >= 22.0 %", one per metric with a target
    not_split: str | None  # "Not split by owner: CAC"
    notices: list[str]  # for the user: gross margin defaulted, data problems found, ...
    quality: list[str]  # "Data quality, deals: 10 rows read; 1 duplicate dropped"
    detected: list[str]  # columns found by matching headers: "Columns read, deals: deal_id <- Record Id"
    computed_from: str  # "Computed from crm.yaml on 2025-07-01."
    how: list[Mapping]  # how each table's columns were mapped: "How this was computed", --verbose
    data: list[LongRow]  # the long form (the csv's rows), for the xlsx Data sheet
    by: str | None = None
    compare: str | None = None
    hidden: list[str] | None = None  # periods left out by latest(), oldest first
    sample_data: bool = False  # made from the bundled sample data; title and caption say so

    @property
    def rows(self) -> list[RowView]:
        return [row for metric in self.metrics for row in metric.rows]

    @property
    def sections(self) -> list[PartSection]:
        """The metrics under part and group headings: what every format lays out."""
        return sections(self.metrics)

    @property
    def has_targets(self) -> bool:
        return any(metric.target for metric in self.metrics)

    @property
    def hidden_note(self) -> str | None:
        """What a narrowed view leaves out and how to see it."""
        if not self.hidden:
            return None
        first, last = self.hidden[0], self.hidden[-1]
        span = first if first == last else f"{first} to {last}"
        count = len(self.hidden)
        noun = self.period if count == 1 else f"{self.period}s"
        return (f"{count} earlier {noun} hidden to fit the terminal ({span}): narrow the range with "
                f"--from, choose a longer --period, or write all of them with -o report.html")

    def latest(self, count: int) -> View:
        """The same view with only the `count` latest periods; footnotes renumbered so every number
        shown is listed and none listed is missing."""
        if count >= len(self.columns):
            return self
        keep = len(self.columns) - count
        numbers: dict[str, int] = {}

        def narrowed(row: RowView) -> RowView:
            values = [_renumbered(v, numbers) for v in row.values[keep:]]
            return replace(row, values=values)

        metrics = [replace(m, total=narrowed(m.total), groups=[narrowed(g) for g in m.groups]) for m in self.metrics]
        return replace(self, columns=self.columns[keep:], metrics=metrics,
                       footnotes=[Footnote(n, text) for text, n in numbers.items()],
                       hidden=[*(self.hidden or []), *self.columns[:keep]])


def _renumbered(value: ValueView, numbers: dict[str, int]) -> ValueView:
    if value.footnote is None or value.reason is None:
        return value
    return replace(value, footnote=numbers.setdefault(value.reason, len(numbers) + 1))


def build_view(report: Report) -> View:
    """Turn a Report into the View every format people read is rendered from."""
    labels = report.labels
    numbers: dict[str, int] = {}
    # Stable: within a group the config's (or --metrics') order stays.
    ordered = sorted(report.metrics, key=lambda result: catalogue_order(result.metric.group))
    metrics = [_metric_view(report, result, numbers) for result in ordered]
    not_split = [r.metric.label for r in report.metrics if r.groups is None]
    return View(
        title=title(report),
        caption=caption(report),
        period=report.period.value,
        currency=report.currency,
        columns=list(labels),
        metrics=metrics,
        footnotes=[Footnote(n, text) for text, n in numbers.items()],
        targets=[f"{m.label} {m.target}" for m in metrics if m.target],
        not_split=f"Not split by {report.by}: {', '.join(not_split)}" if report.by and not_split else None,
        notices=guess_notices(report) + list(report.notices),
        quality=quality_lines(report),
        detected=[f"Columns read, {name}: " + ", ".join(f"{f} <- {h}" for f, h in q.columns.items())
                  # Found by matching headers, not named by the user: say what was read so a wrong
                  # guess shows.
                  for name, q in report.quality.items() if "detected headers" in q.mapped_by],
        computed_from=f"Computed from {report.config_origin} on {report.generated_on.isoformat()}.",
        how=[Mapping(f"{name}: columns by {q.mapped_by or 'config'}",
                     q.mapping or [f"{f} <- {h!r}" for f, h in q.columns.items()])
             for name, q in report.quality.items() if q.mapped_by or q.mapping],
        data=long_rows(report),
        by=report.by,
        compare=report.compare,
        sample_data=report.sample_data,
    )


def title(report: Report) -> str:
    """The heading, e.g. "CRM metrics by quarter, 2025-Q1 to 2025-Q2, split by owner"."""
    labels = report.labels
    span = "no periods" if not labels else labels[0] if len(labels) == 1 else f"{labels[0]} to {labels[-1]}"
    split = f", split by {report.by}" if report.by else ""
    sample = f"{SAMPLE_TITLE}: " if report.sample_data else ""
    return f"{sample}CRM metrics by {report.period.value}, {span}{split}"


def caption(report: Report) -> str:
    """One sentence on what the numbers cover: periods, currency, hours, files, how columns were
    found and what changes are measured against; first, when it is so, that this is sample data."""
    sample = f"{SAMPLE_CAPTION}; " if report.sample_data else ""
    return sample + _coverage(report)


def _coverage(report: Report) -> str:
    compared = f"; changes against {COMPARED_WITH.get(report.compare, report.compare)}" if report.compare else ""
    hours = f"; support times in {report.support_hours}" if report.support_hours else ""
    # Only a report with money in it names its currency: "amounts in USD" over NPS answers misleads.
    money = any(r.metric.unit is Unit.CURRENCY for r in report.metrics)
    amounts = f"; amounts in {report.currency}" if money else ""
    if not report.periods:
        return f"no periods{amounts}{hours}{compared}"
    first, last = report.periods[0], report.periods[-1]
    count = len(report.periods)
    noun = report.period.value if count == 1 else f"{report.period.value}s"
    fiscal = "" if report.fiscal_year_start == 1 else f", fiscal year from month {report.fiscal_year_start}"
    files = ", ".join(os.path.basename(f) for q in report.quality.values() for f in q.files)
    mapped = "".join(f"; {name} columns by {q.mapped_by}{_unconfirmed(q.guessed)}"
                     for name, q in report.quality.items() if q.mapped_by)
    return (f"{count} {noun}, {first.start} to {last.end}{fiscal}{amounts}{hours}; "
            f"data: {files or 'none'}{mapped}{compared}")


def guess_notices(report: Report) -> list[str]:
    """One line per field read from a source's guessed_columns: (init guessed it from the values),
    e.g. "deals: created_at guessed from 'won_date': confirm it under sources.deals.columns"."""
    lines = []
    for name, quality in report.quality.items():
        for field, header in quality.guessed.items():
            what = f"guessed as {header[1:]!r} on every row" if header.startswith("=") else f"guessed from {header!r}"
            lines.append(f"{name}: {field} {what}: confirm it by moving it from sources.{name}.guessed_columns "
                         f"to sources.{name}.columns")
    return lines


def _unconfirmed(guessed: dict[str, str]) -> str:
    if not guessed:
        return ""
    return f" with {len(guessed)} unconfirmed {'guess' if len(guessed) == 1 else 'guesses'} ({', '.join(guessed)})"


def _metric_view(report: Report, result: MetricResult, numbers: dict[str, int]) -> MetricView:
    metric = result.metric
    target = target_of(report, result)
    split = result.groups is not None and (report.by is not None or metric.always_by is not None)

    def values(cells: dict[str, Cell], changes: dict[str, Change], total: bool) -> list[ValueView]:
        shown = []
        digits = currency_digits([cells[label].value for label in report.labels])
        for label in report.labels:
            cell = cells[label]
            change = _change_view(changes.get(label))
            if cell.value is None:
                reason = cell.note or NOT_COMPUTABLE
                number = numbers.setdefault(reason, len(numbers) + 1)
                shown.append(ValueView(None, "n/a", number, reason, change=change))
                continue
            # Targets apply to the metric's total, not to one group of a breakdown.
            met = target.check(cell.value) if target is not None and total else None
            noted = numbers.setdefault(cell.note, len(numbers) + 1) if cell.note else None
            shown.append(ValueView(cell.value, format_value(cell.value, metric.unit, report.currency, digits),
                                   noted, cell.note, met=met, change=change))
        return shown

    total = RowView(total_label(metric.label) if split else metric.label,
                    values(result.cells, result.changes, total=True))
    groups: list[RowView] = []
    if split and result.groups is not None:
        # Ranked by the latest period, the one a report is read for; it is shown even when the
        # terminal hides older ones, so the order never depends on a column out of sight.
        latest = report.labels[-1] if report.labels else ""
        group_changes = result.group_changes or {}
        groups = [RowView(name, values(result.groups[name], group_changes.get(name, {}), total=False),
                          group=True)
                  # A split the metric always carries keeps its own order (stages: pipeline order).
                  for name in (list(result.groups) if metric.always_by else sorted_groups(result.groups, latest))]
    part, group = metric.part.heading, metric.group.heading
    if target is None:
        return MetricView(metric.id, metric.label, metric.unit, total, groups, None, part=part, group=group)
    return MetricView(metric.id, metric.label, metric.unit, total, groups,
                      target.describe(metric.unit, report.currency), (target.min, target.max), part=part, group=group)


def total_label(label: str) -> str:
    """A split metric's total row: "Close rate (total)"; a label that already ends in a parenthesis
    takes "total" inside it, "Sales cycle (median, total)", not "Sales cycle (median) (total)"."""
    if label.endswith(")") and "(" in label:
        return f"{label[:-1]}, total)"
    return f"{label} (total)"


def _change_view(change: Change | None) -> ChangeView | None:
    if change is None:
        return None
    match change.direction:
        case Direction.BETTER:
            tone = Tone.BETTER
        case Direction.WORSE:
            tone = Tone.WORSE
        case Direction.FLAT | Direction.UNJUDGED | None:
            tone = Tone.NEUTRAL
    return ChangeView(change.against, change.delta, change.unit, tone, change.note)


def sorted_groups(groups: dict[str, dict[str, Cell]], label: str) -> list[str]:
    """Largest value in period `label` first; n/a after numbers; the folded "other" group last."""

    def key(group: str) -> tuple[bool, bool, float, str]:
        cell = groups[group].get(label)
        value = cell.value if cell is not None else None
        return (group == OTHER_GROUP, value is None, -(value or 0.0), group)

    return sorted(groups, key=key)
