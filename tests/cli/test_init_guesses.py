"""init's guesses are never shown as facts: they go under guessed_columns:, one header is never read
for two fields, and every format of the report marks a guess until the user moves it under columns:."""

from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path

import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

from crm_metrics.cli.app import app
from tests.conftest import ROOT

runner = CliRunner()
REAL = ROOT / "tests" / "fixtures" / "exports" / "real"
KAGGLE_GUESS = ("tickets: created_at guessed from 'Date of Purchase': confirm it by moving it from "
                "sources.tickets.guessed_columns to sources.tickets.columns")
YEARS = ("--period", "year", "--from", "2020-01-01", "--to", "2023-12-31")


def _init(tmp_path: Path, export: str) -> tuple[Path, dict, str]:
    out = tmp_path / "c.yaml"
    result = runner.invoke(app, ["init", str(REAL / export), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out, yaml.safe_load(out.read_text(encoding="utf-8")), result.stdout


def _headers_read(source: dict) -> list[str]:
    return [*source.get("columns", {}).values(), *source.get("guessed_columns", {}).values()]


def test_init_on_olist_never_reads_won_date_twice(tmp_path: Path) -> None:
    _, config, screen = _init(tmp_path, "olist_closed_deals.csv")
    deals = config["sources"]["deals"]
    assert deals["columns"] == {"closed_at": "won_date"}
    # declared_monthly_revenue is the seller's declared revenue, not the deal's worth: a loose name,
    # so a guess, said as one on screen.
    assert deals["guessed_columns"] == {"amount": "declared_monthly_revenue", "deal_id": "mql_id", "stage": "=Won"}
    assert "GUESS: amount <- 'declared_monthly_revenue' (a loose name for it)" in screen
    headers = _headers_read(deals)
    assert len(headers) == len(set(headers))
    assert "created_at" not in deals["columns"] and "created_at" not in deals["guessed_columns"]
    assert "GUESS: deal_id <- 'mql_id'" in screen
    assert "GUESS: stage = 'Won' on every row" in screen
    assert "NOT FOUND: created_at: the only column that could be created_at, 'won_date', is read as closed_at" in screen


def test_init_on_kaggle_writes_the_purchase_date_as_a_guess(tmp_path: Path) -> None:
    _, config, screen = _init(tmp_path, "kaggle_support_tickets.csv")
    tickets = config["sources"]["tickets"]
    assert tickets["guessed_columns"] == {"created_at": "Date of Purchase"}
    assert "created_at" not in tickets["columns"]
    headers = _headers_read(tickets)
    assert len(headers) == len(set(headers))
    assert "GUESS: created_at <- 'Date of Purchase' (from the values)" in screen


def test_every_format_marks_the_guess(tmp_path: Path) -> None:
    config, _, _ = _init(tmp_path, "kaggle_support_tickets.csv")
    table = runner.invoke(app, ["report", "-c", str(config), *YEARS])
    assert table.exit_code == 0, table.output
    caption = "tickets columns by config map (words of preset generic) with 1 unconfirmed guess (created_at)"
    assert caption in table.stdout and KAGGLE_GUESS in table.stdout
    for suffix in ("md", "html"):
        runner.invoke(app, ["report", "-c", str(config), *YEARS, "-o", str(tmp_path / f"r.{suffix}")])
        text = (tmp_path / f"r.{suffix}").read_text(encoding="utf-8")
        # Read as shown: Markdown's escapes and html's entities undone.
        shown = html.unescape(text) if suffix == "html" else text.replace("\\", "")
        assert caption in shown and KAGGLE_GUESS in shown
    runner.invoke(app, ["report", "-c", str(config), *YEARS, "-o", str(tmp_path / "r.xlsx")])
    cells = [c.value for row in load_workbook(tmp_path / "r.xlsx")["Report"].iter_rows() for c in row]
    assert f"Note: {KAGGLE_GUESS}" in cells
    data = json.loads(runner.invoke(app, ["report", "-c", str(config), *YEARS, "-f", "json"]).stdout)
    assert data["data_quality"]["tickets"]["guessed_columns"] == {"created_at": "Date of Purchase"}


def test_moving_the_guess_under_columns_removes_the_mark(tmp_path: Path) -> None:
    path, config, _ = _init(tmp_path, "kaggle_support_tickets.csv")
    tickets = config["sources"]["tickets"]
    tickets["columns"].update(tickets.pop("guessed_columns"))
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    table = runner.invoke(app, ["report", "-c", str(path), *YEARS])
    assert table.exit_code == 0, table.output
    assert "guess" not in table.stdout
    data = json.loads(runner.invoke(app, ["report", "-c", str(path), *YEARS, "-f", "json"]).stdout)
    assert "guessed_columns" not in data["data_quality"]["tickets"]
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["report", "-c", str(path), *YEARS,
                                                                 "-f", "csv"]).stdout)))
    assert rows and not any("guess" in row["note"] for row in rows)


def test_a_field_both_confirmed_and_guessed_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("sources:\n  tickets:\n    path: t.csv\n    columns: {created_at: Opened}\n"
                      "    guessed_columns: {created_at: Date of Purchase}\n", encoding="utf-8")
    result = runner.invoke(app, ["report", "-c", str(config)])
    assert result.exit_code == 2
    assert result.stderr == (f"crm-metrics: error: {config}: sources.tickets: created_at in both columns and "
                             "guessed_columns: keep it under columns (confirmed) and delete it from guessed_columns\n")


def test_a_guessed_column_that_is_no_field_is_named_as_such(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("Ticket ID,Opened\n1,2025-01-02\n", encoding="utf-8")
    config = tmp_path / "c.yaml"
    config.write_text("sources:\n  tickets:\n    path: t.csv\n    columns: {ticket_id: Ticket ID}\n"
                      "    guessed_columns: {opened_at: Opened}\n", encoding="utf-8")
    result = runner.invoke(app, ["report", "-c", str(config)])
    assert result.exit_code == 2
    assert (f"{config}: sources.tickets.guessed_columns.opened_at: not a field of tickets" in result.stderr)
