"""--compare with --by: every group row carries its own change, against the same group's baseline
period, in every format people read (table, md, html, xlsx) and in json's optional "by_changes"."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from crm_metrics.api import report as run
from crm_metrics.config.model import parse_config
from crm_metrics.metrics.compare import Direction
from crm_metrics.pipeline import RunOptions
from crm_metrics.render.html import render_html
from crm_metrics.render.machine import render_csv, report_dict
from crm_metrics.render.markdown import render_markdown
from crm_metrics.render.table import render_table
from crm_metrics.render.xlsx import render_xlsx
from crm_metrics.report import Report
from tests.extra_fixtures import TODAY

# Close rate by owner (all deals new):
#   Carl: Q1 E1 won, E2 lost -> 1/2; Q2 E5, E6 won, E7 lost -> 2/3: (2/3 - 1/2) * 100 = +16.7 pp.
#   Dana: Q1 E3, E4 won -> 2/2; Q2 E8 lost -> 0/1: (0 - 1) * 100 = -100.0 pp.
#   Total: Q1 3/4 = 0.75; Q2 2/4 = 0.5: -25.0 pp.
DEALS = """deal_id,account_name,owner,stage,amount,created_at,closed_at,deal_type
E1,Acme,Carl,Closed Won,100,2025-01-01,2025-02-01,New
E2,Bolt,Carl,Closed Lost,100,2025-01-01,2025-02-02,New
E3,Cork,Dana,Closed Won,100,2025-01-01,2025-02-03,New
E4,Dune,Dana,Closed Won,100,2025-01-01,2025-02-04,New
E5,Echo,Carl,Closed Won,100,2025-03-01,2025-04-01,New
E6,Fern,Carl,Closed Won,100,2025-03-01,2025-04-02,New
E7,Gale,Carl,Closed Lost,100,2025-03-01,2025-04-03,New
E8,Hull,Dana,Closed Lost,100,2025-03-01,2025-04-04,New
"""


def _report(tmp: Path) -> Report:
    (tmp / "deals.csv").write_text(DEALS, encoding="utf-8")
    data = {"period": "quarter", "currency": "USD", "range": {"from": "2025-04-01", "to": "2025-06-30"},
            "sources": {"deals": {"path": "deals.csv"}}}
    (tmp / "crm-metrics.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    config = parse_config(data, origin=str(tmp / "crm-metrics.yaml"), base_dir=tmp)
    return run(config, RunOptions(metrics=("close_rate",), by="owner", compare="previous", today=TODAY))


def test_each_group_changes_against_its_own_baseline(tmp_path: Path) -> None:
    result = _report(tmp_path).metrics[0]
    # Only Q2 is shown; Q1 was computed as its baseline and is not among the cells.
    assert list(result.cells) == ["2025-Q2"]
    assert result.groups is not None and list(result.groups["Carl"]) == ["2025-Q2"]
    assert result.groups["Carl"]["2025-Q2"].value == pytest.approx(2 / 3)
    assert result.group_changes is not None
    carl, dana = result.group_changes["Carl"]["2025-Q2"], result.group_changes["Dana"]["2025-Q2"]
    assert (carl.against, carl.unit, carl.direction) == ("2025-Q1", "pp", Direction.BETTER)
    assert carl.delta == pytest.approx(100 / 6)  # 2/3 - 1/2 = 1/6
    assert dana.delta == pytest.approx(-100.0) and dana.direction is Direction.WORSE
    assert result.changes["2025-Q2"].delta == pytest.approx(-25.0)


def _row(text: str, name: str) -> str:
    return next(line for line in text.splitlines() if name in line)


def test_every_format_people_read_shows_the_group_change(tmp_path: Path) -> None:
    report = _report(tmp_path)
    table = io.StringIO()
    render_table(report, table)
    assert "+16.7 pp" in _row(table.getvalue(), "Carl")
    assert "-100.0 pp" in _row(table.getvalue(), "Dana")
    md = io.StringIO()
    render_markdown(report, md)
    assert "↑16.7 pp" in _row(md.getvalue(), "Carl")
    html = io.StringIO()
    render_html(report, html)
    assert "↑16.7 pp" in _row(html.getvalue(), "Carl")
    book = io.BytesIO()
    render_xlsx(report, book)
    sheet = load_workbook(io.BytesIO(book.getvalue()))["Report"]
    rows = {str(row[0].value).strip(): row for row in sheet.iter_rows() if row[0].value}
    # Columns: metric, 2025-Q2, change; points stay points.
    assert rows["Carl"][2].value == pytest.approx(16.6666666667)


def test_json_adds_by_changes_and_csv_adds_change_columns_after_its_own(tmp_path: Path) -> None:
    report = _report(tmp_path)
    metric = report_dict(report)["metrics"][0]
    assert metric["by_changes"]["Carl"]["2025-Q2"]["change"] == pytest.approx(16.6666666667)
    assert metric["by_changes"]["Carl"]["2025-Q2"]["against"] == "2025-Q1"
    out = io.StringIO()
    render_csv(report, out)
    # metrics.md section 5's six columns first and unchanged; the changes after them, so a --compare
    # csv does not silently drop what every other format shows.
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0])[:6] == ["metric", "period", "group", "value", "unit", "note"]
    by_group = {r["group"]: r for r in rows}
    # Total 0.75 -> 0.5: -25.0 pp; Carl 1/2 -> 2/3: +16.7 pp; Dana 1 -> 0: -100 pp.
    assert float(by_group[""]["change"]) == pytest.approx(-25.0)
    assert (by_group[""]["against"], by_group[""]["change_unit"], by_group[""]["direction"]) == (
        "2025-Q1", "pp", "worse")
    assert float(by_group["Carl"]["change"]) == pytest.approx(100 / 6)
    assert (float(by_group["Dana"]["change"]), by_group["Dana"]["direction"]) == (pytest.approx(-100.0), "worse")


def test_csv_without_compare_keeps_exactly_its_six_columns(tmp_path: Path) -> None:
    (tmp_path / "deals.csv").write_text(DEALS, encoding="utf-8")
    data = {"period": "quarter", "currency": "USD", "range": {"from": "2025-04-01", "to": "2025-06-30"},
            "sources": {"deals": {"path": "deals.csv"}}}
    config = parse_config(data, origin=str(tmp_path / "c.yaml"), base_dir=tmp_path)
    out = io.StringIO()
    render_csv(run(config, RunOptions(metrics=("close_rate",), today=TODAY)), out)
    # Q2: E5, E6 won of E5-E8 closed: 2 / 4.
    assert out.getvalue().splitlines() == ["metric,period,group,value,unit,note", "close_rate,2025-Q2,,0.5,ratio,"]
