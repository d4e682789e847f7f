"""What the file formats share: the long-form rows, the n/a footnotes, the caption, and the rule that
keeps text from an export from running as a spreadsheet formula."""

from __future__ import annotations

import os
from dataclasses import dataclass

from crm_metrics.report import Report

# A spreadsheet treats a cell starting with one of these as a formula (or, for tab and CR, as a
# field break that can smuggle one in); an owner or campaign name in an export may start with any.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Text from an export, made inert for spreadsheets by a leading apostrophe. Only ever applied
    to text: numbers are written as numbers, so a real negative value keeps its sign."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class LongRow:
    metric: str
    period: str
    group: str
    value: float | None
    unit: str
    note: str


def long_rows(report: Report) -> list[LongRow]:
    """One row per (metric, period[, group]): the shape of --format csv and the xlsx Data sheet."""
    return [
        LongRow(result.metric.id, label, group, cell.value, result.metric.unit.value, cell.note or "")
        for result in report.metrics
        for group, cells in [("", result.cells), *(result.groups or {}).items()]
        for label, cell in cells.items()
    ]


def footnotes(report: Report) -> dict[str, int]:
    """Each distinct n/a reason -> its footnote number, in order of first appearance."""
    numbers: dict[str, int] = {}
    for result in report.metrics:
        for label in report.labels:
            cell = result.cells[label]
            if cell.value is None:
                numbers.setdefault(cell.note or "not computable", len(numbers) + 1)
    return numbers


def title(report: Report) -> str:
    span = f"{report.labels[0]} to {report.labels[-1]}" if report.periods else "no periods"
    return f"CRM metrics by {report.period.value}, {span}"


def caption(report: Report) -> str:
    if not report.periods:
        return f"no periods; amounts in {report.currency}"
    first, last = report.periods[0], report.periods[-1]
    fiscal = "" if report.fiscal_year_start == 1 else f", fiscal year from month {report.fiscal_year_start}"
    files = ", ".join(os.path.basename(f) for q in report.quality.values() for f in q.files)
    return (f"{len(report.periods)} {report.period.value}s, {first.start} to {last.end}{fiscal}; "
            f"amounts in {report.currency}; data: {files or 'none'}")


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
        if q.mapped_by.startswith("detected"):
            # Found by matching headers, not named by the user: say what was read so a wrong guess shows.
            lines.append(f"Columns read, {name}: " + ", ".join(f"{f} <- {h}" for f, h in q.columns.items()))
    return lines
