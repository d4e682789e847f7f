"""Every metric the tool knows: id, label, unit, which way is better, the tables it needs.

The definitions themselves are in ../shared/metrics.md (the contract) and docs/metrics.md; the
summaries here are the one-liners `crm-metrics metrics` prints.
"""

from __future__ import annotations

from crm_metrics.metrics.registry import Better, Group, MetricDef, Unit

_DEAL_FIELDS = ("owner", "source", "region", "product", "campaign")
_TICKET_FIELDS = ("priority", "channel", "agent")
S, E, R, T = Group.SALES, Group.ECONOMICS, Group.RETENTION, Group.SUPPORT
H, L, N = Better.HIGHER, Better.LOWER, Better.NEUTRAL

CATALOGUE: tuple[MetricDef, ...] = (
    # Sales and acquisition
    MetricDef("new_customers", "New customers", S, Unit.COUNT, H, ("deals|customers",),
              "Customers whose acquisition date falls in the period.", "sales",
              ("source", "region", "product")),
    MetricDef("new_revenue", "New revenue", S, Unit.CURRENCY, H, ("deals",),
              "Amount of won deals of type new closed in the period.", "sales", _DEAL_FIELDS),
    MetricDef("close_rate", "Close rate", S, Unit.RATIO, H, ("deals",),
              "Won / (won + lost) new and expansion deals closed in the period, by count.", "sales",
              _DEAL_FIELDS),
    MetricDef("close_rate_value", "Close rate (value)", S, Unit.RATIO, H, ("deals",),
              "Won / (won + lost) new and expansion deals closed in the period, by amount.",
              "sales", _DEAL_FIELDS),
    MetricDef("sales_cycle_days", "Sales cycle (median)", S, Unit.DAYS, L, ("deals",),
              "Median days from creation to close of won new and expansion deals.", "sales",
              _DEAL_FIELDS),
    MetricDef("sales_cycle_days_mean", "Sales cycle (mean)", S, Unit.DAYS, L, ("deals",),
              "Mean days from creation to close of won new and expansion deals.", "sales",
              _DEAL_FIELDS),
    MetricDef("open_pipeline_count", "Open pipeline (deals)", S, Unit.COUNT, H, ("deals",),
              "Deals open on the period's last day.", "sales", _DEAL_FIELDS),
    MetricDef("open_pipeline_value", "Open pipeline (value)", S, Unit.CURRENCY, H, ("deals",),
              "Amount of deals open on the period's last day.", "sales", _DEAL_FIELDS),
    MetricDef("marketing_sourced_pct", "Marketing-sourced customers", S, Unit.RATIO, H,
              ("deals|customers",),
              "Share of new customers whose source is one of marketing_sources.", "sales",
              ("region", "product")),
    MetricDef("marketing_sourced_revenue_pct", "Marketing-sourced revenue", S, Unit.RATIO, H,
              ("deals",),
              "Share of new customers' first-deal revenue from marketing_sources.", "sales",
              ("region", "product")),
    # Unit economics
    MetricDef("cac", "CAC", E, Unit.CURRENCY, L, ("spend", "deals|customers"),
              "Acquisition spend / new customers in the period.", "economics"),
    MetricDef("arpa_annual", "ARPA (annual)", E, Unit.CURRENCY, H, ("deals",),
              "Won revenue of the trailing 12 months / customers with a won deal in them.",
              "economics"),
    MetricDef("annual_churn_rate", "Annual churn rate", E, Unit.RATIO, L, ("deals|customers",),
              "Share of customers active 12 months before the period's end who churned since.",
              "economics"),
    MetricDef("customer_lifetime_years", "Customer lifetime", E, Unit.YEARS, H,
              ("deals|customers",),
              "clv.lifetime_years, else 1 / annual churn rate, capped at clv.max_lifetime_years.",
              "economics"),
    MetricDef("clv", "CLV", E, Unit.CURRENCY, H, ("deals", "spend"),
              "ARPA x gross margin x lifetime - CAC (net of CAC).", "economics"),
    MetricDef("ltv_cac_ratio", "LTV:CAC", E, Unit.MULTIPLE, H, ("deals", "spend"),
              "(CLV + CAC) / CAC: gross lifetime value per unit of CAC.", "economics"),
    MetricDef("cac_payback_months", "CAC payback", E, Unit.MONTHS, L, ("deals", "spend"),
              "CAC / (new customers' average monthly revenue x gross margin).", "economics"),
    # Retention
    MetricDef("churn_rate", "Churn rate", R, Unit.RATIO, L, ("deals|customers",),
              "Customers active on the first day who churned in the period / those active.",
              "retention", ("source",)),
    MetricDef("renewal_rate", "Renewal rate", R, Unit.RATIO, H, ("deals",),
              "Renewal deals won / renewal deals closed in the period, by count.", "retention",
              _DEAL_FIELDS),
    MetricDef("renewal_rate_value", "Renewal rate (value)", R, Unit.RATIO, H, ("deals",),
              "Renewal deals won / renewal deals closed in the period, by amount.", "retention",
              _DEAL_FIELDS),
    MetricDef("expansion_revenue", "Expansion revenue", R, Unit.CURRENCY, H, ("deals",),
              "Amount of won expansion deals closed in the period.", "retention", _DEAL_FIELDS),
    MetricDef("retention_cost_per_customer", "Retention cost per customer", R, Unit.CURRENCY, L,
              ("spend", "deals|customers"),
              "Retention spend / average customers active at the period's start and end.",
              "retention"),
    # Support
    MetricDef("tickets_created", "Tickets created", T, Unit.COUNT, N, ("tickets",),
              "Tickets created in the period.", "support", _TICKET_FIELDS),
    MetricDef("tickets_resolved", "Tickets resolved", T, Unit.COUNT, H, ("tickets",),
              "Tickets resolved in the period.", "support", _TICKET_FIELDS),
    MetricDef("resolution_time_hours", "Resolution time (median)", T, Unit.HOURS, L, ("tickets",),
              "Median hours from creation to resolution of tickets resolved in the period.",
              "support", _TICKET_FIELDS),
    MetricDef("resolution_time_hours_mean", "Resolution time (mean)", T, Unit.HOURS, L,
              ("tickets",), "Mean hours from creation to resolution.", "support", _TICKET_FIELDS),
    MetricDef("resolution_time_hours_p90", "Resolution time (p90)", T, Unit.HOURS, L,
              ("tickets",), "90th percentile of hours from creation to resolution.", "support",
              _TICKET_FIELDS),
    MetricDef("first_response_hours", "First response time (median)", T, Unit.HOURS, L,
              ("tickets",), "Median hours to first response of tickets created in the period.",
              "support", _TICKET_FIELDS),
    MetricDef("same_day_resolution_pct", "Same-day resolution", T, Unit.RATIO, H, ("tickets",),
              "Tickets resolved on the day they were created / tickets resolved.", "support",
              _TICKET_FIELDS),
    MetricDef("sla_compliance_pct", "SLA compliance", T, Unit.RATIO, H, ("tickets",),
              "Tickets resolved by their SLA deadline / resolved tickets that have one.",
              "support", _TICKET_FIELDS),
    MetricDef("csat_pct", "CSAT", T, Unit.RATIO, H, ("tickets|surveys",),
              "Ratings of 4 or 5 (of 5) / all ratings given in the period.", "support",
              ("priority", "channel", "agent")),
)
