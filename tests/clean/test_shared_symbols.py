"""Currency symbols several currencies use (../shared/metrics.md section 1): "$" means the
source's `currency` when set, else the report currency when it uses "$", else the run stops
asking for the source's currency; validate reports what the report would refuse."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crm_metrics.checks import validate
from crm_metrics.errors import ConfigError
from tests.fixtures.build import make_config, values

TODAY = date(2026, 1, 15)
DEALS = [{"deal_id": "D1", "stage": "Closed Won", "amount": "$1,000.00", "created_at": "2025-01-02",
          "closed_at": "2025-02-01"},
         {"deal_id": "D2", "stage": "Closed Won", "amount": "$500.00", "created_at": "2025-01-02",
          "closed_at": "2025-02-03"}]
Q1 = "2025-Q1"


def _revenue(tmp_path: Path, **settings: object) -> float | None:
    found = values(tmp_path, {"deals": DEALS}, ["new_revenue"], date(2025, 1, 1), date(2025, 3, 31), **settings)
    return found["new_revenue"][Q1].value


def test_dollars_in_a_cad_report_are_cad(tmp_path: Path) -> None:
    # CAD uses "$": 1,000 + 500 = 1,500 CAD, no rate asked (a USD rate of 1.35 would give 2,025).
    assert _revenue(tmp_path, currency="CAD", fx={"USD": 1.35}) == pytest.approx(1500)
    assert validate(make_config(tmp_path, {"deals": DEALS}, currency="CAD"), today=TODAY).ok


def test_the_source_currency_wins(tmp_path: Path) -> None:
    # sources.deals.currency AUD, report CAD at 0.9 CAD per AUD: 1,500 x 0.9 = 1,350 CAD.
    sources = {"deals": {"path": str(tmp_path / "deals.csv"), "currency": "AUD"}}
    assert _revenue(tmp_path, currency="CAD", fx={"AUD": 0.9}, sources=sources) == pytest.approx(1350)


def test_dollars_in_a_euro_report_stop_the_run(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"written with '\$'.*set currency: on sources.deals"):
        _revenue(tmp_path, currency="EUR", fx={"USD": 0.9})
    checked = validate(make_config(tmp_path, {"deals": DEALS}, currency="EUR", fx={"USD": 0.9}), today=TODAY)
    assert [(p.check, p.count) for p in checked.problems] == [("ambiguous_currency", 2)]


def test_validate_reports_a_missing_rate(tmp_path: Path) -> None:
    # "EUR 200" in a USD report without fx: the report stops, so validate must not pass it.
    deals = [{**DEALS[0], "amount": "EUR 200"}]
    checked = validate(make_config(tmp_path, {"deals": deals}), today=TODAY)
    assert [(p.check, p.count) for p in checked.problems] == [("no_fx_rate", 1)]
