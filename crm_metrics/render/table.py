"""The terminal table (rich): one row per metric, one column per period, oldest left.

All rich styling lives here. On a terminal it draws a box and colours; when stdout is a pipe or a
file (cron, grep) it prints plain aligned text with no colour codes and no box-drawing characters.
"""

from __future__ import annotations

import os
from typing import IO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from crm_metrics.render.values import format_value
from crm_metrics.report import Report

STYLE_NA = "dim"
STYLE_HEADER = "bold"
STYLE_METRIC = "cyan"
STYLE_NOTE = "dim"
STYLE_WARNING = "yellow"


def make_console(out: IO[str], columns_needed: int) -> Console:
    is_tty = out.isatty() and not os.environ.get("NO_COLOR")
    width = None if out.isatty() else max(columns_needed, 100)
    return Console(file=out, width=width, no_color=not is_tty, highlight=False,
                   force_terminal=out.isatty(), emoji=False, soft_wrap=False)


def render_table(report: Report, out: IO[str]) -> None:
    needed = 34 + 15 * len(report.periods)
    console = make_console(out, needed)
    fancy = out.isatty()
    footnotes: dict[str, int] = {}
    table = Table(
        title=f"CRM metrics by {report.period.value}",
        caption=_caption(report),
        box=box.SIMPLE_HEAVY if fancy else None,
        show_edge=fancy,
        header_style=STYLE_HEADER,
        caption_justify="left",
        pad_edge=False,
    )
    table.add_column("Metric", style=STYLE_METRIC if fancy else None, no_wrap=True)
    for label in report.labels:
        table.add_column(label, justify="right", no_wrap=True)
    for result in report.metrics:
        row: list[Text | str] = [result.metric.label]
        for label in report.labels:
            cell = result.cells[label]
            if cell.value is None:
                number = footnotes.setdefault(cell.note or "not computable", len(footnotes) + 1)
                row.append(Text(f"n/a [{number}]", style=STYLE_NA))
            else:
                row.append(format_value(cell.value, result.metric.unit, report.currency))
        table.add_row(*row)
    console.print(table)
    for note, number in footnotes.items():
        console.print(Text(f"[{number}] {note}", style=STYLE_NOTE), soft_wrap=True)
    for notice in report.notices:
        console.print(Text(f"Note: {notice}", style=STYLE_WARNING))
    for line in quality_lines(report):
        console.print(Text(line, style=STYLE_NOTE), soft_wrap=True)


def _caption(report: Report) -> str:
    first, last = report.periods[0], report.periods[-1]
    fiscal = "" if report.fiscal_year_start == 1 else f", fiscal year from month {report.fiscal_year_start}"
    files = ", ".join(os.path.basename(f) for q in report.quality.values() for f in q.files)
    hours = f"; support times in {report.support_hours}" if report.support_hours else ""
    return (f"{len(report.periods)} {report.period.value}s, {first.start} to {last.end}{fiscal}; "
            f"amounts in {report.currency}{hours}; data: {files or 'none'}")


def quality_lines(report: Report) -> list[str]:
    """The data-quality footer: rows read, duplicates dropped, rows left out and why."""
    lines = []
    for name, q in report.quality.items():
        parts = [f"{q.rows:,} rows read"]
        if q.duplicates_dropped:
            parts.append(f"{q.duplicates_dropped:,} duplicates dropped")
        parts += [f"{count:,} unparseable {column}" for column, count in q.unparseable.items() if count]
        parts += [f"{count:,} {reason}" for reason, count in q.left_out.items()]
        lines.append(f"Data quality, {name}: " + "; ".join(parts))
    return lines
