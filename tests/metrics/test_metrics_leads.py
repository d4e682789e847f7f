"""Lead metrics (metrics.md section 3, "Leads, activities and CRM use") against hand calculations:
leads created, the cohort conversion rate (a lead converted in a later period counts in the period
it was created), lead-to-customer days and the marketing share of leads."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.fixtures.build import values

Q1, Q2 = "2025-Q1", "2025-Q2"
LEADS_METRICS = ["leads_created", "lead_conversion_rate", "lead_to_customer_days", "marketing_sourced_leads_pct"]


def lead(lid: str, created: str, source: str | None, converted: str | None, status: str | None = None) -> dict:
    return {"lead_id": lid, "created_at": created, "source": source, "converted_at": converted, "status": status}


LEADS = [
    lead("L1", "2025-01-10", "Web", "2025-01-20"),                 # 10 days, converted in Q1
    lead("L2", "2025-02-01", "Paid Search", "2025-05-02"),         # created Q1, converted Q2: 90 days
    lead("L3", "2025-03-01", "Referral", None, "Customer"),        # converted, undated (status)
    lead("L4", "2025-03-15", "Web", "2025-08-01"),                 # converts after the range ends
    lead("L5", "2025-04-05", None, None, "Open"),
    lead("L6", "2025-05-01 12:00", "web", "2025-05-03 00:00"),     # 1.5 days
    lead("L7", "2025-06-10", "Trade Show", "2025-06-12", "Won"),   # 2 days
]


@pytest.fixture(scope="module")
def leads(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("leads")
    return values(tmp, {"leads": LEADS}, LEADS_METRICS, date(2025, 1, 1), date(2025, 6, 30),
                  marketing_sources=["Web", "Paid Search"])


def test_leads_created(leads: dict) -> None:
    # Q1: L1-L4 = 4; Q2: L5-L7 = 3.
    assert leads["leads_created"][Q1].value == 4
    assert leads["leads_created"][Q2].value == 3


def test_conversion_rate_is_by_creation_cohort(leads: dict) -> None:
    # Q1 cohort: L1 (Jan 20), L2 (May 2, a later period, still by the range's end Jun 30), L3
    # (status Customer, undated) converted; L4 converts on Aug 1, after the range -> 3 / 4.
    # Q2 cohort: L6, L7 converted; L5 open -> 2 / 3.
    assert leads["lead_conversion_rate"][Q1].value == pytest.approx(3 / 4)
    assert leads["lead_conversion_rate"][Q2].value == pytest.approx(2 / 3)


def test_lead_to_customer_days_by_conversion_date(leads: dict) -> None:
    # Converted in Q1: L1, 10 days -> 10. Converted in Q2: L2 90, L6 1.5, L7 2 -> median 2.
    # L3 has no conversion date: it is in no period's times.
    assert leads["lead_to_customer_days"][Q1].value == pytest.approx(10)
    assert leads["lead_to_customer_days"][Q2].value == pytest.approx(2)


def test_marketing_sourced_leads(leads: dict) -> None:
    # Q1: L1 Web, L2 Paid Search, L4 Web -> 3 / 4. Q2: L6 "web" (case ignored) -> 1 / 3.
    assert leads["marketing_sourced_leads_pct"][Q1].value == pytest.approx(3 / 4)
    assert leads["marketing_sourced_leads_pct"][Q2].value == pytest.approx(1 / 3)


def test_the_configs_converted_words_and_a_missing_conversion_field(tmp_path: Path) -> None:
    result = values(tmp_path, {"leads": LEADS}, ["lead_conversion_rate"], date(2025, 1, 1), date(2025, 6, 30),
                    leads={"converted": ["Open"]})
    # Only "Open" counts now: Q1 L1, L2 (dated) -> 2 / 4 (L3's Customer no longer does);
    # Q2: L5 (Open, undated), L6, L7 -> 3 / 3.
    assert result["lead_conversion_rate"][Q1].value == pytest.approx(2 / 4)
    assert result["lead_conversion_rate"][Q2].value == pytest.approx(1.0)
    bare = [{"lead_id": r["lead_id"], "created_at": r["created_at"]} for r in LEADS]
    result = values(tmp_path, {"leads": bare}, ["lead_conversion_rate", "marketing_sourced_leads_pct"],
                    date(2025, 1, 1), date(2025, 3, 31))
    # Nothing says whether a lead converted: n/a, not 0 %.
    assert result["lead_conversion_rate"][Q1].value is None
    assert result["marketing_sourced_leads_pct"][Q1].note == "set marketing_sources in the config"


def test_explain_prints_the_cohort(tmp_path: Path) -> None:
    from crm_metrics import api
    from tests.fixtures.build import make_config

    config = make_config(tmp_path, {"leads": LEADS}, marketing_sources=["Web"])
    lines = api.explain(config, "lead_conversion_rate", date(2025, 1, 1), date(2025, 6, 30)).inputs
    assert lines == ["Lead conversion rate 2025-Q1 = 3 converted by 2025-06-30 / 4 leads created = 75.0 %",
                     "Lead conversion rate 2025-Q2 = 2 converted by 2025-06-30 / 3 leads created = 66.7 %"]


def test_explain_leads_created_by_source(tmp_path: Path) -> None:
    from crm_metrics import api
    from tests.fixtures.build import make_config

    config = make_config(tmp_path, {"leads": LEADS})
    lines = api.explain(config, "leads_created", date(2025, 1, 1), date(2025, 3, 31)).inputs
    # Q1: L1 Web, L2 Paid Search, L3 Referral, L4 Web.
    assert lines == ["Leads created 2025-Q1 = 4 (largest sources: Web 2, Paid Search 1, Referral 1)"]


def test_the_configs_metrics_list_takes_a_group(tmp_path: Path) -> None:
    from tests.fixtures.build import make_config

    config = make_config(tmp_path, {"leads": LEADS}, metrics=["crm_use", "leads_created"])
    assert config.metrics == ["sales_calls", "meetings_held", "activities_logged", "meetings_per_opportunity",
                              "deal_data_completeness_pct", "leads_created"]


def test_a_lead_converted_before_it_was_created_is_left_out_and_said(tmp_path: Path) -> None:
    # L2 converted on 2025-01-05, before its creation on 2025-01-08 (Olist has such a row): out of
    # the median, which is L1's 10 days alone, and said on the period.
    rows = [lead("L1", "2025-01-10", "Web", "2025-01-20"), lead("L2", "2025-01-08", "Web", "2025-01-05")]
    got = values(tmp_path, {"leads": rows}, ["lead_to_customer_days"], date(2025, 1, 1), date(2025, 3, 31))
    cell = got["lead_to_customer_days"][Q1]
    assert cell.value == pytest.approx(10)
    assert cell.note == "1 lead converted before it was created left out"


def test_lead_to_customer_days_are_elapsed_across_a_clock_change(tmp_path: Path) -> None:
    # Berlin, spring forward on 2025-03-30 at 02:00: created 01:00, converted 04:00 the same night is
    # 2 elapsed hours (01:00 CET = 00:00 UTC, 04:00 CEST = 02:00 UTC) = 2/24 day, not 3/24.
    rows = [lead("L1", "2025-03-30 01:00", "Web", "2025-03-30 04:00")]
    got = values(tmp_path, {"leads": rows}, ["lead_to_customer_days"], date(2025, 1, 1), date(2025, 3, 31),
                 timezone="Europe/Berlin")
    assert got["lead_to_customer_days"][Q1].value == pytest.approx(2 / 24)
