"""What the formats share below the view: the long-form rows (csv, xlsx Data sheet), the data-quality
lines, and the rule that keeps text from an export from running as a spreadsheet formula."""

from __future__ import annotations

from dataclasses import dataclass

from crm_metrics.report import Report
from crm_metrics.wording import plural

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


def quality_lines(report: Report) -> list[str]:
    """The data-quality footer: rows read, duplicates dropped, rows left out and why."""
    lines = []
    for name, q in report.quality.items():
        parts = [f"{plural(q.rows, 'row')} read"]
        if q.duplicates_dropped:
            parts.append(f"{plural(q.duplicates_dropped, 'duplicate')} dropped")
        parts += [f"{count:,} unparseable {column}" for column, count in q.unparseable.items() if count]
        parts += [f"{count:,} {reason}" for reason, count in q.left_out.items()]
        lines.append(f"Data quality, {name}: " + "; ".join(parts))
    return lines
