"""explain's input lines (metrics/audit.py) against the report's cells: for each metric, the figures
the line prints and the value the report gives, both worked out by hand from a few rows."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from crm_metrics import api
from crm_metrics.metrics.registry import Cell
from crm_metrics.pipeline import RunOptions
from tests.fixtures.build import cells, deal, make_config

Q1 = "2025-Q1"
JAN1, MAR31 = date(2025, 1, 1), date(2025, 3, 31)


def explained(directory: Path, tables: dict[str, list[dict[str, Any]]], metric: str, first: date = JAN1,
              last: date = MAR31, **settings: Any) -> tuple[list[str], dict[str, Cell]]:
    """explain's input lines for `metric` and the report's cells for it, over the same rows."""
    config = make_config(directory, tables, **{"period": "quarter", **settings})
    lines = api.explain(config, metric, first, last, today=date(2026, 1, 15)).inputs or []
    report = api.report(config, RunOptions(date_from=first, date_to=last, metrics=(metric,),
                                           today=date(2026, 1, 15)))
    return lines, cells(report)[metric]


# A and B became customers in March 2024; A's renewal is lost on 2025-02-15 (A churns), B renews
# for 2,400 in March 2025; C is new on 2025-02-01 with a 600 first deal. 900 advertising in Q1.
ECON_DEALS = [
    deal("D1", "Closed Won", 1200, "2024-01-01", "2024-03-01", "A"),
    deal("D2", "Closed Won", 2400, "2024-01-01", "2024-03-15", "B"),
    deal("D3", "Closed Lost", 1200, "2025-01-01", "2025-02-15", "A", "Renewal"),
    deal("D4", "Closed Won", 600, "2025-01-01", "2025-02-01", "C"),
    deal("D5", "Closed Won", 2400, "2025-01-01", "2025-03-15", "B", "Renewal"),
]
ECON = {"deals": ECON_DEALS, "spend": [{"date": "2025-01-10", "category": "Advertising", "amount": 900}]}


def test_arpa_annual_lists_the_trailing_year(tmp_path: Path) -> None:
    lines, got = explained(tmp_path, ECON, "arpa_annual")
    # Won 2024-04-01..2025-03-31: D4 600 + D5 2,400 = 3,000 (D1, D2 closed before); customers C, B:
    # 3,000 / 2 = 1,500.
    assert got[Q1].value == pytest.approx(1500)
    assert lines == ["ARPA (annual) 2025-Q1 = 3,000 won in the 12 months to 2025-03-31 (2 won deals) / "
                     "2 customers with a won deal (C, B) = 1,500"]


def test_annual_churn_and_lifetime(tmp_path: Path) -> None:
    lines, got = explained(tmp_path, ECON, "annual_churn_rate")
    # Active on 2024-04-01: A (2024-03-01), B (2024-03-15); A churns 2025-02-15: 1 / 2.
    assert got[Q1].value == pytest.approx(0.5)
    assert lines == ["Annual churn rate 2025-Q1 = 1 churned by 2025-03-31 (A) / 2 customers active on "
                     "2024-04-01 = 50.0 %"]
    lines, got = explained(tmp_path, ECON, "customer_lifetime_years")
    # 1 / 0.5 = 2 years, under the default cap of 10.
    assert got[Q1].value == pytest.approx(2)
    assert lines == ["Customer lifetime 2025-Q1 = min(1 / annual churn rate 50.0 %, clv.max_lifetime_years 10) "
                     "= 2.00 y"]
    lines, got = explained(tmp_path, ECON, "customer_lifetime_years", clv={"lifetime_years": 3})
    assert got[Q1].value == 3
    assert lines == ["Customer lifetime 2025-Q1 = clv.lifetime_years 3 (config) = 3.00 y"]


def test_ltv_cac_ratio_and_cac_payback(tmp_path: Path) -> None:
    lines, got = explained(tmp_path, ECON, "ltv_cac_ratio", gross_margin=0.5)
    # Gross value 1,500 ARPA x 0.5 x 2 y = 1,500; CAC 900 spend / 1 new customer (C) = 900;
    # 1,500 / 900 = 1.67.
    assert got[Q1].value == pytest.approx(1500 / 900)
    assert lines == ["LTV:CAC 2025-Q1 = (ARPA 1,500 x gross margin 0.5 x lifetime 2.00 y = 1,500) / CAC 900 "
                     "= 1.67x"]
    lines, got = explained(tmp_path, ECON, "cac_payback_months", gross_margin=0.5)
    # C's first deal 600 / 12 months = 50 a month x 0.5 = 25; 900 / 25 = 36 months.
    assert got[Q1].value == pytest.approx(36)
    assert lines == ["CAC payback 2025-Q1 = CAC 900 / (mean first-deal amount 600 of 1 new customer (C 600) / 12 "
                     "months per deal x gross margin 0.5 = 25 a month) = 36.00 mo"]
