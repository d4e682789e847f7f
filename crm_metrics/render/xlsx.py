"""Excel: a "Report" sheet laid out like the terminal table, a long-form "Data" sheet and a chart.

Values are numbers with a number format per unit (so Excel can sum and chart them), never strings;
every text cell that could carry export data is neutralised so it cannot run as a formula.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import IO

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference, Series
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from crm_metrics.metrics.registry import Unit
from crm_metrics.metrics.targets import status, target_of
from crm_metrics.render.shared import caption, footnotes, long_rows, neutralise, quality_lines, title
from crm_metrics.render.values import CURRENCY_SYMBOLS
from crm_metrics.report import Report

BOLD = Font(bold=True)
MUTED = Font(italic=True, color="666666")
MET = PatternFill("solid", fgColor="D9F2D9")
MISSED = PatternFill("solid", fgColor="F8D0D0")
RIGHT = Alignment(horizontal="right")


def number_format(unit: Unit, currency: str) -> str:
    match unit:
        case Unit.CURRENCY:
            symbol = CURRENCY_SYMBOLS.get(currency)
            return f'"{symbol}"#,##0.00' if symbol else f'#,##0.00 "{currency}"'
        case Unit.RATIO:
            return "0.0%"
        case Unit.COUNT:
            return "#,##0"
        case Unit.DAYS:
            return '#,##0.0 "d"'
        case Unit.HOURS:
            return '#,##0.0 "h"'
        case Unit.MINUTES:
            return '#,##0.0 "min"'
        case Unit.MONTHS:
            return '#,##0.0 "mo"'
        case Unit.YEARS:
            return '#,##0.0 "y"'
        case Unit.SCORE:
            return "#,##0.0"
        case Unit.MULTIPLE:
            return '#,##0.0"x"'


def render_xlsx(report: Report, out: IO[bytes]) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Report"
    _report_sheet(report, sheet)
    data = book.create_sheet("Data")
    spans = _data_sheet(report, data)
    _chart(report, sheet, data, spans)
    book.properties.title = title(report)
    book.properties.subject = caption(report)
    book.properties.creator = "crm-metrics"
    book.properties.created = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    book.save(out)


def _report_sheet(report: Report, sheet: Worksheet) -> None:
    has_targets = any(target_of(report, r) for r in report.metrics)
    header = ["Metric", *report.labels] + (["Target"] if has_targets else [])
    sheet.append([neutralise(h) for h in header])
    for cell in sheet[1]:
        cell.font = BOLD
    notes = footnotes(report)
    for row_number, result in enumerate(report.metrics, start=2):
        unit = result.metric.unit
        sheet.cell(row_number, 1, neutralise(result.metric.label))
        for column, label in enumerate(report.labels, start=2):
            value = result.cells[label]
            cell = sheet.cell(row_number, column)
            if value.value is None:
                cell.value = f"n/a [{notes[value.note or 'not computable']}]"
                cell.alignment = RIGHT
                cell.font = MUTED
                continue
            cell.value = value.value
            cell.number_format = number_format(unit, report.currency)
            met = status(report, result, label)
            if met is not None:
                cell.fill = MET if met else MISSED
        target = target_of(report, result)
        if has_targets and target is not None:
            sheet.cell(row_number, len(header), target.describe(unit, report.currency)).alignment = RIGHT
    sheet.freeze_panes = "B2"
    _print_one_page_wide(sheet)
    sheet.column_dimensions["A"].width = max(12, *(len(r.metric.label) + 2 for r in report.metrics))
    for column in range(2, len(header) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 16

    lines = [caption(report)]
    lines += [f"[{number}] {note}" for note, number in notes.items()]
    if has_targets:
        lines.append("Targets: green = met, red = missed")
    lines += [f"Note: {notice}" for notice in report.notices]
    lines += quality_lines(report)
    row = len(report.metrics) + 3
    for line in lines:
        sheet.cell(row, 1, neutralise(line)).font = MUTED
        row += 1


def _print_one_page_wide(sheet: Worksheet) -> None:
    """Printed (or converted to PDF): landscape, every column on one page width."""
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0


def _data_sheet(report: Report, sheet: Worksheet) -> dict[str, tuple[int, int]]:
    """Write the long form; return each metric's rows (first, last) of its ungrouped values."""
    sheet.append(["metric", "period", "group", "value", "unit", "note"])
    for cell in sheet[1]:
        cell.font = BOLD
    units = {r.metric.id: r.metric.unit for r in report.metrics}
    spans: dict[str, tuple[int, int]] = {}
    for row in long_rows(report):
        sheet.append([neutralise(row.metric), neutralise(row.period), neutralise(row.group), row.value,
                      row.unit, neutralise(row.note)])
        sheet.cell(sheet.max_row, 4).number_format = number_format(units[row.metric], report.currency)
        if not row.group:
            spans[row.metric] = (spans.get(row.metric, (sheet.max_row, 0))[0], sheet.max_row)
    sheet.freeze_panes = "A2"
    _print_one_page_wide(sheet)
    sheet.auto_filter.ref = sheet.dimensions
    for letter, width in zip("ABCDEF", (28, 12, 14, 14, 10, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    return spans


def chart_metrics(report: Report) -> list[int]:
    """Indexes of the metrics to chart together. A line chart has one value axis, so they share a
    unit: the rates (all on 0-100 %) when there are any, else those with the first metric's unit
    (percentages beside dollars, or counts of 10 beside counts of 500, would flatten one of them)."""
    rates = [i for i, r in enumerate(report.metrics) if r.metric.unit is Unit.RATIO]
    if rates or not report.metrics:
        return rates
    unit = report.metrics[0].metric.unit
    return [i for i, r in enumerate(report.metrics) if r.metric.unit is unit]


def _chart(report: Report, sheet: Worksheet, data: Worksheet, spans: dict[str, tuple[int, int]]) -> None:
    chosen = chart_metrics(report)
    periods = len(report.periods)
    if not chosen or periods == 0:
        return
    unit = report.metrics[chosen[0]].metric.unit
    chart = LineChart()
    names = [report.metrics[i].metric.label for i in chosen]
    subject = ", ".join(names) if len(names) <= 2 else ("Rates" if unit is Unit.RATIO else f"{unit.value.title()}")
    chart.title = f"{subject} by {report.period.value}"
    chart.height, chart.width = 8, 20
    chart.y_axis.number_format = number_format(unit, report.currency)
    # openpyxl 3.1 marks axes as deleted by default; Excel and LibreOffice then hide them.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    for index in chosen:
        first, last = spans[report.metrics[index].metric.id]
        values = Reference(data, min_col=4, min_row=first, max_row=last)
        series = Series(values, title=report.metrics[index].metric.label)
        series.smooth = False
        chart.series.append(series)
    first, last = spans[report.metrics[chosen[0]].metric.id]
    chart.set_categories(Reference(data, min_col=2, min_row=first, max_row=last))
    anchor_row = len(report.metrics) + 6 + len(footnotes(report)) + len(report.notices) + len(report.quality)
    sheet.add_chart(chart, f"A{anchor_row + 2}")
