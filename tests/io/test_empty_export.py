"""An export with a header row and no data rows is an empty table, not an error (metrics.md, top
section): counts 0, every other metric n/a, and a notice naming the file. A file with no header at
all stays an error (test_bad_inputs.py: empty.csv)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from crm_metrics.api import report as run
from crm_metrics.cli.app import app
from crm_metrics.periods import PeriodKind
from crm_metrics.pipeline import RunOptions
from tests.conftest import ROOT
from tests.fixtures.build import deal, make_config

runner = CliRunner()
Q1 = "2025-Q1"


def test_ticket_export_without_rows_is_no_tickets(tmp_path: Path) -> None:
    # No tickets this month: the export has only its header. Deals still report (1 won of 1 closed).
    tickets = tmp_path / "tickets.csv"
    tickets.write_text("ticket_id,created_at,resolved_at,first_response_at\n", encoding="utf-8")
    config = make_config(tmp_path, {"deals": [deal("D1", "Closed Won", 1000, "2025-01-01", "2025-02-01", "A")]},
                         sources={"tickets": {"path": str(tickets)}})
    metrics = ("tickets_created", "tickets_resolved", "resolution_time_hours", "close_rate")
    report = run(config, RunOptions(period=PeriodKind.QUARTER, date_from=date(2025, 1, 1),
                                    date_to=date(2025, 3, 31), metrics=metrics))
    got = {r.metric.id: r.cells[Q1] for r in report.metrics}
    assert got["tickets_created"].value == 0 and got["tickets_resolved"].value == 0
    assert got["resolution_time_hours"].value is None
    assert got["close_rate"].value == 1.0  # 1 won / 1 closed
    assert report.quality["tickets"].rows == 0
    assert [n for n in report.notices if "tickets.csv" in n] == [
        f"{tickets}: a header row and no data rows, read as no tickets (counts 0, the rest n/a)"]


def test_header_only_deals_through_report_and_validate(tmp_path: Path) -> None:
    header_only = ROOT / "tests" / "bad_inputs" / "header_only.csv"
    config = tmp_path / "crm-metrics.yaml"
    config.write_text("metrics: [close_rate, new_revenue]\nperiod: quarter\n"
                      "range: {from: 2025-01-01, to: 2025-03-31}\n"
                      f"sources:\n  deals:\n    path: '{header_only}'\n", encoding="utf-8")
    result = runner.invoke(app, ["report", "-c", str(config), "-f", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    values = {m["id"]: m["values"][Q1] for m in out["metrics"]}
    # No deal at all: nothing closed (close rate n/a); an amount read from no rows is n/a too, not
    # $0 (metrics.md top section: an empty export counts 0, the rest n/a).
    assert values == {"close_rate": None, "new_revenue": None}
    assert out["metrics"][1]["notes"][Q1] == "no rows in the deals export (a header and no data rows)"
    checked = runner.invoke(app, ["validate", "-c", str(config)])
    assert checked.exit_code == 0, checked.output
    assert f"  empty: {header_only} has a header row and no data rows" in checked.stdout
