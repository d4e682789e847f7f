"""The xlsx fast paths give exactly what the row-by-row code gives: the sheet's frame (cells, their
Python types, attrs) and the parsed dates and amounts of typed cells, on messy sheets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from crm_metrics.clean import fast_parsers as fast_parsing
from crm_metrics.clean import parsers as parsing
from crm_metrics.io import files as load

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


def _same(fast: parsing.Parsed, slow: parsing.Parsed) -> None:
    pd.testing.assert_series_equal(fast.values, slow.values, check_names=False, check_exact=True)
    assert fast.bad == slow.bad
    assert fast.bad_mask.tolist() == slow.bad_mask.tolist()


AWARE = dt.timezone(dt.timedelta(hours=2))


class _Stamp(dt.datetime):
    """A datetime of a type the fast path does not list: it must ask the flexible parser's question."""
MESSY_DATE_CELLS: list[object] = [
    dt.datetime(2024, 3, 4, 5, 6, 7), dt.date(2024, 1, 2), pd.Timestamp("2024-05-06 07:08"), None,
    float("nan"), pd.NA, "2024-01-05", "3/7/2025", "13/1/2025", "Mar 7, 2025", "not a date", "", "  ",
    45000.0, 45000, "45000", True, dt.datetime(3000, 1, 1), dt.date(1, 1, 1), dt.datetime(2262, 4, 12),
    dt.datetime(2024, 3, 4, 5, 6, 7, 123456), dt.datetime(2024, 1, 1, 23, 30), 0.0, -1.0, "2025-02-30",
]


@pytest.mark.parametrize("timezone", ["UTC", "America/New_York"])
@pytest.mark.parametrize("extra", [
    [], [dt.time(10, 30)], [pd.NaT], [np.datetime64("2024-02-03T04:05")],
    [dt.datetime(2024, 6, 1, 12, tzinfo=dt.UTC)],
    [dt.datetime(2024, 6, 1, 12, tzinfo=dt.UTC), dt.datetime(2024, 6, 1, 12, tzinfo=AWARE)],
    [pd.Timestamp("2024-06-01 12:00", tz="Europe/Berlin")], [dt.timedelta(days=3)], [_Stamp(2024, 7, 1, 9)],
], ids=["plain", "time", "NaT", "datetime64", "aware", "mixed-offsets", "aware-timestamp", "timedelta", "subclass"])
def test_datetime_cells_match_the_flexible_parser(timezone: str, extra: list[object]) -> None:
    values = pd.Series(MESSY_DATE_CELLS + extra, dtype=object)
    assert fast_parsing.datetime_cells(values) is not None  # the fast path is taken
    for dayfirst in (None, True, False):
        slow = parsing._parse_dates_flexible(values, timezone, dayfirst)
        _same(parsing.parse_dates(values, timezone, dayfirst), slow)


def test_datetime_cells_by_hand() -> None:
    values = pd.Series([dt.datetime(2024, 3, 4, 5, 6), dt.date(2024, 1, 2), None, "2024-01-05", "soon",
                        dt.datetime(3000, 1, 1)], index=[10, 11, 12, 13, 14, 15], dtype=object)
    parsed = parsing.parse_dates(values, "America/New_York")
    # Naive cells are wall time in the config's zone already; the year 3000 does not fit in ns.
    assert parsed.values.tolist()[:4] == [pd.Timestamp("2024-03-04 05:06"), pd.Timestamp("2024-01-02"), pd.NaT,
                                          pd.Timestamp("2024-01-05")]
    assert parsed.bad_mask.tolist() == [False, False, False, False, True, True]
    assert parsed.bad == 2
    assert parsed.values.index.tolist() == [10, 11, 12, 13, 14, 15]


MESSY_AMOUNT_CELLS: list[object] = [
    1.5, 2, -3.25, 0.0, -0.0, 1e20, 1e-7, float("inf"), float("nan"), None, pd.NA, True, False, 12345678901234,
    0.1 + 0.2, 1 / 3, 99.99, 1234.567, "n/a", "$12.50", "(300)", "1'234.5", "12.5 €", "EUR 100", "", "  ", "12-",
    "−7.5", "1.234.567", 10**14, "R$ 5",
]


@pytest.mark.parametrize("extra, taken", [
    ([], True),
    (["1,5"], False),  # a decimal comma in a text cell: the column's reading of numbers may change
    ([10**15], False), (["1234567890123456"], False),  # too many digits to be sure of pandas' reading
    ([float(v) for v in range(200)], True),
], ids=["messy", "comma", "big-int", "long-digits", "more-floats"])
def test_number_cells_match_the_flexible_parser(extra: list[object], taken: bool) -> None:
    values = pd.Series(MESSY_AMOUNT_CELLS + extra, dtype=object)
    assert (fast_parsing.number_cells(values) is not None) == taken
    _same(parsing.parse_amounts(values), parsing._parse_amounts_flexible(values))
    # A number's text names no currency, so the currency column is the one of the cells as text.
    as_text = values.map(lambda v: str(v) if type(v) in (int, float) and v == v else v)
    pd.testing.assert_series_equal(parsing.currency_in_text(values), parsing.currency_in_text(as_text))


def test_only_numbers_match_the_flexible_parser() -> None:
    rng = np.random.default_rng(11)
    floats = (rng.standard_normal(3000) * 10.0 ** rng.integers(-6, 18, 3000)).tolist()
    ints = rng.integers(-10**12, 10**12, 1000).tolist()
    cells: list[object] = [*floats, *[int(v) for v in ints], None, float("nan")]
    values = pd.Series(cells, dtype=object)
    assert fast_parsing.number_cells(values) is not None
    _same(parsing.parse_amounts(values), parsing._parse_amounts_flexible(values))


def test_number_cells_by_hand() -> None:
    values = pd.Series([1.5, 2, None, "$3.25", "n/a", True, 1e20], index=list("abcdefg"), dtype=object)
    parsed = parsing.parse_amounts(values)
    # 1e20 is written "1e+20", which the amount parser does not read; a bool is not an amount.
    assert parsed.values.tolist()[:4] == [1.5, 2.0, pytest.approx(float("nan"), nan_ok=True), 3.25]
    assert parsed.bad_mask.tolist() == [False, False, False, False, True, True, True]
    assert parsed.values.index.tolist() == list("abcdefg")
