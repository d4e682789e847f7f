"""What a new user's first `crm-metrics init` found: every time column read (a vendor preset does not
hide a plain "First reply at"), custom headers placed, gaps said, guesses said as guesses, a metrics
list that promises no n/a, and the range dated as the report dates it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner, Result

from crm_metrics.cli.app import app
from crm_metrics.config.init_writer import _init_metrics
from crm_metrics.mapping.columns import closest_headers, map_columns
from crm_metrics.schema import TABLES
from tests.conftest import ROOT

runner = CliRunner()
REAL = ROOT / "tests" / "fixtures" / "exports" / "real"
SAMPLE = ROOT / "sample_data" / "tickets.csv"

# Zendesk's own headers plus two it does not list: a first reply timestamp and a due date.
ZENDESK = (
    "ID,Status,Priority,Via,Assignee,Organization,Created at,Solved at,First reply at,Due date,Satisfaction Score\n"
    "1,Solved,Normal,Web,Ann,Acme,2025-01-06 09:00:00,2025-01-06 15:00:00,2025-01-06 10:00:00,2025-01-06 12:00:00,\n"
    "2,Solved,High,Email,Bob,Beta,2025-01-07 09:00:00,2025-01-07 11:00:00,2025-01-07 12:00:00,2025-01-07 17:00:00,\n"
)
DEALS = ("Deal,Customer,Phase,Value,Created,Closed\n"
         "D1,Acme,Closed Won,1000,2025-01-10,2025-02-14\n"
         "D2,Beta,Closed Lost,500,2025-01-20,2025-02-20\n"
         "D3,Gamma,Negotiation,700,2025-02-01,\n")
CASES = ("Case No,Opened,Closed,First Answer\n"
         "C1,2025-02-03 09:00,2025-02-03 15:00,2025-02-03 10:00\n"
         "C2,2025-02-04 09:00,,2025-02-04 09:30\n")
FEB = ("--period", "month", "--from", "2025-02-01", "--to", "2025-02-28", "-f", "json")


def _init(tmp_path: Path, *files: Path) -> tuple[Path, str, Result]:
    out = tmp_path / "c.yaml"
    result = runner.invoke(app, ["init", *map(str, files), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out, out.read_text(encoding="utf-8"), result


def _values(config: Path, *options: str) -> dict[str, dict]:
    result = runner.invoke(app, ["report", "-c", str(config), *options])
    assert result.exit_code == 0, result.output
    return {m["id"]: m["values"] for m in json.loads(result.stdout)["metrics"]}


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_bundled_sample_reads_first_reply_and_due_date_beside_the_zendesk_preset(tmp_path: Path) -> None:
    out, text, result = _init(tmp_path, SAMPLE)
    source = yaml.safe_load(text)["sources"]["tickets"]
    assert source["preset"] == "zendesk"
    # The generic synonyms read "First reply at"; "Due date" is a loose name (Zendesk's is a task's
    # due date), so it is a guess, on screen and under guessed_columns.
    assert "first_response_at <- First reply at" in text
    assert source["guessed_columns"] == {"sla_due_at": "Due date"}
    assert "GUESS: sla_due_at <- 'Due date' (a loose name for it)" in result.stdout
    metrics = yaml.safe_load(text)["metrics"]
    assert "first_response_hours" in metrics and "sla_compliance_pct" in metrics


def test_a_zendesk_file_reports_first_reply_and_sla_from_its_plain_columns(tmp_path: Path) -> None:
    out, _, _ = _init(tmp_path, _write(tmp_path, "zendesk.csv", ZENDESK))
    values = _values(out, "--period", "month", "--from", "2025-01-01", "--to", "2025-01-31", "-f", "json")
    # First reply: ticket 1 09:00 -> 10:00 = 1 h, ticket 2 09:00 -> 12:00 = 3 h; median (1 + 3) / 2 = 2 h.
    assert values["first_response_hours"]["2025-01"] == pytest.approx(2.0)
    # SLA by "Due date": ticket 1 solved 15:00 after its 12:00 deadline, ticket 2 solved 11:00 before
    # 17:00: 1 / 2 = 0.5. (Priority hours would give 2 / 2: normal 24 h, high 8 h, both met.)
    assert values["sla_compliance_pct"]["2025-01"] == pytest.approx(0.5)


def test_a_preset_keeps_the_headers_the_generic_synonyms_find() -> None:
    headers = ["ID", "Created at", "Solved at", "First reply at", "Due date"]
    column_map = map_columns(TABLES["tickets"], headers, {}, "x.yaml", "t.csv", preset="zendesk")
    assert column_map.fields["first_response_at"] == "First reply at"
    assert column_map.how["first_response_at"] == "detected"
    # A loose name is read as a guess, which the report marks until the user confirms it.
    assert column_map.guessed == {"sla_due_at": "Due date"}


def test_custom_deal_and_ticket_headers_are_placed_and_compute(tmp_path: Path) -> None:
    deals, cases = _write(tmp_path, "deals.csv", DEALS), _write(tmp_path, "cases.csv", CASES)
    out, text, _ = _init(tmp_path, deals, cases)
    sources = yaml.safe_load(text)["sources"]
    assert sources["deals"]["columns"] == {"deal_id": "Deal", "account_name": "Customer", "stage": "Phase",
                                           "amount": "Value", "created_at": "Created", "closed_at": "Closed"}
    assert sources["tickets"]["columns"] == {"ticket_id": "Case No", "created_at": "Opened",
                                             "resolved_at": "Closed", "first_response_at": "First Answer"}
    values = _values(out, *FEB)
    # February: D1 won, D2 lost (D3 open): 1 / (1 + 1) = 0.5; D1's cycle 2025-01-10 -> 02-14 = 21 + 14 = 35 days.
    assert values["close_rate"]["2025-02"] == pytest.approx(0.5)
    assert values["sales_cycle_days"]["2025-02"] == pytest.approx(35)
    # C1 resolved 09:00 -> 15:00 = 6 h; first answers 1 h and 0.5 h, median 0.75 h.
    assert values["resolution_time_hours"]["2025-02"] == pytest.approx(6)
    assert values["first_response_hours"]["2025-02"] == pytest.approx(0.75)


@pytest.mark.parametrize(("name", "text", "field", "cost"), [
    ("deals.csv", "Deal,Phase,Value,Created\nD1,Closed Won,10,2025-01-10\n", "closed_at", "close rate"),
    ("cases.csv", "Case No,Opened\nC1,2025-02-03 09:00\n", "resolved_at", "resolution times"),
])
def test_an_important_field_left_unmapped_is_said(tmp_path: Path, name: str, text: str, field: str,
                                                   cost: str) -> None:
    _, config_text, result = _init(tmp_path, _write(tmp_path, name, text))
    line = f"NOT READ: {field}: no column found; "
    assert f"  {line}" in result.stdout and f"# {line}" in config_text
    assert cost in result.stdout


def test_a_deals_like_file_init_cannot_place_is_skipped_with_its_headers(tmp_path: Path) -> None:
    # No stage, and no column whose values could be one: skipped, with what init saw.
    deals = _write(tmp_path, "deals.csv", "Deal,Customer,Value,Created\nD1,Acme,1000,2025-01-10\n")
    cases = _write(tmp_path, "cases.csv", CASES)
    _, _, result = _init(tmp_path, deals, cases)
    assert result.stderr.strip() == (
        f"crm-metrics: skipped {deals}: looks like a deals table but no column can be deals.stage; its headers: "
        "Deal, Customer, Value, Created; map it under sources.deals.columns.stage")


def test_olist_suggests_no_text_column_for_the_missing_create_date(tmp_path: Path) -> None:
    out, _, _ = _init(tmp_path, REAL / "olist_closed_deals.csv")
    result = runner.invoke(app, ["validate", "-c", str(out)])
    line = next(x for x in result.stdout.splitlines() if "for created_at is missing" in x)
    # 'lead_type' is named a little like created_at but holds words, never dates: no suggestion.
    assert line.strip() == "PROBLEM 1 required column 'created_at' for created_at is missing"


def test_closest_headers_suggests_a_date_only_from_dates() -> None:
    headers = ["lead_type", "Create Dt"]
    raw = pd.DataFrame({"lead_type": ["online", "offline"], "Create Dt": ["2025-01-02", "2025-01-03"]})
    assert closest_headers("deals", "created_at", "created_at", headers, raw, cutoff=0.4) == ["Create Dt"]
    assert closest_headers("deals", "created_at", "created_at", ["lead_type"], raw[["lead_type"]], cutoff=0.4) == []
    # Without the values nothing is suggested for a date; a text field is suggested by name alone.
    assert closest_headers("deals", "created_at", "created_at", headers, cutoff=0.4) == []
    assert closest_headers("deals", "deal_id", "deal_id", ["Deal Ident", "Value"]) == ["Deal Ident"]


def test_the_metric_list_leaves_out_what_the_mapped_columns_cannot_give() -> None:
    tickets = {"ticket_id", "created_at", "resolved_at", "priority"}
    listed = _init_metrics({"tickets": tickets})
    for absent in ("nps", "ces", "reopen_rate", "one_touch_resolution_pct", "first_response_hours", "csat_pct"):
        assert absent not in listed
    # SLA: a priority gives the deadline from support.sla_hours.
    assert "sla_compliance_pct" in listed and "tickets_backlog" in listed
    more = _init_metrics({"tickets": tickets | {"nps", "reopens", "agent_replies", "first_response_at"}})
    for present in ("nps", "reopen_rate", "one_touch_resolution_pct", "first_response_hours"):
        assert present in more
    # Without a resolved date nothing that counts resolutions is listed.
    assert _init_metrics({"tickets": {"ticket_id", "created_at"}}) == ["tickets_created"]
    # The ledger reads a deal's source when present: CAC and CLV do not need it, the marketing share does.
    deals = _init_metrics({"deals": {"deal_id", "stage", "amount", "created_at", "closed_at"},
                           "spend": {"date", "amount"}})
    assert deals[:3] == ["cac", "clv", "cac_payback_months"] and "marketing_sourced_pct" not in deals


@pytest.mark.parametrize("export", ["kaggle_support_tickets.csv", "empty_zendesk"])
def test_init_lists_no_survey_or_reopen_metric_for_a_tickets_export_without_them(tmp_path: Path,
                                                                                 export: str) -> None:
    path = (_write(tmp_path, "zendesk.csv", ZENDESK.splitlines()[0] + "\n") if export == "empty_zendesk"
            else REAL / export)
    _, text, _ = _init(tmp_path, path)
    metrics = yaml.safe_load(text)["metrics"]
    assert "resolution_time_hours" in metrics
    assert not {"nps", "ces", "reopen_rate", "one_touch_resolution_pct"} & set(metrics)


def test_the_range_of_a_day_first_salesforce_file_is_dated_as_the_report_dates_it(tmp_path: Path) -> None:
    export = _write(tmp_path, "sf.csv", (
        '"Opportunity ID";"Account Name";"Stage";"Amount Currency";"Amount";"Created Date";"Close Date"\n'
        '"006A";"Acme";"Closed Won";"EUR";"13884,00";"3-5-2018";"17-7-2018"\n'
        '"006B";"Beta";"Closed Lost";"EUR";"500,00";"4-6-2018";"9-8-2018"\n'))
    out, text, _ = _init(tmp_path, export)
    # "17-7-2018" proves day-first for the source, so "3-5-2018" is 3 May (not 5 March) and the
    # range runs from the first create date, 2018-05-03, to the last close, 2018-08-09.
    assert yaml.safe_load(text)["range"] == {"from": date(2018, 5, 3), "to": date(2018, 8, 9)}
    values = _values(out, "--metrics", "sales_cycle_days", "--period", "quarter", "-f", "json")
    # The report reads it the same way: 3 May -> 17 July = 28 + 30 + 17 = 75 days.
    assert values["sales_cycle_days"]["2018-Q3"] == pytest.approx(75)


def test_first_replies_and_deadlines_do_not_stretch_the_range(tmp_path: Path) -> None:
    export = _write(tmp_path, "zendesk.csv", ZENDESK.splitlines()[0] + "\n"
                    "1,Solved,Normal,Web,Ann,Acme,2025-01-06 09:00:00,2025-01-07 15:00:00,"
                    "2025-02-03 10:00:00,2025-03-01 12:00:00,\n")
    _, text, _ = _init(tmp_path, export)
    # Created 01-06 and solved 01-07 are the events; the reply (counted in its ticket's creation
    # period) and the deadline are no events, so February and March hold nothing to show.
    assert yaml.safe_load(text)["range"] == {"from": date(2025, 1, 6), "to": date(2025, 1, 7)}


def test_the_layout_is_decided_from_all_files_of_a_table(tmp_path: Path) -> None:
    header = '"Opportunity ID";"Account Name";"Stage";"Amount";"Created Date";"Close Date"\n'
    proving = _write(tmp_path, "a.csv", header + '"006A";"Acme";"Closed Won";"10";"20-6-2018";"17-7-2018"\n')
    # Alone, this file's dates are ambiguous and read month-first (5 March, 6 April).
    ambiguous = _write(tmp_path, "b.csv", header + '"006B";"Beta";"Closed Lost";"5";"3-5-2018";"4-6-2018"\n')
    _, text, _ = _init(tmp_path, proving, ambiguous)
    assert yaml.safe_load(text)["sources"]["deals"]["path"] == ["a.csv", "b.csv"]
    # The report reads the source day-first from a.csv's 20-6 and 17-7, so b.csv's 3-5-2018 is 3 May:
    # the range runs from 2018-05-03 to a.csv's close, 2018-07-17.
    assert yaml.safe_load(text)["range"] == {"from": date(2018, 5, 3), "to": date(2018, 7, 17)}


def test_init_says_which_columns_and_which_needed_fields_it_did_not_read(tmp_path: Path) -> None:
    # "Client" and "Kind" are the user's words for the account and the deal type: no synonym reads
    # them, so init names them and what their absence costs instead of dropping them silently.
    (tmp_path / "deals.csv").write_text("Ref,Client,Phase,Value,Opened,Closed,Kind\n"
                                        "1,Acme,Won,1000,2025-01-01,2025-01-10,New\n"
                                        "4,Acme,Won,1200,2025-10-01,2026-01-10,Renewal\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["init", str(tmp_path / "deals.csv"), "-o", str(tmp_path / "c.yaml")])
    assert result.exit_code == 0, result.output
    assert "  NOT READ: deal_type: no column found; every deal reads as new" in result.output
    assert "  NOT READ: account_name: no column found; without an account" in result.output
    assert "  columns not read: Client, Kind (map one under sources.deals.columns if it is a field)" in result.output
    assert "# columns not read: Client, Kind" in (tmp_path / "c.yaml").read_text(encoding="utf-8")
