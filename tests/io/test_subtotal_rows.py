"""A subtotal or total row inside a table (a "Subtotal" / "Total" / "Summe" / "Gesamt" label with no
id and no dates) is one recognised row, left out, counted and reported as such, not a missing id,
a blank date and an unknown stage (issue 14, kind 12). The label rule is the one that cuts totals
rows off the end of a file (io/sniff.is_total_label)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from crm_metrics.checks import validate
from crm_metrics.config.model import parse_config
from crm_metrics.io.sniff import is_total_label
from tests.fixtures.build import make_config, run_report

TODAY = date(2026, 1, 15)
DEALS = [
    {"deal_id": "D1", "stage": "Closed Won", "amount": "1000", "created_at": "2025-01-02", "closed_at": "2025-02-01"},
    {"deal_id": "D2", "stage": "Closed Won", "amount": "500", "created_at": "2025-01-03", "closed_at": "2025-02-02"},
    {"deal_id": None, "stage": "Subtotal", "amount": "1500", "created_at": None, "closed_at": None},  # row 4
    {"deal_id": "D3", "stage": "Closed Lost", "amount": "200", "created_at": "2025-01-04", "closed_at": "2025-02-03"},
    {"deal_id": "D4", "stage": "Closed Won", "amount": "lots", "created_at": "2025-01-05", "closed_at": "2025-02-04"},
]


def test_a_subtotal_row_is_one_problem_and_left_out(tmp_path: Path) -> None:
    report = run_report(tmp_path, {"deals": DEALS}, ["new_revenue", "close_rate"], date(2025, 1, 1),
                        date(2025, 3, 31))
    found = {m.metric.id: m.cells["2025-Q1"] for m in report.metrics}
    # Won D1 1,000 + D2 500 (D4's "lots" unreadable): 1,500, the subtotal's 1,500 not added again.
    assert found["new_revenue"].value == pytest.approx(1500)
    # 3 won of 4 closed (D1, D2, D4 won; D3 lost); the subtotal row is no open deal: 75 %.
    assert found["close_rate"].value == pytest.approx(0.75)
    assert report.quality["deals"].left_out["subtotal rows inside the table"] == 1
    file = str(tmp_path / "deals.csv")
    problems = [(p.check, p.count, p.examples) for p in validate(make_config(tmp_path, {"deals": DEALS}),
                                                                  today=TODAY).problems]
    # Rows after the left-out one keep their file row: D4 is row 6.
    assert problems == [("subtotal_row", 1, [(file, 4, "Subtotal")]), ("unparseable", 1, [(file, 6, "lots")])]


def test_summe_in_a_sheet_and_gesamt_at_its_end(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [["Deal ID", "Account", "Stage", "Amount", "Created", "Closed"],
                ["D1", "Acme", "Won", 100, "2025-01-02", "2025-02-01"],
                [None, "Summe", None, 100, None, None],
                ["D2", "Beta", "Won", 40, "2025-01-03", "2025-02-02"],
                [None, "Gesamt", None, 140, None, None]]:
        sheet.append(row)
    book.save(tmp_path / "deals.xlsx")
    columns = {"deal_id": "Deal ID", "account_name": "Account", "stage": "Stage", "amount": "Amount",
               "created_at": "Created", "closed_at": "Closed"}
    config = parse_config({"sources": {"deals": {"path": "deals.xlsx", "columns": columns}}},
                          origin=str(tmp_path / "c.yaml"), base_dir=tmp_path)
    problems = [(p.check, p.count, p.examples) for p in validate(config, today=TODAY).problems]
    # "Summe" inside the table is reported; "Gesamt" on the last row is a footer, cut off as before.
    assert problems == [("subtotal_row", 1, [(str(tmp_path / "deals.xlsx"), 3, "Summe")])]
    report = run_report(tmp_path, {"deals": [DEALS[0]]}, ["new_revenue"], date(2025, 1, 1), date(2025, 3, 31),
                        sources={"deals": {"path": "deals.xlsx", "columns": columns}})
    # 100 + 40 = 140: neither the subtotal nor the total is added.
    assert report.metrics[0].cells["2025-Q1"].value == pytest.approx(140)


@pytest.mark.parametrize("cell, is_label", [
    ("Subtotal", True), ("Total", True), ("Grand Totals (12 records)", True), ("Summe", True),
    ("Zwischensumme:", True), ("Gesamt", True), ("Gesamtergebnis", True), ("Total SA", False),
    ("Gesamtschule", False), ("Acme", False), (1500, False), (None, False),
])
def test_total_labels(cell: object, is_label: bool) -> None:
    assert is_total_label(cell) is is_label


def test_the_label_may_be_the_id_and_a_blank_row_without_label_is_data() -> None:
    import pandas as pd

    from crm_metrics.io.files import subtotal_rows

    frame = pd.DataFrame({"deal_id": ["D1", "Total", None, None, "D2"],
                          "stage": ["Won", None, "Summe", None, "Won"],
                          "amount": ["1", "3", "3", "5", "2"],
                          "created_at": ["2025-01-02", None, "", None, None]}, dtype="string")
    # Row 1: "Total" as the id, no date; row 2: "Summe" with no id or date; row 3: no label, so a
    # broken data row (reported as such); row 4: no date but an id that is no label.
    assert subtotal_rows(frame, ["created_at"], "deal_id").tolist() == [False, True, True, False, False]
