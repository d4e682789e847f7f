"""The bundled sample data is never published as if real (../shared/metrics.md section 5): without a
config it is used only on a terminal, and then every format says it is sample data."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from crm_metrics.cli.app import app
from tests.conftest import ROOT

runner = CliRunner()
NO_CONFIG = "crm-metrics: error: no config: run `crm-metrics init EXPORT...` or pass --config\n"
EXAMPLE = str(ROOT / "configs" / "example.yaml")
ONE_QUARTER = ("--metrics", "close_rate", "--from", "2025-01-01", "--to", "2025-03-31")


@pytest.mark.parametrize("command", [["report", "-o", "metrics.html", "--quiet"], ["report", "-f", "json"],
                                     ["validate"], ["validate", "-q"]])
def test_no_config_off_a_terminal_is_a_usage_error(command: list[str], tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./crm-metrics.yaml; CliRunner's stdout is not a tty
    result = runner.invoke(app, command)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == NO_CONFIG
    assert list(tmp_path.iterdir()) == []  # no metrics.html, not even a partial one


def test_from_cron_no_config_writes_no_report(tmp_path: Path) -> None:
    # What cron runs: no terminal, an empty environment, a folder without a config.
    done = subprocess.run([sys.executable, "-m", "crm_metrics", "report", "-o", "metrics.html", "--quiet"],
                          cwd=tmp_path, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr == NO_CONFIG
    assert not (tmp_path / "metrics.html").exists()


def test_after_a_failed_init_cron_publishes_no_sample_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.csv").write_text("colour,shape\nred,round\n", encoding="utf-8")
    failed = runner.invoke(app, ["init", "notes.csv"])
    assert failed.exit_code == 2 and not (tmp_path / "crm-metrics.yaml").exists()
    result = runner.invoke(app, ["report", "-o", "metrics.html", "--quiet"])
    assert result.exit_code == 2 and result.stderr == NO_CONFIG
    assert not (tmp_path / "metrics.html").exists()


@pytest.fixture
def in_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, on_terminal: None) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _report(*args: str) -> str:
    result = runner.invoke(app, ["report", *ONE_QUARTER, *args])
    assert result.exit_code == 0, result.output
    assert "bundled sample data" in result.stderr
    return result.stdout


def test_on_a_terminal_the_table_says_sample_data(in_empty_folder: Path) -> None:
    out = _report()
    assert "SAMPLE DATA: CRM metrics by quarter, 2025-Q1" in out
    assert "sample data bundled with crm-metrics, not your CRM's" in out  # the caption


def test_on_a_terminal_md_says_so_on_its_first_line(in_empty_folder: Path) -> None:
    out = _report("-f", "md")
    first, _, caption = out.split("\n", 3)[:3]
    assert first == "## SAMPLE DATA: CRM metrics by quarter, 2025-Q1"
    assert caption.startswith("sample data bundled with crm-metrics")


def test_on_a_terminal_html_says_so_in_title_and_heading(in_empty_folder: Path) -> None:
    _report("-o", "r.html")
    page = (in_empty_folder / "r.html").read_text(encoding="utf-8")
    assert re.search(r"<title>SAMPLE DATA: CRM metrics", page)
    assert re.search(r"<h1>SAMPLE DATA: CRM metrics", page)


def test_on_a_terminal_xlsx_says_so_in_properties_and_first_row(in_empty_folder: Path) -> None:
    _report("-o", "r.xlsx")
    book = load_workbook(in_empty_folder / "r.xlsx")
    assert book.properties.title is not None and book.properties.title.startswith("SAMPLE DATA: ")
    assert book.properties.subject is not None and book.properties.subject.startswith("sample data bundled")
    assert book["Report"]["A1"].value == "Metric (SAMPLE DATA)"


def test_on_a_terminal_json_has_sample_data_true(in_empty_folder: Path) -> None:
    assert json.loads(_report("-f", "json"))["sample_data"] is True


def test_on_a_terminal_every_csv_row_notes_sample_data(in_empty_folder: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(_report("-f", "csv"))))
    assert list(rows[0]) == ["metric", "period", "group", "value", "unit", "note"]  # the documented shape
    assert rows and all(row["note"].split("; ")[0] == "sample data" for row in rows)


def test_a_real_config_says_nothing_of_sample_data() -> None:
    data = runner.invoke(app, ["report", "-c", EXAMPLE, *ONE_QUARTER, "-f", "json"])
    assert "sample_data" not in json.loads(data.stdout)
    table = runner.invoke(app, ["report", "-c", EXAMPLE, *ONE_QUARTER]).stdout
    assert "SAMPLE" not in table and "sample data" not in table
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["report", "-c", EXAMPLE, *ONE_QUARTER,
                                                                 "-f", "csv"]).stdout)))
    assert rows and not any("sample data" in row["note"] for row in rows)


def test_validate_on_a_terminal_checks_the_sample(in_empty_folder: Path) -> None:
    result = runner.invoke(app, ["validate"])
    assert result.exit_code in (0, 4), result.output
    assert "bundled sample data" in result.stderr
    assert os.listdir(in_empty_folder) == []
