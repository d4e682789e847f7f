"""A folder (or a missing folder) where a file is expected, in any command's path option or argument:
one `crm-metrics: error:` line that names the path and says what to give instead, exit 2, nothing
written; not click's boxed usage error, not an internal error after the whole run."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from crm_metrics.cli.app import app
from tests.conftest import ROOT

runner = CliRunner()
EXAMPLE = str(ROOT / "configs" / "example.yaml")
DEALS = ROOT / "tests" / "fixtures" / "exports" / "hubspot_deals.csv"


def _one_line(args: list[str], expected: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert result.stdout == ""
    assert result.stderr.strip() == f"crm-metrics: error: {expected}"
    assert "╭" not in result.output and "Usage:" not in result.output


def test_report_output_is_a_folder(tmp_path: Path) -> None:
    _one_line(["report", "-c", EXAMPLE, "-o", str(tmp_path)], f"--output {tmp_path}: is a folder, give a file name")


@pytest.mark.parametrize("command", [["report", "-c", EXAMPLE], ["history"]])
def test_history_is_a_folder(tmp_path: Path, command: list[str]) -> None:
    _one_line([*command, "--history", str(tmp_path)],
              f"history database {tmp_path}: is a folder; give a file name such as {tmp_path / 'history.sqlite'}")
    assert list(tmp_path.iterdir()) == []


def test_history_in_a_missing_folder_is_a_usage_error_before_the_run(tmp_path: Path) -> None:
    db = tmp_path / "nope" / "h.db"
    _one_line(["report", "-c", EXAMPLE, "--history", str(db)],
              f"history database {db}: folder {db.parent} does not exist")


def test_history_folder_from_the_config_is_refused_before_the_run(tmp_path: Path) -> None:
    (tmp_path / "runs").mkdir()
    config = tmp_path / "c.yaml"
    config.write_text(f"metrics: [close_rate]\nhistory: {{path: runs}}\nsources:\n  deals:\n"
                      f"    path: '{DEALS}'\n    preset: hubspot\n", encoding="utf-8")
    runs = tmp_path / "runs"
    _one_line(["report", "-c", str(config)],
              f"history database {runs}: is a folder; give a file name such as {runs / 'history.sqlite'}")


def test_init_on_a_folder(tmp_path: Path) -> None:
    out = tmp_path / "c.yaml"
    _one_line(["init", str(tmp_path), "-o", str(out)],
              f"{tmp_path}: is a folder; give the export files in it, e.g. crm-metrics init {tmp_path / '*.csv'}")
    assert not out.exists()


def test_init_output_is_a_folder(tmp_path: Path) -> None:
    _one_line(["init", str(DEALS), "-o", str(tmp_path)],
              f"--output {tmp_path}: is a folder; give a file name such as {tmp_path / 'crm-metrics.yaml'}")
    assert list(tmp_path.iterdir()) == []


def test_init_output_in_a_missing_folder(tmp_path: Path) -> None:
    out = tmp_path / "nope" / "c.yaml"
    _one_line(["init", str(DEALS), "-o", str(out)], f"--output {out}: folder {out.parent} does not exist")


def test_history_database_that_does_not_exist_is_a_usage_error(tmp_path: Path) -> None:
    db = tmp_path / "nope.db"
    _one_line(["history", "--history", str(db)],
              f"history database {db} does not exist yet: run `crm-metrics report --history {db}` first")
    assert not db.exists()
