"""Excel: a "Report" sheet laid out like the terminal table (part and group headings, metrics under
them), a long-form "Data" sheet and a chart.

A value some inputs were left out of is a number like any other, so its footnote rides on the cell as
a comment ("[3] 1 of 3 spend rows unreadable (amount), left out") and in the notes below the table.

Values are numbers with a number format per unit (so Excel can sum and chart them), never strings;
every text cell that could carry export data is neutralised so it cannot run as a formula.
"""

from __future__ import annotations

from datetime import UTC, datetime
from math import ceil
from typing import IO

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import LineChart, Reference, Series
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from crm_metrics.metrics.registry import Unit
from crm_metrics.render.shared import neutralise
from crm_metrics.render.values import CURRENCY_SYMBOLS
from crm_metrics.render.view import SAMPLE_TITLE, ChangeView, MetricView, RowView, Tone, View, build_view
from crm_metrics.report import Report

# Named, so LibreOffice does not fall back to a serif face for cells with a font of their own.
FONT = {"name": "Calibri", "size": 11}
BOLD = Font(**FONT, bold=True)
MUTED = Font(**FONT, italic=True, color="666666")
PART = Font(name=FONT["name"], size=13, bold=True)
SECTION = Font(**FONT, bold=True, italic=True, color="444444")
BETTER = Font(**FONT, color="1A7F37")
WORSE = Font(**FONT, color="CF222E")
NEUTRAL = Font(**FONT, color="666666")
MET = PatternFill("solid", fgColor="D9F2D9")
MISSED = PatternFill("solid", fgColor="F8D0D0")
RIGHT = Alignment(horizontal="right")
GROUP = Alignment(horizontal="left", indent=2)  # LibreOffice indents only left-aligned cells
NOTE = Alignment(wrap_text=True, vertical="top")
TONE_FONTS = {Tone.BETTER: BETTER, Tone.WORSE: WORSE, Tone.NEUTRAL: NEUTRAL}
# Change numbers carry their sign; percent changes are fractions (0.25 shows as +25.0%).
CHANGE_FORMATS = {"%": '+0.0%;-0.0%;0.0%', "pp": '+0.0 "pp";-0.0 "pp";0.0 "pp"',
                  "pts": '+0.0 "pts";-0.0 "pts";0.0 "pts"'}
VALUE_WIDTH, CHANGE_WIDTH, TARGET_WIDTH = 14, 10, 16
# A row of wrapped 11-point text is about 15 points high and holds about one character per
# column-width unit.
LINE_POINTS = 15
CHART_ROWS = 17  # an 8 cm chart covers about this many default rows
# Printed, this many period and change columns stay one page wide; more are spread over pages, with
# the metric column repeated on each, rather than shrunk past reading.
COLUMNS_PER_PAGE = 16


def number_format(unit: Unit, currency: str) -> str:
    """The spreadsheet number format that shows a value of `unit` as the other formats do."""
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
    """Write the report as an xlsx workbook: the Report sheet, the Data sheet and a chart."""
    render_view(build_view(report), out)


def render_view(view: View, out: IO[bytes]) -> None:
    """Write the workbook for an already built View."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Report"
    notes_end = _report_sheet(view, sheet)
    data = book.create_sheet("Data")
    spans = _data_sheet(view, data)
    chart_end = _chart(view, sheet, data, spans, notes_end + 2)
    sheet.print_area = f"A1:{get_column_letter(sheet.max_column)}{max(chart_end, sheet.max_row)}"
    book.properties.title = view.title
    book.properties.subject = view.caption
    book.properties.creator = "crm-metrics"
    book.properties.created = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    book.save(out)


def _report_sheet(view: View, sheet: Worksheet) -> int:
    """The table people read: a value column per period (and its change beside it with --compare),
    groups as indented rows under their metric, the notes below inside the print area. Returns the
    last row written."""
    changes = view.compare is not None
    # The first row is what a copied or printed sheet keeps: a sample report says so there too.
    header: list[str] = [f"Metric ({SAMPLE_TITLE})" if view.sample_data else "Metric"]
    for label in view.columns:
        header += [label, "change"] if changes else [label]
    if view.has_targets:
        header.append("Target")
    sheet.append([neutralise(h) for h in header])
    for cell in sheet[1]:
        cell.font = BOLD
        if cell.column > 1:
            cell.alignment = RIGHT  # over right-aligned numbers
    row_number = 1
    for part in view.sections:
        row_number += 1
        sheet.cell(row_number, 1, neutralise(part.title)).font = PART
        for group in part.groups:
            row_number += 1
            sheet.cell(row_number, 1, neutralise(group.title)).font = SECTION
            for metric in group.metrics:
                for row in metric.rows:
                    row_number += 1
                    _row(view, sheet, row_number, metric, row, changes, len(header))
    sheet.freeze_panes = "B2"
    _print_one_page_wide(sheet)
    pages = max(1, ceil((len(header) - 1) / COLUMNS_PER_PAGE))
    sheet.page_setup.fitToWidth = pages
    sheet.print_title_rows = "1:1"
    sheet.print_title_cols = "A:A"
    sheet.oddHeader.center.text = neutralise(view.title)
    label_width = max(12, *(len(row.label) + 4 for row in view.rows)) if view.rows else 12
    sheet.column_dimensions["A"].width = label_width
    widths = [label_width]
    for column in range(2, len(header) + 1):
        name = header[column - 1]
        width = CHANGE_WIDTH if name == "change" else TARGET_WIDTH if name == "Target" else VALUE_WIDTH
        sheet.column_dimensions[get_column_letter(column)].width = width
        widths.append(width)

    lines = [view.caption]
    if view.hidden_note:
        lines.append(view.hidden_note)
    if view.not_split:
        lines.append(view.not_split)
    lines += [f"[{f.number}] {f.text}" for f in view.footnotes]
    if view.has_targets:
        lines.append("Targets: green = met, red = missed")
    if changes:
        lines.append("Changes: in % of the earlier value, or in percentage points (pp) for rates; "
                     "green is better, red is worse")
    lines += [f"Note: {notice}" for notice in view.notices]
    lines += view.quality
    # As wide as the first printed page, so a note never runs on to the next one.
    note_columns = min(len(header), 1 + ceil((len(header) - 1) / pages))
    return _notes(sheet, lines, row_number + 2, note_columns, sum(widths[:note_columns]))


def _row(view: View, sheet: Worksheet, row_number: int, metric: MetricView, row: RowView, changes: bool,
         columns: int) -> None:
    label = sheet.cell(row_number, 1, neutralise(row.label))
    if row.group:
        label.alignment = GROUP
        sheet.row_dimensions[row_number].outlineLevel = 1  # groups fold under their metric
    elif metric.groups:
        label.font = BOLD
    column = 2
    for value in row.values:
        cell = sheet.cell(row_number, column)
        if value.value is None:
            cell.value = f"n/a [{value.footnote}]"
            cell.alignment = RIGHT
            cell.font = MUTED
        else:
            cell.value = value.value
            cell.number_format = number_format(metric.unit, view.currency)
            if value.met is not None:
                cell.fill = MET if value.met else MISSED
            if value.reason is not None:
                cell.comment = Comment(neutralise(f"{value.marker} {value.reason}"), "crm-metrics")
        if changes:
            _change(sheet.cell(row_number, column + 1), value.change)
        column += 2 if changes else 1
    if metric.target and not row.group:
        sheet.cell(row_number, columns, metric.target).alignment = RIGHT


def _change(cell: Cell, change: ChangeView | None) -> None:
    if change is None or change.fraction is None:
        return
    cell.value = change.fraction
    cell.number_format = CHANGE_FORMATS[change.unit]
    cell.font = TONE_FONTS[change.tone]


def _notes(sheet: Worksheet, lines: list[str], first_row: int, columns: int, width: float) -> int:
    """Each note in one merged cell as wide as the table, wrapped, its row tall enough: the notes
    stay inside the printed page instead of running off to the right."""
    row = first_row
    for line in lines:
        cell = sheet.cell(row, 1, neutralise(line))
        cell.font = MUTED
        cell.alignment = NOTE
        if columns > 1:
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
        sheet.row_dimensions[row].height = LINE_POINTS * max(1, ceil(len(line) * 1.1 / width))
        row += 1
    return row - 1


def _print_one_page_wide(sheet: Worksheet) -> None:
    """Printed (or converted to PDF): landscape, every column on one page width."""
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0


def _data_sheet(view: View, sheet: Worksheet) -> dict[str, tuple[int, int]]:
    """Write the long form; return each metric's rows (first, last) of its ungrouped values."""
    sheet.append(["metric", "period", "group", "value", "unit", "note"])
    for cell in sheet[1]:
        cell.font = BOLD
    units = {m.id: m.unit for m in view.metrics}
    spans: dict[str, tuple[int, int]] = {}
    for row in view.data:
        sheet.append([neutralise(row.metric), neutralise(row.period), neutralise(row.group), row.value,
                      row.unit, neutralise(row.note)])
        sheet.cell(sheet.max_row, 4).number_format = number_format(units[row.metric], view.currency)
        if not row.group:
            spans[row.metric] = (spans.get(row.metric, (sheet.max_row, 0))[0], sheet.max_row)
    sheet.freeze_panes = "A2"
    _print_one_page_wide(sheet)
    sheet.print_title_rows = "1:1"
    sheet.auto_filter.ref = sheet.dimensions
    for letter, width in zip("ABCDEF", (28, 12, 14, 14, 10, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    return spans


def chart_metrics(view: View) -> list[int]:
    """Indexes of the metrics to chart together. A line chart has one value axis, so they share a
    unit: the rates (all on 0-100 %) when there are any, else those with the first metric's unit
    (percentages beside dollars, or counts of 10 beside counts of 500, would flatten one of them)."""
    rates = [i for i, m in enumerate(view.metrics) if m.unit is Unit.RATIO]
    if rates or not view.metrics:
        return rates
    unit = view.metrics[0].unit
    return [i for i, m in enumerate(view.metrics) if m.unit is unit]


def _chart(view: View, sheet: Worksheet, data: Worksheet, spans: dict[str, tuple[int, int]], row: int) -> int:
    """Add the chart at `row`; return the last row it covers (`row` - 1 when there is none)."""
    chosen = chart_metrics(view)
    if not chosen or not view.columns:
        return row - 1
    unit = view.metrics[chosen[0]].unit
    chart = LineChart()
    names = [view.metrics[i].label for i in chosen]
    subject = ", ".join(names) if len(names) <= 2 else ("Rates" if unit is Unit.RATIO else f"{unit.value.title()}")
    chart.title = f"{subject} by {view.period}"
    chart.height, chart.width = 8, 20
    chart.y_axis.number_format = number_format(unit, view.currency)
    # openpyxl 3.1 marks axes as deleted by default; Excel and LibreOffice then hide them.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    for index in chosen:
        first, last = spans[view.metrics[index].id]
        values = Reference(data, min_col=4, min_row=first, max_row=last)
        series = Series(values, title=view.metrics[index].label)
        series.smooth = False
        chart.series.append(series)
    first, last = spans[view.metrics[chosen[0]].id]
    chart.set_categories(Reference(data, min_col=2, min_row=first, max_row=last))
    sheet.add_chart(chart, f"A{row}")
    sheet.row_breaks.append(Break(id=row - 1))  # printed, the chart starts a page instead of being cut
    return row + CHART_ROWS
