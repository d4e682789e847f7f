"""What `crm-metrics explain` says about each metric: the formula, the config keys that change it and,
where vendors define it differently, which definition the tool follows (../shared/vendor-headers.md).

Plain data, no pandas, like catalogue.py; a metric without an entry here falls back to its summary.
"""

from __future__ import annotations

_PERIODS = ("period", "fiscal_year_start", "range", "timezone")
_DEALS = (*_PERIODS, "won_stages", "lost_stages", "deal_types", "currency", "fx", "sources.deals")
_LEDGER = (*_DEALS, "sources.customers")
_SPEND = ("cac.categories", "retention.categories", "sources.spend")
_MARGIN = ("gross_margin", "clv.lifetime_years", "clv.max_lifetime_years")
_TICKETS = (*_PERIODS, "sources.tickets")

FORMULAS: dict[str, str] = {
    "new_customers": "count of customers whose acquisition date (customers.acquired_at, else the close "
                     "date of their first won deal of type new) falls in P",
    "new_revenue": "sum(amount) of won deals of type new with closed_at in P",
    "close_rate": "won / (won + lost), deals of type new and expansion with closed_at in P, by count",
    "close_rate_value": "won amount / (won + lost) amount, deals of type new and expansion closed in P",
    "sales_cycle_days": "median(closed_at - created_at) in days, won new and expansion deals closed in P",
    "sales_cycle_days_mean": "mean(closed_at - created_at) in days, won new and expansion deals closed in P",
    "open_pipeline_count": "deals created on or before P's last day and not closed on or before it",
    "open_pipeline_value": "sum(amount) of deals open at P's last day",
    "marketing_sourced_pct": "new customers in P whose source is in marketing_sources / new customers in P",
    "marketing_sourced_revenue_pct": "first-deal amount of marketing-sourced new customers / first-deal "
                                     "amount of all new customers in P",
    "cac": "acquisition spend in P / new_customers in P",
    "arpa_annual": "won amount (all deal types) in the 12 months to P's end / distinct customers with a "
                   "won deal in them",
    "annual_churn_rate": "customers active on the first day of the 12 months to P's end who churned within "
                         "them / those active on that day",
    "customer_lifetime_years": "clv.lifetime_years, else min(1 / annual_churn_rate, clv.max_lifetime_years)",
    "clv": "arpa_annual x gross_margin x customer_lifetime_years - cac",
    "ltv_cac_ratio": "(clv + cac) / cac",
    "cac_payback_months": "cac / (mean first-deal amount of customers acquired in P / "
                          "revenue.months_per_deal x gross_margin)",
    "churn_rate": "customers active on P's first day who churned in P / customers active on P's first day",
    "renewal_rate": "renewal deals won / renewal deals won or lost, closed in P, by count",
    "renewal_rate_value": "renewal amount won / renewal amount won or lost, closed in P",
    "expansion_revenue": "sum(amount) of won expansion deals closed in P",
    "retention_cost_per_customer": "retention spend in P / mean(customers active on P's first day, "
                                    "customers active at P's end)",
    "tickets_created": "tickets with created_at in P",
    "tickets_resolved": "tickets with resolved_at in P",
    "resolution_time_hours": "median(resolved_at - created_at) in hours, tickets resolved in P",
    "resolution_time_hours_mean": "mean(resolved_at - created_at) in hours, tickets resolved in P",
    "resolution_time_hours_p90": "90th percentile of (resolved_at - created_at) in hours, tickets resolved in P",
    "first_response_hours": "median(first_response_at - created_at) in hours, tickets created in P",
    "same_day_resolution_pct": "tickets resolved on their creation day / tickets resolved in P",
    "sla_compliance_pct": "tickets resolved in P by their deadline (sla_due_at, else created_at + "
                          "support.sla_hours[priority]) / tickets resolved in P with a deadline",
    "csat_pct": "ratings 4-5 / all ratings 1-5 in P (tickets by resolved_at, surveys by answered_at)",
    "nps": "100 x (answers 9-10 - answers 0-6) / all answers 0-10 in P (surveys by answered_at, ticket "
           "scores by resolved_at)",
    "ces": "mean of effort answers 1-7 in P (surveys by answered_at, ticket scores by resolved_at)",
    "abandoned_call_pct": "unanswered calls / calls with a known answered flag or outcome, started in P",
    "avg_handle_minutes": "mean(handle_seconds) / 60 of answered calls started in P",
    "campaign_won_deals": "won deals (any type) closed in P whose campaign is set",
    "campaign_new_customers": "accounts whose first won new deal closed in P and names a campaign",
    "campaign_won_revenue": "sum(amount) of won deals (any type) closed in P whose campaign is set",
    "campaign_spend": "sum(amount) of spend rows dated in P whose campaign is set",
    "campaign_return_on_spend": "(campaign_won_revenue - campaign_spend) / campaign_spend",
}

CONFIG_KEYS: dict[str, tuple[str, ...]] = {
    "new_customers": _LEDGER,
    "marketing_sourced_pct": (*_LEDGER, "marketing_sources"),
    "marketing_sourced_revenue_pct": (*_LEDGER, "marketing_sources"),
    "cac": (*_LEDGER, *_SPEND),
    "arpa_annual": _DEALS,
    "annual_churn_rate": _LEDGER,
    "customer_lifetime_years": (*_LEDGER, "clv.lifetime_years", "clv.max_lifetime_years"),
    "clv": (*_LEDGER, *_SPEND, *_MARGIN),
    "ltv_cac_ratio": (*_LEDGER, *_SPEND, *_MARGIN),
    "cac_payback_months": (*_LEDGER, *_SPEND, "gross_margin", "revenue.months_per_deal", "revenue.recurring"),
    "churn_rate": _LEDGER,
    "retention_cost_per_customer": (*_LEDGER, "retention.categories", "sources.spend"),
    "sla_compliance_pct": (*_TICKETS, "support.sla_hours"),
    "csat_pct": (*_TICKETS, "sources.surveys"),
    "nps": (*_PERIODS, "sources.surveys", "sources.tickets"),
    "ces": (*_PERIODS, "sources.surveys", "sources.tickets"),
    "abandoned_call_pct": (*_PERIODS, "sources.calls"),
    "avg_handle_minutes": (*_PERIODS, "sources.calls"),
    "campaign_spend": (*_PERIODS, "currency", "fx", "sources.spend"),
    "campaign_return_on_spend": (*_DEALS, "sources.spend"),
}

VENDOR_CHOICES: dict[str, str] = {
    "close_rate": "Vendors differ: won / (won + lost) closed in the period (Gartner, Pipeline CRM, most "
                  "CRMs) versus won / deals created (some HubSpot guides). crm-metrics follows the first; "
                  "open deals are not in the denominator.",
    "close_rate_value": "As close_rate: won / (won + lost) closed in the period, here by amount.",
    "cac_payback_months": "Vendors differ: with gross margin (Finmark, ChartMogul) or without (some guides); "
                          "some lag spend by a month. crm-metrics uses gross margin and no lag.",
    "clv": "Vendors differ: ARPA x margin / churn (Finmark, Baremetrics); ChartMogul uses six-month "
           "trailing churn. crm-metrics prints the seeds' CLV, net of CAC; ltv_cac_ratio is the gross one.",
    "ltv_cac_ratio": "Uses the gross lifetime value (CLV before subtracting CAC), so 1.0 means the customer "
                     "pays back exactly its acquisition cost.",
    "renewal_rate": "Vendors differ: renewal deals won / closed (used here), or contracts renewed / "
                    "contracts up for renewal by end date (logo and dollar variants).",
    "renewal_rate_value": "As renewal_rate, by amount: the dollar variant of renewal deals won / closed.",
    "ces": "Scales differ: CES 2.0 (Gartner) asks 1-7 with 7 = easiest, used here (higher is better); "
           "older 1-5 surveys where low is easy must be recoded before loading.",
    "nps": "Standard Bain definition; answers outside 0-10 are left out.",
}


def formula(metric_id: str) -> str | None:
    return FORMULAS.get(metric_id)


def config_keys(metric_id: str, needs: tuple[str, ...]) -> tuple[str, ...]:
    """The keys listed for the metric, else the period keys plus the sources of the tables it reads."""
    if metric_id in CONFIG_KEYS:
        return CONFIG_KEYS[metric_id]
    tables = [t for need in needs for t in need.split("|")]
    base = _DEALS if "deals" in tables else _PERIODS
    return tuple(dict.fromkeys((*base, *(f"sources.{t}" for t in tables))))
