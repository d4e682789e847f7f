"""JSON and CSV: the machine-readable shapes of ../shared/metrics.md section 5, which scripts rely on.

Ratios stay fractions here; n/a is null (JSON) or empty (CSV) with the reason beside it.
"""

from __future__ import annotations

import csv
import json
import math
from typing import IO, Any

from crm_metrics.metrics.compare import Change
from crm_metrics.render.shared import long_rows, neutralise
from crm_metrics.report import MetricResult, Report

SAMPLE_NOTE = "sample data"


def _number(value: float | None) -> float | None:
    if value is None or math.isnan(value) or math.isinf(value):
        return None
    return round(value, 10)


def report_dict(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = {
        "period": report.period.value,
        "currency": report.currency,
        "periods": report.labels,
        "metrics": [_metric_dict(result) for result in report.metrics],
        "data_quality": {name: q.as_dict() for name, q in report.quality.items()},
        "notices": report.notices,
    }
    # Keys for --by and --compare appear only when asked for, so the default shape is unchanged.
    if report.by:
        data["by"] = report.by
        data["not_split"] = [r.metric.id for r in report.metrics if r.groups is None]
    if report.compare:
        data["compare"] = report.compare
    # Only when true: a script can test `.get("sample_data")`, and a real config's json keeps the
    # shape it had (../shared/metrics.md section 5).
    if report.sample_data:
        data["sample_data"] = True
    return data


def _metric_dict(result: MetricResult) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": result.metric.id,
        "label": result.metric.label,
        "unit": result.metric.unit.value,
        "values": {label: _number(cell.value) for label, cell in result.cells.items()},
        "notes": {label: cell.note for label, cell in result.cells.items() if cell.note},
    }
    if result.groups is not None:
        entry["by"] = {
            group: {label: _number(cell.value) for label, cell in cells.items()}
            for group, cells in result.groups.items()
        }
        entry["by_notes"] = {
            group: {label: cell.note for label, cell in cells.items() if cell.note}
            for group, cells in result.groups.items()
            if any(cell.note for cell in cells.values())
        }
    if result.changes:
        entry["changes"] = {label: _change_dict(c) for label, c in result.changes.items()}
    if result.group_changes:
        # With --by and --compare: each group's change against its own baseline, shaped as "changes".
        entry["by_changes"] = {
            group: {label: _change_dict(c) for label, c in changes.items()}
            for group, changes in result.group_changes.items()
        }
    return entry


def _change_dict(change: Change) -> dict[str, Any]:
    return {"against": change.against, "change": _number(change.delta), "unit": change.unit,
            "direction": change.direction.value if change.direction else None, "note": change.note}


def render_json(report: Report, out: IO[str]) -> None:
    json.dump(report_dict(report), out, indent=2, ensure_ascii=False)
    out.write("\n")


# With --compare, csv rows gain these columns at the end (metrics.md section 5's six come first,
# unchanged, so a script reading them by name or position keeps working).
CHANGE_COLUMNS = ["against", "change", "change_unit", "direction", "change_note"]


def render_csv(report: Report, out: IO[str]) -> None:
    """metrics.md section 5: one row per (metric, period[, group]), columns metric, period, group,
    value, unit, note; with --compare also CHANGE_COLUMNS, filled on the rows that have a change
    (the same changes json carries as "changes" / "by_changes")."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["metric", "period", "group", "value", "unit", "note", *(CHANGE_COLUMNS if report.compare else [])])
    changes = _changes_by_row(report)
    for row in long_rows(report):
        value = _number(row.value)
        # No comment line or extra row (csv readers would take either for data): a sample report
        # says so in every row's note, which survives any filtering of the rows.
        note = "; ".join(part for part in (SAMPLE_NOTE if report.sample_data else "", row.note) if part)
        # Text (group labels and notes come from the exports) is neutralised; the value is a number.
        cells = [neutralise(row.metric), neutralise(row.period), neutralise(row.group),
                 "" if value is None else repr(value), row.unit, neutralise(note)]
        if report.compare:
            change = changes.get((row.metric, row.period, row.group))
            cells += _change_cells(change)
        writer.writerow(cells)


def _changes_by_row(report: Report) -> dict[tuple[str, str, str], Change]:
    """(metric id, period label, group or "") -> its --compare change."""
    found: dict[tuple[str, str, str], Change] = {}
    for result in report.metrics:
        for label, change in result.changes.items():
            found[(result.metric.id, label, "")] = change
        for group, changes in (result.group_changes or {}).items():
            for label, change in changes.items():
                found[(result.metric.id, label, group)] = change
    return found


def _change_cells(change: Change | None) -> list[str]:
    if change is None:
        return [""] * len(CHANGE_COLUMNS)
    delta = _number(change.delta)
    if delta is None:  # nothing compared: no unit or direction of a change that is not there
        return [neutralise(change.against), "", "", "", neutralise(change.note or "")]
    return [neutralise(change.against), repr(delta), change.unit,
            change.direction.value if change.direction else "", neutralise(change.note or "")]
