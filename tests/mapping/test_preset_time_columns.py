"""The vendor presets read every documented time column that has a canonical field (issue 16's
per-preset review): Zendesk's first resolution minutes, Salesforce's Cases report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crm_metrics.api import report
from crm_metrics.config.model import parse_config
from crm_metrics.periods import PeriodKind
from crm_metrics.pipeline import RunOptions

# Zendesk CSV export columns (developer.zendesk.com ticket_metrics: first and full resolution in
# minutes). Ticket 1 was solved, reopened and solved again; ticket 2 solved once.
ZENDESK = ("ID,Status,Priority,Created at,Solved at,First reply time in minutes,"
           "First resolution time in minutes,Full resolution time in minutes\n"
           "1,Solved,Normal,2025-01-06 09:00,2025-01-08 09:00,30,240,2880\n"
           "2,Solved,Normal,2025-01-07 10:00,2025-01-07 12:00,15,120,120\n")

# Salesforce Cases report (field labels of developer.salesforce.com's Case field reference).
SALESFORCE = """Case Number,Status,Priority,Case Origin,Case Owner,Account Name,Date/Time Opened,Date/Time Closed
00001001,Closed,High,Email,Ann,Acme,2025-02-03 09:00,2025-02-03 15:00
00001002,Closed,Low,Phone,Ben,Bolt,2025-02-04 10:00,2025-02-06 10:00
00001003,New,Medium,Web,Ann,Acme,2025-02-05 08:00,
"""


def _run(tmp_path: Path, text: str, preset: str, metrics: list[str], **settings: object) -> dict:
    (tmp_path / "tickets.csv").write_text(text)
    config = parse_config({"metrics": metrics, **settings,
                           "sources": {"tickets": {"path": "tickets.csv", "preset": preset}}},
                          origin="test.yaml", base_dir=tmp_path)
    result = report(config, RunOptions(period=PeriodKind.QUARTER, date_from=date(2025, 1, 1),
                                       date_to=date(2025, 3, 31), today=date(2025, 6, 1)))
    return {r.metric.id: r.cells["2025-Q1"].value for r in result.metrics}


def test_zendesk_first_resolution_minutes_tell_a_reopened_ticket(tmp_path: Path) -> None:
    # Ticket 1: first solve 09:00 + 240 min = Jan 6 13:00, final solve Jan 8 09:00: reopened.
    # Ticket 2: first solve = final solve (10:00 + 120 min = 12:00): not reopened. 1 / 2.
    values = _run(tmp_path, ZENDESK, "zendesk", ["reopen_rate"])
    assert values["reopen_rate"] == pytest.approx(1 / 2)


def test_zendesk_first_resolution_as_the_resolution(tmp_path: Path) -> None:
    # support.resolution: first: ticket 1 took 4 h to its first solve, ticket 2 2 h; median 3 h.
    values = _run(tmp_path, ZENDESK, "zendesk", ["resolution_time_hours"], support={"resolution": "first"})
    assert values["resolution_time_hours"] == pytest.approx(3.0)


def test_salesforce_cases_report(tmp_path: Path) -> None:
    # Created: 3 cases in Q1. Resolved: 1001 in 6 h, 1002 in 48 h; median (6 + 48) / 2 = 27 h.
    values = _run(tmp_path, SALESFORCE, "salesforce", ["tickets_created", "resolution_time_hours"])
    assert values == {"tickets_created": 3, "resolution_time_hours": pytest.approx(27.0)}
