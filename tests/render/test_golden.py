"""Every format rendered from the same fixture Reports (tests/export_fixture.py), compared with golden
files under tests/render/golden/.

The golden files are the reference: a change in them is a change people see. They are rewritten only
on purpose, by running

    CRM_METRICS_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/render/test_golden.py

and reading the diff before committing it. The xlsx golden is a text dump of the Report sheet (value,
number format, alignment and font colour of each cell, merged ranges, print settings), since the
file itself carries a creation time (cell comments included).
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from crm_metrics.render import get_renderer
from crm_metrics.render.table import render_table
from crm_metrics.render.xlsx import render_xlsx
from crm_metrics.report import Report
from tests.export_fixture import fixture_report, full_report, monthly_report

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("CRM_METRICS_REGEN_GOLDEN") == "1"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
REPORTS: dict[str, Callable[[], Report]] = {"full": full_report, "monthly": monthly_report, "plain": fixture_report}


class Terminal(io.StringIO):
    """A terminal for rich: box drawing, arrows and (unless NO_COLOR) colour."""

    def isatty(self) -> bool:
        return True


def check_golden(name: str, text: str) -> None:
    """Compare `text` with golden/`name`; with CRM_METRICS_REGEN_GOLDEN=1, rewrite it instead."""
    path = GOLDEN / name
    if REGENERATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        return
    assert path.exists(), f"no golden file {path}; run with CRM_METRICS_REGEN_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


@pytest.mark.parametrize("report", list(REPORTS))
@pytest.mark.parametrize("fmt", ["md", "html", "json", "csv"])
def test_text_formats_match_their_golden_files(report: str, fmt: str) -> None:
    out = io.StringIO()
    get_renderer(fmt)(REPORTS[report](), out)
    check_golden(f"{report}.{fmt}", out.getvalue())


@pytest.mark.parametrize("report", list(REPORTS))
@pytest.mark.parametrize("width", [80, 100, 200])
def test_piped_table_at_a_fixed_width_matches_its_golden_file(report: str, width: int) -> None:
    out = io.StringIO()
    render_table(REPORTS[report](), out, width=width)
    check_golden(f"{report}.table-{width}.txt", out.getvalue())


@pytest.mark.parametrize("report", list(REPORTS))
@pytest.mark.parametrize("width", [80, 100, 200])
def test_terminal_table_matches_its_golden_file(report: str, width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # The width comes from the terminal here ($COLUMNS, as rich reads it), not from an argument.
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setenv("NO_COLOR", "1")  # box drawing and arrows stay, colour goes: stable text
    out = Terminal()
    render_table(REPORTS[report](), out)
    check_golden(f"{report}.terminal-{width}.txt", out.getvalue())


@pytest.mark.parametrize("report", list(REPORTS))
def test_xlsx_report_sheet_matches_its_golden_dump(report: str) -> None:
    buffer = io.BytesIO()
    render_xlsx(REPORTS[report](), buffer)
    check_golden(f"{report}.xlsx.txt", dump_report_sheet(buffer))


def dump_report_sheet(buffer: io.BytesIO) -> str:
    """The Report sheet as text: print settings, merged ranges, then every cell with its look."""
    sheet = load_workbook(buffer)["Report"]
    lines = [f"print area {sheet.print_area}; orientation {sheet.page_setup.orientation}; "
             f"fit to width {sheet.page_setup.fitToWidth}, height {sheet.page_setup.fitToHeight}; "
             f"title rows {sheet.print_title_rows}, columns {sheet.print_title_cols}; freeze {sheet.freeze_panes}; "
             f"page breaks after rows {[b.id for b in sheet.row_breaks.brk]}",
             "merged " + " ".join(sorted(str(r) for r in sheet.merged_cells.ranges))]
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            colour = cell.font.color.rgb if cell.font.color is not None else None
            colour = colour if isinstance(colour, str) else None  # theme colours: the default
            fill = cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type else None
            comment = f" comment={cell.comment.text!r}" if cell.comment is not None else ""
            lines.append(f"{cell.coordinate} {cell.value!r} fmt={cell.number_format!r} "
                         f"align={cell.alignment.horizontal} indent={cell.alignment.indent:g} "
                         f"bold={cell.font.bold} colour={colour} fill={fill}{comment}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("report", list(REPORTS))
@pytest.mark.parametrize("width", [80, 100, 200])
def test_no_table_line_is_wider_than_the_terminal(report: str, width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for out, text in ((Terminal(), None), (io.StringIO(), None)):
        if isinstance(out, Terminal):
            render_table(REPORTS[report](), out)
        else:
            render_table(REPORTS[report](), out, width=width)
        text = ANSI.sub("", out.getvalue())
        assert max(len(line) for line in text.splitlines()) <= width, text


@pytest.mark.parametrize("width", [80, 100, 200])
def test_no_row_wraps_and_hidden_periods_are_named(width: int) -> None:
    report = monthly_report()
    out = io.StringIO()
    render_table(report, out, width=width)
    lines = out.getvalue().splitlines()
    header = next(line for line in lines if line.startswith("Metric"))
    shown = [label for label in report.labels if label in header]
    # the latest periods, oldest left, each row on one line with a value for every period shown
    assert shown == report.labels[-len(shown):]
    rows = [line for line in lines if line.startswith(("Close rate", "  Maya", "  other", "CAC", "Resolution"))]
    assert len(rows) == 5
    assert all(len(re.findall(r"\d %|\$\d|\d h", row)) == len(shown) for row in rows)
    hidden = len(report.labels) - len(shown)
    notes = " ".join(lines)
    if hidden:
        assert f"{hidden} earlier months hidden to fit the terminal (2025-01 to {report.labels[hidden - 1]})" in notes
        assert "-o report.html" in notes
    else:
        assert "hidden" not in notes
    # notes are wrapped once, at the width: no line of them is longer, and a long one spans lines
    assert all(len(line) <= width for line in lines)


def test_a_long_group_name_is_cut_not_the_numbers() -> None:
    import dataclasses

    report = monthly_report()
    close_rate = report.metrics[0]
    assert close_rate.groups is not None
    long_name = "Northern Europe and Middle East enterprise accounts team (renewals)"
    groups = {long_name if name == "Maya Thompson" else name: cells for name, cells in close_rate.groups.items()}
    report.metrics[0] = dataclasses.replace(close_rate, groups=groups)
    out = io.StringIO()
    render_table(report, out, width=80)
    lines = out.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 80
    # The only cut in the table is the long label's own ellipsis (how many of its letters fit
    # depends on rich's column sizing); its numbers and every other cell are whole.
    rows = lines[1:8]  # the header, the part and group headings, Close rate and its groups, CAC
    assert lines[2:4] == ["BUSINESS PERFORMANCE", "Sales:"]
    assert sum(line.count("…") for line in rows) == 1
    cut = next(line for line in rows if "…" in line)
    assert cut.startswith("  Northern Europe and Middle East e")
    assert cut.split("…", 1)[1].split()[:4] == ["36.0", "%", "37.0", "%"]
    assert "37.0 % +1.0 pp" in lines[4]  # 2026-06, the latest month, whole
