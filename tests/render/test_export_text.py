"""csv, json, md and html written to files and parsed back; the formula-neutralising rule."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from crm_metrics.render.output import write_report
from crm_metrics.render.shared import neutralise
from tests.export_fixture import FORMULA_NOTE, fixture_report


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Alice", "1-2", "a=b", "", "'quoted"])
def test_other_text_is_left_alone(text: str) -> None:
    assert neutralise(text) == text


def test_csv_round_trip_keeps_negative_numbers_and_neutralises_notes(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    write_report(fixture_report(), "csv", path)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 8
    by_key = {(r["metric"], r["period"]): r for r in rows}
    assert float(by_key["close_rate", "2025-Q1"]["value"]) == 0.25
    assert by_key["new_revenue", "2025-Q1"]["value"] == "-1500.0"  # a number: not prefixed
    assert by_key["cac", "2025-Q2"]["value"] == ""
    assert by_key["cac", "2025-Q2"]["note"] == "'" + FORMULA_NOTE


def test_json_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    write_report(fixture_report(), "json", path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["periods"] == ["2025-Q1", "2025-Q2"]
    cac = next(m for m in data["metrics"] if m["id"] == "cac")
    assert cac["values"] == {"2025-Q1": 5000.0, "2025-Q2": None}
    assert cac["notes"] == {"2025-Q2": FORMULA_NOTE}  # JSON is not a spreadsheet: text kept as is


def test_markdown_is_a_github_table_with_notes(tmp_path: Path) -> None:
    path = tmp_path / "r.md"
    write_report(fixture_report(), "md", path)
    lines = path.read_text(encoding="utf-8").splitlines()
    table = [line for line in lines if line.startswith("|")]
    assert table[0] == "| Metric | 2025-Q1 | 2025-Q2 | Target |"
    assert table[1] == "| --- | ---: | ---: | ---: |"
    # 4 metrics under 1 part and 2 groups: Sales (close rate, new revenue, sales cycle), Unit economics
    assert len(table) == 2 + 3 + 4
    assert table[2:4] == ["| **BUSINESS PERFORMANCE** | | | |", "| *Sales* | | | |"]
    cells = [c.strip() for c in table[4].strip("|").split("|")]
    assert cells == ["Close rate", "25.0 % ✅", "20.0 % ❌", "\\>= 22.0 %"]
    assert table[7] == "| *Unit economics* | | | |"
    assert [c.strip() for c in table[8].strip("|").split("|")][:3] == ["CAC", "$5,000 ✅", "n/a \\[1\\]"]
    assert [c.strip() for c in table[5].strip("|").split("|")][:2] == ["New revenue", "-$1,500"]
    assert f"- \\[1\\] {FORMULA_NOTE}" in lines
    assert any(line.startswith("- Data quality, deals: 10 rows read") for line in lines)


def test_markdown_escapes_a_pipe_from_an_export() -> None:
    from crm_metrics.render.markdown import escape

    assert escape("Smith | Jones\nLtd") == "Smith \\| Jones Ltd"


def test_html_is_self_contained_with_a_chart_per_metric(tmp_path: Path) -> None:
    path = tmp_path / "r.html"
    write_report(fixture_report(), "html", path)
    page = path.read_text(encoding="utf-8")
    assert page.count("<svg") == 4
    assert page.count("<tbody>") == 1 and page.count("<tr>") == 4 + 1
    assert '<td class="missed">20.0 % ✗</td>' in page
    assert 'class="target"' in page  # the dashed target line in the close-rate chart
    assert "@SUM(1+1) from owner =cmd" in page
    # nothing to fetch: no external scripts, styles, images or fonts
    assert not re.search(r"""(src|href)\s*=|@import|url\(|<script|<link""", page)


# 7 characters of 6.5 px and a 10 px gap need 55.5 px; 8 months on 300 px are 300 / 7 = 42.9 px apart,
# so every 2nd is labelled; 12 months 27.3 px: every 3rd; 18: 17.6 px, every 4th; 36: 8.6 px, every 7th.
@pytest.mark.parametrize(("months", "every"), [(2, 1), (8, 2), (12, 3), (18, 4), (36, 7)])
def test_x_axis_labels_never_overlap(months: int, every: int) -> None:
    from crm_metrics.render.html import CHAR_PX, LABEL_GAP_PX, label_indexes

    labels = [f"20{25 + i // 12}-{i % 12 + 1:02d}" for i in range(months)]
    plot_width = 300
    shown = label_indexes(labels, plot_width)
    step = plot_width / (months - 1)
    assert shown[-1] == months - 1
    assert all(b - a == every for a, b in zip(shown, shown[1:], strict=False))
    assert all((b - a) * step >= 7 * CHAR_PX + LABEL_GAP_PX for a, b in zip(shown, shown[1:], strict=False))


def test_html_scrolls_wide_tables_prints_and_keeps_mapping_details_folded() -> None:
    import io

    from crm_metrics.render.html import render_html
    from tests.export_fixture import full_report

    out = io.StringIO()
    render_html(full_report(), out)
    page = out.getvalue()
    assert '<div class="scroll">\n<table>' in page and ".scroll{overflow-x:auto" in page
    assert "@media print{" in page and "@page{size:landscape" in page
    notes = page[page.index("<h2>Notes and data quality</h2>"):page.index("<details>")]
    assert "Columns read" not in notes and "&lt;-" not in notes  # no developer text for the reader
    details = page[page.index("<details>"):page.index("</details>")]
    assert "<summary>How this was computed</summary>" in details
    assert "deal_id &lt;- &#x27;Record Id&#x27; (detected)" in details


def test_markdown_carries_groups_under_their_metric_and_changes_beside_values() -> None:
    import io

    from crm_metrics.render.markdown import render_markdown
    from tests.export_fixture import full_report

    out = io.StringIO()
    render_markdown(full_report(), out)
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in out.getvalue().splitlines()
            if line.startswith("| ") and "---" not in line]
    labels = [row[0] for row in rows[1:]]
    assert labels == ["**BUSINESS PERFORMANCE**", "*Sales*", "**Close rate (total)**", "&emsp;=HYPERLINK(1)",
                      "&emsp;Ann", "&emsp;Bob", "&emsp;other", "**New revenue (total)**", "&emsp;Bob", "&emsp;Ann",
                      "*Unit economics*", "CAC", "**CUSTOMER PERCEPTION**", "*Support*", "Resolution time (median)"]
    # close rate 30 % -> 25 % -> 20 %, target >= 22 %: met then missed, down 5 points each time
    assert rows[3][1:] == ["25.0 % ✅ ↓5.0 pp (worse)", "20.0 % ❌ ↓5.0 pp (worse)", "\\>= 22.0 %"]
    assert rows[6][1:] == ["0.0 %", "n/a \\[1\\]", ""]  # Bob: no deals closed in Q2, no change on groups
    assert rows[15][1:3] == ["12.5 h ↑25.0% (worse)", "10.0 h ↓20.0% (better)"]
