"""The demo config runs end to end in every format through the CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crm_metrics.cli.app import app
from tests.conftest import ROOT

SAMPLE_CONFIG = ROOT / "sample_data" / "sample-config.yaml"

runner = CliRunner()
EXAMPLE = str(ROOT / "configs" / "example.yaml")


def test_table_has_every_period_and_the_quality_footer() -> None:
    result = runner.invoke(app, ["report", "--config", EXAMPLE, "--period", "quarter"])
    assert result.exit_code == 0, result.output
    for label in ("2025-Q1", "2025-Q4", "2026-Q2"):
        assert label in result.output
    assert "Close rate" in result.output
    assert "Data quality, deals" in result.output


def test_json_shape_matches_the_contract() -> None:
    result = runner.invoke(app, ["report", "--config", EXAMPLE, "--format", "json", "--metrics", "close_rate"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["period"] == "quarter"
    assert data["periods"][0] == "2025-Q1"
    assert [m["id"] for m in data["metrics"]] == ["close_rate"]
    assert 0 < data["metrics"][0]["values"]["2025-Q1"] < 1
    assert data["data_quality"]["deals"]["duplicates_dropped"] > 0


def test_csv_has_the_contract_columns() -> None:
    result = runner.invoke(app, ["report", "--config", EXAMPLE, "--format", "csv", "--metrics", "cac,clv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["metric", "period", "group", "value", "unit", "note"]
    assert {r["metric"] for r in rows} == {"cac", "clv"}
    assert len(rows) == 12


def test_unknown_metric_is_one_line_with_a_suggestion() -> None:
    result = runner.invoke(app, ["report", "--config", EXAMPLE, "--metrics", "close_rat"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "crm-metrics: error: unknown metric 'close_rat': did you mean 'close_rate'?"


def test_top_level_help_lists_the_exit_codes() -> None:
    from typer.testing import CliRunner

    from crm_metrics.cli.app import app

    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0
    flat = " ".join(result.output.split())
    assert "Exit codes: 0 ok, 1 runtime error, 2 usage or config error, 3 a target missed" in flat


def test_xlsx_to_a_closed_pipe_prints_no_traceback(tmp_path: Path) -> None:
    # `crm-metrics report -f xlsx | head -c 10`: zipfile used to write its end record into the
    # closed pipe while being garbage-collected, printing "Exception ignored ... BrokenPipeError".
    import subprocess
    import sys

    command = (f"{sys.executable} -m crm_metrics report -c {SAMPLE_CONFIG} -f xlsx --metrics close_rate "
               "2>err.txt | head -c 10 >/dev/null; cat err.txt")
    done = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=60,
                          cwd=tmp_path)
    assert "Traceback" not in done.stdout, done.stdout
    assert "BrokenPipeError" not in done.stdout, done.stdout


def test_json_to_a_closed_pipe_prints_no_error(tmp_path: Path) -> None:
    # `crm-metrics report -f json | head -1`: the report is longer than the pipe's buffer, so the
    # write fails once head has gone; that is the reader's choice, not an internal error.
    import subprocess
    import sys

    command = (f"{sys.executable} -m crm_metrics report -c {SAMPLE_CONFIG} -f json --by owner 2>err.txt | head -1; "
               "cat err.txt")
    done = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.stdout.splitlines()[0] == "{"
    assert "error" not in done.stdout and "Traceback" not in done.stdout, done.stdout


def test_a_terminal_narrower_than_the_table_loses_no_number(monkeypatch: pytest.MonkeyPatch) -> None:
    # 18 monthly columns on an 80-column terminal: rich used to squeeze every value to "…", then the
    # table was printed wider than the terminal and every row wrapped. Now the latest months that fit
    # are shown whole, and the note says how many are hidden.
    import re

    from crm_metrics.api import report as run
    from crm_metrics.periods import PeriodKind
    from crm_metrics.pipeline import RunOptions
    from crm_metrics.render.table import render_table
    from crm_metrics.samples import sample_config

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("NO_COLOR", raising=False)
    report = run(sample_config(), RunOptions(period=PeriodKind.MONTH, metrics=("close_rate",)))
    out = Terminal()
    render_table(report, out)
    text = re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue())
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= 80
    header = next(line for line in text.splitlines() if line.strip().startswith("Metric"))
    shown = [label for label in report.labels if label in header]
    assert shown == report.labels[-len(shown):] and len(shown) >= 4
    hidden = f"{18 - len(shown)} earlier months hidden to fit the terminal (2025-01 to "
    assert hidden in " ".join(text.split())
    # 2026-06: the sample data's close rate for the month is 47.1 %.
    assert "47.1 %" in text
