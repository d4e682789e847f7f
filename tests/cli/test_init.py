"""`crm-metrics init` on cut-down real exports: the config it writes runs at once and gives the numbers
counted by hand from the fixture rows; it never overwrites a file without --force."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from crm_metrics.cli.app import app

REAL = Path(__file__).parents[1] / "fixtures" / "exports" / "real"
EXPORTS = REAL.parent
runner = CliRunner()


def init_and_report(tmp_path: Path, exports: list[Path], *report_args: str) -> tuple[dict, dict]:
    out = tmp_path / "crm-metrics.yaml"
    result = runner.invoke(app, ["init", *map(str, exports), "--output", str(out)])
    assert result.exit_code == 0, result.output
    config = yaml.safe_load(out.read_text(encoding="utf-8"))
    report = runner.invoke(app, ["report", "--config", str(out), "--format", "json", *report_args])
    assert report.exit_code == 0, report.output
    data = json.loads(report.stdout)
    values = {m["id"]: m["values"] for m in data["metrics"]}
    return config, values


def test_init_on_the_maven_pipeline(tmp_path: Path) -> None:
    # 30 deals: 23 Won (close_value sum 32,326), 5 Lost, 2 Engaging; every close in 2017.
    # close_rate 2017 = 23 / (23 + 5) = 0.8214...; new_revenue 2017 = 32,326.
    config, values = init_and_report(tmp_path, [REAL / "maven_sales_pipeline.csv"], "--period", "year")
    assert config["sources"]["deals"]["columns"]["amount"] == "close_value"
    assert config["sources"]["deals"]["columns"]["created_at"] == "engage_date"
    assert values["close_rate"]["2017"] == pytest_approx(23 / 28)
    assert values["new_revenue"]["2017"] == pytest_approx(32326)


def test_init_on_ravenstack_tickets(tmp_path: Path) -> None:
    # submitted_at by year: 2023: 1 + 3 + 2 + 2 + 3 = 11 tickets; 2024: 19 (30 in all).
    config, values = init_and_report(tmp_path, [REAL / "ravenstack_support_tickets.csv"], "--period", "year")
    assert config["sources"]["tickets"]["columns"]["created_at"] == "submitted_at"
    assert values["tickets_created"] == {"2023": 11, "2024": 19}


def test_init_on_the_servicenow_event_log(tmp_path: Path) -> None:
    # 40 events of 6 incidents, all opened 29-02-2016; the last event per incident is kept.
    # Resolved in February: INC45 01:16 -> 11:29 (10.22 h), INC62 06:58 -> 15:51 (8.88 h),
    # INC63 07:08 -> 16:01 (8.88 h): median 8 h 53 min = 8.883 h. March resolves the other 3.
    config, values = init_and_report(tmp_path, [REAL / "servicenow_incident_log.csv"])
    assert config["period"] == "month"
    assert config["sources"]["tickets"]["columns"]["ticket_id"] == "number"
    assert values["tickets_created"]["2016-02"] == 6
    assert values["tickets_resolved"] == {"2016-02": 3, "2016-03": 3}
    assert values["resolution_time_hours"]["2016-02"] == pytest_approx(8 + 53 / 60)


def test_init_picks_the_vendor_preset_when_it_finds_every_required_field(tmp_path: Path) -> None:
    # The HubSpot deals fixture: 3 won of 5 closed -> close_rate 2025-Q1 = 0.6 (see test_presets.py).
    config, values = init_and_report(tmp_path, [EXPORTS / "hubspot_deals.csv"], "--period", "quarter")
    assert config["sources"]["deals"]["preset"] == "hubspot"
    assert "columns" not in config["sources"]["deals"]
    assert values["close_rate"]["2025-Q1"] == pytest_approx(0.6)


def test_init_writes_comments_on_what_it_sniffed(tmp_path: Path) -> None:
    out = tmp_path / "c.yaml"
    result = runner.invoke(app, ["init", str(EXPORTS / "report_title_and_totals.csv"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "header on line 4; 5 title/blank/total rows skipped" in text
    assert "preset fit: salesforce" in text


def test_init_never_overwrites_without_force(tmp_path: Path) -> None:
    out = tmp_path / "crm-metrics.yaml"
    out.write_text("period: month\n", encoding="utf-8")
    result = runner.invoke(app, ["init", str(REAL / "olist_closed_deals.csv"), "--output", str(out)])
    assert result.exit_code == 2
    assert "already exists; pass --force" in result.output
    assert out.read_text(encoding="utf-8") == "period: month\n"
    result = runner.invoke(app, ["init", str(REAL / "olist_closed_deals.csv"), "--output", str(out), "--force"])
    assert result.exit_code == 0, result.output
    assert "stage: \"=Won\"" in out.read_text(encoding="utf-8")


def test_init_on_a_missing_file_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "crm-metrics.yaml"
    result = runner.invoke(app, ["init", str(tmp_path / "nope.csv"), "--output", str(out)])
    assert result.exit_code == 2
    assert "nope.csv: file not found" in result.output
    assert not out.exists()


def pytest_approx(value: float) -> object:
    import pytest

    return pytest.approx(value, rel=1e-6)


def test_init_on_deals_and_tickets_and_monthly_files(tmp_path: Path) -> None:
    # Two monthly deal exports (same columns) become one source with a list of paths; the Zendesk
    # file becomes the tickets source. Monthly deals: M1 100 + M2 200 + M3 300 won in 2025-Q1 = 600
    # (M2 is in both files; the later one, where it is won, is kept). Zendesk: 4 tickets created.
    monthly = sorted((EXPORTS / "monthly").glob("deals_*.csv"))
    config, values = init_and_report(tmp_path, [*monthly, EXPORTS / "zendesk_tickets.csv"], "--period", "quarter")
    assert len(config["sources"]["deals"]["path"]) == 2
    assert config["sources"]["tickets"]["preset"] == "zendesk"
    assert values["new_revenue"]["2025-Q1"] == pytest_approx(600)
    assert values["tickets_created"]["2025-Q1"] == 4


def test_init_with_several_currencies_asks_for_rates_instead_of_inventing_them(tmp_path: Path) -> None:
    # salesforce_eu_semicolon.csv: EUR on 2 rows, USD on 1, GBP on 1 -> report currency EUR.
    out = tmp_path / "c.yaml"
    result = runner.invoke(app, ["init", str(EXPORTS / "salesforce_eu_semicolon.csv"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "currency: EUR" in text
    assert "# fx: {GBP: <value of 1 GBP in EUR>, USD: <value of 1 USD in EUR>}" in text
    report = runner.invoke(app, ["report", "-c", str(out)])
    assert report.exit_code == 2
    assert "deals amounts in GBP, USD but the config has no fx rate for them" in report.output


def test_init_refuses_a_file_that_is_no_crm_export(tmp_path: Path) -> None:
    (tmp_path / "products.csv").write_text("SKU,Weight,Colour\nP1,2,red\n", encoding="utf-8")
    out = tmp_path / "c.yaml"
    result = runner.invoke(app, ["init", str(tmp_path / "products.csv"), "-o", str(out)])
    assert result.exit_code == 2
    assert "products.csv: no header names a required field of any table init knows" in result.output
    assert "its headers: SKU, Weight, Colour" in result.output
    assert not out.exists()


def test_init_reads_a_call_centre_export_as_calls(tmp_path: Path) -> None:
    # Once refused; the calls table is now one init recognises. Calls C1 answered, C2 not: 1 / 2.
    (tmp_path / "calls.csv").write_text("Call Id,Agent,Date,Answered (Y/N),Resolved\nC1,Ann,2021-01-01,Y,Y\n"
                                        "C2,Bo,2021-01-02,N,N\n", encoding="utf-8")
    config, values = init_and_report(tmp_path, [tmp_path / "calls.csv"], "--period", "month")
    assert config["sources"]["calls"]["columns"]["answered"] == "Answered (Y/N)"
    assert values["abandoned_call_pct"]["2021-01"] == pytest_approx(0.5)


def test_init_ignores_a_detected_date_column_that_holds_no_dates(tmp_path: Path) -> None:
    # "Resolved" is a resolved_at synonym, but here it holds Y/N flags.
    rows = "Ticket ID,Created at,Resolved\nT1,2025-01-02 10:00,Y\nT2,2025-01-03 10:00,N\n"
    (tmp_path / "t.csv").write_text(rows, encoding="utf-8")
    out = tmp_path / "c.yaml"
    result = runner.invoke(app, ["init", str(tmp_path / "t.csv"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "ignored 'Resolved' for resolved_at: most of its values are not dates" in text
    assert "\n      resolved_at:" not in text


def test_init_on_dollar_amounts_writes_a_currency_code_and_says_it_assumed_one(tmp_path: Path) -> None:
    # "$" is written by USD, CAD, AUD...: init used to write `currency: $`, which its own check then
    # refused (exit 2, nothing written). It now writes USD and a comment naming the alternatives.
    deals = tmp_path / "deals.csv"
    deals.write_text("Deal ID,Stage,Amount,Created Date,Close Date,Account Name\n"
                     "D1,Closed Won,$1000,2025-01-01,2025-02-01,A\n"
                     "D2,Closed Lost,$500,2025-01-03,2025-02-11,B\n", encoding="utf-8")
    config, values = init_and_report(tmp_path, [deals], "--period", "quarter")
    assert config["currency"] == "USD"
    assert "read as USD; if they are CAD or AUD" in (tmp_path / "crm-metrics.yaml").read_text(encoding="utf-8")
    # 1 won of 2 closed in 2025-Q1: 1 / 2; new revenue the won $1000.
    assert values["close_rate"]["2025-Q1"] == 0.5
    assert values["new_revenue"]["2025-Q1"] == 1000.0


def test_init_skips_a_missing_file_and_writes_the_config_for_the_others(tmp_path: Path) -> None:
    deals = tmp_path / "deals.csv"
    deals.write_text("Deal ID,Stage,Amount,Created\nD1,Won,100,2025-01-02\n", encoding="utf-8")
    out = tmp_path / "crm-metrics.yaml"
    result = runner.invoke(app, ["init", str(deals), str(tmp_path / "missing.csv"), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == f"crm-metrics: skipped {tmp_path / 'missing.csv'}: file not found; check the path"
    assert out.exists()


def test_init_with_nothing_usable_left_is_an_error(tmp_path: Path) -> None:
    # A missing file and a file no table fits: nothing to write a config for.
    notes = tmp_path / "notes.csv"
    notes.write_text("colour,shape\nred,round\n", encoding="utf-8")
    out = tmp_path / "crm-metrics.yaml"
    result = runner.invoke(app, ["init", str(tmp_path / "missing.csv"), str(notes), "--output", str(out)])
    assert result.exit_code == 2
    assert f"{tmp_path / 'missing.csv'}: file not found; check the path" in result.stderr
    assert "notes.csv: no header names a required field" in result.stderr
    assert not out.exists()
