"""The leads, activities and stage_changes tables of metrics.md section 1: read by their generic
headers, cleaned by field kind, activity types reduced to call / meeting / email / task / other."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crm_metrics.config.model import parse_config
from crm_metrics.pipeline import load_tables

ACTIVITIES = """activity_id,activity_date,activity_type,owner,deal_id
A1,2025-03-03,Outbound call,Ann,D1
A2,2025-03-04,Logged meeting,Ann,D1
A3,2025-03-05,Site visit,Bob,D2
A4,2025-03-06,Email,Bob,
A5,2025-03-07,To-do,Bob,
A6,2025-03-08,LinkedIn message,Ann,
A7,2025-03-09,Demo call,Ann,D2
"""


def _config(folder: Path, sources: dict[str, Any], **settings: Any) -> Any:
    return parse_config({"timezone": "UTC", "sources": sources, **settings}, origin="t.yaml", base_dir=folder)


def test_activity_types_become_the_five_kinds(tmp_path: Path) -> None:
    (tmp_path / "activities.csv").write_text(ACTIVITIES)
    config = _config(tmp_path, {"activities": {"path": "activities.csv"}})
    frame = load_tables(config, {"activities"}).frames["activities"]
    # "Demo call": the built-in words are tried in order, call before meeting.
    assert frame["type"].tolist() == ["call", "meeting", "meeting", "email", "task", "other", "call"]
    assert frame["type_label"].tolist()[0] == "Outbound call"
    assert str(frame["at"].dtype).startswith("datetime64")


def test_the_configs_activity_words_win(tmp_path: Path) -> None:
    (tmp_path / "activities.csv").write_text(ACTIVITIES)
    config = _config(tmp_path, {"activities": {"path": "activities.csv"}},
                     activity_types={"meeting": ["Demo call"], "call": ["LinkedIn message"]})
    frame = load_tables(config, {"activities"}).frames["activities"]
    assert frame["type"].tolist() == ["call", "meeting", "meeting", "email", "task", "call", "meeting"]


def test_leads_and_stage_changes_are_read_by_their_generic_headers(tmp_path: Path) -> None:
    # Olist's MQL export: mql_id, first_contact_date (day-first), landing_page_id, origin.
    (tmp_path / "mql.csv").write_text("mql_id,first_contact_date,landing_page_id,origin\n"
                                      "m1,01-02-2018,p1,social\nm2,20-10-2017,p2,paid_search\n")
    (tmp_path / "history.csv").write_text("opportunity_id,to_stage,changed_at\n"
                                          "D1,Qualification,2025-01-02\nD1,Proposal,2025-01-09\n")
    config = _config(tmp_path, {"leads": {"path": "mql.csv"}, "stage_changes": {"path": "history.csv"}})
    frames = load_tables(config, {"leads", "stage_changes"}).frames
    leads = frames["leads"]
    assert leads["lead_id"].tolist() == ["m1", "m2"]
    assert leads["source"].tolist() == ["social", "paid_search"]
    # 20-10-2017 proves the column day-first, so 01-02-2018 is 1 February.
    assert [str(d.date()) for d in leads["created_at"]] == ["2018-02-01", "2017-10-20"]
    stages = frames["stage_changes"]
    assert stages["stage"].tolist() == ["Qualification", "Proposal"]
    assert stages["entered_at"].notna().all()
