"""Odd text in a date column (hex ids, impossible dates, years pandas cannot hold) is counted as an
unparseable date and reported, never an OutOfBoundsDatetime traceback; the 12-hour clock after an
ISO date ("2025-03-01 9:00 AM") is read."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from crm_metrics.clean.parsers import parse_dates
from crm_metrics.cli.app import app

runner = CliRunner()

ODD = ["0x1F3A", "9999-99-99", "1200-01-01", "3000-01-01", "0001-01-01", "3000-01-01T00:00Z",
       "1200-01-01 UTC", "1/2/3000", "31.12.1200", "Mar 7, 3000", "7 March 1200 14:00 +01:00",
       "2025-03-01 13:00 PM", "2025-03-01 0:30 AM",
       # dateutil read these as 2001-12-01 and 1999-12-01: a silently wrong date.
       "Dec 1, 0001", "Dec 1, 0099"]


@pytest.mark.parametrize("cell", ODD)
@pytest.mark.parametrize("dtype", [object, "string"])
def test_odd_date_text_is_counted_as_unparseable(cell: str, dtype: object) -> None:
    parsed = parse_dates(pd.Series([cell, "2025-01-15", ""], dtype=dtype), "Europe/Berlin")  # type: ignore[call-overload]
    assert parsed.bad == 1
    assert parsed.bad_mask.tolist() == [True, False, False]
    assert pd.isna(parsed.values.iloc[0])
    # The good value next to it is still read.
    assert parsed.values.iloc[1] == pd.Timestamp("2025-01-15")


@pytest.mark.parametrize(("cell", "expected"), [
    ("2025-03-01 9:00 AM", "2025-03-01 09:00"),
    ("2025-03-01 9:00 PM", "2025-03-01 21:00"),
    ("2025-03-01 9:05:30 pm", "2025-03-01 21:05:30"),
    ("2025-03-01 12:00 AM", "2025-03-01 00:00"),  # midnight
    ("2025-03-01 12:15 PM", "2025-03-01 12:15"),  # a quarter past noon
    ("2025-03-01 9:00AM", "2025-03-01 09:00"),
    ("2025-03-01 9 p.m.", "2025-03-01 21:00"),
    ("2025/03/01 11:59 PM", "2025-03-01 23:59"),
    ("2025-03-01T9:00 AM", "2025-03-01 09:00"),
])
def test_twelve_hour_clock_after_an_iso_date(cell: str, expected: str) -> None:
    parsed = parse_dates(pd.Series([cell], dtype=object), "UTC")
    assert parsed.bad == 0
    assert parsed.values.iloc[0] == pd.Timestamp(expected)


@pytest.mark.parametrize(("cell", "expected"), [
    ("Mar 7, 2025 00:30", "2025-03-07 00:30"),
    ("Mar 7, 2025 0030", "2025-03-07 00:30"),
    ("Mar 7 2025 12:00:00.0012", "2025-03-07 12:00:00.0012"),
])
def test_text_dates_with_leading_zero_digits_that_are_no_year_are_still_read(cell: str, expected: str) -> None:
    parsed = parse_dates(pd.Series([cell], dtype=object), "UTC")
    assert parsed.bad == 0
    assert parsed.values.iloc[0] == pd.Timestamp(expected)


def test_twelve_hour_clock_with_utc_is_converted_to_the_timezone() -> None:
    # 9 PM UTC on 1 March is 22:00 in Berlin (CET, UTC+1).
    parsed = parse_dates(pd.Series(["2025-03-01 9:00 PM UTC"], dtype=object), "Europe/Berlin")
    assert parsed.values.iloc[0] == pd.Timestamp("2025-03-01 22:00")


def test_datetime_column_with_a_year_3000_counts_it() -> None:
    # xlsx readers hand over datetime64[us] columns, which hold the year 3000; nanoseconds do not.
    column = pd.Series(pd.to_datetime(["3000-01-01", "2025-01-01", None]).as_unit("us"))
    parsed = parse_dates(column, "UTC")
    assert parsed.bad == 1
    assert parsed.bad_mask.tolist() == [True, False, False]
    assert parsed.values.iloc[1] == pd.Timestamp("2025-01-01")


@pytest.mark.parametrize("cell", [dt.datetime(3000, 1, 1), dt.datetime(1, 1, 1), dt.date(3000, 1, 1),
                                  dt.datetime(9999, 12, 31, tzinfo=dt.UTC), dt.time(0, 0)])
def test_xlsx_datetime_cells_out_of_range_are_counted(cell: object) -> None:
    parsed = parse_dates(pd.Series([cell, dt.datetime(2025, 1, 1)], dtype=object), "Europe/Berlin")
    assert parsed.bad == 1
    assert parsed.values.iloc[1] == pd.Timestamp("2025-01-01")


_date_like = st.builds(
    lambda y, m, d, sep, time: f"{y}{sep}{m}{sep}{d}{time}",
    st.integers(0, 99999), st.integers(0, 99), st.integers(0, 99), st.sampled_from(["-", "/", "."]),
    st.sampled_from(["", " 9:00 AM", " 12:30 pm", " 13:00", "T23:59:59Z", " 10:00 +01:00", " 7 PM"]),
) | st.builds(lambda d, m, y: f"{d}/{m}/{y}", st.integers(0, 40), st.integers(0, 40), st.integers(0, 9999)) \
  | st.builds(lambda d, y: f"Mar {d}, {y}", st.integers(0, 40), st.integers(1000, 9999)) \
  | st.from_regex(r"0x[0-9A-F]{1,6}", fullmatch=True) | st.text(max_size=10)


@settings(derandomize=True, deadline=None, max_examples=200)
@given(st.lists(_date_like, min_size=1, max_size=5))
def test_any_date_like_text_is_parsed_or_counted(cells: list[str]) -> None:
    parsed = parse_dates(pd.Series(cells, dtype=object), "Europe/Berlin")
    blank = [c.strip() == "" for c in cells]
    read = parsed.values.notna().tolist()
    # Every non-blank cell is either read or counted as unparseable, never both, never an error.
    assert [r or b for r, b in zip(read, parsed.bad_mask.tolist(), strict=True)] == [not x for x in blank]
    assert parsed.bad == int(parsed.bad_mask.sum())
    assert str(parsed.values.dtype) == "datetime64[ns]"


def test_report_on_a_csv_with_odd_dates_reports_them(tmp_path: Path) -> None:
    (tmp_path / "deals.csv").write_text(
        "Deal ID,Amount,Stage,Created Date,Close Date\n"
        "D1,100,Closed Won,2025-01-05,2025-02-01 9:00 PM\n"
        "D2,200,Closed Lost,0x1F3A,3000-01-01\n"
        "D3,300,Closed Won,1200-01-01,2025-02-03 12:30 AM\n"
        "D4,50,Closed Lost,9999-99-99,1/2/3000\n"
        "D5,70,Closed Lost,2025-01-01,2025-03-31 11:59 PM\n"
    )
    config = tmp_path / "crm-metrics.yaml"
    config.write_text("metrics: [close_rate, new_revenue]\ntimezone: UTC\n"
                      "range: {from: 2025-01-01, to: 2025-03-31}\nsources:\n  deals:\n    path: deals.csv\n")
    result = runner.invoke(app, ["report", "-c", str(config), "--period", "quarter", "-f", "json"])
    assert result.exit_code == 0, (result.output, result.exception)
    assert "Traceback" not in result.output
    report = json.loads(result.stdout)
    values = {m["id"]: m["values"]["2025-Q1"] for m in report["metrics"]}
    # Closed with a readable date in Q1: D1 won, D3 won (12:30 AM), D5 lost (11:59 PM on the last
    # day); D2 and D4 have close dates in the year 3000, so they are left out: 2 / 3.
    assert values["close_rate"] == pytest.approx(2 / 3)
    assert values["new_revenue"] == pytest.approx(100 + 300)
    quality = report["data_quality"]["deals"]["unparseable"]
    assert quality["created_at"] == 3  # 0x1F3A, 1200-01-01, 9999-99-99
    assert quality["closed_at"] == 2  # 3000-01-01, 1/2/3000

    result = runner.invoke(app, ["validate", "-c", str(config)])
    assert result.exit_code == 4, result.output
    assert "row 4 of" in result.output and "'1200-01-01'" in result.output
    assert "'3000-01-01'" in result.output


def test_xlsx_with_odd_date_cells_through_report_and_validate(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Deals"
    sheet.append(["Deal ID", "Amount", "Stage", "Created Date", "Close Date"])
    sheet.append(["D1", 5, "Won", dt.datetime(2025, 1, 1), dt.datetime(3000, 1, 1)])
    # An xlsx date before 1900 comes back from the reader as a bare time of day (an internal
    # TypeError before).
    sheet.append(["D2", 7, "Won", dt.datetime(1200, 1, 1), dt.datetime(2025, 1, 5)])
    sheet.append(["D3", 9, "Won", "0x1F3A", "2025-02-01 9:00 PM"])
    sheet.append(["D4", 11, "Won", dt.datetime(2025, 1, 1), dt.datetime(9999, 12, 31, 23, 59)])
    book.save(tmp_path / "deals.xlsx")
    config = tmp_path / "c.yaml"
    config.write_text("metrics: [new_revenue]\nsources:\n  deals:\n    path: deals.xlsx\n    sheet: Deals\n")
    result = runner.invoke(app, ["report", "-c", str(config), "--from", "2025-01-01", "--to", "2025-03-31",
                                 "-f", "json"])
    assert result.exit_code == 0, (result.output, result.exception)
    report = json.loads(result.stdout)
    # Won with a readable close date in Q1: D2 (7, 5 January) and D3 (9, 1 February 9 PM) = 16;
    # D1 and D4 close in the years 3000 and 9999, which are unparseable dates.
    assert report["metrics"][0]["values"] == {"2025-Q1": 16.0}
    assert report["data_quality"]["deals"]["unparseable"]["closed_at"] == 2
    assert report["data_quality"]["deals"]["unparseable"]["created_at"] == 2  # D2's and D3's
    checked = runner.invoke(app, ["validate", "-c", str(config)])
    assert checked.exit_code == 4, checked.output
    assert "2 unparseable closed_at" in checked.stdout
