"""The xlsx export read back with openpyxl: numbers with number formats, layout, Data sheet, chart."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from crm_metrics.render.output import write_report
from tests.export_fixture import FORMULA_NOTE, FORMULA_OWNER, fixture_report, full_report, monthly_report


def _book(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "report.xlsx"
    write_report(fixture_report(), "xlsx", path)
    return load_workbook(path)


def test_report_sheet_holds_numbers_with_a_format_per_unit(tmp_path: Path) -> None:
    sheet = _book(tmp_path)["Report"]
    assert [c.value for c in sheet[1]] == ["Metric", "2025-Q1", "2025-Q2", "Target"]
    # The part and group headings first, then the metrics under them (Sales: close rate, new revenue,
    # sales cycle; Unit economics: CAC).
    assert [sheet.cell(row, 1).value for row in range(2, 9)] == [
        "Business performance", "Sales", "Close rate", "New revenue", "Sales cycle (median)", "Unit economics", "CAC"]
    assert sheet["A2"].font.bold and sheet["A3"].font.italic
    assert sheet["B4"].value == 0.25 and sheet["B4"].number_format == "0.0%"
    assert sheet["B8"].value == 5000 and sheet["B8"].number_format == '"$"#,##0.00'
    assert sheet["C8"].value == "n/a [1]"
    assert sheet["B6"].value == 45.5 and sheet["B6"].number_format == '#,##0.0 "d"'
    assert sheet.freeze_panes == "B2"
    assert sheet.column_dimensions["A"].width >= len("Sales cycle (median)")


def test_a_negative_amount_stays_a_negative_number(tmp_path: Path) -> None:
    sheet = _book(tmp_path)["Report"]
    assert sheet["B5"].value == -1500.0
    assert sheet["B5"].data_type == "n"


def test_targets_colour_met_and_missed_and_say_the_goal(tmp_path: Path) -> None:
    sheet = _book(tmp_path)["Report"]
    # close rate target >= 22 %: Q1 25 % met (green), Q2 20 % missed (red)
    assert sheet["B4"].fill.fgColor.rgb.endswith("D9F2D9")
    assert sheet["C4"].fill.fgColor.rgb.endswith("F8D0D0")
    assert sheet["D4"].value == ">= 22.0 %"
    assert sheet["D8"].value == "<= $6,000"


def test_notes_sit_below_the_table(tmp_path: Path) -> None:
    sheet = _book(tmp_path)["Report"]
    notes = [sheet.cell(row, 1).value for row in range(10, sheet.max_row + 1)]
    assert f"[1] {FORMULA_NOTE}" in notes
    assert any(str(n).startswith("Data quality, deals: 10 rows read; 1 duplicate dropped") for n in notes)


def test_data_sheet_is_long_form_and_neutralises_export_text(tmp_path: Path) -> None:
    data = _book(tmp_path)["Data"]
    rows = [[c.value for c in row] for row in data.iter_rows()]
    assert rows[0] == ["metric", "period", "group", "value", "unit", "note"]
    assert len(rows) == 1 + 4 * 2  # 4 metrics x 2 quarters
    assert rows[1][:5] == ["close_rate", "2025-Q1", None, 0.25, "ratio"]
    cac_q2 = rows[4]
    assert cac_q2[:2] == ["cac", "2025-Q2"] and cac_q2[3] is None
    assert cac_q2[5] == "'" + FORMULA_NOTE
    assert data["D6"].value == -1500.0 and data["D6"].number_format == '"$"#,##0.00'
    assert data.freeze_panes == "A2"


def test_chart_and_document_properties(tmp_path: Path) -> None:
    book = _book(tmp_path)
    charts = book["Report"]._charts
    assert len(charts) == 1  # the rates: only close_rate in this report
    assert len(charts[0].series) == 1
    assert book.properties.title == "CRM metrics by quarter, 2025-Q1 to 2025-Q2"
    assert book.properties.created is not None


def _full(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "full.xlsx"
    write_report(full_report(), "xlsx", path)
    return load_workbook(path)["Report"]


def test_groups_are_indented_rows_under_their_metric(tmp_path: Path) -> None:
    sheet = _full(tmp_path)
    labels = [sheet.cell(row, 1).value for row in range(2, 17)]
    # ranked by the latest quarter, largest first (Ann and the formula-shaped owner tie at 50 %: by
    # name, "=" before "A"), n/a after numbers, "other" (the folded rest) last; the formula stays
    # text. Metrics under their part and group headings.
    assert labels == ["Business performance", "Sales", "Close rate (total)", "'" + FORMULA_OWNER, "Ann", "Bob",
                      "other", "New revenue (total)", "Bob", "Ann", "Unit economics", "CAC",
                      "Customer perception", "Support", "Resolution time (median)"]
    assert sheet["A4"].font.bold and sheet["A6"].alignment.indent == 2
    assert sheet.row_dimensions[6].outlineLevel == 1 and not sheet.row_dimensions[4].outlineLevel
    # Ann's close rate: 3 of 4 then 1 of 2, real numbers with the ratio format
    assert (sheet["B6"].value, sheet["D6"].value) == (0.75, 0.5)
    assert sheet["D6"].number_format == "0.0%"
    assert sheet["D7"].value == "n/a [1]"  # Bob closed no deal in Q2
    # Bob's new revenue 500 then 250.50, in dollars
    assert (sheet["B10"].value, sheet["D10"].number_format) == (500.0, '"$"#,##0.00')


def test_changes_sit_beside_each_value_as_signed_numbers_coloured_by_better(tmp_path: Path) -> None:
    sheet = _full(tmp_path)
    assert [c.value for c in sheet[1]] == ["Metric", "2025-Q1", "change", "2025-Q2", "change", "Target"]
    assert all(c.alignment.horizontal == "right" for c in sheet[1][1:])  # over right-aligned numbers
    # close rate 30 % -> 25 % -> 20 %: -5 percentage points each quarter, worse (red)
    assert sheet["C4"].value == pytest.approx(-5.0) and sheet["E4"].value == pytest.approx(-5.0)
    assert sheet["C4"].number_format == '+0.0 "pp";-0.0 "pp";0.0 "pp"'
    assert sheet["C4"].font.color.rgb == "00CF222E"
    # CAC 4,000 -> 5,000: +25 %, a fraction under a percent format; higher CAC is worse
    assert sheet["C13"].value == pytest.approx(0.25) and sheet["C13"].number_format == "+0.0%;-0.0%;0.0%"
    assert sheet["C13"].font.color.rgb == "00CF222E"
    # resolution time 12.5 h -> 10 h: -20 %, lower is better (green)
    assert sheet["E16"].value == pytest.approx(-0.2) and sheet["E16"].font.color.rgb == "001A7F37"
    # new revenue had no Q4 value: no change to show
    assert sheet["C9"].value is None
    # groups carry their own changes: the formula-shaped owner 1/2 -> 1/2 is flat (row 5, first of
    # the 50 % ties by name); Ann 1/2 -> 3/4 is +25 pp, better (green)
    assert sheet["A5"].value == "'=HYPERLINK(1)"
    assert sheet["C5"].value == 0
    assert str(sheet["A6"].value).strip() == "Ann"
    assert sheet["C6"].value == pytest.approx(25.0) and sheet["C6"].font.color.rgb == "001A7F37"


def test_notes_are_inside_the_print_area_and_the_page_prints_landscape_one_wide(tmp_path: Path) -> None:
    sheet = _full(tmp_path)
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$1:$1" and sheet.print_title_cols == "$A:$A"
    assert [b.id for b in sheet.row_breaks.brk] == [27]  # the chart (from row 28) starts a page
    assert sheet.print_area == "'Report'!$A$1:$F$45"  # six columns; the chart's rows included
    notes = {sheet.cell(row, 1).value: row for row in range(18, sheet.max_row + 1) if sheet.cell(row, 1).value}
    caption = next(row for text, row in notes.items() if text.startswith("2 quarters, 2025-01-01"))
    # every note is one merged cell as wide as the table, wrapped, and tall enough for its lines
    assert f"A{caption}:F{caption}" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet.cell(caption, 1).alignment.wrap_text
    assert sheet.row_dimensions[caption].height >= 2 * 15
    assert "[1] no deals closed" in notes and "Not split by owner: CAC, Resolution time (median)" in notes


def test_a_wide_report_prints_over_pages_with_the_metric_column_on_each(tmp_path: Path) -> None:
    path = tmp_path / "monthly.xlsx"
    write_report(monthly_report(), "xlsx", path)
    sheet = load_workbook(path)["Report"]
    # 18 months with their changes: 36 columns after the metric's, 16 a page -> 3 pages wide
    assert sheet.max_column == 37 and sheet.page_setup.fitToWidth == 3
    # notes are as wide as the first page: the metric column and 12 of the 36 (ceil(36 / 3))
    assert "A13:M13" in {str(r) for r in sheet.merged_cells.ranges}
