"""The terminal table (rich): one row per metric, one column per period, oldest left.

All rich styling lives here. On a terminal it draws a box and colours; when stdout is a pipe or a
file (cron, grep) it prints plain aligned text with no colour codes and no box-drawing characters.
"""

from __future__ import annotations

import io
import os
from typing import IO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from crm_metrics.metrics.compare import Change, Direction
from crm_metrics.metrics.registry import Cell
from crm_metrics.metrics.targets import status, target_of
from crm_metrics.render.shared import quality_lines
from crm_metrics.render.values import format_value
from crm_metrics.report import MetricResult, Report

STYLE_NA = "dim"
STYLE_HEADER = "bold"
STYLE_METRIC = "cyan"
STYLE_NOTE = "dim"
STYLE_WARNING = "yellow"
STYLE_MET = "green"
STYLE_MISSED = "bold red"
STYLE_BETTER = "green"
STYLE_WORSE = "red"
STYLE_GROUP = "default"

SPARK_BLOCKS = "▁▂▃▄▅▆▇█"
SPARK_PLAIN = "_.,-=+*#"  # the same eight levels in ASCII, for pipes and files
ARROWS = {True: "↑", False: "↓"}


def make_console(out: IO[str], columns_needed: int) -> Console:
    is_tty = out.isatty() and not os.environ.get("NO_COLOR")
    width = None if out.isatty() else max(columns_needed, 100)
    if out.isatty() and Console(file=out).width < columns_needed:
        # Too narrow a terminal: rich would squeeze every number to "…". Lines that wrap (or
        # `less -S`) still show every value; a hidden one would not.
        width = columns_needed
    return Console(file=out, width=width, no_color=not is_tty, highlight=False,
                   force_terminal=out.isatty(), emoji=False, soft_wrap=False)


def render_table(report: Report, out: IO[str]) -> None:
    if out.isatty():
        _render(report, out)
        return
    # Piped or redirected: rich pads every line to the console width; cron mail and diffs want none.
    buffer = io.StringIO()
    _render(report, buffer)
    out.write("".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines()))


def _render(report: Report, out: IO[str]) -> None:
    per_period = 15 + (10 if report.compare else 0)
    trend = len(report.periods) > 1
    needed = 34 + per_period * len(report.periods) + (len(report.periods) + 2 if trend else 0)
    console = make_console(out, needed)
    fancy = out.isatty()
    footnotes: dict[str, int] = {}
    title = f"CRM metrics by {report.period.value}" + (f", split by {report.by}" if report.by else "")
    table = Table(
        title=title,
        min_width=len(title),  # one narrow column must not wrap the title ("CRM metrics by" / "quarter")
        box=box.SIMPLE_HEAVY if fancy else None,
        show_edge=fancy,
        header_style=STYLE_HEADER,
        title_justify="center" if fancy else "left",
        pad_edge=False,
    )
    table.add_column("Metric", style=STYLE_METRIC if fancy else None, no_wrap=True)
    for label in report.labels:
        table.add_column(label, justify="right", no_wrap=True)
    if trend:
        table.add_column("Trend", no_wrap=True)
    not_split = []
    for result in report.metrics:
        split = report.by is not None and result.groups is not None
        label = f"{result.metric.label} (total)" if split else result.metric.label
        row = [label, *_cells(report, result, result.cells, footnotes, fancy, changes=True)]
        if trend:
            row.append(sparkline([result.cells[lb].value for lb in report.labels], fancy))
        table.add_row(*row, end_section=split)
        if report.by is not None and result.groups is None:
            not_split.append(result.metric.label)
        if not split or result.groups is None:
            continue
        for group in sorted_groups(result.groups, report.labels[0]):
            cells = result.groups[group]
            group_row = [f"  {group}", *_cells(report, result, cells, footnotes, fancy, changes=False)]
            if trend:
                group_row.append(sparkline([cells[lb].value for lb in report.labels], fancy))
            table.add_row(*group_row, style=STYLE_GROUP if fancy else None)
        table.rows[-1].end_section = True
    console.print(table)
    # Below the table rather than as its caption, which rich wraps at the table's width: piped, it
    # stays one line; on a terminal it wraps at the terminal's width.
    console.print(Text(_caption(report), style=STYLE_NOTE), soft_wrap=not fancy)
    if not_split:
        console.print(Text(f"Not split by {report.by}: {', '.join(not_split)}", style=STYLE_NOTE), soft_wrap=True)
    for note, number in footnotes.items():
        console.print(Text(f"[{number}] {note}", style=STYLE_NOTE), soft_wrap=True)
    if targets := _target_lines(report):
        console.print(Text("Targets: " + "; ".join(targets) + " (+ met, ! missed)", style=STYLE_NOTE),
                      soft_wrap=True)
    for notice in report.notices:
        console.print(Text(f"Note: {notice}", style=STYLE_WARNING))
    for line in quality_lines(report):
        console.print(Text(line, style=STYLE_NOTE), soft_wrap=True)


def _marked(report: Report, result: MetricResult, label: str, text: str) -> Text:
    """A value with its target mark: `+` met, `!` missed (ASCII, so it survives cron mail)."""
    met = status(report, result, label)
    if met is None:
        return Text(text)
    return Text(f"{text} +", style=STYLE_MET) if met else Text(f"{text} !", style=STYLE_MISSED)


def _target_lines(report: Report) -> list[str]:
    return [f"{r.metric.label} {target.describe(r.metric.unit, report.currency)}"
            for r in report.metrics if (target := target_of(report, r)) is not None]


def _cells(report: Report, result: MetricResult, cells: dict[str, Cell], footnotes: dict[str, int],
           fancy: bool, changes: bool) -> list[Text | str]:
    row: list[Text | str] = []
    for label in report.labels:
        cell = cells[label]
        if cell.value is None:
            number = footnotes.setdefault(cell.note or "not computable", len(footnotes) + 1)
            text = Text(f"n/a [{number}]", style=STYLE_NA)
        else:
            value_text = format_value(cell.value, result.metric.unit, report.currency)
            # Targets apply to the metric's total, not to one group of a breakdown.
            text = _marked(report, result, label, value_text) if changes else Text(value_text)
        change = result.changes.get(label) if changes else None
        if change is not None:
            text.append(" ")
            text.append_text(change_text(change, fancy))
        row.append(text)
    return row


def change_text(change: Change, fancy: bool) -> Text:
    """The change as an arrow (terminal) or sign (plain) and a number, green when better."""
    if change.delta is None:
        return Text("·" if fancy else "", style=STYLE_NA)
    number = f"{abs(change.delta):.1f}{'%' if change.unit == '%' else ' ' + change.unit}"
    if fancy:
        mark = ARROWS[change.delta > 0] if change.delta else "→"
    else:
        mark = "+" if change.delta > 0 else "-" if change.delta < 0 else "±"
    match change.direction:
        case Direction.BETTER:
            style = STYLE_BETTER
        case Direction.WORSE:
            style = STYLE_WORSE
        case Direction.FLAT | Direction.UNJUDGED | None:
            style = ""
    return Text(f"{mark}{number}", style=style)


def sparkline(values: list[float | None], unicode: bool = True) -> str:
    """One character per period, scaled between the row's lowest and highest value; n/a is a space."""
    levels = SPARK_BLOCKS if unicode else SPARK_PLAIN
    known = [v for v in values if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    chars = []
    for value in values:
        if value is None:
            chars.append(" ")
        elif high == low:
            chars.append(levels[len(levels) // 2 - 1])
        else:
            chars.append(levels[round((value - low) / (high - low) * (len(levels) - 1))])
    return "".join(chars)


def sorted_groups(groups: dict[str, dict[str, Cell]], first_label: str) -> list[str]:
    """Largest first period value first; n/a after numbers; the folded "other" group last."""
    from crm_metrics.metrics.breakdown import OTHER_GROUP

    def key(group: str) -> tuple[int, int, float, str]:
        value = groups[group][first_label].value
        return (group == OTHER_GROUP, value is None, -(value or 0.0), group)

    return sorted(groups, key=key)


def _caption(report: Report) -> str:
    first, last = report.periods[0], report.periods[-1]
    fiscal = "" if report.fiscal_year_start == 1 else f", fiscal year from month {report.fiscal_year_start}"
    files = ", ".join(os.path.basename(f) for q in report.quality.values() for f in q.files)
    hours = f"; support times in {report.support_hours}" if report.support_hours else ""
    mapped = "; ".join(f"{name} columns by {q.mapped_by}" for name, q in report.quality.items() if q.mapped_by)
    return (f"{len(report.periods)} {report.period.value}s, {first.start} to {last.end}{fiscal}; "
            f"amounts in {report.currency}{hours}; data: {files or 'none'}" + (f"; {mapped}" if mapped else ""))
