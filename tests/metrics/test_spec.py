"""metrics/spec.py: each metric declared once, and what the pipeline, init and the CLI read from it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from crm_metrics.metrics.registry import all_metrics, check_metric_ids, get_metric
from crm_metrics.metrics.spec import (
    SPECS,
    Column,
    Table,
    columns_needed,
    tables_needed,
)
from crm_metrics.schema import TABLE_NAMES, TABLES
from tests.conftest import ROOT

# What normalise.py reads from every deals export to give the metrics outcome (stage, status),
# deal_type, amounts in the report currency (amount, currency) and the customer key (account_id,
# account_name, else deal_id); created_at and closed_at are the dates every deal metric buckets by.
DEAL_FIELDS = {"deal_id", "stage", "status", "amount", "currency", "created_at", "closed_at", "deal_type",
               "account_id", "account_name"}


def _ids(flag: str) -> set[str]:
    return {m.id for m in SPECS if getattr(m, flag)}


def test_close_rate_reads_only_the_deal_fields_normalise_and_the_selection_use() -> None:
    # closed_deals(): outcome (stage, status), deal_type, closed_at; plus normalise's own fields.
    assert columns_needed([get_metric("close_rate")]) == {"deals": DEAL_FIELDS}


def test_tickets_created_reads_the_id_and_the_create_date() -> None:
    assert columns_needed([get_metric("tickets_created")]) == {"tickets": {"ticket_id", "created_at"}}


def test_cac_reads_spend_and_both_ledger_alternatives() -> None:
    # spend_in(): date, amount in the report currency (currency), category for acquisition / retention;
    # new customers from the ledger: deals (with the first deal's source) or customers (id, name for
    # the join by name, both dates, source).
    assert columns_needed([get_metric("cac")]) == {
        "spend": {"date", "amount", "currency", "category"},
        "deals": DEAL_FIELDS | {"source"},
        "customers": {"customer_id", "customer_name", "acquired_at", "churned_at", "source"},
    }


def test_clv_reads_the_customers_table_when_there_without_needing_it() -> None:
    # The ledger's acquisition dates come from customers.acquired_at when the config has that table
    # (metrics.md section 3, new_customers), so clv reads it, but deals and spend are all it needs.
    clv = get_metric("clv")
    assert clv.needs_text == "deals, spend"
    assert columns_needed([clv])["customers"] == {"customer_id", "customer_name", "acquired_at", "churned_at",
                                                 "source"}
    assert tables_needed([clv]) == {"deals", "spend", "customers"}


def test_score_metrics_read_the_score_from_surveys_or_from_resolved_tickets() -> None:
    # nps on tickets counts by resolved_at, which the exported resolution durations and, with
    # support.resolution: first, first_resolved_at also give.
    assert columns_needed([get_metric("nps")]) == {
        "surveys": {"answered_at", "nps"},
        "tickets": {"ticket_id", "created_at", "resolved_at", "resolution_duration", "resolution_minutes",
                    "first_resolved_at", "nps"},
    }


def test_sla_adds_priority_and_deadline_and_calls_read_the_answered_flag_or_outcome() -> None:
    sla = columns_needed([get_metric("sla_compliance_pct")])["tickets"]
    assert {"priority", "sla_due_at", "resolved_at"} <= sla
    assert columns_needed([get_metric("abandoned_call_pct"), get_metric("avg_handle_minutes")]) == {
        "calls": {"started_at", "answered", "outcome", "handle_seconds"},
    }


def test_by_adds_the_field_to_every_needed_table_that_has_it() -> None:
    # --by channel ranks values over every loaded table: tickets and spend both have channel.
    needed = columns_needed([get_metric("tickets_created"), get_metric("cac")], by="channel")
    assert "channel" in needed["tickets"] and "channel" in needed["spend"]
    assert "channel" not in needed["deals"]
    assert needed["tickets"] == {"ticket_id", "created_at", "channel"}


def test_campaign_metrics_read_the_campaign_columns() -> None:
    assert columns_needed([get_metric("campaign_return_on_spend")]) == {
        "deals": DEAL_FIELDS | {"campaign"},
        "spend": {"date", "amount", "currency", "campaign"},
    }


def test_columns_needed_keys_are_the_tables_needed_for_every_metric() -> None:
    for metric in SPECS:
        assert set(columns_needed([metric])) == tables_needed([metric]), metric.id


def test_every_column_is_a_canonical_field_of_its_table() -> None:
    assert sorted(TABLE_NAMES) == sorted(t.value for t in Table)
    for metric in SPECS:
        for need in metric.needs:
            for alternative in need.any_of:
                bad = [str(c) for c in alternative if c.name not in TABLES[c.table].fields]
                assert bad == [], metric.id


def test_tables_and_notes_as_the_catalogue_had_them() -> None:
    # The words of "needs: ..." notes and of `crm-metrics metrics`.
    assert get_metric("cac").needs_text == "spend, deals or customers"
    assert get_metric("csat_pct").needs_text == "tickets or surveys"
    assert get_metric("nps").needs_text == "surveys or tickets"
    assert get_metric("clv").needs_text == "deals, spend"
    assert tables_needed([get_metric("new_customers"), get_metric("tickets_created")]) == {
        "deals", "customers", "tickets"}


def test_requirement_met_by_any_alternative() -> None:
    (need,) = get_metric("new_customers").needs
    assert need.met_by({"customers"}.__contains__)
    assert need.met_by({"deals"}.__contains__)
    assert not need.met_by({"spend"}.__contains__)
    with pytest.raises(ValueError, match="one table"):
        type(need)((frozenset({Column(Table.DEALS, "stage"), Column(Table.SPEND, "date")}),))


def test_pipeline_flags() -> None:
    assert _ids("uses_gross_margin") == {"clv", "ltv_cac_ratio", "cac_payback_months"}
    assert _ids("counts_active_customers") == {"churn_rate", "retention_cost_per_customer", "annual_churn_rate",
                                               "retained_customers", "expansion_customer_pct",
                                               "support_cost_per_customer"}
    assert _ids("counts_active_customers_for_lifetime") == {"customer_lifetime_years", "clv", "ltv_cac_ratio"}
    # With clv.lifetime_years set, the lifetime metrics count no active customer.
    assert {m.id for m in SPECS if m.counts_active(lifetime_from_churn=False)} == _ids("counts_active_customers")
    assert {m.id for m in SPECS if m.counts_active(lifetime_from_churn=True)} == {
        "churn_rate", "retention_cost_per_customer", "annual_churn_rate", "customer_lifetime_years", "clv",
        "ltv_cac_ratio", "retained_customers", "expansion_customer_pct", "support_cost_per_customer"}
    assert _ids("is_support_time") == {"resolution_time_hours", "resolution_time_hours_mean",
                                       "resolution_time_hours_p90", "first_response_hours",
                                       "same_day_resolution_pct", "sla_compliance_pct"}


def test_additive_metrics_are_the_counts_and_sums_of_events() -> None:
    # metrics.md section 3: counts and sums over P's events (and open_pipeline over the deals open at
    # its end) split into groups that add up; ratios, medians, means and per-customer figures do not.
    assert _ids("additive") == {
        "new_customers", "new_revenue", "open_pipeline_count", "open_pipeline_value", "expansion_revenue",
        "tickets_created", "tickets_resolved", "campaign_won_deals", "campaign_new_customers",
        "campaign_won_revenue", "campaign_spend",
        # the seed catalogue's counts (tickets_backlog: the tickets open at P's end, as open_pipeline)
        "tickets_backlog", "proposals_sent", "deals_won", "referral_customers", "retained_customers",
        "leads_created", "sales_calls", "meetings_held", "activities_logged",
    }
    assert all(m.unit.value in {"count", "currency"} for m in SPECS if m.additive)


def test_only_return_on_spend_is_a_ratio_that_may_exceed_one() -> None:
    assert [m.id for m in SPECS if m.unit.value == "ratio" and not m.is_share] == ["campaign_return_on_spend"]
    assert not get_metric("cac").is_share and get_metric("close_rate").is_share


def test_auditors_and_compute_functions_resolve() -> None:
    # Every metric prints the inputs behind its number (metrics/audit.py or beside the metric).
    assert [m.id for m in SPECS if m.auditor_name is None] == []
    for metric in SPECS:
        assert callable(metric.compute), metric.id
        assert callable(metric.auditor), metric.id


def test_ids_are_unique_and_every_text_is_filled() -> None:
    assert len({m.id for m in all_metrics()}) == len(SPECS) == 62
    for metric in SPECS:
        assert metric.label and metric.summary and metric.formula and metric.config_keys, metric.id
        assert metric.needs, metric.id
    with pytest.raises(ValueError, match="did you mean 'close_rate'"):
        check_metric_ids(["close_rte"])


def test_reading_the_spec_does_not_import_pandas() -> None:
    code = ("import sys\nfrom crm_metrics.metrics.spec import SPECS, columns_needed\n"
            "columns_needed(SPECS)\nprint('PANDAS' if 'pandas' in sys.modules else 'NO-PANDAS')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "NO-PANDAS"


def test_a_target_above_one_is_refused_only_for_a_share() -> None:
    from crm_metrics.config.model import parse_config
    from crm_metrics.errors import ConfigError

    # A return on spend of 150 % is a target of 1.5; a close rate of 25 means 25 %, written 0.25.
    config = parse_config({"targets": {"campaign_return_on_spend": {"min": 1.5}, "cac": {"max": 900}}},
                          origin="crm-metrics.yaml", base_dir=ROOT)
    assert config.targets["campaign_return_on_spend"].min == 1.5
    with pytest.raises(ConfigError, match="close_rate is a ratio: write 25 % as 0.25"):
        parse_config({"targets": {"close_rate": {"min": 25}}}, origin="crm-metrics.yaml", base_dir=ROOT)
