"""`crm-metrics init` proposes a join (sources.<table>.join) when two exports share a key column:
RavenStack's accounts + churn events, Olist's MQLs + closed deals (../shared/exports)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from crm_metrics.cli.app import app

runner = CliRunner()
SHARED = Path("/work/shared/exports")


def _init(tmp_path: Path, *files: Path) -> tuple[dict, str]:
    for file in files:
        if not file.exists():
            pytest.skip("the shared exports are not on this machine")
    out = tmp_path / "crm-metrics.yaml"
    result = runner.invoke(app, ["init", *map(str, files), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return yaml.safe_load(out.read_text()), result.output


def test_ravenstack_churn_events_are_joined_onto_the_accounts(tmp_path: Path) -> None:
    folder = SHARED / "ravenstack_saas"
    config, output = _init(tmp_path, folder / "ravenstack_accounts.csv", folder / "ravenstack_churn_events.csv")
    assert list(config["sources"]) == ["customers"]
    [joined] = config["sources"]["customers"]["join"]
    assert Path(joined["path"]).name == "ravenstack_churn_events.csv"
    assert joined["key"] == "account_id"
    assert joined["columns"] == {"churned_at": "churn_date"}
    assert joined["several"] == "latest"
    # 600 churn events of 352 accounts: 248 repeats.
    assert ("JOINED: ravenstack_churn_events.csv joined on account_id (churned_at <- churn_date); 248 repeated "
            "account_id rows: the latest date is kept (sources.customers.join)") in output
    assert "churn_rate" in config["metrics"]
    report = runner.invoke(app, ["report", "--config", str(tmp_path / "crm-metrics.yaml"), "--format", "json"])
    assert report.exit_code == 0, report.output


def test_olist_closed_deals_give_the_mqls_their_conversion_date(tmp_path: Path) -> None:
    folder = SHARED / "olist_marketing_funnel"
    config, output = _init(tmp_path, folder / "olist_marketing_qualified_leads_dataset.csv",
                           folder / "olist_closed_deals_dataset.csv")
    # The closed deals have no create date, so they are no deals table that could run.
    assert list(config["sources"]) == ["leads"]
    [joined] = config["sources"]["leads"]["join"]
    assert (joined["key"], joined["columns"]) == ("mql_id", {"converted_at": "won_date"})
    assert "not a deals table of its own (created_at not found)" in output
    report = runner.invoke(app, ["report", "--config", str(tmp_path / "crm-metrics.yaml"), "--format", "json"])
    assert report.exit_code == 0, report.output


def test_a_shared_header_with_other_keys_is_no_join(tmp_path: Path) -> None:
    # Both files have an account_id, but none of the second file's keys is an account of the first.
    (tmp_path / "accounts.csv").write_text("account_id,account_name,signup_date\nA1,Acme,2024-01-01\n"
                                           "A2,Bolt,2024-02-01\n")
    (tmp_path / "events.csv").write_text("event_id,account_id,churn_date\nE1,B7,2024-05-01\nE2,B8,2024-06-01\n")
    config, output = _init(tmp_path, tmp_path / "accounts.csv", tmp_path / "events.csv")
    assert "join" not in config["sources"]["customers"]
    assert "JOINED" not in output
    assert "events.csv: looks like a second customers export" in output
