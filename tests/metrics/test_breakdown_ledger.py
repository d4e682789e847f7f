"""--by on the customer metrics: a customer's acquisition, first deal and churn are decided on the
whole data, then split (../shared/metrics.md section 3, "Breakdowns"), checked by hand on tiny
fixtures written with tests/fixtures/build.py."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from crm_metrics.api import report as run
from crm_metrics.cli.app import app
from crm_metrics.metrics.ledger import customer_ledger, group_values
from crm_metrics.pipeline import RunOptions
from crm_metrics.report import Report
from tests.fixtures.build import deal, make_config

Q1, Q2 = "2025-Q1", "2025-Q2"


def _deal(deal_id: str, stage: str, amount: float, closed: str, account: str, product: str,
          source: str | None = None, deal_type: str = "New", region: str | None = None) -> dict[str, Any]:
    return {**deal(deal_id, stage, amount, "2024-10-01", closed, account, deal_type, source),
            "product": product, "region": region}


def _by(tmp: Path, tables: dict[str, list[dict[str, Any]]], metrics: tuple[str, ...], by: str,
        top: int | None = None, compare: str | None = None, **settings: Any) -> Report:
    config = make_config(tmp, tables, currency="USD", **settings)
    options = RunOptions(date_from=date(2025, 1, 1), date_to=date(2025, 6, 30), metrics=metrics,
                         today=date(2026, 1, 15), by=by, top=top, compare=compare)
    return run(config, options)


def _groups(report: Report, metric: str) -> dict[str, dict[str, float | None]]:
    result = next(r for r in report.metrics if r.metric.id == metric)
    assert result.groups is not None
    return {g: {p: c.value for p, c in cells.items()} for g, cells in result.groups.items()}


def _total(report: Report, metric: str) -> dict[str, float | None]:
    result = next(r for r in report.metrics if r.metric.id == metric)
    return {p: c.value for p, c in result.cells.items()}


# Acme wins a new deal for product A in Q1 and another new deal for product B in Q2: it became a
# customer once, in Q1, in group A. Bolt's only deal is a new one for product B in Q2.
TWO_PRODUCTS = [
    _deal("D1", "Closed Won", 1000, "2025-02-10", "Acme", "A", "Web"),
    _deal("D2", "Closed Won", 3000, "2025-05-10", "Acme", "B", "Partner"),
    _deal("D3", "Closed Won", 2000, "2025-05-20", "Bolt", "B", "Web"),
]


def test_a_customer_is_new_once_in_the_group_of_its_first_won_new_deal(tmp_path: Path) -> None:
    # Only Acme: D1 (A, Q1) makes it a customer; D2 (B, Q2) is a second new deal, not a second
    # acquisition. Total Q1 1, Q2 0; A Q1 1, Q2 0; B Q1 0, Q2 0 (filtering deals to B would make
    # D2 look like Acme's first and count it again in B, Q2).
    report = _by(tmp_path, {"deals": TWO_PRODUCTS[:2]}, ("new_customers",), "product")
    assert _total(report, "new_customers") == {Q1: 1.0, Q2: 0.0}
    assert _groups(report, "new_customers") == {"A": {Q1: 1.0, Q2: 0.0}, "B": {Q1: 0.0, Q2: 0.0}}


def test_marketing_shares_use_the_first_won_deal_of_the_whole_data(tmp_path: Path) -> None:
    # marketing_sources [Web]. Acme's first won deal is D1 (Web, 1,000, Q1, product A); Bolt's is D3
    # (Web, 2,000, Q2, product B). D2 (Partner, 3,000) is neither's first deal.
    # Total: Q1 Acme 1/1 = 1.0, revenue 1,000/1,000 = 1.0; Q2 Bolt 1/1 = 1.0, 2,000/2,000 = 1.0.
    # By product: A Q1 1.0 (Acme), Q2 n/a (no new customer); B Q1 n/a, Q2 Bolt alone = 1.0 and 1.0.
    # (Filtering deals to B would take Acme's D2 as its first: 1/2 = 0.5 and 2,000/5,000 = 0.4.)
    report = _by(tmp_path, {"deals": TWO_PRODUCTS}, ("marketing_sourced_pct", "marketing_sourced_revenue_pct"),
                 "product", marketing_sources=["Web"])
    for metric in ("marketing_sourced_pct", "marketing_sourced_revenue_pct"):
        assert _total(report, metric) == {Q1: 1.0, Q2: 1.0}
        assert _groups(report, metric) == {"B": {Q1: None, Q2: 1.0}, "A": {Q1: 1.0, Q2: None}}


def test_top_folds_customers_with_their_deciding_deal(tmp_path: Path) -> None:
    # Rows per product: A 2 (D1, D4), B 1 (D2), C 1 (D3): --top 1 keeps A, folds B and C into
    # "other". Acme is new in Q1 in A (D1); Bolt in Q2 in C (D3), so "other" Q2 = 1 (Bolt), not
    # 2 (Acme again through D2). Total Q1 1, Q2 1.
    deals = [*TWO_PRODUCTS[:2], _deal("D3", "Closed Won", 2000, "2025-05-20", "Bolt", "C"),
             _deal("D4", "Closed Lost", 500, "2025-05-25", "Cobalt", "A")]
    report = _by(tmp_path, {"deals": deals}, ("new_customers",), "product", top=1)
    assert _total(report, "new_customers") == {Q1: 1.0, Q2: 1.0}
    assert _groups(report, "new_customers") == {"A": {Q1: 1.0, Q2: 0.0}, "other": {Q1: 0.0, Q2: 1.0}}


def test_a_customer_churns_once_in_the_group_it_was_acquired_in(tmp_path: Path) -> None:
    # Acme: won new D1 (source Web) in 2024-Q4, lost renewal D2 (source Partner) on 2025-05-10.
    # Bolt: won new D3 (source Partner) in 2024-Q4, still a customer.
    # Total churn: Q1 0 of 2 active = 0.0; Q2 Acme of 2 active = 0.5.
    # By source (the customer's source: its first won deal's): Web = Acme, Q1 0/1 = 0.0, Q2 1/1 = 1.0;
    # Partner = Bolt, 0/1 = 0.0 both. The churned (1 + 0) and active (1 + 1) counts add up to the
    # total's 1 of 2. (Filtering deals to Partner would leave Acme's churn where Acme never was a
    # customer, and Web would read 0.0 in Q2.)
    deals = [
        _deal("D1", "Closed Won", 1000, "2024-11-10", "Acme", "A", "Web"),
        _deal("D2", "Closed Lost", 1000, "2025-05-10", "Acme", "A", "Partner", deal_type="Renewal"),
        _deal("D3", "Closed Won", 2000, "2024-12-01", "Bolt", "B", "Partner"),
    ]
    report = _by(tmp_path, {"deals": deals}, ("churn_rate", "new_customers"), "source")
    assert _total(report, "churn_rate") == {Q1: 0.0, Q2: 0.5}
    assert _groups(report, "churn_rate") == {"Partner": {Q1: 0.0, Q2: 0.0}, "Web": {Q1: 0.0, Q2: 1.0}}


def test_customers_without_a_deal_value_form_the_none_group(tmp_path: Path) -> None:
    # Every deal has a region, but Zeta is a customer from the customers table only (acquired
    # 2025-04-02, no deal): it is new in Q2 in "(none)". Acme (D1, EU, Q1) is new in EU.
    # Total Q1 1, Q2 1 = EU 0 + "(none)" 1.
    deals = [_deal("D1", "Closed Won", 1000, "2025-02-10", "Acme", "A", region="EU")]
    customers = [{"customer_id": "Acme", "acquired_at": None},
                 {"customer_id": "Zeta", "acquired_at": "2025-04-02"}]
    report = _by(tmp_path, {"deals": deals, "customers": customers}, ("new_customers",), "region")
    assert _total(report, "new_customers") == {Q1: 1.0, Q2: 1.0}
    assert _groups(report, "new_customers") == {"EU": {Q1: 1.0, Q2: 0.0}, "(none)": {Q1: 0.0, Q2: 1.0}}


def test_by_with_compare_keeps_the_unsplit_total_and_its_changes(tmp_path: Path) -> None:
    # new_customers: Q1 1 (Acme), Q2 1 (Bolt); --compare previous: Q2 against Q1 = 0 %; Q1 against
    # 2024-Q4 (0 customers) has no percentage. By product: A Q1 1; B Q2 1 (Bolt; Acme's D2 is not
    # an acquisition).
    split = _by(tmp_path, {"deals": TWO_PRODUCTS}, ("new_customers", "new_revenue"), "product",
                compare="previous")
    plain = _by(tmp_path, {"deals": TWO_PRODUCTS}, ("new_customers", "new_revenue"), "product")
    unsplit = run(make_config(tmp_path, {"deals": TWO_PRODUCTS}, currency="USD"),
                  RunOptions(date_from=date(2025, 1, 1), date_to=date(2025, 6, 30),
                             metrics=("new_customers", "new_revenue"), today=date(2026, 1, 15)))
    for metric in ("new_customers", "new_revenue"):
        assert _total(split, metric) == _total(unsplit, metric) == _total(plain, metric)
        assert _groups(split, metric) == _groups(plain, metric)
    assert _groups(split, "new_customers") == {"B": {Q1: 0.0, Q2: 1.0}, "A": {Q1: 1.0, Q2: 0.0}}
    change = split.metrics[0].changes[Q2]
    assert (change.against, change.delta) == (Q1, pytest.approx(0.0))
    assert split.metrics[0].changes[Q1].delta is None


def test_maven_pipeline_new_customers_by_product_add_up(tmp_path: Path) -> None:
    # The real Maven export: 23 won deals (no deal type: all new), every close in 2017-Q1, of 19
    # accounts. Each is new once, in the product of its first won deal:
    # GTX Basic: Codehow, Hatfan, Warephase, Zoomit = 4 (Cheers won GTX Basic on 03-07, but
    # MG Special on 03-05 first); MG Special: Bioholding, Cheers, J-Texon, Rantouch, Ron-tech,
    # Treequote = 6 (Cancity won MG Special on 03-07, GTX Plus Basic on 03-01 first);
    # GTX Plus Basic: Cancity, Vehement Capital Partners, Zumgoity = 3; MG Advanced: Finjob,
    # Scotfind = 2; GTXPro: Isdom, Labdrill = 2; GTX Plus Pro: Sonron, Sunnamplex = 2.
    # 4 + 6 + 3 + 2 + 2 + 2 = 19 = the total (filtering deals per product gave 5 and 7: 21).
    export = Path(__file__).parent.parent / "fixtures" / "exports" / "real" / "maven_sales_pipeline.csv"
    config = tmp_path / "crm-metrics.yaml"
    runner = CliRunner()
    assert runner.invoke(app, ["init", str(export), "--output", str(config)]).exit_code == 0
    result = runner.invoke(app, ["report", "--config", str(config), "--period", "quarter", "--metrics",
                                 "new_customers", "--by", "product", "--format", "json"])
    assert result.exit_code == 0, result.output
    metric = json.loads(result.stdout)["metrics"][0]
    assert metric["values"]["2017-Q1"] == 19
    assert {g: v["2017-Q1"] for g, v in metric["by"].items() if v["2017-Q1"]} == {
        "GTX Basic": 4, "MG Special": 6, "GTX Plus Basic": 3, "MG Advanced": 2, "GTXPro": 2, "GTX Plus Pro": 2}


def test_group_values_read_the_customers_own_source_and_its_acquiring_deal() -> None:
    # Acme: won expansion E1 (Event, product X) on 01-05 is its first won deal; won new N1 (Web, A)
    # on 02-10 acquired it; won new N2 (Ads, B) on 03-01 is a second new deal. Bolt: only a lost deal.
    # Ledger: Acme acquired 02-10 by row 1 (N1), source Event and first amount 100 from E1.
    # Groups: source Event (the customer's own, metrics.md's source for marketing_sourced_pct),
    # product A (N1's), region <NA> (N1 has none).
    deals = pd.DataFrame({
        "deal_id": ["E1", "N1", "N2", "L1"],
        "account_key": ["acme", "acme", "acme", "bolt"],
        "outcome": ["won", "won", "won", "lost"],
        "deal_type": ["expansion", "new", "new", "new"],
        "closed_at": pd.to_datetime(["2025-01-05", "2025-02-10", "2025-03-01", "2025-03-02"]),
        "amount": [100.0, 1000.0, 3000.0, 50.0],
        "source": pd.array(["Event", "Web", "Ads", "Web"], dtype="string"),
        "product": pd.array(["X", "A", "B", "A"], dtype="string"),
        "region": pd.array([None, None, "EU", "EU"], dtype="string"),
    })
    ledger = customer_ledger(deals, None)
    assert list(ledger.index) == ["acme"]
    acme = ledger.loc["acme"]
    assert (acme["acquired_at"], acme["first_new_deal"], acme["source"], acme["first_amount"]) == (
        pd.Timestamp("2025-02-10"), 1, "Event", 100.0)
    assert group_values(ledger, deals, "source").to_dict() == {"acme": "Event"}
    assert group_values(ledger, deals, "product").to_dict() == {"acme": "A"}
    assert group_values(ledger, deals, "region").isna().all()
