"""validate flags distributions that cannot be right (checks.implausible_distributions): every close
date equal to its create date, support times over a year, one stage on a whole export. Counts by hand.

Row numbers are file rows with the header as row 1, so the first data row is row 2.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from typer.testing import CliRunner

from crm_metrics.checks import SourceCheck, check_frame
from crm_metrics.cli.app import app
from crm_metrics.config.model import Config, parse_config
from tests.conftest import ROOT

runner = CliRunner()
REAL = ROOT / "tests" / "fixtures" / "exports" / "real"
TODAY = date(2026, 1, 15)
DEALS = {"deal_id": "Deal ID", "stage": "Stage", "amount": "Amount", "created_at": "Created", "closed_at": "Closed"}


def _config(**keys: Any) -> Config:
    return parse_config({"timezone": "UTC", **keys}, origin="test.yaml", base_dir=Path("."))


def _check(table: str, columns: dict[str, str], rows: list[list[str]], config: Config | None = None) -> SourceCheck:
    raw = pd.DataFrame(rows, columns=[h for h in columns.values() if not h.startswith("=")],
                       dtype="string").replace("", None)
    return check_frame(table, raw, config or _config(), TODAY, columns)


def _problems(check: SourceCheck) -> dict[str, tuple[int, str, list[int]]]:
    return {p.check: (p.count, p.message, [row for _, row, _ in p.examples]) for p in check.problems}


def test_every_close_date_equal_to_its_create_date_is_flagged() -> None:
    # D1 and D2 have both dates and they are equal; D3 is open without a close date: 2 rows.
    rows = [["D1", "Closed Won", "100", "2025-01-02", "2025-01-02"],
            ["D2", "Closed Lost", "200", "2025-02-03", "2025-02-03"],
            ["D3", "Prospecting", "300", "2025-03-04", ""]]
    count, message, examples = _problems(_check("deals", DEALS, rows))["identical_dates"]
    assert (count, examples) == (2, [2, 3])
    assert message == "rows whose closed_at equals their created_at, on every row with both (one column read twice?)"


def test_one_close_date_after_its_create_date_is_fine() -> None:
    rows = [["D1", "Closed Won", "100", "2025-01-02", "2025-01-02"],
            ["D2", "Closed Lost", "200", "2025-02-03", "2025-02-04"]]
    assert "identical_dates" not in _problems(_check("deals", DEALS, rows))


def test_first_and_last_solve_equal_on_every_ticket_is_fine() -> None:
    # No ticket was reopened: first_resolved_at equals resolved_at everywhere, as it should.
    columns = {"ticket_id": "ID", "created_at": "Opened", "resolved_at": "Solved", "first_resolved_at": "First solved"}
    rows = [["T1", "2025-01-01 09:00", "2025-01-02 09:00", "2025-01-02 09:00"],
            ["T2", "2025-01-03 09:00", "2025-01-03 11:00", "2025-01-03 11:00"]]
    assert _problems(_check("tickets", columns, rows)) == {}


def test_support_times_over_a_year_are_flagged() -> None:
    columns = {"ticket_id": "ID", "created_at": "Opened", "resolved_at": "Solved", "first_response_at": "Replied"}
    rows = [
        # 2024-01-01 -> 2025-01-01 is 366 days (2024 is a leap year): over a year; replied in 1 h.
        ["T1", "2024-01-01 09:00", "2025-01-01 09:00", "2024-01-01 10:00"],
        # 364 days: under a year.
        ["T2", "2025-01-01 09:00", "2025-12-31 09:00", "2025-01-01 10:00"],
        # 731 days to solve, 366 to reply: both over a year.
        ["T3", "2023-01-01 09:00", "2025-01-01 09:00", "2024-01-01 10:00"],
        ["T4", "2025-03-01 09:00", "", ""],
    ]
    found = _problems(_check("tickets", columns, rows))
    assert found["year_long_resolved_at"][:2] == (2, "tickets resolved more than a year after they were created "
                                                     "(is created_at the right column?)")
    assert found["year_long_resolved_at"][2] == [2, 4]
    assert found["year_long_first_response_at"][:1] == (1,) and found["year_long_first_response_at"][2] == [4]


def _won_deals(count: int, stage: str = "Closed Won") -> list[list[str]]:
    return [[f"D{i}", stage, "100", "2025-01-02", f"2025-02-{i % 28 + 1:02d}"] for i in range(count)]


def test_one_stage_on_a_whole_export_is_flagged_above_twenty_rows() -> None:
    count, message, _ = _problems(_check("deals", DEALS, _won_deals(21)))["constant_stage"]
    assert count == 21
    assert message == ("deals all in stage 'Closed Won' (an export of one outcome gives a close rate of 0 or "
                       "100 %: export every stage)")
    assert "constant_stage" not in _problems(_check("deals", DEALS, _won_deals(20)))


def test_a_guessed_constant_stage_is_flagged_and_a_confirmed_one_is_not() -> None:
    columns = {**DEALS, "stage": "=Won"}
    rows = [[d, a, c, z] for d, _, a, c, z in _won_deals(3)]
    guessed = _config(sources={"deals": {"path": "x.csv", "columns": {k: v for k, v in DEALS.items() if k != "stage"},
                                         "guessed_columns": {"stage": "=Won"}}})
    count, message, _ = _problems(_check("deals", columns, rows, guessed))["constant_stage"]
    assert count == 3
    assert message == ("deals all given stage 'Won' by a guess (close rate 100 % by construction): confirm it by "
                       "moving it from sources.deals.guessed_columns to sources.deals.columns")
    confirmed = _config(sources={"deals": {"path": "x.csv", "columns": columns}})
    assert "constant_stage" not in _problems(_check("deals", columns, rows, confirmed))


def test_validate_on_the_kaggle_config_flags_the_year_long_times(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    assert runner.invoke(app, ["init", str(REAL / "kaggle_support_tickets.csv"), "-o", str(config)]).exit_code == 0
    result = runner.invoke(app, ["validate", "-c", str(config), "-f", "json"])
    assert result.exit_code == 4
    problems = {p["check"]: p["count"] for p in json.loads(result.stdout)["sources"][0]["problems"]}
    # created_at <- 'Date of Purchase' (2020-2021); tickets 3, 4, 5 resolved on 2023-06-01, and
    # tickets 1-5 first answered on 2023-06-01: all more than a year later.
    assert problems["year_long_resolved_at"] == 3
    assert problems["year_long_first_response_at"] == 5


def test_validate_on_olist_read_twice_flags_identical_dates(tmp_path: Path) -> None:
    # What init used to write: won_date as both created_at and closed_at; every one of the 30
    # rows has a won_date, so all 30 have equal dates.
    config = tmp_path / "c.yaml"
    config.write_text(yaml.safe_dump({"sources": {"deals": {"path": str(REAL / "olist_closed_deals.csv"), "columns": {
        "deal_id": "mql_id", "stage": "=Won", "amount": "declared_monthly_revenue", "created_at": "won_date",
        "closed_at": "won_date"}}}}), encoding="utf-8")
    result = runner.invoke(app, ["validate", "-c", str(config), "-f", "json"])
    assert result.exit_code == 4
    problems = {p["check"]: p["count"] for p in json.loads(result.stdout)["sources"][0]["problems"]}
    assert problems == {"identical_dates": 30}
