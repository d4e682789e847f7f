"""GitHub-flavoured Markdown, laid out from the report's View: the table (a row per part heading in
bold capitals and per group heading in italics, --by groups indented under their metric, changes
beside the values, footnote markers on n/a cells and on values some inputs were left out of) and its
notes, ready to paste into a wiki."""

from __future__ import annotations

from typing import IO

from crm_metrics.render.view import Tone, ValueView, View, build_view
from crm_metrics.report import Report

# GitHub trims ordinary spaces in a cell; em spaces survive and indent a group under its metric.
GROUP_INDENT = "&emsp;"
CHANGE_LEGEND = "Changes: ↑ up, ↓ down, → unchanged; % of the earlier value, pp = percentage points"
TONE_MARKS = {Tone.BETTER: " (better)", Tone.WORSE: " (worse)", Tone.NEUTRAL: ""}


def escape(text: str) -> str:
    """Text safe inside a table cell: a pipe would end the cell, a newline the row, and a leading
    markup character (from an export's owner or campaign name) must stay literal."""
    text = " ".join(text.split())
    for char in "\\|*_`[]<>":
        text = text.replace(char, "\\" + char)
    return text


def render_markdown(report: Report, out: IO[str]) -> None:
    """Write the report as GitHub-flavoured Markdown."""
    render_view(build_view(report), out)


def render_view(view: View, out: IO[str]) -> None:
    """Write the Markdown for an already built View."""
    header = ["Metric", *view.columns] + (["Target"] if view.has_targets else [])
    out.write(f"## {escape(view.title)}\n\n")
    out.write(f"{escape(view.caption)}\n\n")
    out.write("| " + " | ".join(escape(h) for h in header) + " |\n")
    out.write("| --- |" + " ---: |" * (len(header) - 1) + "\n")
    empty = " |" * (len(header) - 1)
    for part in view.sections:
        out.write(f"| **{escape(part.title.upper())}** |{empty}\n")
        for group in part.groups:
            out.write(f"| *{escape(group.title)}* |{empty}\n")
            for metric in group.metrics:
                for row in metric.rows:
                    cells = [_label(row.label, row.group, bool(metric.groups)), *(_cell(value) for value in row.values)]
                    if view.has_targets:
                        cells.append(escape(metric.target) if metric.target and not row.group else "")
                    out.write("| " + " | ".join(cells) + " |\n")
    out.write("\n")
    lines = [f"\\[{f.number}\\] {escape(f.text)}" for f in view.footnotes]
    if view.not_split:
        lines.insert(0, escape(view.not_split))
    if view.has_targets:
        lines.append("Targets: ✅ met, ❌ missed")
    if view.compare:
        lines.append(CHANGE_LEGEND)
    lines += [f"Note: {escape(notice)}" for notice in view.notices]
    lines += [escape(line) for line in view.quality]
    for line in lines:
        out.write(f"- {line}\n")
    out.write("\n<details><summary>How this was computed</summary>\n\n")
    out.write(f"- {escape(view.computed_from)}\n")
    for mapping in view.how:
        out.write(f"- {escape(mapping.heading)}\n")
        out.write("".join(f"  - {escape(line)}\n" for line in mapping.lines))
    out.write("\n</details>\n")


def _label(label: str, group: bool, split: bool) -> str:
    if group:
        return GROUP_INDENT + escape(label)
    # A split metric's total in bold, so its groups read as belonging to it.
    return f"**{escape(label)}**" if split else escape(label)


def _cell(value: ValueView) -> str:
    text = escape(value.shown)
    if value.met is not None:  # only ever set on a value
        text += " ✅" if value.met else " ❌"
    change = value.change
    if change is not None and change.delta is not None:
        text += f" {escape(change.arrow + change.magnitude)}{TONE_MARKS[change.tone]}"
    return text
