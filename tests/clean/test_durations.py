"""Durations the help desk exports: the HH:MM:SS parser, numbers in minutes or hours, filling
timestamps that are missing, and the rows where durations and timestamps disagree (validate)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crm_metrics.business_hours import from_config
from crm_metrics.clean.durations import DurationUnit, duration_disagreements, parse_durations
from crm_metrics.config.model import Config, parse_config
from crm_metrics.pipeline import load_tables
from tests._tickets import run_tickets, values


def test_clock_text_with_hours_past_a_day() -> None:
    parsed = parse_durations(pd.Series(["01:30:00", "30:15:00", "0:45", " 00:00:30 "]), DurationUnit.HOURS)
    # 1 h 30 m = 5,400 s; 30 h 15 m = 108,000 + 900 = 108,900 s; H:MM 0:45 = 2,700 s; 30 s
    assert parsed.values.tolist() == [5400.0, 108900.0, 2700.0, 30.0]
    assert parsed.bad == 0


def test_blank_is_missing_and_malformed_is_counted() -> None:
    parsed = parse_durations(pd.Series(["", None, "abc", "1:75:00", "-01:00:00", "02:00:00"], dtype=object),
                             DurationUnit.HOURS)
    # blank and None: missing, not bad; "abc", minutes 75, a negative time: 3 unparseable
    assert parsed.bad == 3
    assert parsed.bad_mask.tolist() == [False, False, True, True, True, False]
    assert np.isnan(parsed.values.iloc[:5]).all() and parsed.values.iloc[5] == 7200.0


def test_missing_cells_of_a_text_column_are_blank_not_bad() -> None:
    # A CSV column is pandas' str dtype, whose missing cell reads as float NaN once made objects.
    parsed = parse_durations(pd.Series(["03:00:00", "n/a", None], dtype="str"), DurationUnit.HOURS)
    # 3 h = 10,800 s; "n/a" is the one unparseable cell; the missing one is only missing
    assert parsed.bad_mask.tolist() == [False, True, False]
    assert parsed.values.iloc[0] == 10800.0


def test_plain_numbers_take_the_unit() -> None:
    text = pd.Series(["1.5", "2,25", "90"])
    # hours: 1.5 h = 5,400 s; 2,25 h (decimal comma) = 8,100 s; 90 h = 324,000 s
    assert parse_durations(text, DurationUnit.HOURS).values.tolist() == [5400.0, 8100.0, 324000.0]
    # minutes: 1.5 min = 90 s; 2.25 min = 135 s; 90 min = 5,400 s
    assert parse_durations(text, DurationUnit.MINUTES).values.tolist() == [90.0, 135.0, 5400.0]
    # numeric cells (Excel): 45 minutes = 2,700 s
    assert parse_durations(pd.Series([45.0]), DurationUnit.MINUTES).values.tolist() == [2700.0]


def test_excel_time_cells() -> None:
    cells = pd.Series([dt.timedelta(hours=30, minutes=15), dt.time(1, 30)], dtype=object)
    # 30 h 15 m = 108,900 s; 01:30 = 5,400 s
    assert parse_durations(cells, DurationUnit.HOURS).values.tolist() == [108900.0, 5400.0]


EXPORT = """
ticket_id,created_at,first_response_at,resolved_at,first_response_minutes,resolution_duration
1,2025-02-03 09:00,2025-02-03 09:30,2025-02-03 12:00,30,03:00:00
2,2025-02-04 09:00,,,90,26:00:00
3,2025-02-05 09:00,2025-02-05 09:20,2025-02-05 10:00,20.5,01:02:00
4,2025-02-06 09:00,,,,
"""


def _config(tmp_path: Path, support: dict[str, object] | None = None) -> Config:
    (tmp_path / "tickets.csv").write_text(EXPORT.strip() + "\n")
    data: dict[str, object] = {"timezone": "Europe/Berlin", "sources": {"tickets": {"path": "tickets.csv"}}}
    if support:
        data["support"] = support
    return parse_config(data, "test.yaml", tmp_path)


def test_missing_timestamps_come_from_the_durations(tmp_path: Path) -> None:
    report = run_tickets(tmp_path, EXPORT, ["resolution_time_hours_mean", "first_response_hours"])
    # Resolution: #1 3 h (timestamps), #2 26 h (from 26:00:00, no timestamp), #3 1 h; #4 has neither.
    # Mean = (3 + 26 + 1) / 3 = 10 h
    assert values(report, "resolution_time_hours_mean")["2025-Q1"] == 10.0
    # First response: 0.5 h, 1.5 h (90 minutes), 20 min = 1/3 h. Median = 0.5 h
    assert values(report, "first_response_hours")["2025-Q1"] == 0.5
    left_out = report.quality["tickets"].left_out
    assert left_out["resolved_at taken from the exported duration"] == 1
    assert left_out["first_response_at taken from the exported duration"] == 1


def test_business_time_durations_move_along_the_schedule(tmp_path: Path) -> None:
    config = _config(tmp_path, {"business_hours": {"schedule": "mon-fri 09:00-17:00"},
                                "durations": {"clock": "business"}})
    tickets = load_tables(config, {"tickets"}).frames["tickets"]
    # #2 created Tue 2025-02-04 09:00, resolved 26 business hours later: Tue 8 h, Wed 8 h, Thu 8 h,
    # then 2 h on Fri -> Fri 2025-02-07 11:00
    assert tickets.loc[tickets["ticket_id"] == "2", "resolved_at"].iloc[0] == pd.Timestamp("2025-02-07 11:00")


def test_disagreements_over_a_minute_are_reported(tmp_path: Path) -> None:
    config = _config(tmp_path)
    tickets = load_tables(config, {"tickets"}).frames["tickets"]
    found = duration_disagreements(tickets)
    # #1 agrees (30 min, 3 h); #2 was filled from its durations; #3 first response 20.5 min vs
    # 20 min from timestamps = 30 s apart (within a minute), resolution 1 h 02 m vs 1 h = 2 min off.
    assert found["ticket_id"].tolist() == ["3"]
    assert found["field"].tolist() == ["resolved_at"]
    # timestamps 60 min - exported 62 min = -2 minutes
    assert found["difference_minutes"].tolist() == pytest.approx([-2.0])


def test_disagreements_in_business_time(tmp_path: Path) -> None:
    config = _config(tmp_path, {"business_hours": {"schedule": "mon-fri 09:00-17:00"},
                                "durations": {"clock": "business"}})
    tickets = load_tables(config, {"tickets"}).frames["tickets"]
    found = duration_disagreements(tickets, from_config(config))
    # All of #1 and #3 fall inside Mon-Fri 09-17, so business time equals calendar time: only #3's
    # resolution (62 min exported, 60 min measured) disagrees.
    assert found["ticket_id"].tolist() == ["3"]
    assert found["exported_hours"].tolist() == pytest.approx([62 / 60])


def test_unreadable_durations_are_data_problems_with_their_rows(tmp_path: Path) -> None:
    from crm_metrics.checks import validate

    (tmp_path / "tickets.csv").write_text(
        "ticket_id,created_at,resolution_duration\n1,2025-02-03 09:00,03:00:00\n2,2025-02-04 09:00,n/a\n"
        "3,2025-02-05 09:00,\n")
    config = parse_config({"timezone": "UTC", "sources": {"tickets": {"path": "tickets.csv"}}}, "t.yaml", tmp_path)
    # "n/a" (row 3) is the one cell that is neither a duration nor blank; row 4's blank is missing.
    [problem] = validate(config).sources[0].problems
    assert (problem.check, problem.count, problem.message) == ("unparseable", 1, "unparseable resolution_duration")
    assert [(row, value) for _, row, value in problem.examples] == [(3, "n/a")]
    loaded = load_tables(config, {"tickets"})
    assert loaded.quality["tickets"].unparseable["resolution_duration"] == 1
    # Ticket 1 is resolved 3 h after creation, from its exported duration.
    assert loaded.frames["tickets"]["resolved_at"].iloc[0] == pd.Timestamp("2025-02-03 12:00")
