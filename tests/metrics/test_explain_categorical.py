"""explain cac over spend rows without a category (issue "No plausible wrong number", kind 12): the
category column is categorical when its values repeat, and "uncategorised" is not one of them; and
an unreadable amount is left out as the metric leaves it out, not added as 0."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from crm_metrics import api
from tests.fixtures.build import deal, make_config


def test_explain_cac_with_uncategorised_and_unreadable_spend(tmp_path: Path) -> None:
    spend = [{"date": "2025-01-10", "category": "Ads", "amount": "100"},
             {"date": "2025-01-11", "category": "Ads", "amount": "200"},
             {"date": "2025-02-10", "category": "", "amount": "300"},
             {"date": "2025-03-10", "category": "Ads", "amount": "? 50"}]
    deals = [deal("D1", "Closed Won", 1000, "2025-01-01", "2025-02-01", "A"),
             deal("D2", "Closed Won", 1000, "2025-01-01", "2025-02-02", "B")]
    config = make_config(tmp_path, {"deals": deals, "spend": spend})
    explained = api.explain(config, "cac", date(2025, 1, 1), date(2025, 3, 31))
    # (100 + 200 Ads + 300 uncategorised) / 2 new customers = 300; "? 50" left out, as in the report.
    assert explained.inputs is not None
    assert ("CAC 2025-Q1 = 600 spend (Ads 300; uncategorised 300; 1 unreadable left out) / 2 new customers "
            "(A, B) = 300") in explained.inputs
