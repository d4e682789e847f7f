"""What a new user runs first (`init`, then `validate` and `report` on the config it wrote) on real
exports and broken configs: the commands agree with each other and fail in one line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from crm_metrics.cli import app
from tests.conftest import ROOT

runner = CliRunner()
REAL = ROOT / "tests" / "fixtures" / "exports" / "real"


def test_validate_accepts_the_constant_stage_init_writes(tmp_path: Path) -> None:
    # Olist's closed-deals file has no stage column: init maps stage to "=Won". validate used to
    # report "required column '=Won' for stage is missing" (exit 4) on the config init had just written.
    out = tmp_path / "c.yaml"
    result = runner.invoke(app, ["init", str(REAL / "olist_closed_deals.csv"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert 'stage: "=Won"' in out.read_text(encoding="utf-8")
    checked = runner.invoke(app, ["validate", "-c", str(out)])
    assert checked.exit_code == 0, checked.output
    assert "stage <- '=Won'" in checked.stdout
    assert "missing" not in checked.output


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
