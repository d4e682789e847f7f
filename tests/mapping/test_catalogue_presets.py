"""The vendor presets' leads, activities and stage_changes tables, read through header detection
(no preset named: every preset's headers are synonyms, the best fit is guessed) and through
`preset:`, from headers the brief and ../shared/vendor-headers.md give."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_metrics.config.model import parse_config
from crm_metrics.mapping.columns import detect_columns, map_columns
from crm_metrics.pipeline import load_tables
from crm_metrics.schema import TABLES

CASES = [
    ("leads", "hubspot",
     ["Record ID", "First Name", "Create Date", "Lifecycle Stage", "Lead Status", "Contact owner",
      "Original Source", "Became a Customer Date"],
     {"lead_id": "Record ID", "created_at": "Create Date", "status": "Lifecycle Stage", "owner": "Contact owner",
      "source": "Original Source", "converted_at": "Became a Customer Date"}),
    ("leads", "salesforce",
     ["Lead ID", "Company / Account", "Create Date", "Lead Source", "Lead Status", "Converted", "Converted Date",
      "Lead Owner"],
     {"lead_id": "Lead ID", "created_at": "Create Date", "source": "Lead Source", "status": "Lead Status",
      "converted_at": "Converted Date", "owner": "Lead Owner"}),
    ("activities", "hubspot",
     ["Activity ID", "Activity Type", "Activity Date", "Activity Owner", "Call outcome"],
     {"activity_id": "Activity ID", "type": "Activity Type", "at": "Activity Date", "owner": "Activity Owner",
      "outcome": "Call outcome"}),
    ("activities", "salesforce",
     ["Activity ID", "Task/Event", "Subject", "Date", "Assigned", "Opportunity"],
     {"activity_id": "Activity ID", "type": "Task/Event", "at": "Date", "owner": "Assigned",
      "deal_id": "Opportunity"}),
    ("activities", "pipedrive",
     ["Activity - ID", "Activity - Type", "Activity - Due date", "Activity - Done", "Activity - Deal ID"],
     {"activity_id": "Activity - ID", "type": "Activity - Type", "at": "Activity - Due date",
      "outcome": "Activity - Done", "deal_id": "Activity - Deal ID"}),
    ("stage_changes", "salesforce",
     ["Opportunity ID", "Opportunity Name", "Stage", "Amount", "Last Modified"],
     {"deal_id": "Opportunity ID", "stage": "Stage", "entered_at": "Last Modified"}),
]


@pytest.mark.parametrize(("table", "vendor", "headers", "expected"), CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_detection_reads_the_vendor_headers_and_guesses_the_vendor(
        table: str, vendor: str, headers: list[str], expected: dict[str, str]) -> None:
    fields, guessed = detect_columns(table, headers, "export.csv")
    assert {k: v for k, v in fields.items() if k in expected} == expected
    assert guessed == vendor


@pytest.mark.parametrize(("table", "vendor", "headers", "expected"), CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_the_preset_reads_them_too(table: str, vendor: str, headers: list[str], expected: dict[str, str]) -> None:
    mapped = map_columns(TABLES[table], headers, {}, "t.yaml", "export.csv", preset=vendor)
    assert {k: v for k, v in mapped.fields.items() if k in expected} == expected


def test_a_salesforce_tasks_and_events_report_through_the_pipeline(tmp_path: Path) -> None:
    (tmp_path / "activities.csv").write_text(
        '"Activity ID","Task/Event","Subject","Date","Assigned","Opportunity"\n'
        '"00T1","Task","Call back","3/4/2025","Ann Lee","006A"\n'
        '"00U1","Event","Onsite demo","3/5/2025","Bob Ray","006A"\n')
    config = parse_config({"sources": {"activities": {"path": "activities.csv", "preset": "salesforce"}}},
                          origin="t.yaml", base_dir=tmp_path)
    frame = load_tables(config, {"activities"}).frames["activities"]
    # Without a Type column, a Task is a task and an Event a meeting.
    assert frame["type"].tolist() == ["task", "meeting"]
    assert [str(d.date()) for d in frame["at"]] == ["2025-03-04", "2025-03-05"]
