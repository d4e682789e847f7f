"""What a new user runs first (`init`, then `validate` and `report` on the config it wrote) on real
exports and broken configs: the commands agree with each other and fail in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from crm_metrics.cli.app import app
from tests.conftest import ROOT

runner = CliRunner()
REAL = ROOT / "tests" / "fixtures" / "exports" / "real"


def test_validate_accepts_the_constant_stage_init_writes(tmp_path: Path) -> None:
    # Olist's closed-deals file has no stage column: init guesses stage "=Won". validate used to
    # report "required column '=Won' for stage is missing" (exit 4) on the config init had just written.
    # Its only date, won_date, is closed_at, so init leaves created_at for the user; and the guessed
    # stage is flagged on all 30 rows until the user confirms it.
    out = tmp_path / "c.yaml"
    result = runner.invoke(app, ["init", str(REAL / "olist_closed_deals.csv"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert 'stage: "=Won"' in out.read_text(encoding="utf-8")
    checked = runner.invoke(app, ["validate", "-c", str(out)])
    assert "stage <- '=Won'" in checked.stdout
    problems = [line.strip() for line in checked.stdout.splitlines() if "PROBLEM" in line]
    # No "(closest: 'lead_type')": a column of words is never suggested for a date.
    assert problems == ["PROBLEM 1 required column 'created_at' for created_at is missing",
                        "PROBLEM 30 deals all given stage 'Won' by a guess (close rate 100 % by construction): "
                        "confirm it by moving it from sources.deals.guessed_columns to sources.deals.columns"]


def test_new_customers_without_any_acquisition_date_is_n_a_not_zero(tmp_path: Path) -> None:
    # A customer list with no date column (like IBM Telco's churn export) and no deals: nothing says
    # when anyone was acquired, so every period is n/a with the reason, not 0 new customers.
    (tmp_path / "customers.csv").write_text("customerID,gender,Churn\nC1,F,No\nC2,M,Yes\n", encoding="utf-8")
    config = tmp_path / "c.yaml"
    config.write_text("metrics: [new_customers]\nperiod: quarter\nrange: {from: 2025-01-01, to: 2025-06-30}\n"
                      "sources:\n  customers:\n    path: customers.csv\n    columns: {customer_id: customerID}\n",
                      encoding="utf-8")
    result = runner.invoke(app, ["report", "-c", str(config), "-f", "json"])
    assert result.exit_code == 0, result.output
    metric = json.loads(result.stdout)["metrics"][0]
    assert metric["values"] == {"2025-Q1": None, "2025-Q2": None}
    assert metric["notes"]["2025-Q1"] == "no acquisition date: map customers.acquired_at or add a deals export"


def test_new_customers_from_a_customers_table_with_dates_still_counts(tmp_path: Path) -> None:
    # Signed up 2025-01-10 and 2025-02-03 (Q1) and 2025-04-01 (Q2): Q1 = 2, Q2 = 1.
    (tmp_path / "customers.csv").write_text("Customer ID,Created\nC1,2025-01-10\nC2,2025-02-03\nC3,2025-04-01\n",
                                            encoding="utf-8")
    config = tmp_path / "c.yaml"
    config.write_text("metrics: [new_customers]\nperiod: quarter\nrange: {from: 2025-01-01, to: 2025-06-30}\n"
                      "sources:\n  customers:\n    path: customers.csv\n"
                      "    columns: {customer_id: Customer ID, acquired_at: Created}\n", encoding="utf-8")
    result = runner.invoke(app, ["report", "-c", str(config), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["metrics"][0]["values"] == {"2025-Q1": 2, "2025-Q2": 1}


def test_churn_rate_without_any_churn_date_is_n_a_not_zero(tmp_path: Path) -> None:
    # Customers with sign-up dates but no churn date column and no deals: "0 % churn" would be a
    # claim the data cannot make; every period is n/a with the reason, and so is the lifetime.
    (tmp_path / "accounts.csv").write_text(
        "account_id,account_name,signup_date,churn_flag\nA1,Acme,2024-01-10,True\nA2,Beta,2024-02-03,False\n",
        encoding="utf-8")
    config = tmp_path / "c.yaml"
    config.write_text("metrics: [churn_rate, annual_churn_rate, customer_lifetime_years]\nperiod: quarter\n"
                      "range: {from: 2025-01-01, to: 2025-03-31}\nsources:\n  customers:\n    path: accounts.csv\n"
                      "    columns: {customer_id: account_id, acquired_at: signup_date}\n", encoding="utf-8")
    result = runner.invoke(app, ["report", "-c", str(config), "-f", "json"])
    assert result.exit_code == 0, result.output
    for metric in json.loads(result.stdout)["metrics"]:
        assert metric["values"] == {"2025-Q1": None}, metric
        assert metric["notes"]["2025-Q1"] == "no churn date: map customers.churned_at or add a deals export"


def test_init_reads_the_signup_date_a_two_column_vendor_preset_would_miss(tmp_path: Path) -> None:
    # Zoho's customers preset lists only the id and name, so it "fits 2/2"; header detection also
    # finds signup_date and referral_source, so init writes the detected map.
    # Signed up: A1 2024-01-10, A2 2024-02-03 (Q1), A3 2024-05-01 (Q2): Q1 = 2, Q2 = 1.
    (tmp_path / "accounts.csv").write_text(
        "account_id,account_name,industry,signup_date,referral_source\n"
        "A1,Acme,Retail,2024-01-10,ads\nA2,Beta,Retail,2024-02-03,partner\nA3,Gamma,Tech,2024-05-01,ads\n",
        encoding="utf-8")
    out = tmp_path / "c.yaml"
    result = runner.invoke(app, ["init", str(tmp_path / "accounts.csv"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    columns = yaml.safe_load(out.read_text(encoding="utf-8"))["sources"]["customers"]["columns"]
    assert columns["acquired_at"] == "signup_date"
    assert columns["source"] == "referral_source"
    report = runner.invoke(app, ["report", "-c", str(out), "-f", "json", "--period", "quarter",
                                 "--metrics", "new_customers"])
    assert report.exit_code == 0, report.output
    assert json.loads(report.stdout)["metrics"][0]["values"] == {"2024-Q1": 2, "2024-Q2": 1}


def test_init_does_not_merge_different_tables_that_share_an_id_column(tmp_path: Path) -> None:
    # RavenStack: accounts and churn events both map customer_id <- account_id, but are different
    # tables; stacked, every account looked duplicated. The churn events are joined on the key
    # instead (issue 16), giving the accounts their churned_at.
    accounts, churn = tmp_path / "accounts.csv", tmp_path / "churn_events.csv"
    accounts.write_text("account_id,account_name,signup_date\nA1,Acme,2024-01-10\nA2,Beta,2024-02-03\n",
                        encoding="utf-8")
    churn.write_text("churn_event_id,account_id,churn_date,reason_code\nE1,A1,2024-06-01,price\n", encoding="utf-8")
    out = tmp_path / "c.yaml"
    result = runner.invoke(app, ["init", str(accounts), str(churn), "-o", str(out)])
    assert result.exit_code == 0, result.output
    customers = yaml.safe_load(out.read_text(encoding="utf-8"))["sources"]["customers"]
    assert customers["path"] == "accounts.csv"
    assert customers["join"] == [{"path": "churn_events.csv", "key": "account_id",
                                  "columns": {"churned_at": "churn_date"}, "several": "latest"}]
    assert result.stderr == ""


def test_validate_knows_maven_open_stages(tmp_path: Path) -> None:
    # The Maven fixture's 2 "Engaging" deals are open, not unknown stages (generic preset's open_stages).
    out = tmp_path / "c.yaml"
    result = runner.invoke(app, ["init", str(REAL / "maven_sales_pipeline.csv"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    checked = runner.invoke(app, ["validate", "-c", str(out)])
    assert "neither won, lost nor a known open stage" not in checked.output, checked.output


@pytest.mark.parametrize(("text", "expected"), [
    # path: [] was an AssertionError (internal error, exit 1); '' read the config's own folder.
    ("sources:\n  deals:\n    path: []\n", "sources.deals.path: give the export file, e.g. path: deals.csv"),
    ("sources:\n  deals:\n    path: ''\n", "sources.deals.path: give the export file, e.g. path: deals.csv"),
    ("sources:\n  deals:\n    path: [d.csv, ' ']\n", "sources.deals.path: give the export file"),
    # metrics: [] printed a report with no rows and exit 0.
    ("metrics: []\nsources:\n  deals:\n    path: d.csv\n",
     "metrics: empty: list metric ids (see `crm-metrics metrics`) or remove the key for the defaults"),
    ("history: {path: ''}\nsources:\n  deals:\n    path: d.csv\n",
     "history.path: give the database file, e.g. history: {path: history.sqlite}"),
])
@pytest.mark.parametrize("command", ["report", "validate"])
def test_empty_config_values_are_one_line(tmp_path: Path, text: str, expected: str, command: str) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(text, encoding="utf-8")
    result = runner.invoke(app, [command, "-c", str(config)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"crm-metrics: error: {config}: {expected}"), lines


@pytest.mark.parametrize("value", ["", ",", " , "])
def test_empty_metrics_option_is_a_usage_error_not_the_defaults(tmp_path: Path, value: str) -> None:
    result = runner.invoke(app, ["report", "--metrics", value])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (f"crm-metrics: error: --metrics {value!r}: no metric id; give some, "
                                     "e.g. --metrics close_rate,cac (list: crm-metrics metrics)")


def test_a_one_column_table_keeps_its_title_on_one_line(tmp_path: Path) -> None:
    # One metric and one quarter: the table was narrower than its title, which rich wrapped to
    # "CRM metrics by" / "quarter".
    (tmp_path / "deals.csv").write_text("Deal ID,Amount,Stage,Created Date,Close Date\n"
                                        "D1,5,Won,2025-01-01,2025-01-02\n", encoding="utf-8")
    config = tmp_path / "c.yaml"
    config.write_text("sources:\n  deals:\n    path: deals.csv\n", encoding="utf-8")
    result = runner.invoke(app, ["report", "-c", str(config), "--from", "2025-01-01", "--to", "2025-03-31",
                                 "--metrics", "new_revenue"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "CRM metrics by quarter, 2025-Q1"
    # Under its part and group headings (BUSINESS PERFORMANCE, Sales:).
    assert lines[4].split() == ["New", "revenue", "$5.00"]


@pytest.mark.parametrize("name", ["deals.csv", "Deals.XLSX"])
@pytest.mark.parametrize("command", ["report", "validate"])
def test_an_export_passed_as_the_config_points_to_init(tmp_path: Path, name: str, command: str) -> None:
    # Used to be "the config must be a mapping ... not a str" or a UTF-8 decoding error.
    export = tmp_path / name
    export.write_bytes(b"Deal ID,Amount\nD1,5\n" if name.endswith(".csv") else b"PK\x03\x04\xc7 binary")
    result = runner.invoke(app, [command, "-c", str(export)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"crm-metrics: error: {export}: is an export, not a config; run "
                                     f"`crm-metrics init {export}` to write a config for it, then pass that "
                                     "with --config")


def test_init_does_not_name_a_vendor_for_a_file_that_only_has_a_customer_id(tmp_path: Path) -> None:
    # IBM Telco's churn export: of Dynamics 365's customers columns only "Customer ID"-like
    # "customerID" matches, which is no sign of Dynamics; the caption said "by preset dynamics365".
    (tmp_path / "telco.csv").write_text("customerID,gender,tenure,Churn\nC1,F,3,No\nC2,M,10,Yes\n",
                                        encoding="utf-8")
    out = tmp_path / "c.yaml"
    result = runner.invoke(app, ["init", str(tmp_path / "telco.csv"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    source = yaml.safe_load(out.read_text(encoding="utf-8"))["sources"]["customers"]
    assert source["columns"] == {"customer_id": "customerID"}
    assert source.get("preset") in (None, "generic")
    report = runner.invoke(app, ["report", "-c", str(out)])
    assert report.exit_code == 0, report.output
    assert "dynamics365" not in report.stdout
