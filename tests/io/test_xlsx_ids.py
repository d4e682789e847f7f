"""Ids typed as numbers in a workbook read as the text typed (12417, not 12417.0) everywhere: the
clean id and customer key, validate's examples and explain's inputs (issue 14, kind 12)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd

from crm_metrics.api import explain
from crm_metrics.checks import validate
from crm_metrics.config.model import parse_config
from crm_metrics.io.files import whole_numbers_as_int
from crm_metrics.pipeline import load_tables

ROWS = [
    ["Deal ID", "Stage", "Amount", "Created", "Close Date", "Account ID"],
    [12417, "Closed Won", 1000, "2025-01-02", "2025-02-01", 501],
    [12417, "Closed Won", 1000, "2025-01-02", "2025-02-01", 501],
    [12418, "Closed Won", 250.5, "2025-01-02", "2025-02-03", 502],
]


def _config(tmp_path: Path):  # type: ignore[no-untyped-def]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in ROWS:
        sheet.append(row)
    book.save(tmp_path / "deals.xlsx")
    columns = {"deal_id": "Deal ID", "stage": "Stage", "amount": "Amount", "created_at": "Created",
               "closed_at": "Close Date", "account_id": "Account ID"}
    return parse_config({"sources": {"deals": {"path": "deals.xlsx", "columns": columns}},
                         "range": {"from": "2025-01-01", "to": "2025-03-31"}},
                        origin=str(tmp_path / "crm-metrics.yaml"), base_dir=tmp_path)


def test_numeric_ids_read_as_typed_everywhere(tmp_path: Path) -> None:
    config = _config(tmp_path)
    frame = load_tables(config, {"deals"}).frames["deals"]
    assert frame["deal_id"].tolist() == ["12417", "12418"]
    assert frame["account_key"].tolist() == ["501", "502"]
    # A fraction stays a fraction: 250.5 is no whole number.
    assert frame["amount"].tolist() == [1000.0, 250.5]
    duplicate = validate(config, today=date(2026, 1, 15)).problems[0]
    assert (duplicate.check, duplicate.examples) == ("duplicate_exact", [(str(tmp_path / "deals.xlsx"), 3, "12417")])
    lines = explain(config, "new_revenue", today=date(2026, 1, 15)).inputs or []
    # Two won deals after de-duplication: 1,000 + 250.5 = 1,250.5, the largest account 501's.
    assert any("largest: 501 1,000" in line and "= 1,250.5" in line for line in lines), lines


def test_only_exact_whole_floats_become_ints() -> None:
    frame = pd.DataFrame({"cell": pd.Series([12417.0, 1.5, float("nan"), 1e20, -3.0, "7.0", None, True],
                                            dtype=object)})
    cells = whole_numbers_as_int(frame)["cell"].tolist()
    assert [type(v) for v in cells] == [int, float, float, float, int, str, type(None), bool]
    assert cells[0] == 12417 and cells[4] == -3
