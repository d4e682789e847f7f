"""JSON and CSV: the machine-readable shapes of ../shared/metrics.md section 5, which scripts rely on.

Ratios stay fractions here; n/a is null (JSON) or empty (CSV) with the reason beside it.
"""

from __future__ import annotations

import csv
import json
import math
from typing import IO, Any

from crm_metrics.render.shared import long_rows, neutralise
from crm_metrics.report import Report


def _number(value: float | None) -> float | None:
    if value is None or math.isnan(value) or math.isinf(value):
        return None
    return round(value, 10)


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "period": report.period.value,
        "currency": report.currency,
        "periods": report.labels,
        "metrics": [
            {
                "id": result.metric.id,
                "label": result.metric.label,
                "unit": result.metric.unit.value,
                "values": {label: _number(cell.value) for label, cell in result.cells.items()},
                "notes": {label: cell.note for label, cell in result.cells.items() if cell.note},
            }
            for result in report.metrics
        ],
        "data_quality": {name: q.as_dict() for name, q in report.quality.items()},
        "notices": report.notices,
    }


def render_json(report: Report, out: IO[str]) -> None:
    json.dump(report_dict(report), out, indent=2, ensure_ascii=False)
    out.write("\n")


def render_csv(report: Report, out: IO[str]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["metric", "period", "group", "value", "unit", "note"])
    for row in long_rows(report):
        value = _number(row.value)
        # Text (group labels and notes come from the exports) is neutralised; the value is a number.
        writer.writerow([neutralise(row.metric), neutralise(row.period), neutralise(row.group),
                         "" if value is None else repr(value), row.unit, neutralise(row.note)])
