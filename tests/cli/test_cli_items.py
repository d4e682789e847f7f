"""Small command-line promises: flags that take no value look like it, `--metrics all`, a quiet
validate, a --format that contradicts the file name, a closed pipe, an ASCII-only terminal,
explain's default config, and counts with the right singular or plural."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crm_metrics.cli.app import app
from crm_metrics.metrics.registry import all_metrics
from tests.fixtures.build import deal, write_csv

runner = CliRunner()

DEALS = [
    deal("D1", "Closed Won", "€1000", "2025-01-05", "2025-02-10", "A"),
    deal("D2", "Closed Won", "€3000", "2025-01-05", "2025-03-10", "B"),
    deal("D3", "Closed Lost", "€2000", "2025-01-05", "2025-03-12", "C"),
]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    write_csv(tmp_path, "deals", DEALS)
    path = tmp_path / "crm-metrics.yaml"
    path.write_text("period: quarter\ncurrency: EUR\nrange: {from: 2025-01-01, to: 2025-03-31}\n"
                    "metrics: [close_rate, new_revenue]\nsources:\n  deals: {path: deals.csv}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["report", "validate", "init", "explain", "history", "metrics"])
def test_flags_show_no_value_type_in_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "<bool>" not in result.output
    top = runner.invoke(app, ["--help"])
    assert "<bool>" not in top.output and "--version" in top.output


def test_a_flag_given_a_value_is_a_usage_error(config: Path) -> None:
    result = runner.invoke(app, ["report", "--config", str(config), "--quiet", "true"])
    assert result.exit_code == 2
    assert result.stderr == ("crm-metrics: error: Got unexpected extra argument(s) (true); "
                             "see `crm-metrics report --help`\n")


def test_metrics_all_selects_every_metric(config: Path) -> None:
    result = runner.invoke(app, ["report", "--config", str(config), "--metrics", "all", "-f", "json"])
    assert result.exit_code == 0, result.output
    data = {m["id"]: m["values"] for m in json.loads(result.stdout)["metrics"]}
    assert list(data) == [m.id for m in all_metrics()]
    # Q1: 2 won / (2 won + 1 lost) = 0.6667; new revenue 1,000 + 3,000 = 4,000.
    assert data["close_rate"]["2025-Q1"] == pytest.approx(2 / 3)
    assert data["new_revenue"]["2025-Q1"] == 4000


def test_validate_quiet_prints_nothing_but_keeps_the_exit_code(config: Path) -> None:
    clean = runner.invoke(app, ["validate", "--config", str(config), "-q"])
    assert (clean.exit_code, clean.stdout, clean.stderr) == (0, "", "")
    deals = config.parent / "deals.csv"
    deals.write_text(deals.read_text(encoding="utf-8") + "D4,Closed Wno,€500,2025-02-05,2025-03-01,D,,,,\n",
                     encoding="utf-8")
    dirty = runner.invoke(app, ["validate", "--config", str(config), "--quiet", "-f", "json"])
    assert (dirty.exit_code, dirty.stdout, dirty.stderr) == (4, "", "")
    # Not quiet: one problem is "1 kind", not "1 kinds".
    loud = runner.invoke(app, ["validate", "--config", str(config)])
    assert loud.exit_code == 4
    assert loud.stdout.splitlines()[-1] == "1 kind of data problem found"


def test_validate_quiet_on_a_broken_config_still_prints_the_error(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("perod: quarter\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", "--config", str(path), "-q"])
    assert result.exit_code == 2
    assert result.stderr == f"crm-metrics: error: {path}: unknown key 'perod'; did you mean 'period'?\n"


def test_a_format_that_contradicts_the_file_name_is_a_usage_error(config: Path, tmp_path: Path) -> None:
    target = tmp_path / "r.xlsx"
    result = runner.invoke(app, ["report", "--config", str(config), "-o", str(target), "-f", "json"])
    assert result.exit_code == 2
    assert result.stderr == (f"crm-metrics: error: --format json but --output {target} is named as xlsx; "
                             "drop --format or end the file name in .json\n")
    assert not target.exists()
    # The extension alone still decides the format.
    named = tmp_path / "r.json"
    result = runner.invoke(app, ["report", "--config", str(config), "-o", str(named), "-q"])
    assert (result.exit_code, result.stderr) == (0, "")
    assert json.loads(named.read_text(encoding="utf-8"))["metrics"][1]["values"] == {"2025-Q1": 4000.0}


def test_metrics_into_a_closed_pipe_exits_0() -> None:
    # `crm-metrics metrics | head -1`: the reader is gone before the list is written.
    with subprocess.Popen([sys.executable, "-m", "crm_metrics", "metrics"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        error = process.stderr.read()
        code = process.wait(timeout=60)
    assert (code, error) == (0, b"")


@pytest.mark.parametrize("args", [["--help"], ["report", "--help"], ["init", "--help"]])
def test_help_into_a_closed_pipe_exits_0(args: list[str]) -> None:
    # `crm-metrics --help | head -1`, `crm-metrics report --help | head -3`: the help is printed while
    # the arguments are parsed, where typer's main turned the closed pipe into exit 1.
    with subprocess.Popen([sys.executable, "-m", "crm_metrics", *args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        error = process.stderr.read()
        code = process.wait(timeout=60)
    assert (code, error) == (0, b"")


def test_an_ascii_terminal_gets_the_report_not_an_encoding_error(config: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "COLUMNS": "160", "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "crm_metrics", "report", "--config", str(config)],
                          capture_output=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    # 1,000 + 3,000 new revenue in Q1, its euro sign replaced by "?".
    line = next(row for row in done.stdout.splitlines() if row.startswith(b"New revenue"))
    assert line.split() == [b"New", b"revenue", b"?4,000"]


def test_explain_reads_the_config_in_the_current_folder(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(config.parent)
    result = runner.invoke(app, ["explain", "close_rate"])
    assert result.exit_code == 0, result.output
    # 2 won / (2 won + 1 lost) = 66.7 %, from ./crm-metrics.yaml's deals.
    assert result.stdout.splitlines()[-1] == ("Close rate 2025-Q1 = 2 won / 3 closed (2 won + 1 lost, new and "
                                              "expansion deals) = 66.7 %")


def test_validate_says_1_row_not_1_rows(tmp_path: Path) -> None:
    write_csv(tmp_path, "deals", DEALS[:1])
    path = tmp_path / "c.yaml"
    # The row's amount is "€1000": a EUR report, or validate asks for an fx rate, as the report would.
    path.write_text("currency: EUR\nsources:\n  deals: {path: deals.csv}\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", "--config", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"deals: 1 row read from {tmp_path / 'deals.csv'}"


@pytest.mark.parametrize("args", [["--help"], ["report", "--help"]])
def test_help_not_for_a_terminal_is_plain_text(args: list[str]) -> None:
    # Piped or redirected, the help is click's plain text: no rich box drawing to grep through.
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert not set("╭╮╰╯─│") & set(result.stdout)
    assert result.stdout.startswith("Usage: crm-metrics")
