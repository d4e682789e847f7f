"""`crm-metrics init` with several files, some of which it cannot use: the config is written for the
ones it recognises, each skipped file gets one stderr line saying why and what to do; exit 0 when at
least one file was used, exit 2 (and nothing written) when none was."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from crm_metrics.cli.app import app
from crm_metrics.schema import TABLES
from tests.conftest import ROOT

runner = CliRunner()
EXPORTS = ROOT / "tests" / "fixtures" / "exports"
# No table has a SKU, a weight or a colour: init cannot place a product list.
PRODUCTS = "SKU,Weight,Colour\nP1,2,red\n"


def test_an_unrecognised_file_is_skipped_and_the_rest_written(tmp_path: Path) -> None:
    products, empty = tmp_path / "products.csv", tmp_path / "empty.csv"
    products.write_text(PRODUCTS, encoding="utf-8")
    empty.write_text("", encoding="utf-8")
    out = tmp_path / "c.yaml"
    result = runner.invoke(app, ["init", str(EXPORTS / "hubspot_deals.csv"), str(products), str(empty), "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"crm-metrics: skipped {products}: no header names a required field of any table init knows "
        f"({', '.join(TABLES)}); its headers: SKU, Weight, Colour; add it under sources: "
        "by hand (see configs/example.yaml)",
        f"crm-metrics: skipped {empty}: the file is empty; export it again with a header row",
    ]
    config = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert list(config["sources"]) == ["deals"]
    assert config["sources"]["deals"]["preset"] == "hubspot"
    assert "# Not included: " + str(products) in out.read_text(encoding="utf-8")
    # The config written runs: the HubSpot fixture has 3 won of 5 closed in 2025-Q1 -> 3 / 5 = 0.6.
    report = runner.invoke(app, ["report", "-c", str(out), "-f", "json", "--period", "quarter",
                                 "--metrics", "close_rate"])
    assert report.exit_code == 0, report.output
    assert json.loads(report.stdout)["metrics"][0]["values"]["2025-Q1"] == 0.6


def test_no_recognised_file_is_exit_2_with_a_line_per_file(tmp_path: Path) -> None:
    products, empty = tmp_path / "products.csv", tmp_path / "empty.csv"
    products.write_text(PRODUCTS, encoding="utf-8")
    empty.write_text("", encoding="utf-8")
    out = tmp_path / "c.yaml"
    result = runner.invoke(app, ["init", str(products), str(empty), "-o", str(out)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"crm-metrics: error: {products}: no header names a required field")
    assert lines[1] == f"crm-metrics: error: {empty}: the file is empty; export it again with a header row"
    assert "Traceback" not in result.output
    assert not out.exists()


def test_a_second_export_of_the_same_table_with_other_columns_is_skipped(tmp_path: Path) -> None:
    # Both are deals exports; the Pipedrive one has other headers than the HubSpot one, and one
    # source has one column map, so it is left for a config of its own.
    out = tmp_path / "c.yaml"
    hubspot, pipedrive = EXPORTS / "hubspot_deals.csv", EXPORTS / "pipedrive_deals.csv"
    result = runner.invoke(app, ["init", str(hubspot), str(pipedrive), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == (
        f"crm-metrics: skipped {pipedrive}: looks like a second deals export with different columns from "
        f"{hubspot}; run init on it alone with another --output")
    # Written as an absolute path: the export is not under the config's folder.
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["sources"]["deals"]["path"] == str(hubspot.resolve())


def test_the_same_file_twice_is_read_once(tmp_path: Path) -> None:
    out = tmp_path / "c.yaml"
    deals = EXPORTS / "hubspot_deals.csv"
    result = runner.invoke(app, ["init", str(deals), str(deals), "-o", str(out)])
    assert result.exit_code == 0, result.output
    path = yaml.safe_load(out.read_text(encoding="utf-8"))["sources"]["deals"]["path"]
    assert isinstance(path, str)


def test_a_quoted_pattern_names_the_files_it_matches(tmp_path: Path) -> None:
    # `crm-metrics init "exports/*.csv"` (quoted, or on Windows where the shell does not expand it):
    # the two monthly deal exports become one source; the product list is skipped.
    folder = tmp_path / "exports"
    folder.mkdir()
    for path in sorted((EXPORTS / "monthly").glob("deals_*.csv")):
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "products.csv").write_text(PRODUCTS, encoding="utf-8")
    out = tmp_path / "c.yaml"
    result = runner.invoke(app, ["init", str(folder / "*.csv"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    paths = yaml.safe_load(out.read_text(encoding="utf-8"))["sources"]["deals"]["path"]
    assert sorted(paths) == sorted(f"exports/{p.name}" for p in (EXPORTS / "monthly").glob("deals_*.csv"))
    assert result.stderr.startswith(f"crm-metrics: skipped {folder / 'products.csv'}: no header names")


def test_a_pattern_that_matches_nothing_is_one_line(tmp_path: Path) -> None:
    out = tmp_path / "c.yaml"
    result = runner.invoke(app, ["init", str(tmp_path / "none" / "*.csv"), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"crm-metrics: error: {tmp_path / 'none' / '*.csv'}: no file matches this "
                                     "pattern; check the folder and the pattern")
    assert not out.exists()
