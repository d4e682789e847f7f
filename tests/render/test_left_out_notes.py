"""A value computed without some of its inputs carries its note in every format people read, as the
json and csv do (../shared/metrics.md, top section: "the value is computed from the rest and its
note says how many rows were left out"). The marker comes from the View, so every format numbers it
alike: table, md and html print "$750 [1]" and list "[1] ..." below; xlsx keeps the number and puts
the note in a cell comment and in the notes under the table."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from crm_metrics.render.html import render_html
from crm_metrics.render.markdown import render_markdown
from crm_metrics.render.table import render_table
from crm_metrics.render.view import build_view
from crm_metrics.render.xlsx import render_xlsx
from crm_metrics.report import Report
from tests.fixtures.build import deal, run_report

NOTE = "1 of 3 acquisition spend rows unreadable (amount), left out"


@pytest.fixture
def report(tmp_path: Path) -> Report:
    # Q1 2025: two won new deals (two new customers) and three spend rows, the second unreadable.
    # CAC = (1,000 + 500) / 2 = 750, from the two readable rows.
    deals = [deal("D1", "Closed Won", 1000, "2025-01-01", "2025-02-01", "A"),
             deal("D2", "Closed Won", 2000, "2025-01-01", "2025-02-03", "B")]
    spend = [{"date": "2025-01-15", "category": "Ads", "amount": "1000"},
             {"date": "2025-02-15", "category": "Ads", "amount": "? 1000"},
             {"date": "2025-03-15", "category": "Ads", "amount": "500"}]
    return run_report(tmp_path, {"deals": deals, "spend": spend}, ["cac", "close_rate"],
                      date(2025, 1, 1), date(2025, 3, 31))


def test_the_view_numbers_the_note_of_a_valued_cell(report: Report) -> None:
    view = build_view(report)
    cac = next(m for m in view.metrics if m.id == "cac")
    value = cac.total.values[0]
    assert value.value == pytest.approx(750) and value.text == "$750.00"
    assert (value.footnote, value.reason, value.shown) == (1, NOTE, "$750.00 [1]")
    assert [(f.number, f.text) for f in view.footnotes] == [(1, NOTE)]
    # Close rate read every deal it needs (2 won of 2 closed = 100 %): no note, no marker.
    close = next(m for m in view.metrics if m.id == "close_rate").total.values[0]
    assert (close.value, close.footnote, close.shown) == (1.0, None, "100.0 %")


def test_table_md_and_html_mark_the_value_and_list_the_note(report: Report) -> None:
    table = io.StringIO()
    render_table(report, table, width=80)
    lines = table.getvalue().splitlines()
    assert any(line.startswith("CAC") and line.rstrip().endswith("$750.00 [1]") for line in lines), lines
    assert f"[1] {NOTE}" in lines

    md = io.StringIO()
    render_markdown(report, md)
    assert "| CAC | $750.00 \\[1\\] |" in md.getvalue()
    assert f"- \\[1\\] {NOTE}" in md.getvalue()

    html = io.StringIO()
    render_html(report, html)
    assert f'<td>$750.00<span class="fn" title="{NOTE}">[1]</span></td>' in html.getvalue()
    assert f"<li>[1] {NOTE}</li>" in html.getvalue()


def test_xlsx_keeps_the_number_and_puts_the_note_in_a_comment(report: Report) -> None:
    buffer = io.BytesIO()
    render_xlsx(report, buffer)
    sheet = load_workbook(buffer)["Report"]
    cac = next(row for row in sheet.iter_rows() if row[0].value == "CAC")
    assert cac[1].value == pytest.approx(750) and cac[1].data_type == "n"
    assert cac[1].comment is not None and cac[1].comment.text == f"[1] {NOTE}"
    notes = [row[0].value for row in sheet.iter_rows()]
    assert f"[1] {NOTE}" in notes
