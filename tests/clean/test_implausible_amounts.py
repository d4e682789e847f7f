"""An amount beyond any plausible deal (above 10^12) is a data problem, left out and counted, never
summed without a word (issue "No plausible wrong number", kind 12)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crm_metrics import api
from tests.fixtures.build import cells, deal, make_config, run_report

DEALS = [deal("D1", "Closed Won", 1000, "2025-01-01", "2025-02-01", "A"),
         deal("D2", "Closed Won", "99999999999999999999999", "2025-01-01", "2025-02-02", "B"),
         deal("D3", "Closed Won", "-2000000000000", "2025-01-01", "2025-02-03", "C")]


def test_implausible_amounts_left_out_of_new_revenue(tmp_path: Path) -> None:
    report = run_report(tmp_path, {"deals": DEALS}, ["new_revenue"], date(2025, 1, 1), date(2025, 3, 31))
    cell = cells(report)["new_revenue"]["2025-Q1"]
    # Only D1's 1,000 is plausible; D2 (~10^23) and D3 (-2 x 10^12) are left out and said.
    assert cell.value == pytest.approx(1000)
    assert cell.note == "2 of 3 won new deals unreadable (amount), left out"
    assert report.quality["deals"].left_out["amount above 10^12"] == 2


def test_implausible_amounts_are_a_validate_problem(tmp_path: Path) -> None:
    config = make_config(tmp_path, {"deals": DEALS})
    found = [p for p in api.validate(config, today=date(2026, 1, 15)).problems if p.check == "implausible_amount"]
    assert [(p.count, p.message) for p in found] == [(2, "amount above 10^12, left out as no plausible amount")]
    assert [row for _, row, _ in found[0].examples] == [3, 4]
