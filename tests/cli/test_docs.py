"""docs/metrics.md documents every metric the catalogue declares."""

from __future__ import annotations

import re

from crm_metrics.metrics.catalogue import CATALOGUE
from tests.conftest import ROOT


def test_every_catalogue_id_is_documented() -> None:
    text = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", text, flags=re.MULTILINE))
    assert {m.id for m in CATALOGUE} - documented == set()
    assert documented - {m.id for m in CATALOGUE} == set()


def test_documented_units_match_the_catalogue() -> None:
    text = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    for metric in CATALOGUE:
        row = re.search(rf"^\| `{metric.id}` \|.*$", text, flags=re.MULTILINE)
        assert row is not None
        cells = [c.strip() for c in row.group(0).strip("|").split(" | ")]
        assert cells[2] == metric.unit.value, metric.id


def test_readme_names_only_real_commands_and_the_real_json_keys() -> None:
    import json

    from typer.testing import CliRunner

    from crm_metrics.cli.app import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = set(re.findall(r"^crm-metrics ([a-z]+)", readme, flags=re.MULTILINE))
    assert {"report", "init", "metrics", "explain", "history"} <= commands
    for command in commands:
        assert CliRunner().invoke(app, [command, "--help"]).exit_code == 0, command
    shown = re.search(r"`--format json`: one object `\{(.*?)\}`", readme, flags=re.DOTALL)
    assert shown is not None
    keys = [k.strip() for k in re.sub(r"\[.*?\]", "", shown.group(1)).replace(":", "").split(",")]
    out = CliRunner().invoke(app, ["report", "-f", "json", "-q", "--metrics", "close_rate"]).stdout
    assert [k.split()[0] for k in keys] == list(json.loads(out))
