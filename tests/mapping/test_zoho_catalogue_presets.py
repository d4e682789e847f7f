"""The Zoho CRM preset's activities (Calls, Tasks, Events exports) and stage history (the Deals "Stage
History" list), read through header detection, through `preset: zoho`, through `init` and through the
pipeline to the numbers (headers and their sources: crm_metrics/presets/zoho.yaml)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crm_metrics import api
from crm_metrics.api import report as run
from crm_metrics.config.model import parse_config
from crm_metrics.mapping.columns import detect_columns, map_columns
from crm_metrics.periods import PeriodKind
from crm_metrics.pipeline import RunOptions
from crm_metrics.schema import TABLES

CALLS = ("Record Id,Call Owner,Subject,Call Type,Call Purpose,Call Start Time,Call Duration,Call Result,"
         "Created Time\n"
         "zcrm_1,Ann Lee,Intro,Outbound,Prospecting,2025-01-06 10:00:00,05:00,Interested,2025-01-06 10:05:00\n"
         "zcrm_2,Bob Ray,Follow-up,Inbound,,2025-01-07 11:00:00,03:00,,2025-01-07 11:03:00\n"
         "zcrm_3,Ann Lee,No answer,Missed,,2025-02-03 09:00:00,00:00,,2025-02-03 09:00:00\n")
STAGE_HISTORY = ("Deal Name,Stage,Amount,Probability (%),Expected Revenue,Closing Date,Modified Time,Modified By\n"
                 "Acme - New,Qualification,1000,10,100,2025-03-31,2025-01-02 09:00:00,Ann Lee\n"
                 "Acme - New,Proposal/Price Quote,1000,75,750,2025-03-31,2025-01-12 09:00:00,Ann Lee\n"
                 "Acme - New,Closed Won,1000,100,1000,2025-03-31,2025-02-01 09:00:00,Ann Lee\n")
TASKS = ("Record Id,Task Owner,Subject,Due Date,Status,Priority,Related To,Created Time\n"
         "zcrm_7,Ann Lee,Send proposal,2025-01-10,Completed,High,Acme - New,2025-01-03 09:00:00\n"
         "zcrm_8,Bob Ray,Call back,2025-02-11,Not Started,Normal,Beta - New,2025-02-01 09:00:00\n")

CASES = [
    ("activities", CALLS, {"activity_id": "Record Id", "owner": "Call Owner", "type": "Call Type",
                           "at": "Call Start Time", "outcome": "Call Result"}),
    ("stage_changes", STAGE_HISTORY, {"deal_id": "Deal Name", "stage": "Stage", "entered_at": "Modified Time"}),
]


@pytest.mark.parametrize(("table", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_detection_and_the_preset_read_the_zoho_headers(table: str, text: str, expected: dict[str, str]) -> None:
    headers = text.splitlines()[0].split(",")
    fields, vendor = detect_columns(table, headers, "export.csv")
    assert (fields, vendor) == (expected, "zoho")
    assert map_columns(TABLES[table], headers, {}, "t.yaml", "export.csv", preset="zoho").fields == expected


def test_init_recognises_the_zoho_calls_and_stage_history(tmp_path: Path) -> None:
    calls, history = tmp_path / "Calls.csv", tmp_path / "Stage_History.csv"
    calls.write_text(CALLS, encoding="utf-8")
    history.write_text(STAGE_HISTORY, encoding="utf-8")
    plan = api.plan_init([calls, history], tmp_path / "crm-metrics.yaml")
    assert plan.skipped == []
    assert [(t.table, t.preset) for t in plan.tables] == [("activities", "zoho"), ("stage_changes", "zoho")]


def _report(tmp_path: Path, sources: dict[str, dict[str, object]], metrics: tuple[str, ...]) -> dict:
    config = parse_config({"sources": sources}, origin=str(tmp_path / "c.yaml"), base_dir=tmp_path)
    report = run(config, RunOptions(period=PeriodKind.MONTH, date_from=date(2025, 1, 1), date_to=date(2025, 2, 28),
                                    metrics=metrics, today=date(2026, 1, 15)))
    return {r.metric.id: ({label: c.value for label, c in r.cells.items()},
                          {g: {label: c.value for label, c in cells.items()} for g, cells in (r.groups or {}).items()})
            for r in report.metrics}


def test_zoho_calls_and_stage_history_through_the_pipeline(tmp_path: Path) -> None:
    (tmp_path / "calls.csv").write_text(CALLS, encoding="utf-8")
    (tmp_path / "history.csv").write_text(STAGE_HISTORY, encoding="utf-8")
    got = _report(tmp_path, {"activities": {"path": "calls.csv", "preset": "zoho"},
                             "stage_changes": {"path": "history.csv", "preset": "zoho"}},
                  ("sales_calls", "stage_duration_days"))
    # Outbound and Inbound in January, Missed in February: every Zoho call is a call.
    assert got["sales_calls"][0] == {"2025-01": 2, "2025-02": 1}
    # Acme entered Qualification Jan 2, Proposal Jan 12, Closed Won Feb 1: Qualification 10 days
    # (left in January), Proposal 20 days (left in February); Closed Won has not ended.
    totals, stages = got["stage_duration_days"]
    assert totals == {"2025-01": 10.0, "2025-02": 20.0}
    assert stages["Qualification"]["2025-01"] == 10.0 and stages["Proposal/Price Quote"]["2025-02"] == 20.0


def test_a_zoho_tasks_export_takes_its_type_from_the_config(tmp_path: Path) -> None:
    (tmp_path / "tasks.csv").write_text(TASKS, encoding="utf-8")
    got = _report(tmp_path, {"activities": {"path": "tasks.csv", "preset": "zoho", "columns": {"type": "=task"}}},
                  ("activities_logged", "sales_calls"))
    # Two tasks, due Jan 10 and Feb 11; "Call back" in a subject does not make a task a call.
    assert got["activities_logged"][0] == {"2025-01": 1, "2025-02": 1}
    assert got["sales_calls"][0] == {"2025-01": 0, "2025-02": 0}
