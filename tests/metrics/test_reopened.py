"""Reopened tickets: with both a first-solved and a last-solved time, support.resolution picks the
first solve or the full (last) one, as the help desks do; full is the default."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from crm_metrics.config.model import parse_config
from crm_metrics.errors import ConfigError
from tests._tickets import run_tickets, values

# first_resolved_at is the first solve, resolved_at the last one (blank: reopened and open again).
REOPENED = """
ticket_id,created_at,first_resolved_at,resolved_at
1,2025-02-03 09:00,2025-02-03 11:00,2025-02-05 09:00
2,2025-02-10 09:00,2025-02-10 10:00,2025-02-10 10:00
3,2025-03-28 09:00,2025-03-28 13:00,2025-04-02 09:00
4,2025-03-03 09:00,2025-03-03 12:00,
"""
METRICS = ["tickets_resolved", "resolution_time_hours"]


def test_full_resolution_is_the_default(tmp_path: Path) -> None:
    report = run_tickets(tmp_path, REOPENED, METRICS)
    # Last solves: #1 5 Feb (48 h), #2 10 Feb (1 h) in Q1; #3 2 Apr (120 h) in Q2; #4 is open again.
    # Q1: 2 resolved, median (48 + 1) / 2 = 24.5 h; Q2: 1 resolved, 120 h
    assert values(report, "tickets_resolved") == {"2025-Q1": 2.0, "2025-Q2": 1.0}
    assert values(report, "resolution_time_hours") == {"2025-Q1": 24.5, "2025-Q2": 120.0}


def test_first_resolution(tmp_path: Path) -> None:
    report = run_tickets(tmp_path, REOPENED, METRICS, support={"resolution": "first"})
    # First solves, all in Q1: #1 2 h, #2 1 h, #3 4 h, #4 3 h. Median of (1, 2, 3, 4) = 2.5 h
    assert values(report, "tickets_resolved") == {"2025-Q1": 4.0, "2025-Q2": 0.0}
    assert values(report, "resolution_time_hours")["2025-Q1"] == 2.5
    result = next(r for r in report.metrics if r.metric.id == "resolution_time_hours")
    assert result.cells["2025-Q2"].value is None
    assert result.cells["2025-Q2"].note == "no tickets resolved"


def test_first_resolution_in_business_hours(tmp_path: Path) -> None:
    report = run_tickets(tmp_path, REOPENED, ["resolution_time_hours_mean"],
                         support={"resolution": "first", "business_hours": {"schedule": "mon-fri 09:00-17:00"}})
    # First solves inside Mon-Fri 09-17 are the same in business time: (2 + 1 + 4 + 3) / 4 = 2.5 h
    assert values(report, "resolution_time_hours_mean")["2025-Q1"] == 2.5


def test_without_a_first_solved_column_nothing_changes(tmp_path: Path) -> None:
    export = "\n".join(line.rsplit(",", 2)[0] + "," + line.rsplit(",", 1)[1]
                       for line in REOPENED.strip().splitlines())
    report = run_tickets(tmp_path, export, METRICS, support={"resolution": "first"})
    # Only resolved_at: same as full resolution above. Q1 median 24.5 h, Q2 120 h
    assert values(report, "resolution_time_hours") == {"2025-Q1": 24.5, "2025-Q2": 120.0}


def test_unknown_resolution_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"c.yaml: support.resolution: Input should be 'first' or 'full'"):
        parse_config({"support": {"resolution": "last"}}, "c.yaml", tmp_path)


def test_exported_resolution_time_is_checked_against_the_last_solve(tmp_path: Path) -> None:
    from crm_metrics.clean.durations import duration_disagreements
    from crm_metrics.pipeline import load_tables

    (tmp_path / "tickets.csv").write_text(
        "ticket_id,created_at,first_resolved_at,resolved_at,resolution_duration\n"
        "1,2025-02-03 09:00,2025-02-03 11:00,2025-02-05 09:00,48:00:00\n"
    )
    config = parse_config({"support": {"resolution": "first"}, "sources": {"tickets": {"path": "tickets.csv"}}},
                          "c.yaml", tmp_path)
    tickets = load_tables(config, {"tickets"}).frames["tickets"]
    # The metrics use the first solve (2 h) ...
    assert tickets["resolved_at"].iloc[0] == pd.Timestamp("2025-02-03 11:00")
    # ... but the desk's resolution time is the full one: 3 Feb 09:00 -> 5 Feb 09:00 = 48 h, as
    # exported, so nothing disagrees.
    assert duration_disagreements(tickets).empty
