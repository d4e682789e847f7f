"""`crm-metrics metrics` (pandas-free) and `crm-metrics explain`, checked against the fixture's numbers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from crm_metrics.cli.app import app
from crm_metrics.metrics.registry import all_metrics
from tests.conftest import ROOT
from tests.extra_fixtures import make_config

runner = CliRunner()


def test_metrics_lists_every_metric_with_group_unit_and_tables() -> None:
    result = runner.invoke(app, ["metrics"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1 + len(all_metrics())
    cac = next(line for line in lines if line.startswith("cac "))
    assert cac.split()[:5] == ["cac", "unit", "economics", "currency", "spend,"]
    assert "Acquisition spend / new customers in the period." in cac


def test_metrics_command_does_not_import_pandas() -> None:
    code = ("import sys\nfrom crm_metrics.cli.app import app\n"
            "app(['metrics'], standalone_mode=False)\n"
            "print('PANDAS' if 'pandas' in sys.modules else 'NO-PANDAS')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.splitlines()[-1] == "NO-PANDAS"
    assert "campaign_return_on_spend" in done.stdout


def test_explain_without_config_gives_definition_formula_keys_and_choice() -> None:
    result = runner.invoke(app, ["explain", "close_rate"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Formula (P = one period): won / (won + lost), deals of type new and expansion" in out
    assert "won_stages" in out and "lost_stages" in out
    assert "Definition choice: Vendors differ: won / (won + lost) closed in the period" in out
    assert "Run with --config FILE" in out


def test_explain_cac_shows_the_inputs_behind_each_period(tmp_path: Path) -> None:
    make_config(tmp_path, ("deals", "spend"))
    result = runner.invoke(app, ["explain", "cac", "--config", str(tmp_path / "crm-metrics.yaml")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # Q1 acquisition spend (no retention categories): Advertising 1,000 + 500, Salaries 9,000,
    # Commissions 1,500 = 12,000; new customers by first won new deal: Alpha (Feb 1), Beta (Feb 10),
    # Gamma (Mar 1) = 3; 12,000 / 3 = 4,000.
    assert ("CAC 2025-Q1 = 12,000 spend (Advertising 1,500; Salaries 9,000; Commissions 1,500) / "
            "3 new customers (Alpha Ltd, Beta Co, Gamma Inc) = 4,000") in lines
    # Q2: Advertising 700 + Salaries 2,300 = 3,000; only Echo SA is new (Gamma's D6 is its second deal).
    assert "CAC 2025-Q2 = 3,000 spend (Advertising 700; Salaries 2,300) / 1 new customer (Echo SA) = 3,000" in lines


def test_explain_close_rate_and_renewal_inputs(tmp_path: Path) -> None:
    make_config(tmp_path, ("deals",))
    result = runner.invoke(app, ["explain", "close_rate", "-c", str(tmp_path / "crm-metrics.yaml")])
    # Q1: D1, D2, D3, D4 won, D5 lost -> 4 / 5.
    assert "Close rate 2025-Q1 = 4 won / 5 closed (4 won + 1 lost, new and expansion deals) = 80.0 %" in result.stdout
    result = runner.invoke(app, ["explain", "renewal_rate", "-c", str(tmp_path / "crm-metrics.yaml")])
    expected = "Renewal rate 2025-Q1 = 0 won / 0 renewals closed (0 won + 0 lost) = n/a (no renewals closed)"
    assert expected in result.stdout


def test_explain_new_revenue_lists_the_largest_deals(tmp_path: Path) -> None:
    make_config(tmp_path, ("deals",))
    result = runner.invoke(app, ["explain", "new_revenue", "-c", str(tmp_path / "crm-metrics.yaml")])
    # Q1 won new deals: Gamma 3,000, Beta 2,000, Alpha 1,000 = 6,000.
    assert ("New revenue 2025-Q1 = sum of 3 won new deals (largest: Gamma Inc 3,000; Beta Co 2,000; "
            "Alpha Ltd 1,000) = 6,000") in result.stdout


def test_explain_sales_cycle_lists_the_won_deals(tmp_path: Path) -> None:
    make_config(tmp_path, ("deals",))
    result = runner.invoke(app, ["explain", "sales_cycle_days", "-c", str(tmp_path / "crm-metrics.yaml")])
    assert result.exit_code == 0, result.output
    # Q1 won new and expansion deals, created Jan 1: D1 Feb 1 (31 d), D2 Feb 10 (40 d), D3 Mar 1
    # (59 d), D4 Mar 15 (73 d); median (40 + 59) / 2 = 49.5.
    assert ("Sales cycle (median) 2025-Q1 = median of 4 won deals (D1 31.0 d, D2 40.0 d, D3 59.0 d, D4 73.0 d) "
            "= 49.5 d") in result.stdout


def test_explain_unknown_metric_is_one_line() -> None:
    result = runner.invoke(app, ["explain", "cacc"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "crm-metrics: error: unknown metric 'cacc': did you mean 'cac'?"


def test_explain_clv_and_resolution_time_inputs(tmp_path: Path) -> None:
    make_config(tmp_path, ("deals", "spend", "tickets"), clv={"lifetime_years": 2})
    config = str(tmp_path / "crm-metrics.yaml")
    clv = runner.invoke(app, ["explain", "clv", "-c", config]).stdout
    # ARPA to 2025-03-31: won D1 1,000 + D2 2,000 + D3 3,000 + D4 500 = 6,500 / 3 accounts = 2,166.67;
    # margin unset = 1; lifetime 2 y from the config; CAC 4,000 -> 2,166.67 x 2 - 4,000 = 333.33.
    assert ("CLV 2025-Q1 = ARPA 2,166.67 x gross margin 1 (not set: 100 %) x lifetime 2.00 y - CAC 4,000 "
            "= 333.33") in clv
    hours = runner.invoke(app, ["explain", "resolution_time_hours", "-c", config]).stdout
    # T1 08:00 -> 10:00 = 2 h, T2 Jan 2 08:00 -> Jan 3 08:00 = 24 h; median (2 + 24) / 2 = 13.
    assert "Resolution time (median) 2025-Q1 = median of 2 tickets resolved (T1 2.0 h, T2 24.0 h) = 13.0 h" in hours


def test_every_new_metric_is_documented_and_explained() -> None:
    docs = (ROOT / "docs" / "metrics-extra.md").read_text(encoding="utf-8")
    new = [m.id for m in all_metrics() if m.module in {"survey", "calls", "campaigns"}]
    assert len(new) == 9
    assert [m for m in new if f"**{m}**" not in docs] == []
    assert [m.id for m in all_metrics() if not m.formula.strip()] == []


def test_explain_a_ticket_metric_whose_column_is_missing(tmp_path: Path) -> None:
    # No resolved_at column: the report says n/a "needs tickets.resolved_at"; explain says the same
    # instead of failing inside the auditor.
    make_config(tmp_path, ("tickets",))
    (tmp_path / "tickets.csv").write_text("ticket_id,created_at\nT1,2025-01-01 08:00\n", encoding="utf-8")
    result = runner.invoke(app, ["explain", "resolution_time_hours", "-c", str(tmp_path / "crm-metrics.yaml")])
    assert result.exit_code == 0, result.output
    assert "Resolution time (median) 2025-Q1 = n/a (needs tickets.resolved_at)" in result.stdout
