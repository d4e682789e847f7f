"""`validate`, the report's data-problem footer and `--strict` read the same cleaned tables as the
metrics: each file cleaned with its own vocabulary, then the files combined (issue "One pipeline,
one truth")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crm_metrics.cli.app import app
from tests.clean.test_categories import EXPORT_FILES

ROOT = Path(__file__).resolve().parents[2]
EXPORTS = ROOT / "tests" / "fixtures" / "exports"
RANGE = ["--period", "quarter", "--from", "2015-01-01", "--to", "2026-06-30"]
runner = CliRunner()


def _json(args: list[str]) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = runner.invoke(app, args)
    return result.exit_code, (json.loads(result.stdout) if result.stdout.strip() else {})


def _init(export: Path, config: Path) -> None:
    made = runner.invoke(app, ["init", str(export), "-o", str(config)])
    assert made.exit_code == 0, made.output


def test_pipedrive_lost_deals_are_dated_from_lost_time_in_validate_too(tmp_path: Path) -> None:
    # pipedrive_deals.csv: deals 3 and 6 are lost, with "Deal - Won time" blank and "Deal - Lost
    # time" filled; the preset's coalesce dates them from Lost time. The report counts them closed
    # (close_rate uses them), so validate must not call them "won or lost deals without a close date".
    config = tmp_path / "c.yaml"
    _init(EXPORTS / "pipedrive_deals.csv", config)
    code, checked = _json(["validate", "--config", str(config), "--format", "json"])
    assert code == 0, checked
    [source] = checked["sources"]
    assert source["problems"] == []
    # Only deal 4 (open) has no close date once Won time and Lost time are read together.
    assert source["blanks"]["closed_at"] == 1
    strict = runner.invoke(app, ["report", "--config", str(config), *RANGE, "--strict", "-f", "json"])
    assert strict.exit_code == 0, strict.output
    report = json.loads(strict.stdout)
    assert not any("data problems" in n for n in report["notices"])
    # The report dates the lost deals from Lost time: deals 1, 2 and 5 won (closed 2025-02-10,
    # 03-01, 03-20), deals 3 and 6 lost (03-15, 02-20), all in 2025-Q1: close rate 3 / (3 + 2) = 0.6.
    assert report["metrics"][[m["id"] for m in report["metrics"]].index("close_rate")]["values"]["2025-Q1"] == 0.6
    assert "won or lost deals without a close date" not in report["data_quality"]["deals"]["left_out"]


ZENDESK = """ID,Subject,Status,Created at,Solved at,Satisfaction Score
1,Help 1,Solved,2025-01-06 09:00,2025-01-06 13:00,good
2,Help 2,Solved,2025-01-07 10:00,2025-01-08 10:00,bad
3,Help 3,Solved,2025-02-03 08:00,2025-02-03 10:00,good
4,Help 4,Open,2025-02-10 12:00,,unoffered
"""
HUBSPOT = """Ticket ID,Ticket name,Ticket status,Create date,Close date
101,Help 101,Closed,2025-01-08 09:00,2025-01-08 13:00
102,Help 102,New,2025-02-11 10:00,
"""


@pytest.mark.parametrize("order", [["zendesk.csv", "hubspot.csv"], ["hubspot.csv", "zendesk.csv"]])
def test_two_desks_in_one_source_each_read_with_their_own_words(tmp_path: Path, order: list[str]) -> None:
    (tmp_path / "zendesk.csv").write_text(ZENDESK)
    (tmp_path / "hubspot.csv").write_text(HUBSPOT)
    config = tmp_path / "c.yaml"
    paths = ", ".join(f'"{name}"' for name in order)
    config.write_text(f"metrics: [csat_pct]\nsources:\n  tickets:\n    path: [{paths}]\n")
    code, checked = _json(["validate", "--config", str(config), "--format", "json"])
    # Detection maps each file alone: Zendesk's "Created at" and HubSpot's "Create date" are the
    # created_at of their own file, not two candidates for one column.
    assert code == 0, checked
    assert checked["sources"][0]["rows"] == 6
    code, report = _json(["report", "--config", str(config), "--period", "quarter", "--from", "2025-01-01",
                          "--to", "2025-03-31", "-f", "json", "--strict"])
    assert code == 0, report
    [csat] = [m for m in report["metrics"] if m["id"] == "csat_pct"]
    # Zendesk's words through its own value map: good -> 5, bad -> 1, unoffered -> no rating.
    # Ratings in Q1 2025: 5 (ticket 1), 1 (ticket 2), 5 (ticket 3); 4-5 of them: 2 of 3 = 0.667.
    # HubSpot's tickets carry no score and count in neither.
    assert csat["values"]["2025-Q1"] == pytest.approx(2 / 3)


def _problem_counts(checked: dict, table: str) -> str:  # type: ignore[type-arg]
    return "; ".join(f"{p['count']:,} {p['message']}" for s in checked["sources"] if s["table"] == table
                     for p in s["problems"])


CONFIGS = [*EXPORT_FILES, ROOT / "sample_data" / "sample-config.yaml"]


@pytest.mark.parametrize("source", CONFIGS, ids=lambda p: p.name)
def test_validate_footer_and_strict_agree(source: Path, tmp_path: Path) -> None:
    if source.suffix == ".yaml":
        config = source
    else:
        config = tmp_path / "c.yaml"
        made = runner.invoke(app, ["init", str(source), "-o", str(config)])
        if made.exit_code != 0:
            pytest.skip(f"init does not take {source.name}")
    validate = runner.invoke(app, ["validate", "--config", str(config), "--format", "json"])
    assert validate.exit_code in (0, 4), validate.output
    checked = json.loads(validate.stdout)
    code, report = _json(["report", "--config", str(config), *RANGE, "-f", "json"])
    strict = runner.invoke(app, ["report", "--config", str(config), *RANGE, "--strict", "-f", "json"])
    if code == 2:  # the config itself is refused (salesforce_eu_semicolon.csv needs fx rates): both stop
        assert strict.exit_code == 2, strict.output
        return
    assert code == 0, report
    read = set(report["data_quality"])
    for table in read:
        line = _problem_counts(checked, table)
        footer = [n for n in report["notices"] if n.startswith(f"data problems in {table} ")]
        assert footer == ([f"data problems in {table} (crm-metrics validate): {line}"] if line else [])
    problems = [p for s in checked["sources"] if s["table"] in read for p in s["problems"]]
    assert strict.exit_code == (4 if problems else 0), strict.output
    for p in problems:
        assert f"crm-metrics: {p['table']}: {p['count']:,} {p['message']}" in strict.stderr


@pytest.mark.parametrize("metrics", ["tickets_created", "close_rate", "cac", "close_rate,csat_pct", "sales"])
def test_a_report_of_some_metrics_checks_what_validate_metrics_checks(metrics: str) -> None:
    # A report of named metrics reads only their columns (pipeline.fields_read); `validate --metrics`
    # with the same value checks exactly those, so footer, --strict and validate agree by construction.
    config = ROOT / "sample_data" / "sample-config.yaml"
    result = runner.invoke(app, ["validate", "--config", str(config), "--metrics", metrics, "--format", "json"])
    assert result.exit_code in (0, 4), result.output
    checked = json.loads(result.stdout)
    code, report = _json(["report", "--config", str(config), *RANGE, "--metrics", metrics, "-f", "json"])
    assert code == 0, report
    assert {s["table"] for s in checked["sources"]} == set(report["data_quality"])
    ids = ",".join(report["metrics"][i]["id"] for i in range(len(report["metrics"])))
    for table in report["data_quality"]:
        line = _problem_counts(checked, table)
        footer = [n for n in report["notices"] if n.startswith(f"data problems in {table} ")]
        assert footer == ([f"data problems in {table} (crm-metrics validate --metrics {ids}): {line}"]
                          if line else [])
    strict = runner.invoke(app, ["report", "--config", str(config), *RANGE, "--metrics", metrics, "--strict"])
    problems = [p for s in checked["sources"] for p in s["problems"]]
    assert strict.exit_code == (4 if problems else 0), strict.output
    if problems:
        assert f"run `crm-metrics validate --metrics {ids}` for the rows" in strict.stderr


def test_a_report_of_named_metrics_reads_only_their_columns(tmp_path: Path) -> None:
    # csat is read by csat_pct, not by tickets_created: its unreadable answer ("great!", row 3) is a
    # problem of the full report and of plain validate, not of `--metrics tickets_created`, which
    # does not read the column at all.
    (tmp_path / "tickets.csv").write_text(
        "Ticket,Opened,Rating\n"
        "T1,2025-01-10 09:00,5\n"
        "T2,2025-01-12 10:00,great!\n"
        "T3,2025-02-01 11:00,\n",
        encoding="utf-8")
    config = tmp_path / "c.yaml"
    config.write_text(
        "period: quarter\nsources:\n  tickets:\n    path: tickets.csv\n"
        "    columns: {ticket_id: Ticket, created_at: Opened, csat: Rating}\n", encoding="utf-8")
    narrow = ["--config", str(config), "--from", "2025-01-01", "--to", "2025-03-31"]
    code, report = _json(["report", *narrow, "--metrics", "tickets_created", "-f", "json"])
    assert code == 0, report
    # The typed columns read, each with its unreadable-cell count: csat is not among them.
    assert report["data_quality"]["tickets"]["unparseable"] == {"created_at": 0}
    assert not [n for n in report["notices"] if n.startswith("data problems")]
    assert report["metrics"][0]["values"]["2025-Q1"] == 3  # T1, T2, T3 opened in 2025-Q1
    narrow_check = runner.invoke(app, ["validate", "--config", str(config), "--metrics", "tickets_created"])
    assert narrow_check.exit_code == 0, narrow_check.output
    full_check = runner.invoke(app, ["validate", "--config", str(config)])
    assert full_check.exit_code == 4 and "PROBLEM 1 unparseable csat" in full_check.output
    code, full = _json(["report", *narrow, "-f", "json"])
    assert "data problems in tickets (crm-metrics validate): 1 unparseable csat" in full["notices"]


def test_named_metrics_read_every_date_so_the_layout_is_the_full_reports(tmp_path: Path) -> None:
    # created_at and closed_at alone are ambiguous (02/01/2025, 05/03/2025); proposal_at's
    # 20/01/2025 proves day-first for the source (metrics.md section 1). new_revenue does not read
    # proposal_at, but a report of it must still close D1 on 5 March and D2 on 4 February.
    (tmp_path / "deals.csv").write_text(
        "deal_id,stage,amount,created_at,closed_at,account_id,proposal_at\n"
        "D1,Closed Won,1000,02/01/2025,05/03/2025,A1,20/01/2025\n"
        "D2,Closed Won,2000,03/01/2025,04/02/2025,A2,25/01/2025\n", encoding="utf-8")
    config = tmp_path / "c.yaml"
    config.write_text("period: month\ncurrency: USD\nmetrics: [new_revenue, close_rate]\n"
                      "sources:\n  deals: {path: deals.csv}\n", encoding="utf-8")
    args = ["report", "--config", str(config), "--from", "2025-01-01", "--to", "2025-06-30", "-f", "json"]
    for extra in ([], ["--metrics", "new_revenue"]):
        code, report = _json([*args, *extra])
        assert code == 0, report
        revenue = next(m for m in report["metrics"] if m["id"] == "new_revenue")["values"]
        # Day-first: D2 (2,000) in February, D1 (1,000) in March; nothing in April or May.
        assert (revenue["2025-02"], revenue["2025-03"], revenue["2025-04"]) == (2000.0, 1000.0, 0.0)


def test_an_unreadable_preset_duration_is_a_validate_problem(tmp_path: Path) -> None:
    # Freshdesk's "First response time (in hrs)" is an H:MM:SS duration after creation (the preset's
    # durations); "soon" in ticket 2 cannot be read. The footer counted it; validate and --strict
    # must count the same cell.
    lines = (EXPORTS / "freshdesk_tickets.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].rsplit(",", 1)[0] + ",soon"
    export = tmp_path / "freshdesk.csv"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = tmp_path / "c.yaml"
    _init(export, config)
    code, checked = _json(["validate", "--config", str(config), "--format", "json"])
    assert code == 4
    [problem] = [p for s in checked["sources"] for p in s["problems"] if p["check"] == "unparseable"]
    assert (problem["count"], problem["message"]) == (1, "unparseable first_response_at")
    assert problem["examples"] == [[str(export), 3, "soon"]]
    strict = runner.invoke(app, ["report", "--config", str(config), *RANGE, "--strict"])
    assert strict.exit_code == 4
