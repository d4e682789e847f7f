"""Awkward shapes of real exports, each read untouched and checked against numbers worked out by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from crm_metrics.api import report as run
from crm_metrics.config.model import parse_config
from crm_metrics.errors import ConfigError, InputError
from crm_metrics.io.files import read_table
from crm_metrics.io.sniff import count_footer, detect_delimiter, detect_encoding, find_header
from crm_metrics.pipeline import RunOptions

EXPORTS = Path(__file__).parents[1] / "fixtures" / "exports"
Q1 = "2025-Q1"


def q1(sources: dict[str, Any], metrics: list[str], base: Path = EXPORTS, **extra: Any) -> tuple[dict[str, Any], Any]:
    config = parse_config({"metrics": metrics, "sources": sources, **extra}, origin="test.yaml", base_dir=base)
    report = run(config, RunOptions(date_from=date(2025, 1, 1), date_to=date(2025, 3, 31)))
    table = next(iter(sources))
    return {r.metric.id: r.cells[Q1].value for r in report.metrics}, report.quality[table]


def test_european_salesforce_export_with_several_currencies() -> None:
    # Semicolons, every field quoted, decimal commas, D-M-YYYY, an "Amount Currency" column.
    # fx to USD: EUR 1.10, GBP 1.25. Won: E1 EUR 1.200,50; E2 USD 800,00; E3 GBP 1.000,00; lost E4.
    # new_revenue = 1200.50 * 1.10 + 800.00 + 1000.00 * 1.25 = 1320.55 + 800 + 1250 = 3370.55
    # close_rate = 3 / 4 = 0.75 (the 17-2-2025 style dates must be read day-first to land in Q1)
    values, quality = q1({"deals": {"path": "salesforce_eu_semicolon.csv", "preset": "salesforce"}},
                         ["new_revenue", "close_rate"], fx={"EUR": 1.10, "GBP": 1.25})
    assert values["new_revenue"] == pytest.approx(3370.55)
    assert values["close_rate"] == pytest.approx(0.75)
    assert quality.columns["currency"] == "Amount Currency"


def test_a_currency_without_a_rate_is_named_in_the_error() -> None:
    with pytest.raises(ConfigError, match=r"amounts in GBP but the config has no fx rate"):
        q1({"deals": {"path": "salesforce_eu_semicolon.csv"}}, ["new_revenue"], fx={"EUR": 1.10})


def test_title_rows_above_and_totals_and_footer_below_are_skipped() -> None:
    # Header on line 4 under "Opportunity Report" / "Filtered By" / a blank line; below the data a
    # "Grand Totals (3 records)" row and Salesforce's copyright and confidentiality lines.
    # new_revenue = T1 100 + T2 200 = 300 (the totals row's 350 must not count as a deal)
    values, quality = q1({"deals": {"path": "report_title_and_totals.csv"}}, ["new_revenue"])
    assert values["new_revenue"] == pytest.approx(300)
    assert quality.rows == 3
    # 2 title rows + totals row + 2 footer lines (blank lines are not counted)
    assert quality.left_out["title, blank or totals rows around the table"] == 5


def test_utf16_excel_unicode_text() -> None:
    # Excel "Unicode Text": UTF-16 LE with BOM, tab-separated. new_revenue = 1500 + 500 = 2000
    raw = read_table(EXPORTS / "excel_unicode_text_utf16.txt")
    assert list(raw["Account Name"]) == ["Müller GmbH", "Zürich AG", "Åström AB"]
    values, _ = q1({"deals": {"path": "excel_unicode_text_utf16.txt"}}, ["new_revenue"])
    assert values["new_revenue"] == pytest.approx(2000)


def test_utf16_without_bom_is_recognised() -> None:
    assert detect_encoding("Ticket ID,Created\r\n1,2025".encode("utf-16-le")) == "utf-16-le"
    assert detect_encoding("Ticket ID,Created\r\n1,2025".encode("utf-16-be")) == "utf-16-be"


def test_windows_1252_csv() -> None:
    # new_revenue = 700 + 300 = 1000; names keep their accents and the en dash.
    raw = read_table(EXPORTS / "excel_windows1252.csv")
    assert list(raw["Account Name"]) == ["Société Générale", "Crème Brûlée Café", "Façade Ltd – North"]
    values, _ = q1({"deals": {"path": "excel_windows1252.csv"}}, ["new_revenue"])
    assert values["new_revenue"] == pytest.approx(1000)


def test_excel_serial_and_text_dates_in_one_column() -> None:
    # Serial 45658 is 2025-01-01, so 45672.375 = 2025-01-15 09:00 and 45673.75 = 2025-01-16 18:00.
    # S1: 15 Jan 09:00 -> "2025-01-15 13:00" = 4 h; S2: "2025-01-16 08:00" -> 16 Jan 18:00 = 10 h;
    # S3 ("1/17/2025 09:00") is open. mean resolution = (4 + 10) / 2 = 7 h; created = 3.
    values, quality = q1({"tickets": {"path": "tickets_serial_and_text_dates.csv"}},
                         ["resolution_time_hours_mean", "tickets_created"])
    assert values["resolution_time_hours_mean"] == pytest.approx(7.0)
    assert values["tickets_created"] == 3
    assert quality.unparseable.get("created_at", 0) == 0


def test_amounts_with_a_currency_code_inside_the_cell() -> None:
    # "EUR 1.200,50" and "EUR 300,00" with fx EUR 1.10: (1200.50 + 300.00) * 1.10 = 1650.55
    values, _ = q1({"deals": {"path": "amounts_with_currency_codes.csv"}}, ["new_revenue"], fx={"EUR": 1.10})
    assert values["new_revenue"] == pytest.approx(1650.55)


@pytest.mark.parametrize("path", ["monthly/deals_*.csv", ["monthly/deals_2025-01.csv", "monthly/deals_2025-02.csv"]])
def test_one_export_per_month_by_glob_or_list_with_duplicates_removed(path: Any) -> None:
    # January: M1 won 100, M2 open 200. February's export has M2 again, now won, and M3 won 300.
    # The later file wins for M2, so new_revenue = 100 + 200 + 300 = 600 and one duplicate is dropped.
    values, quality = q1({"deals": {"path": path}}, ["new_revenue"])
    assert values["new_revenue"] == pytest.approx(600)
    assert quality.duplicates_dropped == 1
    assert len(quality.files) == 2


def test_every_sheet_of_a_workbook(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    jan = book.active
    assert jan is not None
    jan.title = "Jan"
    feb = book.create_sheet("Feb")
    header = ["Opportunity ID", "Stage", "Amount", "Created Date", "Close Date"]
    for sheet, rows in ((jan, [["M1", "Closed Won", 100, "2025-01-02", "2025-01-20"],
                               ["M2", "Prospecting", 200, "2025-01-03", "2025-03-31"]]),
                        (feb, [["M2", "Closed Won", 200, "2025-01-03", "2025-02-10"],
                               ["M3", "Closed Won", 300, "2025-02-01", "2025-02-15"]])):
        sheet.append(["Deals report"])  # a title row above the header, as report exports have
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    book.save(tmp_path / "deals.xlsx")
    # Same hand count as the monthly CSVs: 100 + 200 + 300 = 600; only sheet Jan: 100.
    values, quality = q1({"deals": {"path": "deals.xlsx", "sheet": "*"}}, ["new_revenue"], base=tmp_path)
    assert values["new_revenue"] == pytest.approx(600)
    assert quality.duplicates_dropped == 1
    # validate (and so the report's footer) reads every sheet too: 4 rows, M2 twice with another stage.
    from crm_metrics.checks import validate

    config = parse_config({"sources": {"deals": {"path": "deals.xlsx", "sheet": "*"}}}, origin="test.yaml",
                          base_dir=tmp_path)
    check = validate(config, today=date(2026, 1, 1)).sources[0]
    assert check.rows == 4
    assert [p.count for p in check.problems if p.check == "duplicate_conflict"] == [1]
    values, _ = q1({"deals": {"path": "deals.xlsx", "sheet": "Jan"}}, ["new_revenue"], base=tmp_path)
    assert values["new_revenue"] == pytest.approx(100)


def test_sniff_helpers_on_plain_rows() -> None:
    assert detect_delimiter('"a";"b";"c"\n"1,5";"2";"3"\n') == ";"
    assert detect_delimiter("a\tb\tc\n1,5\t2\t3\n") == "\t"
    rows: list[list[object]] = [["Opportunity Report"], [], ["ID", "Stage", "Amount"], ["1", "Won", "5"]]
    assert find_header([r for r in rows if r]) == 1
    body: list[list[object]] = [["1", "Won", "5"], ["Total", "", "5"], [""], ["Generated by: Ann"]]
    assert count_footer(body, 3) == 3
    # A deal whose name starts with "Total" is data, not a totals row.
    assert count_footer([["1", "Won", "5"], ["7", "Total Solutions Inc", "9"]], 3) == 0
    assert count_footer([["1", "Won", "5"], ["Total Solutions Inc", "Won", "9"]], 3) == 0
    assert count_footer([["1", "Won", "5"], ["Count Basie Ltd", "Won", "9"]], 3) == 0
    assert count_footer([["1", "Won", "5"], ["Grand Totals (2 records)", "", "14"]], 3) == 1
    assert count_footer([["1", "Won", "5"], ["", "Sum:", "14"]], 3) == 1


def test_a_row_wider_than_the_header_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text("ID,Stage\n1,Won\n2,Won,extra\n", encoding="utf-8")
    wider = r"bad.csv: rows do not have the same number of columns \(row 3 has 3 cells, the header 2\)"
    with pytest.raises(InputError, match=wider):
        read_table(tmp_path / "bad.csv")
