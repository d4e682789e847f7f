"""The xlsx export read back with openpyxl: numbers with number formats, layout, Data sheet, chart."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from crm_metrics.render.output import write_report
from tests.export_fixture import FORMULA_NOTE, fixture_report


def _book(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "report.xlsx"
    write_report(fixture_report(), "xlsx", path)
    return load_workbook(path)


def test_report_sheet_holds_numbers_with_a_format_per_unit(tmp_path: Path) -> None:
    sheet = _book(tmp_path)["Report"]
    assert [c.value for c in sheet[1]] == ["Metric", "2025-Q1", "2025-Q2", "Target"]
    assert sheet["A2"].value == "Close rate"
    assert sheet["B2"].value == 0.25 and sheet["B2"].number_format == "0.0%"
    assert sheet["B3"].value == 5000 and sheet["B3"].number_format == '"$"#,##0.00'
    assert sheet["C3"].value == "n/a [1]"
    assert sheet["B5"].value == 45.5 and sheet["B5"].number_format == '#,##0.0 "d"'
    assert sheet.freeze_panes == "B2"
    assert sheet.column_dimensions["A"].width >= len("Sales cycle (median)")


def test_a_negative_amount_stays_a_negative_number(tmp_path: Path) -> None:
    sheet = _book(tmp_path)["Report"]
    assert sheet["B4"].value == -1500.0
    assert sheet["B4"].data_type == "n"


def test_targets_colour_met_and_missed_and_say_the_goal(tmp_path: Path) -> None:
    sheet = _book(tmp_path)["Report"]
    # close rate target >= 22 %: Q1 25 % met (green), Q2 20 % missed (red)
    assert sheet["B2"].fill.fgColor.rgb.endswith("D9F2D9")
    assert sheet["C2"].fill.fgColor.rgb.endswith("F8D0D0")
    assert sheet["D2"].value == ">= 22.0 %"
    assert sheet["D3"].value == "<= $6,000"


def test_notes_sit_below_the_table(tmp_path: Path) -> None:
    sheet = _book(tmp_path)["Report"]
    notes = [sheet.cell(row, 1).value for row in range(7, sheet.max_row + 1)]
    assert f"[1] {FORMULA_NOTE}" in notes
    assert any(str(n).startswith("Data quality, deals: 10 rows read; 1 duplicates dropped") for n in notes)


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
