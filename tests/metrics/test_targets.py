"""Targets: met/missed per value, the config's validation, and --fail-on-target's exit code 3."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from crm_metrics.cli.app import app
from crm_metrics.metrics.targets import Target, missed_latest
from tests.conftest import ROOT
from tests.export_fixture import fixture_report

runner = CliRunner()


@pytest.mark.parametrize(("target", "value", "expected"), [
    (Target(min=0.25), 0.25, True),     # the boundary itself is met
    (Target(min=0.25), 0.2499, False),
    (Target(max=12.0), 12.0, True),
    (Target(max=12.0), 12.5, False),
    (Target(min=1.0, max=2.0), 0.5, False),
    (Target(min=1.0, max=2.0), 1.5, True),
    (Target(min=1.0), None, None),      # n/a: nothing to judge
])
def test_check(target: Target, value: float | None, expected: bool | None) -> None:
    assert target.check(value) is expected


def test_only_the_latest_period_counts() -> None:
    # close rate target >= 0.22: Q1 0.25 met, Q2 (latest) 0.20 missed; CAC <= 6,000: Q2 is n/a
    misses = missed_latest(fixture_report())
    assert [(m.metric_id, m.period) for m in misses] == [("close_rate", "2025-Q2")]
    assert misses[0].text == "Close rate 2025-Q2: 20.0 % (target >= 22.0 %)"
    # the same report with Q2 at 0.30: Q2 met, and Q1's miss-free history does not matter
    assert missed_latest(fixture_report(close_rate_q2=0.30)) == []


def _config(tmp_path: Path, targets: dict[str, dict[str, float]], name: str = "crm-metrics.yaml") -> Path:
    data = yaml.safe_load((ROOT / "configs" / "example.yaml").read_text(encoding="utf-8"))
    for source in data["sources"].values():
        paths = source["path"] if isinstance(source["path"], list) else [source["path"]]
        source["path"] = [str((ROOT / "configs" / p).resolve()) for p in paths]
    data["targets"] = targets
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _latest_close_rate(config: Path) -> float:
    result = runner.invoke(app, ["report", "-c", str(config), "--metrics", "close_rate", "-f", "json"])
    data = json.loads(result.stdout)
    value: float = data["metrics"][0]["values"][data["periods"][-1]]
    return value


def test_fail_on_target_exits_3_only_when_the_latest_period_misses(tmp_path: Path) -> None:
    latest = _latest_close_rate(_config(tmp_path, {}))
    above = _config(tmp_path, {"close_rate": {"min": latest + 0.01}}, "above.yaml")
    missed = runner.invoke(app, ["report", "-c", str(above), "--metrics", "close_rate", "--fail-on-target",
                                 "-q", "-o", str(tmp_path / "r.html")])
    assert missed.exit_code == 3
    assert missed.stderr.startswith("crm-metrics: target missed: Close rate 2026-Q2: ")
    assert (tmp_path / "r.html").exists()  # the report is still written for people to read

    below = _config(tmp_path, {"close_rate": {"min": latest - 0.01}}, "below.yaml")
    met = runner.invoke(app, ["report", "-c", str(below), "--metrics", "close_rate", "--fail-on-target"])
    assert met.exit_code == 0, met.output
    row = next(line for line in met.stdout.splitlines() if line.startswith("Close rate"))
    assert "+" in row  # the table marks the value as met

    without_flag = runner.invoke(app, ["report", "-c", str(above), "--metrics", "close_rate"])
    assert without_flag.exit_code == 0
    assert f"{latest * 100:.1f} % !" in without_flag.stdout  # marked missed, but no alert asked for


def test_targets_are_checked_against_metric_ids(tmp_path: Path) -> None:
    config = _config(tmp_path, {"close_rat": {"min": 0.2}})
    result = runner.invoke(app, ["report", "-c", str(config)])
    assert result.exit_code == 2
    assert "targets: unknown metric 'close_rat': did you mean 'close_rate'?" in result.stderr


def test_a_target_needs_a_sensible_bound(tmp_path: Path) -> None:
    config = _config(tmp_path, {"close_rate": {"min": 0.5, "max": 0.2}, "cac": {}})
    result = runner.invoke(app, ["report", "-c", str(config)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert {line.split(".yaml: ", 1)[1] for line in lines} == {
        "targets.close_rate: 'min' (0.5) is above 'max' (0.2)", "targets.cac: give 'min', 'max' or both"}
