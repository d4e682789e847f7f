"""GitHub-flavoured Markdown: the report table and its notes, ready to paste into a wiki."""

from __future__ import annotations

from typing import IO

from crm_metrics.metrics.targets import status, target_of
from crm_metrics.render.shared import caption, footnotes, quality_lines, title
from crm_metrics.render.values import format_value
from crm_metrics.report import Report


def escape(text: str) -> str:
    """Text safe inside a table cell: a pipe would end the cell, a newline the row, and a leading
    markup character (from an export's owner or campaign name) must stay literal."""
    text = " ".join(text.split())
    for char in "\\|*_`[]<>":
        text = text.replace(char, "\\" + char)
    return text


def render_markdown(report: Report, out: IO[str]) -> None:
    notes = footnotes(report)
    has_targets = any(target_of(report, r) for r in report.metrics)
    header = ["Metric", *report.labels] + (["Target"] if has_targets else [])
    out.write(f"## {escape(title(report))}\n\n")
    out.write(f"{escape(caption(report))}\n\n")
    out.write("| " + " | ".join(escape(h) for h in header) + " |\n")
    out.write("| --- |" + " ---: |" * (len(header) - 1) + "\n")
    for result in report.metrics:
        unit = result.metric.unit
        row = [escape(result.metric.label)]
        for label in report.labels:
            cell = result.cells[label]
            if cell.value is None:
                row.append(f"n/a \\[{notes[cell.note or 'not computable']}\\]")
                continue
            text = escape(format_value(cell.value, unit, report.currency))
            met = status(report, result, label)
            row.append(text if met is None else f"{text} {'✅' if met else '❌'}")
        target = target_of(report, result)
        if has_targets:
            row.append(escape(target.describe(unit, report.currency)) if target else "")
        out.write("| " + " | ".join(row) + " |\n")
    out.write("\n")
    lines = [f"\\[{number}\\] {escape(note)}" for note, number in notes.items()]
    if has_targets:
        lines.append("Targets: ✅ met, ❌ missed")
    lines += [f"Note: {escape(notice)}" for notice in report.notices]
    lines += [escape(line) for line in quality_lines(report)]
    for line in lines:
        out.write(f"- {line}\n")
