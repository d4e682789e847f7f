"""`crm-metrics init` on every table it can recognise: spend, calls, surveys and customers besides
deals and tickets; the metric list it writes (headline six first) and the numbers under it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from crm_metrics.cli.app import app
from crm_metrics.config.init_writer import _init_metrics
from crm_metrics.schema import TABLES

runner = CliRunner()
SHARED = Path("/work/shared/exports")

# Custom headers (no vendor preset): deals keyed by company name, a hand-kept spend sheet, tickets.
DEALS = """Deal ID,Company,Deal Stage,Deal Value,Created,Close Date,Deal Type
D1,Acme,Won,1200,2024-01-10,2024-02-01,New
D2,Bolt,Won,2400,2024-03-01,2024-04-01,New
D3,Cora,Won,3600,2025-01-05,2025-02-01,New
D4,Dune,Won,2400,2025-02-01,2025-03-01,New
D5,Echo,Lost,1000,2025-03-01,2025-04-01,New
D6,Acme,Won,1200,2025-01-10,2025-02-01,Renewal
D7,Bolt,Lost,2400,2025-03-01,2025-04-01,Renewal
D8,Fife,Proposal,5000,2025-06-01,,New
"""
SPEND = """Date,Category,Channel,Amount
2024-02-01,Ads,Google,1500
2025-01-15,Ads,Google,3000
2025-02-15,Events,Trade fair,1000
2025-03-01,Retention,Email,500
"""
TICKETS = """Ticket ID,Opened,Resolved,Priority
T1,2025-01-02 09:00,2025-01-02 13:00,high
T2,2025-01-03 09:00,2025-01-03 19:00,normal
T3,2025-02-01 08:00,2025-02-02 08:00,low
"""


def _init(tmp_path: Path, files: dict[str, str]) -> tuple[Path, str]:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = tmp_path / "crm-metrics.yaml"
    result = runner.invoke(app, ["init", *(str(tmp_path / n) for n in files), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_deals_spend_and_tickets_give_all_six_headline_metrics(tmp_path: Path) -> None:
    out, output = _init(tmp_path, {"deals.csv": DEALS, "spend.csv": SPEND, "tickets.csv": TICKETS})
    assert "skipped" not in output
    config = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert list(config["sources"]) == ["deals", "spend", "tickets"]
    assert config["metrics"][:6] == ["cac", "clv", "cac_payback_months", "close_rate", "renewal_rate",
                                     "resolution_time_hours"]
    report = runner.invoke(app, ["report", "-c", str(out), "-f", "json", "--period", "year",
                                 "--from", "2024-01-01", "--to", "2025-12-31"])
    assert report.exit_code == 0, report.output
    values = {m["id"]: m["values"] for m in json.loads(report.stdout)["metrics"]}
    # 2025: new/expansion deals closed: D3 won, D4 won, D5 lost -> close_rate 2 / 3.
    assert values["close_rate"]["2025"] == pytest.approx(2 / 3)
    # Renewals closed in 2025: D6 won (Acme), D7 lost (Bolt) -> 1 / 2.
    assert values["renewal_rate"]["2025"] == pytest.approx(0.5)
    # Resolved in 2025: 4 h, 10 h, 24 h -> median 10 h.
    assert values["resolution_time_hours"]["2025"] == pytest.approx(10)
    # Acquisition spend 2025: Ads 3,000 + Events 1,000 (Retention 500 is not) = 4,000; new customers
    # Cora and Dune -> CAC 2,000. 2024: 1,500 / (Acme, Bolt) = 750.
    assert values["cac"] == {"2024": pytest.approx(750), "2025": pytest.approx(2000)}
    # ARPA 2025: won in 2025 3,600 + 2,400 + 1,200 = 7,200 over 3 customers (Cora, Dune, Acme) = 2,400.
    # Annual churn 2025: Acme and Bolt active on 2025-01-01, Bolt churns 2025-04-01 (lost renewal):
    # 1 / 2 -> lifetime 2 years. CLV = 2,400 x 1.0 (gross margin unset) x 2 - 2,000 = 2,800.
    assert values["clv"]["2025"] == pytest.approx(2800)
    # Payback: new customers' first deals (3,600 + 2,400) / 2 = 3,000 a deal / 12 months = 250 a month;
    # 2,000 / 250 = 8 months.
    assert values["cac_payback_months"]["2025"] == pytest.approx(8)


DEAL_FIELDS = {"deal_id", "stage", "amount", "created_at", "closed_at", "source", "campaign"}
SPEND_FIELDS = {"date", "amount", "category", "campaign"}
TICKET_FIELDS = {"ticket_id", "created_at", "resolved_at", "priority"}


def test_the_metric_list_is_every_metric_the_tables_allow_headline_first() -> None:
    deals = _init_metrics({"deals": DEAL_FIELDS})
    # CAC and CLV need spend; of the headline six, deals alone give close_rate and renewal_rate.
    assert deals[:2] == ["close_rate", "renewal_rate"]
    assert "cac" not in deals and "new_revenue" in deals and "open_pipeline_count" in deals
    assert _init_metrics({"spend": SPEND_FIELDS}) == ["campaign_spend"]
    both = _init_metrics({"deals": DEAL_FIELDS, "spend": SPEND_FIELDS, "tickets": TICKET_FIELDS})
    assert both[:6] == ["cac", "clv", "cac_payback_months", "close_rate", "renewal_rate", "resolution_time_hours"]
    assert "retention_cost_per_customer" in both and "campaign_return_on_spend" in both


@pytest.mark.parametrize(("export", "table"), [
    ("facebook_ad_conversions/KAG_conversion_data.csv", "spend"),
    ("bank_marketing_campaigns/marketing_campaign_dataset.csv", "spend"),
    ("pwc_call_center/01 Call-Center-Dataset.xlsx", "calls"),
    ("ravenstack_saas/ravenstack_churn_events.csv", "customers"),
    ("ravenstack_saas/ravenstack_accounts.csv", "customers"),
    ("ravenstack_saas/ravenstack_support_tickets.csv", "tickets"),
    ("maven_crm_sales_opportunities/sales_pipeline.csv", "deals"),
    ("servicenow_incident_log/incident_event_log.csv", "tickets"),
])
def test_init_on_each_shared_export_chooses_its_table(tmp_path: Path, export: str, table: str) -> None:
    if not (SHARED / export).exists():
        pytest.skip("the shared exports are not on this machine")
    out = tmp_path / "c.yaml"
    result = runner.invoke(app, ["init", str(SHARED / export), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert list(yaml.safe_load(out.read_text(encoding="utf-8"))["sources"]) == [table]


def test_a_survey_export_becomes_the_surveys_table(tmp_path: Path) -> None:
    out, _ = _init(tmp_path, {"nps.csv": "Response Date,NPS Score,Channel\n2025-01-05,10,email\n"
                                        "2025-01-06,9,email\n2025-01-07,6,web\n2025-01-08,8,web\n"})
    config = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert list(config["sources"]) == ["surveys"]
    report = runner.invoke(app, ["report", "-c", str(out), "-f", "json", "--metrics", "nps", "--period", "month"])
    assert report.exit_code == 0, report.output
    # 2 promoters (10, 9), 1 detractor (6), 1 passive of 4: 100 x (2 - 1) / 4 = 25.
    assert json.loads(report.stdout)["metrics"][0]["values"]["2025-01"] == pytest.approx(25)


def test_a_file_no_table_fits_is_skipped_with_its_headers(tmp_path: Path) -> None:
    (tmp_path / "products.csv").write_text("SKU,Weight,Colour\nP1,2,red\n", encoding="utf-8")
    out, _ = _init(tmp_path, {"deals.csv": DEALS})
    result = runner.invoke(app, ["init", str(tmp_path / "deals.csv"), str(tmp_path / "products.csv"),
                                 "-o", str(out), "--force"])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == (
        f"crm-metrics: skipped {tmp_path / 'products.csv'}: no header names a required field of any table init knows "
        f"({', '.join(TABLES)}); its headers: SKU, Weight, Colour; add it under "
        "sources: by hand (see configs/example.yaml)")


def test_init_lists_the_spend_categories_and_proposes_the_split(tmp_path: Path) -> None:
    spend = ("Date,Category,Amount\n2025-01-10,Paid ads,1000\n2025-01-20,Customer Success,400\n"
             "2025-02-10,Paid ads,2000\n2025-02-15,Account management,100\n2025-02-20,Events,500\n")
    out, _ = _init(tmp_path, {"deals.csv": DEALS, "spend.csv": spend})
    text = out.read_text(encoding="utf-8")
    assert "# Spend categories found: Paid ads (2 rows), Customer Success (1 row), Account management (1 row), " \
           "Events (1 row)." in text
    assert '# cac: {categories: ["Paid ads", "Events"]}' in text
    config = yaml.safe_load(text)
    assert config["retention"] == {"categories": ["Customer Success", "Account management"]}
    report = runner.invoke(app, ["report", "-c", str(out), "-f", "json", "--period", "quarter",
                                 "--metrics", "cac", "--from", "2025-01-01", "--to", "2025-03-31"])
    assert report.exit_code == 0, report.output
    # Acquisition 2025-Q1: Paid ads 1,000 + 2,000 + Events 500 = 3,500 (Customer Success and Account
    # management are retention); new customers Cora (Feb) and Dune (Mar) -> CAC 1,750.
    assert json.loads(report.stdout)["metrics"][0]["values"]["2025-Q1"] == pytest.approx(1750)


def test_the_pwc_call_centre_workbook_gives_abandoned_calls_and_handle_time(tmp_path: Path) -> None:
    workbook = SHARED / "pwc_call_center" / "01 Call-Center-Dataset.xlsx"
    if not workbook.exists():
        pytest.skip("the shared exports are not on this machine")
    out = tmp_path / "c.yaml"
    result = runner.invoke(app, ["init", str(workbook), "-o", str(out)])
    assert result.exit_code == 0, result.output
    config = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert config["sources"]["calls"]["columns"]["answered"] == "Answered (Y/N)"
    assert config["sources"]["calls"]["columns"]["handle_seconds"] == "AvgTalkDuration"
    report = runner.invoke(app, ["report", "-c", str(out), "-f", "json", "--period", "month",
                                 "--metrics", "abandoned_call_pct,avg_handle_minutes"])
    assert report.exit_code == 0, report.output
    values = {m["id"]: m["values"] for m in json.loads(report.stdout)["metrics"]}
    # Answered (Y/N) counted per month of Date: 2021-01 Y 1,455 N 317; 02 Y 1,298 N 318; 03 Y 1,301 N 311.
    assert values["abandoned_call_pct"] == {"2021-01": pytest.approx(317 / 1772),
                                            "2021-02": pytest.approx(318 / 1616),
                                            "2021-03": pytest.approx(311 / 1612)}
    # AvgTalkDuration time cells of answered calls (0:02:23 = 143 s), summed per month: 2021-01
    # 329,011 s over 1,455 calls = 226.12 s = 3.769 min; 02 296,250 / 1,298; 03 286,576 / 1,301.
    assert values["avg_handle_minutes"] == {"2021-01": pytest.approx(329011 / 1455 / 60),
                                            "2021-02": pytest.approx(296250 / 1298 / 60),
                                            "2021-03": pytest.approx(286576 / 1301 / 60)}


def test_the_range_is_the_dates_the_data_has_not_open_deals_expected_closes(tmp_path: Path) -> None:
    # D8 is open with an expected close in 2031: no period the data covers. The dates up to today run
    # from D1's creation (2024-01-10) to D8's creation (2025-06-01).
    deals = DEALS.replace("D8,Fife,Proposal,5000,2025-06-01,,New", "D8,Fife,Proposal,5000,2025-06-01,2031-12-31,New")
    out, _ = _init(tmp_path, {"deals.csv": deals})
    text = out.read_text(encoding="utf-8")
    assert yaml.safe_load(text)["range"] == {"from": date(2024, 1, 10), "to": date(2025, 6, 1)}
    assert "# 1 open deals' closed_at (expected close dates) left out of the range" in text


def test_an_open_deals_expected_close_before_today_is_not_in_the_range_either(tmp_path: Path) -> None:
    # D8 open with an expected close of 2025-09-30, before today but after every real date: the range
    # still ends at D8's creation (2025-06-01), the last date the data has.
    deals = DEALS.replace("D8,Fife,Proposal,5000,2025-06-01,,New", "D8,Fife,Proposal,5000,2025-06-01,2025-09-30,New")
    out, _ = _init(tmp_path, {"deals.csv": deals})
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["range"] == {"from": date(2024, 1, 10),
                                                                         "to": date(2025, 6, 1)}


def test_a_sources_values_key_maps_the_exports_own_words(tmp_path: Path) -> None:
    (tmp_path / "deals.csv").write_text(
        "Deal ID,Company,Phase,Value,Created,Closed,Kind\n"
        "D1,Acme,Signed,1000,2025-01-05,2025-02-01,Fresh\n"
        "D2,Bolt,Signed,3000,2025-01-06,2025-02-02,Fresh\n"
        "D3,Cora,Dropped,2000,2025-01-07,2025-02-03,Fresh\n"
        "D4,Acme,Signed,500,2025-01-08,2025-02-04,Upsell\n", encoding="utf-8")
    (tmp_path / "tickets.csv").write_text(
        "Ticket ID,Created,Solved,Rating\nT1,2025-01-02,2025-01-03,Happy\nT2,2025-01-02,2025-01-03,Neutral\n"
        "T3,2025-01-02,2025-01-03,5\n", encoding="utf-8")
    config = tmp_path / "c.yaml"
    config.write_text("""period: quarter
sources:
  deals:
    path: deals.csv
    columns: {deal_id: Deal ID, account_name: Company, stage: Phase, amount: Value, created_at: Created,
              closed_at: Closed, deal_type: Kind}
    values: {stage: {Signed: won, Dropped: lost}, deal_type: {Fresh: new, Upsell: expansion}}
  tickets:
    path: tickets.csv
    columns: {ticket_id: Ticket ID, created_at: Created, resolved_at: Solved, csat: Rating}
    values: {csat: {happy: 5, NEUTRAL: 3}}
""", encoding="utf-8")
    report = runner.invoke(app, ["report", "-c", str(config), "-f", "json",
                                 "--metrics", "close_rate,new_revenue,expansion_revenue,csat_pct",
                                 "--from", "2025-01-01", "--to", "2025-03-31"])
    assert report.exit_code == 0, report.output
    values = {m["id"]: m["values"]["2025-Q1"] for m in json.loads(report.stdout)["metrics"]}
    # Signed -> won, Dropped -> lost: new and expansion deals D1, D2, D4 won, D3 lost -> 3 / 4.
    assert values["close_rate"] == pytest.approx(0.75)
    # New (Fresh) won: 1,000 + 3,000 = 4,000; expansion (Upsell) won: 500.
    assert values["new_revenue"] == pytest.approx(4000)
    assert values["expansion_revenue"] == pytest.approx(500)
    # Ratings Happy -> 5, Neutral -> 3, 5: two of three are 4-5 -> 2 / 3.
    assert values["csat_pct"] == pytest.approx(2 / 3)


def test_values_for_a_field_the_table_lacks_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    (tmp_path / "deals.csv").write_text(DEALS, encoding="utf-8")
    config = tmp_path / "c.yaml"
    config.write_text("sources:\n  deals:\n    path: deals.csv\n    values: {stag: {Signed: won}}\n", encoding="utf-8")
    report = runner.invoke(app, ["report", "-c", str(config)])
    assert report.exit_code == 2
    assert "deals.values.stag: not a field of deals; did you mean 'stage'?" in report.output


def test_a_first_response_column_is_read_as_the_first_response_time(tmp_path: Path) -> None:
    out, _ = _init(tmp_path, {"tickets.csv": "Ticket ID,Created,First Response,Resolved\n"
                                            "T1,2025-01-02 09:00,2025-01-02 10:00,2025-01-02 12:00\n"
                                            "T2,2025-01-02 09:00,2025-01-02 12:00,2025-01-02 15:00\n"
                                            "T3,2025-01-03 09:00,2025-01-03 09:30,2025-01-03 10:00\n"})
    config = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert config["sources"]["tickets"]["columns"]["first_response_at"] == "First Response"
    report = runner.invoke(app, ["report", "-c", str(out), "-f", "json", "--metrics", "first_response_hours",
                                 "--period", "month"])
    assert report.exit_code == 0, report.output
    # First responses after 1 h, 3 h and 0.5 h -> median 1 h.
    assert json.loads(report.stdout)["metrics"][0]["values"]["2025-01"] == pytest.approx(1)
