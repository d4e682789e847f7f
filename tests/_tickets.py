"""A tickets export written to a temporary CSV and run through the whole pipeline, for the support
time tests (business hours, time zones, durations, reopened tickets)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from crm_metrics.api import report as run
from crm_metrics.config.model import parse_config
from crm_metrics.pipeline import RunOptions
from crm_metrics.report import Report


def run_tickets(tmp_path: Path, csv_text: str, metrics: list[str], timezone: str = "UTC",
                support: dict[str, Any] | None = None, date_from: date = date(2025, 1, 1),
                date_to: date = date(2025, 6, 30)) -> Report:
    (tmp_path / "tickets.csv").write_text(csv_text.strip() + "\n", encoding="utf-8")
    data: dict[str, Any] = {
        "period": "quarter", "timezone": timezone, "metrics": metrics,
        "sources": {"tickets": {"path": "tickets.csv"}},
    }
    if support is not None:
        data["support"] = support
    config = parse_config(data, origin="test.yaml", base_dir=tmp_path)
    return run(config, RunOptions(date_from=date_from, date_to=date_to, today=date(2025, 7, 1)))


def values(report: Report, metric: str) -> dict[str, float | None]:
    result = next(r for r in report.metrics if r.metric.id == metric)
    return {label: cell.value for label, cell in result.cells.items()}
