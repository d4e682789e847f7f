"""The reference text of every metric, as docs/metrics.md prints it: its definition (with a worked
example where one helps) and the config keys that change it, by metric id.

docs/metrics.md's metric rows are generated from metrics/spec.py (id, order, unit) and this text:
`python -m crm_metrics.metrics.reference docs/metrics.md` rewrites them, and a test fails when the
file and the spec disagree. The rules themselves are in ../shared/metrics.md (the contract).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# id -> (definition, config keys), markdown.
REFERENCE: dict[str, tuple[str, str]] = {
    "new_customers": (
        "Customers whose acquisition date falls in P.",
        "`sources.customers` (its `acquired_at` wins over deals), `deal_types`",
    ),
    "new_revenue": (
        "Sum of `amount` of won deals of type `new` closed in P.",
        "`deal_types`, `won_stages`, `currency`, `fx`",
    ),
    "close_rate": (
        "Won / (won + lost) deals of type `new` and `expansion` closed in P, by count. Open deals are not"
        " in the denominator.",
        "`won_stages`, `lost_stages`, `deal_types`",
    ),
    "close_rate_value": (
        "The same as `close_rate`, by amount. n/a when every lost deal (at least 5) has amount 0 or "
        "blank: the export gives lost deals no value (`validate` says so).",
        "`won_stages`, `lost_stages`, `deal_types`, `fx`",
    ),
    "sales_cycle_days": (
        "Median of `closed_at − created_at` in days over won `new` and `expansion` deals closed in P "
        "(February to August: about six months).",
        "`won_stages`, `deal_types`",
    ),
    "sales_cycle_days_mean": (
        "Mean of the same.",
        "`won_stages`, `deal_types`",
    ),
    "open_pipeline_count": (
        "Deals open on P's last day: created on or before it and not closed (won or lost) on or before "
        "it. An open deal's expected close date does not close it.",
        "`won_stages`, `lost_stages`",
    ),
    "open_pipeline_value": (
        "Amount of the same deals.",
        "`won_stages`, `lost_stages`, `fx`",
    ),
    "marketing_sourced_pct": (
        "New customers in P whose source (customers `source`, else the source of their first won deal) is"
        " in `marketing_sources` / new customers in P.",
        "`marketing_sources` (n/a when unset)",
    ),
    "marketing_sourced_revenue_pct": (
        "The same by the amount of those customers' first won deals.",
        "`marketing_sources`",
    ),
    "cac": (
        "Acquisition spend in P / `new_customers` in P. Acquisition spend is every category except the "
        "retention ones, or only `cac.categories` when set; it includes advertising, salaries, "
        "commissions, bonuses and overhead when the spend file has them. 10,000 spent, 10 new customers: "
        "1,000.",
        "`cac.categories`, `retention.categories`",
    ),
    "arpa_annual": (
        "Won revenue of all deal types closed in the 12 months ending on P's last day / distinct "
        "customers with a won deal in those 12 months.",
        "`won_stages`, `fx`",
    ),
    "annual_churn_rate": (
        "Customers active on the first day of the 12 months ending on P's last day who churned within "
        "those 12 months / customers active on that first day.",
        "`sources.customers` (`churned_at`), `deal_types` (renewals)",
    ),
    "customer_lifetime_years": (
        "`clv.lifetime_years` if set; else 1 / `annual_churn_rate`, capped at `clv.max_lifetime_years` "
        "(default 10); n/a when no customer was active 12 months before P's end (set "
        "`clv.lifetime_years`).",
        "`clv.lifetime_years`, `clv.max_lifetime_years`",
    ),
    "clv": (
        "`arpa_annual` × `gross_margin` × `customer_lifetime_years` − `cac` (net of CAC). 3,000 a year, "
        "two years, CAC 1,000: 5,000. `gross_margin` defaults to 1.0 and the report says so.",
        "`gross_margin`, `clv.*`, `cac.categories`",
    ),
    "ltv_cac_ratio": (
        "(`clv` + `cac`) / `cac`: gross lifetime value per unit of CAC.",
        "`gross_margin`, `clv.*`, `cac.categories`",
    ),
    "cac_payback_months": (
        "`cac` / (average monthly revenue of the customers acquired in P × `gross_margin`); a new "
        "customer's monthly revenue is its first won deal's amount / `revenue.months_per_deal` (default "
        "12). n/a with `revenue.recurring: false`.",
        "`revenue.months_per_deal`, `revenue.recurring`, `gross_margin`, `cac.categories`",
    ),
    "leads_created": (
        "Leads whose `created_at` falls in P.",
        "`sources.leads`",
    ),
    "lead_conversion_rate": (
        "Leads created in P that have converted by the end of the report's range / leads created in P (a "
        "cohort measure: recent periods rise as late conversions arrive). Converted = `converted_at` on "
        "or before that day, or no `converted_at` and a status in `leads.converted`.",
        "`leads.converted` (default Customer, Evangelist, Converted, Won)",
    ),
    "lead_to_customer_days": (
        "Median elapsed days (fractional) from `created_at` to `converted_at` over leads whose "
        "`converted_at` falls in P.",
        "`sources.leads`",
    ),
    "marketing_sourced_leads_pct": (
        "Leads created in P whose source is in `marketing_sources` / leads created in P.",
        "`marketing_sources`",
    ),
    "proposals_sent": (
        "Deals whose `proposal_at` falls in P; without it, the deal's first `entered_at` of a stage in "
        "`proposal_stages` (from `stage_changes`; a deal only there counts too).",
        "`proposal_stages` (default Proposal, Proposal/Price Quote, Proposal Made, Propose, "
        "presentationscheduled), `sources.stage_changes`",
    ),
    "stage_duration_days": (
        "Median elapsed days (fractional) of deals' stints in a stage: from a `stage_changes` row to the "
        "same deal's next row, whatever its stage, counted in the period of that next row (a stint with "
        "no next row has not ended). Always split by stage, in the order of the config's stage lists, "
        "else of first appearance. HubSpot deals exports' \"Date entered '<stage>' (<pipeline>)\" columns "
        "are read as one row per deal and stage.",
        "`sources.stage_changes`, `open_stages`, `won_stages`, `lost_stages`",
    ),
    "deals_won": (
        "Won deals of any type closed in P (the seeds' \"number of purchases\").",
        "`won_stages`",
    ),
    "referral_customers": (
        "New customers in P whose source equals one of `referral_sources` (ignoring case); without that "
        "key, whose source contains \"referral\", \"partner\" or \"word of mouth\".",
        "`referral_sources`",
    ),
    "campaign_won_deals": (
        "Won deals (any type) closed in the period that name a campaign.",
        "see docs/metrics-extra.md",
    ),
    "campaign_new_customers": (
        "Customers whose first won new deal, closed in the period, names a campaign.",
        "see docs/metrics-extra.md",
    ),
    "campaign_won_revenue": (
        "Amount of won deals closed in the period that name a campaign.",
        "see docs/metrics-extra.md",
    ),
    "campaign_spend": (
        "Spend in the period on rows that name a campaign.",
        "see docs/metrics-extra.md",
    ),
    "campaign_return_on_spend": (
        "(Campaign won revenue - campaign spend) / campaign spend.",
        "see docs/metrics-extra.md",
    ),
    "sales_calls": (
        "Activities of type `call` in P.",
        "`activity_types`",
    ),
    "meetings_held": (
        "Activities of type `meeting` in P, whatever their outcome.",
        "`activity_types`",
    ),
    "activities_logged": (
        "All activities in P; per rep with `--by owner` (user adoption).",
        "`sources.activities`",
    ),
    "meetings_per_opportunity": (
        "Meetings linked by `deal_id` to deals closed (won or lost, any type) in P, whatever the "
        "meeting's date / deals closed in P.",
        "`activity_types`",
    ),
    "deal_data_completeness_pct": (
        "Deals created in P with every `adoption.fields` field filled / deals created in P; with the "
        "default list a closed deal also needs its close date. A listed field with no column is n/a. Per "
        "rep with `--by owner`.",
        "`adoption.fields` (default amount, account, owner, source)",
    ),
    "churn_rate": (
        "Customers active on P's first day who churned during P / customers active on P's first day.",
        "`sources.customers` (`churned_at`), `deal_types` (renewals)",
    ),
    "renewal_rate": (
        "Renewal deals won / renewal deals closed (won + lost) in P, by count.",
        "`deal_types.renewal`, `won_stages`, `lost_stages`",
    ),
    "renewal_rate_value": (
        "The same by amount.",
        "`deal_types.renewal`, `won_stages`, `lost_stages`, `fx`",
    ),
    "expansion_revenue": (
        "Sum of `amount` of won `expansion` deals (upsell, cross-sell, add-on, upgrade) closed in P.",
        "`deal_types.expansion`, `won_stages`, `fx`",
    ),
    "retention_cost_per_customer": (
        "Spend in P in the retention categories / average of customers active on P's first day and active"
        " at the end of P (acquired on or before its last day, not churned on or before it).",
        "`retention.categories` (default `[retention]`)",
    ),
    "retained_customers": (
        "Customers active at the end of P.",
        "`sources.customers`",
    ),
    "expansion_customer_pct": (
        "Customers active on P's first day who won an `expansion` deal closed in P / customers active on "
        "P's first day (cross-sell / upsell ratio).",
        "`deal_types`",
    ),
    "support_cost_per_customer": (
        "Spend in P in `support_cost.categories` / average of customers active on P's first day and at "
        "its end.",
        "`support_cost.categories` (default Support)",
    ),
    "onboarding_cost_per_customer": (
        "Spend in P in `onboarding.categories` / new customers in P.",
        "`onboarding.categories` (default Onboarding)",
    ),
    "tickets_created": (
        "Tickets created in P (by `created_at`).",
        "—",
    ),
    "tickets_resolved": (
        "Tickets resolved in P (by `resolved_at`).",
        "—",
    ),
    "resolution_time_hours": (
        "Median of `resolved_at − created_at` over tickets resolved in P (tickets resolved before they "
        "were created are left out and counted).",
        "—",
    ),
    "resolution_time_hours_mean": (
        "Mean of the same.",
        "—",
    ),
    "resolution_time_hours_p90": (
        "90th percentile of the same (linear interpolation).",
        "—",
    ),
    "first_response_hours": (
        "Median of `first_response_at − created_at` over tickets created in P that have a first response.",
        "—",
    ),
    "same_day_resolution_pct": (
        "Tickets resolved on the calendar day (in `timezone`) they were created / tickets resolved in P.",
        "`timezone`",
    ),
    "sla_compliance_pct": (
        "Tickets resolved in P on or before their deadline / tickets resolved in P that have one. "
        "Deadline = `sla_due_at`, else `created_at` + the hours for the ticket's priority. An export "
        "without a `sla_due_at` column but with a yes/no `sla_met` (ServiceNow `made_sla`) uses that "
        "verdict instead of the configured hours; tickets with a blank verdict are left out; `explain` "
        "says which input decided.",
        "`support.sla_hours` (default `{urgent: 4, high: 8, normal: 24, low: 72}`; keys match priorities "
        "case-insensitively)",
    ),
    "csat_pct": (
        "Ratings of 4 or 5 (on 1-5) / all ratings given in P; a ticket's rating counts in the period of "
        "its `resolved_at`, a survey answer in that of `answered_at`.",
        "`sources.surveys`",
    ),
    "nps": (
        "% of answers 9-10 minus % of answers 0-6 (on 0-10), -100 to 100.",
        "see docs/metrics-extra.md",
    ),
    "ces": (
        "Mean effort score (1-7, 7 = easiest) of answers in the period.",
        "see docs/metrics-extra.md",
    ),
    "abandoned_call_pct": (
        "Unanswered calls / all calls started in the period.",
        "see docs/metrics-extra.md",
    ),
    "avg_handle_minutes": (
        "Mean handle time in minutes of answered calls started in the period.",
        "see docs/metrics-extra.md",
    ),
    "tickets_backlog": (
        "Tickets open at the end of P: created on or before its last day, and whose final `resolved_at` "
        "is not on or before it (a ticket resolved on the last day is closed).",
        "`sources.tickets`",
    ),
    "reopen_rate": (
        "Tickets resolved in P that had been solved before (`first_resolved_at` earlier than "
        "`resolved_at`, or `reopens` > 0) / tickets resolved in P. n/a without either field.",
        "`support.resolution`",
    ),
    "one_touch_resolution_pct": (
        "Tickets resolved in P with exactly one agent reply / tickets resolved in P whose `agent_replies`"
        " is filled (0 included).",
        "`sources.tickets`",
    ),
    "calls_per_day": (
        "Calls started in P / calendar days in P (through today, inclusive, for the current period).",
        "`sources.calls`",
    ),
    "revenue_per_service_interaction": (
        "Won revenue (all deal types) closed in P / (tickets created in P + calls started in P).",
        "`sources.tickets`, `sources.calls`",
    ),
}


_ROW = re.compile(r"^\| `(?P<id>[a-z0-9_]+)` \|.*\|$", re.MULTILINE)


def row(metric_id: str) -> str:
    """The docs/metrics.md table row of one metric: | `id` | definition | unit | config keys |.
    Raises KeyError for an id the spec or REFERENCE lacks."""
    from crm_metrics.metrics.registry import get_metric

    definition, keys = REFERENCE[metric_id]
    return f"| `{metric_id}` | {definition} | {get_metric(metric_id).unit.value} | {keys} |"


def render(text: str) -> str:
    """`text` (docs/metrics.md) with every metric row made again from the spec and REFERENCE; the
    prose around the tables is kept as written."""
    return _ROW.sub(lambda match: row(match["id"]), text)


def main(argv: list[str]) -> int:
    """Rewrite the docs file named in argv[0] (docs/metrics.md) in place."""
    path = Path(argv[0])
    path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
