"""The xlsx fast paths give exactly what the row-by-row code gives: the sheet's frame (cells, their
Python types, attrs) and the parsed dates and amounts of typed cells, on messy sheets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from crm_metrics import load

MESSY_SHEET: list[list[object]] = [
    ["Opportunity Report"],
    ["Filtered By: Stage equals Closed Won"],
    [],
    ["Id", "Amount", "Created", "Closed", "Flag", None, "Id"],
    ["a", 1.5, dt.date(2024, 1, 2), dt.datetime(2024, 3, 4, 5, 6, 7), True, None, "x"],
    ["b", 2, dt.datetime(2024, 1, 2), None, False, None, None],
    ["c", "  ", None, "", None, None, None],
    [None, None, None, None, None, None, None],
    [" ", "", None, "\t", None, None, None],
    ["d", "n/a", "2024-01-05", 45000, 0.0, "extra", None],
    ["e", -3.25, dt.time(10, 30), dt.datetime(1899, 12, 31), "x", None, " y "],
    ["Grand Totals (5 records)", 0.25, None, None, None, None, None],
    [],
    ["Copyright 2025 Salesforce, Inc. All rights reserved."],
]


def _book(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Deals"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _rows(path: Path) -> list[list[object]]:
    workbook = CalamineWorkbook.from_path(str(path))
    return workbook.get_sheet_by_name("Deals").to_python(skip_empty_area=True)


def _same_frame(fast: pd.DataFrame, slow: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    assert fast.attrs == slow.attrs
    for column in range(slow.shape[1]):
        # assert_frame_equal calls a date equal to a datetime; the parsers do not treat them alike.
        assert [type(v) for v in fast.iloc[:, column]] == [type(v) for v in slow.iloc[:, column]]


@pytest.mark.parametrize("rows", [
    MESSY_SHEET,
    [["Id", "A", "B", "C"], ["1", 2, 3, 4], [None, None, None, None], [" ", None, None, None]],
    [["Id"], ["1"], [""], ["2"], ["Total"]],
    [[1, 2, 3], [4, 5, 6], ["a", "b", "c"], [7, 8, 9]],
    [["Id", "A"], ["1", 2, "wider than the header"], ["2", 3]],
], ids=["messy", "blank-footer", "one-column", "numbers-above-header", "wider-rows"])
def test_sheet_frame_is_the_row_by_row_frame(tmp_path: Path, rows: list[list[object]]) -> None:
    path = _book(tmp_path / "deals.xlsx", rows)
    cells = _rows(path)
    _same_frame(load._frame_from_grid(path, cells), load._frame_from_rows(path, cells))


def test_whitespace_and_odd_cells_given_as_rows() -> None:
    # Cells a workbook writer would not keep (openpyxl drops whitespace-only text), straight to the
    # frame builders: NBSP is whitespace to str.strip, a zero-width space is not.
    rows: list[list[object]] = [
        ["Id", "Amount", "Note"],
        ["a", 1.0, "\u00a0"], [" ", "\t", "\u00a0 "], ["b", None, "\u200b"], [None, "", "  "],
        ["\u200b", None, None], ["c", float("nan"), 0], ["Total", 2.0, None], ["  ", None, "\r\n"],
    ]
    path = Path("deals.xlsx")
    fast, slow = load._frame_from_grid(path, rows), load._frame_from_rows(path, rows)
    _same_frame(fast, slow)
    assert fast["Id"].tolist() == ["a", "b", "\u200b", "c"]
    assert fast.attrs == {"skipped_rows": 2, "header_row": 1}


def test_messy_sheet_by_hand(tmp_path: Path) -> None:
    path = _book(tmp_path / "deals.xlsx", MESSY_SHEET)
    frame = load.read_table(path, "Deals")
    # Above the header: two title rows and a blank one; below the data: totals, blank, copyright.
    # The two rows inside the table with no filled cell are dropped without being counted.
    # calamine gives 2 as 2.0, a midnight datetime as a date and the pre-1900 one as a time.
    assert frame.attrs == {"skipped_rows": 3 + 3, "header_row": 4}
    assert list(frame.columns) == ["Id", "Amount", "Created", "Closed", "Flag", "column_6", "Id.1"]
    assert frame["Id"].tolist() == ["a", "b", "c", "d", "e"]
    assert frame["Amount"].tolist() == [1.5, 2.0, None, "n/a", -3.25]
    assert frame["Closed"].tolist() == [dt.datetime(2024, 3, 4, 5, 6, 7), None, None, 45000.0, dt.time(0, 0)]
    assert [type(v) for v in frame["Created"]] == [dt.date, dt.date, type(None), str, dt.time]
    assert frame["Flag"].tolist() == [True, False, None, 0.0, "x"]
    assert frame["Id.1"].tolist() == ["x", None, None, None, " y "]
