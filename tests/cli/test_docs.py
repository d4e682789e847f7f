"""The docs and the tests cover every metric spec.py declares, and the spec every metric the contract
(../shared/metrics.md section 4) names that the code computes."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from crm_metrics.metrics.spec import SPECS
from tests.conftest import ROOT

# Test modules that check the spec itself or the docs rather than compute a metric.
_META_TESTS = {"test_docs.py", "test_spec.py"}


def _documented_rows() -> list[list[str]]:
    text = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `[a-z0-9_]+` \|.*$", text, flags=re.MULTILINE)
    return [[c.strip() for c in row.strip("|").split(" | ")] for row in rows]


def test_docs_list_every_metric_once_in_the_spec_order() -> None:
    documented = [row[0].strip("`") for row in _documented_rows()]
    assert documented == [m.id for m in SPECS]


def test_documented_units_match_the_spec() -> None:
    units = {row[0].strip("`"): row[2] for row in _documented_rows()}
    assert {m.id: m.unit.value for m in SPECS} == units


def test_extra_metrics_have_their_section_in_metrics_extra() -> None:
    docs = (ROOT / "docs" / "metrics-extra.md").read_text(encoding="utf-8")
    extra = [m.id for m in SPECS if m.module in {"survey", "calls", "campaigns"}]
    assert extra and [m for m in extra if f"**{m}**" not in docs] == []


def _test_sources() -> dict[str, str]:
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8")
            for p in (ROOT / "tests").rglob("test_*.py") if p.name not in _META_TESTS}


def test_every_metric_has_a_test_that_computes_it() -> None:
    # A metric is selected in a test by its id, quoted ("close_rate", `--metrics close_rate`), or its
    # function is called (close_rate(ctx)); the meta-tests here and in test_spec.py do not count.
    sources = _test_sources()
    untested = [m.id for m in SPECS
                if not any(re.search(rf"[\"'`,]{m.id}[\"'`,]|\b{m.id}\(", text) for text in sources.values())]
    assert untested == []


def _contract() -> Path | None:
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "metrics.md").is_file():
            return base / "shared" / "metrics.md"
    return None


def test_every_contract_metric_the_code_computes_is_in_the_spec() -> None:
    contract = _contract()
    if contract is None:
        pytest.skip("../shared/metrics.md is not beside the repository")
    text = contract.read_text(encoding="utf-8")
    section = text.split("## 4. Metric ids", 1)[1].split("\n## ", 1)[0]
    listed = {i for cell in re.findall(r"^\| [a-z ]+ \| (.*) \|$", section, flags=re.MULTILINE)
              for i in re.findall(r"[a-z][a-z0-9_]+(?= \(|,|$)", cell)}
    assert {"cac", "resolution_time_hours", "referral_customers"} <= listed
    modules = [importlib.import_module(f"crm_metrics.metrics.{name}")
               for name in ("sales", "economics", "retention", "support", "survey", "calls", "campaigns",
                             "service", "accounts", "leads", "activities", "stages")]
    computed = {i for i in listed if any(callable(getattr(module, i, None)) for module in modules)}
    assert computed == {m.id for m in SPECS} & listed
    # The contract's ids the report does not compute yet (leads, activities, more retention) are
    # not in the spec: `crm-metrics metrics` must not list what it cannot compute.
    assert {m.id for m in SPECS} - listed == {m.id for m in SPECS if m.module == "campaigns"}


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
    config = str(ROOT / "sample_data" / "sample-config.yaml")
    out = CliRunner().invoke(app, ["report", "-c", config, "-f", "json", "-q", "--metrics", "close_rate"]).stdout
    assert [k.split()[0] for k in keys] == list(json.loads(out))


def test_the_docs_metric_rows_are_generated_from_the_spec() -> None:
    # docs/metrics.md's rows are spec.py's ids and units with metrics/reference.py's text: after an
    # edit of either, `make docs` writes them again; this fails until it has.
    from crm_metrics.metrics.reference import REFERENCE, render

    assert set(REFERENCE) == {m.id for m in SPECS}
    text = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    assert render(text) == text, "docs/metrics.md is out of date: run `make docs`"
