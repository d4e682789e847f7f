"""Every metric the tool knows, declared once: what `crm-metrics metrics` lists, what `explain` says,
which columns the pipeline reads for it and how the report treats it.

The rules themselves are in ../shared/metrics.md (sections 3 and 4, the contract) and docs/metrics.md;
a MetricDef restates them as data. Plain Python, no pandas: listing metrics and validating a config
import this module, and `crm-metrics --help` must stay fast. The code that computes a metric (the
function named like its id in crm_metrics.metrics.<module>) and explain's auditor are imported only
when used.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from crm_metrics.schema import TABLES

if TYPE_CHECKING:
    from crm_metrics.metrics.audit import Auditor
    from crm_metrics.metrics.registry import Compute


class Unit(StrEnum):
    CURRENCY = "currency"
    RATIO = "ratio"
    COUNT = "count"
    DAYS = "days"
    HOURS = "hours"
    MINUTES = "minutes"
    MONTHS = "months"
    YEARS = "years"
    SCORE = "score"
    MULTIPLE = "multiple"


class Better(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    NEUTRAL = "neutral"


class Part(StrEnum):
    """The three parts the seed articles measure a CRM in: how the business performs (pipeline, sales,
    revenue), how the team uses the CRM (user adoption) and how customers perceive the business."""

    BUSINESS = "business performance"
    ADOPTION = "crm use"
    CUSTOMERS = "customer perception"

    @property
    def heading(self) -> str:
        """The heading a report and docs/metrics.md print: "Business performance", "CRM use"."""
        return _PART_TITLES[self]


_PART_TITLES = {Part.BUSINESS: "Business performance", Part.ADOPTION: "CRM use",
                Part.CUSTOMERS: "Customer perception"}


class Group(StrEnum):
    """The catalogue's groups, each in one Part (Group.part). Their order here, parts first, is the
    order of SPECS, `crm-metrics metrics`, docs/metrics.md and the printed report."""

    SALES = "sales"
    ECONOMICS = "unit economics"
    LEADS = "leads and pipeline"
    CAMPAIGNS = "campaigns"
    ADOPTION = "user adoption"
    RETENTION = "retention"
    MORE = "more retention and economics"
    SUPPORT = "support"

    @property
    def part(self) -> Part:
        return _GROUP_PARTS[self]

    @property
    def heading(self) -> str:
        """The heading under its part: "Unit economics"."""
        return self.value[:1].upper() + self.value[1:]


# The seeds' user adoption measures (what reps log in the CRM, per rep with --by owner) are the CRM
# use part; retention, support and service are how customers perceive the business.
_GROUP_PARTS = {
    Group.SALES: Part.BUSINESS, Group.ECONOMICS: Part.BUSINESS, Group.LEADS: Part.BUSINESS,
    Group.CAMPAIGNS: Part.BUSINESS, Group.ADOPTION: Part.ADOPTION, Group.RETENTION: Part.CUSTOMERS,
    Group.MORE: Part.CUSTOMERS, Group.SUPPORT: Part.CUSTOMERS,
}


def catalogue_order(group: Group) -> tuple[int, int]:
    """Sort key of a group: its part's place in Part, then its own in Group."""
    return list(Part).index(group.part), list(Group).index(group)


class Table(StrEnum):
    """The canonical tables of metrics.md section 1 that metrics read (crm_metrics.schema.TABLES)."""

    DEALS = "deals"
    SPEND = "spend"
    CUSTOMERS = "customers"
    TICKETS = "tickets"
    SURVEYS = "surveys"
    CALLS = "calls"
    LEADS = "leads"
    ACTIVITIES = "activities"
    STAGE_CHANGES = "stage_changes"


@dataclass(frozen=True, order=True)
class Column:
    """One canonical field of one table, as named after mapping (schema.TABLES), e.g. deals.closed_at."""

    table: Table
    name: str

    def __str__(self) -> str:
        return f"{self.table}.{self.name}"


def columns(table: Table, *names: str) -> frozenset[Column]:
    """The named fields of one table, e.g. columns(Table.CALLS, "started_at", "answered")."""
    return frozenset(Column(table, name) for name in names)


@dataclass(frozen=True)
class Requirement:
    """An input a metric cannot do without. Any one alternative satisfies it; each alternative is
    the columns of one table that the metric reads when it takes its input from there.

    Whether a requirement is met is decided by table (a table without one of the columns still
    runs the metric, which then says "needs tickets.resolved_at" itself): which columns were
    found is only known after mapping.
    """

    any_of: tuple[frozenset[Column], ...]

    def __post_init__(self) -> None:
        for alternative in self.any_of:
            if len({c.table for c in alternative}) != 1:
                raise ValueError(f"an alternative must read one table: {sorted(map(str, alternative))}")

    @property
    def tables(self) -> tuple[Table, ...]:
        """The table of each alternative, in the order the note names them."""
        return tuple(next(iter(alternative)).table for alternative in self.any_of)

    def met_by(self, present: Callable[[str], bool]) -> bool:
        return any(present(table) for table in self.tables)

    def __str__(self) -> str:
        """ "deals or customers": the words of the n/a note, `metrics` and `explain`."""
        return " or ".join(self.tables)


def needs(*alternatives: frozenset[Column]) -> Requirement:
    """A requirement that any one of `alternatives` (each the columns of one table) meets."""
    return Requirement(alternatives)


@dataclass(frozen=True)
class MetricDef:
    """One metric. Text fields are what the CLI prints (summary: `crm-metrics metrics`; formula,
    config_keys and vendor_choice: `crm-metrics explain`)."""

    id: str
    label: str
    group: Group
    unit: Unit
    better: Better
    needs: tuple[Requirement, ...]
    summary: str
    formula: str
    # The module under crm_metrics.metrics whose function named `id` computes it.
    module: str
    config_keys: tuple[str, ...]
    # Fields of the input tables that --by can split this metric on.
    breakdowns: tuple[str, ...] = ()
    # Columns read from a table when the config has it, which the metric does without otherwise
    # (the customers table's dates and sources win in the ledger); never a reason for n/a.
    reads_if_present: tuple[frozenset[Column], ...] = ()
    # Where vendors define the metric differently, which definition the tool follows
    # (../shared/vendor-headers.md).
    vendor_choice: str | None = None
    # Name of the function in crm_metrics.metrics.audit that prints explain's inputs per period, or
    # "module.function" for one kept beside its metric (service.audit_tickets_backlog).
    auditor_name: str | None = None
    # The report notes that gross_margin is unset when one of these is shown.
    uses_gross_margin: bool = False
    # Counts active customers, so the note on undated customers applies (metrics.md section 3)...
    counts_active_customers: bool = False
    # ... or does so through the churn-based lifetime, only when clv.lifetime_years is unset.
    counts_active_customers_for_lifetime: bool = False
    # A support time: the report says whether hours are calendar or business hours.
    is_support_time: bool = False
    # A count or sum of events in P: its --by groups sum to its total (metrics.md section 3, end).
    additive: bool = False
    # A ratio that is not a share of a whole (a return on spend may exceed 100 %).
    may_exceed_one: bool = False
    # Always carries this split, with or without --by, its groups in their own order, from the
    # function <id>_groups of its module (stage_duration_days: by stage, pipeline order).
    always_by: str | None = None

    def __post_init__(self) -> None:
        Requirement(self.reads_if_present)  # the same rule: each set reads one table
        if self.may_exceed_one and self.unit is not Unit.RATIO:
            raise ValueError(f"{self.id}: may_exceed_one is for ratios")

    @property
    def compute(self) -> Compute:
        module = importlib.import_module(f"crm_metrics.metrics.{self.module}")
        fn: Compute = getattr(module, self.id)
        return fn

    @property
    def auditor(self) -> Auditor | None:
        if self.auditor_name is None:
            return None
        where, _, name = self.auditor_name.rpartition(".")
        module = importlib.import_module(f"crm_metrics.metrics.{where or 'audit'}")
        fn: Auditor = getattr(module, name)
        return fn

    @property
    def tables(self) -> tuple[Table, ...]:
        """Every table the metric reads when the config has it: its requirements' tables, in order,
        then those of reads_if_present."""
        optional = (next(iter(columns)).table for columns in self.reads_if_present)
        return tuple(dict.fromkeys([*(t for need in self.needs for t in need.tables), *optional]))

    @property
    def column_sets(self) -> tuple[frozenset[Column], ...]:
        """Every alternative of every requirement, and reads_if_present."""
        return (*(alternative for need in self.needs for alternative in need.any_of), *self.reads_if_present)

    @property
    def needs_text(self) -> str:
        """ "spend, deals or customers", as `metrics` and `explain` print it."""
        return ", ".join(str(need) for need in self.needs)

    def counts_active(self, lifetime_from_churn: bool) -> bool:
        """Whether the metric counts active customers: itself, or through the churn-based lifetime
        when that is used (clv.lifetime_years unset)."""
        return self.counts_active_customers or (lifetime_from_churn and self.counts_active_customers_for_lifetime)

    @property
    def part(self) -> Part:
        """Which of the articles' three parts the metric belongs to: its group's (Group.part)."""
        return self.group.part

    @property
    def is_share(self) -> bool:
        """A ratio between 0 and 1, so a target of 25 must mean 25 % (0.25)."""
        match self.unit:
            case Unit.RATIO:
                return not self.may_exceed_one
            case (Unit.CURRENCY | Unit.COUNT | Unit.DAYS | Unit.HOURS | Unit.MINUTES | Unit.MONTHS
                  | Unit.YEARS | Unit.SCORE | Unit.MULTIPLE):
                return False


# --- the columns each metric reads ------------------------------------------------------------
#
# Derived from the metric code (sales.py, economics.py, ...) and from what normalise.py reads to
# build the columns the metrics use: a deal's outcome from stage and status, its type from
# deal_type, its customer key from account_id / account_name / deal_id, amounts in the report
# currency from currency; a ticket's resolved_at and first_response_at also from the exported
# durations, and from first_resolved_at with support.resolution: first.
D, S, CU, T, SU, CA = Table.DEALS, Table.SPEND, Table.CUSTOMERS, Table.TICKETS, Table.SURVEYS, Table.CALLS

_DEAL_NAMES = ("deal_id", "stage", "status", "amount", "currency", "created_at", "closed_at", "deal_type",
               "account_id", "account_name")
DEALS = columns(D, *_DEAL_NAMES)
DEAL_CAMPAIGNS = columns(D, *_DEAL_NAMES, "campaign")
# The customer ledger (ledger.py): first won deal's source and amount; the customers table's dates
# and source win, joined by id or by name; audit.py prints customer and account names.
LEDGER_DEALS = columns(D, *_DEAL_NAMES, "source")
LEDGER_CUSTOMERS = columns(CU, "customer_id", "customer_name", "acquired_at", "churned_at", "source")
_SPEND_NAMES = ("date", "amount", "currency")
SPEND = columns(S, *_SPEND_NAMES, "category")
SPEND_CAMPAIGNS = columns(S, *_SPEND_NAMES, "campaign")
_CREATED = ("ticket_id", "created_at")
_RESOLVED = (*_CREATED, "resolved_at", "resolution_duration", "resolution_minutes", "first_resolved_at")
TICKETS_CREATED = columns(T, *_CREATED)
TICKETS_RESOLVED = columns(T, *_RESOLVED)
TICKETS_FIRST_RESPONSE = columns(T, *_CREATED, "first_response_at", "first_response_duration",
                                 "first_response_minutes")
TICKETS_SLA = columns(T, *_RESOLVED, "priority", "sla_due_at", "sla_met")
CALLS_ANSWERED = columns(CA, "started_at", "answered", "outcome")
CALLS_HANDLED = columns(CA, "started_at", "answered", "outcome", "handle_seconds")
CALLS_STARTED = columns(CA, "started_at")
# The final solve and what tells a reopened ticket (service.py).
TICKETS_REOPENED = columns(T, *_RESOLVED, "reopens")
TICKETS_REPLIES = columns(T, *_RESOLVED, "agent_replies")
DEALS_PROPOSED = columns(D, *_DEAL_NAMES, "proposal_at")
STAGES_ENTERED = columns(Table.STAGE_CHANGES, "deal_id", "stage", "entered_at")
LEADS_CREATED = columns(Table.LEADS, "lead_id", "created_at")
LEADS_CONVERTED = columns(Table.LEADS, "lead_id", "created_at", "converted_at", "status")
LEADS_SOURCED = columns(Table.LEADS, "lead_id", "created_at", "source")
ACTIVITIES = columns(Table.ACTIVITIES, "activity_id", "at", "type")
ACTIVITIES_LINKED = columns(Table.ACTIVITIES, "activity_id", "at", "type", "deal_id")
DEALS_ADOPTION = columns(D, *_DEAL_NAMES, "owner", "source", "region", "product", "campaign")


def _scores(column: str) -> tuple[frozenset[Column], frozenset[Column]]:
    """A survey score: answers by answered_at, scores kept on tickets by resolved_at."""
    return columns(SU, "answered_at", column), columns(T, *_RESOLVED, column)


# --- the config keys explain lists ------------------------------------------------------------
_PERIODS = ("period", "fiscal_year_start", "range", "timezone")
_DEALS = (*_PERIODS, "won_stages", "lost_stages", "deal_types", "currency", "fx", "fx_dated", "sources.deals")
_LEDGER = (*_DEALS, "sources.customers")
_SPEND = ("cac.categories", "retention.categories", "sources.spend")
_MARGIN = ("gross_margin", "clv.lifetime_years", "clv.max_lifetime_years")
_TICKETS = (*_PERIODS, "sources.tickets")

_DEAL_FIELDS = ("owner", "source", "region", "product", "campaign")
# The marketing shares split by the acquiring deal's fields but not by source: split by source, each
# group would be all marketing or none.
_LEDGER_SPLIT = ("owner", "region", "product", "campaign")
_TICKET_FIELDS = ("priority", "channel", "agent")
# --by type on the counts, times and shares: complaint resolution times (metrics.md section 3,
# Breakdowns); breakdown.py splits them by the tickets' own types.
_TICKET_TYPED = (*_TICKET_FIELDS, "type")
_SCORE_FIELDS = ("channel", "priority", "agent")
_CALL_FIELDS = ("agent", "channel")
_LEAD_FIELDS = ("source", "owner", "campaign")

_SALES, _ECON, _RET, _SUP, _CAMP = Group.SALES, Group.ECONOMICS, Group.RETENTION, Group.SUPPORT, Group.CAMPAIGNS
_LEADS, _USE, _MORE = Group.LEADS, Group.ADOPTION, Group.MORE
H, L, N = Better.HIGHER, Better.LOWER, Better.NEUTRAL

_CUSTOMERS = needs(LEDGER_DEALS, LEDGER_CUSTOMERS)  # "deals or customers"

_DECLARED: tuple[MetricDef, ...] = (
    # Sales and acquisition
    MetricDef(
        "new_customers", "New customers", _SALES, Unit.COUNT, H, (_CUSTOMERS,),
        "Customers whose acquisition date falls in the period.",
        "count of customers whose acquisition date (customers.acquired_at, else the close date of their "
        "first won deal of type new) falls in P",
        # Split by the fields of the first won new deal that made the customer (ledger.group_values),
        # or by the customer's own source.
        "sales", _LEDGER, _DEAL_FIELDS, additive=True, auditor_name="audit_new_customers"),
    MetricDef(
        "new_revenue", "New revenue", _SALES, Unit.CURRENCY, H, (needs(DEALS),),
        "Amount of won deals of type new closed in the period.",
        "sum(amount) of won deals of type new with closed_at in P",
        "sales", _DEALS, _DEAL_FIELDS, auditor_name="audit_new_revenue", additive=True),
    MetricDef(
        "close_rate", "Close rate", _SALES, Unit.RATIO, H, (needs(DEALS),),
        "Won / (won + lost) new and expansion deals closed in the period, by count.",
        "won / (won + lost), deals of type new and expansion with closed_at in P, by count",
        "sales", _DEALS, _DEAL_FIELDS,
        vendor_choice="Vendors differ: won / (won + lost) closed in the period (Gartner, Pipeline CRM, most "
                      "CRMs) versus won / deals created (some HubSpot guides). crm-metrics follows the first; "
                      "open deals are not in the denominator.",
        auditor_name="audit_close_rate"),
    MetricDef(
        "close_rate_value", "Close rate (value)", _SALES, Unit.RATIO, H, (needs(DEALS),),
        "Won / (won + lost) new and expansion deals closed in the period, by amount.",
        "won amount / (won + lost) amount, deals of type new and expansion closed in P",
        "sales", _DEALS, _DEAL_FIELDS,
        vendor_choice="As close_rate: won / (won + lost) closed in the period, here by amount.",
        auditor_name="audit_close_rate_value"),
    MetricDef(
        "sales_cycle_days", "Sales cycle (median)", _SALES, Unit.DAYS, L, (needs(DEALS),),
        "Median days from creation to close of won new and expansion deals.",
        "median(closed_at - created_at) in days, won new and expansion deals closed in P",
        "sales", _DEALS, _DEAL_FIELDS, auditor_name="audit_sales_cycle_days"),
    MetricDef(
        "sales_cycle_days_mean", "Sales cycle (mean)", _SALES, Unit.DAYS, L, (needs(DEALS),),
        "Mean days from creation to close of won new and expansion deals.",
        "mean(closed_at - created_at) in days, won new and expansion deals closed in P",
        "sales", _DEALS, _DEAL_FIELDS, auditor_name="audit_sales_cycle_days_mean"),
    MetricDef(
        "open_pipeline_count", "Open pipeline (deals)", _SALES, Unit.COUNT, H, (needs(DEALS),),
        "Deals open on the period's last day.",
        "deals created on or before P's last day and not closed on or before it",
        "sales", _DEALS, _DEAL_FIELDS, additive=True, auditor_name="audit_open_pipeline_count"),
    MetricDef(
        "open_pipeline_value", "Open pipeline (value)", _SALES, Unit.CURRENCY, H, (needs(DEALS),),
        "Amount of deals open on the period's last day.",
        "sum(amount) of deals open at P's last day",
        "sales", _DEALS, _DEAL_FIELDS, additive=True, auditor_name="audit_open_pipeline_value"),
    MetricDef(
        "marketing_sourced_pct", "Marketing-sourced customers", _SALES, Unit.RATIO, H, (_CUSTOMERS,),
        "Share of new customers whose source is one of marketing_sources.",
        "new customers in P whose source is in marketing_sources / new customers in P",
        "sales", (*_LEDGER, "marketing_sources"), _LEDGER_SPLIT, auditor_name="audit_marketing_sourced_pct"),
    MetricDef(
        "marketing_sourced_revenue_pct", "Marketing-sourced revenue", _SALES, Unit.RATIO, H,
        (needs(LEDGER_DEALS),),
        "Share of new customers' first-deal revenue from marketing_sources.",
        "first-deal amount of marketing-sourced new customers / first-deal amount of all new customers in P",
        "sales", (*_LEDGER, "marketing_sources"), _LEDGER_SPLIT, reads_if_present=(LEDGER_CUSTOMERS,),
        auditor_name="audit_marketing_sourced_revenue_pct"),
    # Unit economics
    MetricDef(
        "cac", "CAC", _ECON, Unit.CURRENCY, L, (needs(SPEND), _CUSTOMERS),
        "Acquisition spend / new customers in the period.",
        "acquisition spend in P / new_customers in P",
        "economics", (*_LEDGER, *_SPEND), auditor_name="audit_cac"),
    MetricDef(
        "arpa_annual", "ARPA (annual)", _ECON, Unit.CURRENCY, H, (needs(DEALS),),
        "Won revenue of the trailing 12 months / customers with a won deal in them.",
        "won amount (all deal types) in the 12 months to P's end / distinct customers with a won deal in them",
        "economics", _DEALS, auditor_name="audit_arpa_annual"),
    MetricDef(
        "annual_churn_rate", "Annual churn rate", _ECON, Unit.RATIO, L, (_CUSTOMERS,),
        "Share of customers active 12 months before the period's end who churned since.",
        "customers active on the first day of the 12 months to P's end who churned within them / those "
        "active on that day",
        "economics", _LEDGER, counts_active_customers=True, auditor_name="audit_annual_churn_rate"),
    MetricDef(
        "customer_lifetime_years", "Customer lifetime", _ECON, Unit.YEARS, H, (_CUSTOMERS,),
        "clv.lifetime_years, else 1 / annual churn rate, capped at clv.max_lifetime_years.",
        "clv.lifetime_years, else min(1 / annual_churn_rate, clv.max_lifetime_years)",
        "economics", (*_LEDGER, "clv.lifetime_years", "clv.max_lifetime_years"),
        counts_active_customers_for_lifetime=True, auditor_name="audit_customer_lifetime_years"),
    MetricDef(
        "clv", "CLV", _ECON, Unit.CURRENCY, H, (needs(LEDGER_DEALS), needs(SPEND)),
        "ARPA x gross margin x lifetime - CAC (net of CAC).",
        "arpa_annual x gross_margin x customer_lifetime_years - cac",
        "economics", (*_LEDGER, *_SPEND, *_MARGIN), reads_if_present=(LEDGER_CUSTOMERS,),
        vendor_choice="Vendors differ: ARPA x margin / churn (Finmark, Baremetrics); ChartMogul uses six-month "
                      "trailing churn. crm-metrics prints the seeds' CLV, net of CAC; ltv_cac_ratio is the "
                      "gross one.",
        auditor_name="audit_clv", uses_gross_margin=True, counts_active_customers_for_lifetime=True),
    MetricDef(
        "ltv_cac_ratio", "LTV:CAC", _ECON, Unit.MULTIPLE, H, (needs(LEDGER_DEALS), needs(SPEND)),
        "(CLV + CAC) / CAC: gross lifetime value per unit of CAC.",
        "(clv + cac) / cac",
        "economics", (*_LEDGER, *_SPEND, *_MARGIN), reads_if_present=(LEDGER_CUSTOMERS,),
        vendor_choice="Uses the gross lifetime value (CLV before subtracting CAC), so 1.0 means the customer "
                      "pays back exactly its acquisition cost.",
        uses_gross_margin=True, counts_active_customers_for_lifetime=True, auditor_name="audit_ltv_cac_ratio"),
    MetricDef(
        "cac_payback_months", "CAC payback", _ECON, Unit.MONTHS, L, (needs(LEDGER_DEALS), needs(SPEND)),
        "CAC / (new customers' average monthly revenue x gross margin).",
        "cac / (mean first-deal amount of customers acquired in P / revenue.months_per_deal x gross_margin)",
        "economics", (*_LEDGER, *_SPEND, "gross_margin", "revenue.months_per_deal", "revenue.recurring"),
        reads_if_present=(LEDGER_CUSTOMERS,),
        vendor_choice="Vendors differ: with gross margin (Finmark, ChartMogul) or without (some guides); "
                      "some lag spend by a month. crm-metrics uses gross margin and no lag.",
        uses_gross_margin=True, auditor_name="audit_cac_payback_months"),
    # Retention
    MetricDef(
        "churn_rate", "Churn rate", _RET, Unit.RATIO, L, (_CUSTOMERS,),
        "Customers active on the first day who churned in the period / those active.",
        "customers active on P's first day who churned in P / customers active on P's first day",
        "retention", _LEDGER, _DEAL_FIELDS, auditor_name="audit_churn_rate", counts_active_customers=True),
    MetricDef(
        "renewal_rate", "Renewal rate", _RET, Unit.RATIO, H, (needs(DEALS),),
        "Renewal deals won / renewal deals closed in the period, by count.",
        "renewal deals won / renewal deals won or lost, closed in P, by count",
        "retention", _DEALS, _DEAL_FIELDS,
        vendor_choice="Vendors differ: renewal deals won / closed (used here), or contracts renewed / "
                      "contracts up for renewal by end date (logo and dollar variants).",
        auditor_name="audit_renewal_rate"),
    MetricDef(
        "renewal_rate_value", "Renewal rate (value)", _RET, Unit.RATIO, H, (needs(DEALS),),
        "Renewal deals won / renewal deals closed in the period, by amount.",
        "renewal amount won / renewal amount won or lost, closed in P",
        "retention", _DEALS, _DEAL_FIELDS,
        vendor_choice="As renewal_rate, by amount: the dollar variant of renewal deals won / closed.",
        auditor_name="audit_renewal_rate_value"),
    MetricDef(
        "expansion_revenue", "Expansion revenue", _RET, Unit.CURRENCY, H, (needs(DEALS),),
        "Amount of won expansion deals closed in the period.",
        "sum(amount) of won expansion deals closed in P",
        "retention", _DEALS, _DEAL_FIELDS, additive=True, auditor_name="audit_expansion_revenue"),
    MetricDef(
        "retention_cost_per_customer", "Retention cost per customer", _RET, Unit.CURRENCY, L,
        (needs(SPEND), _CUSTOMERS),
        "Retention spend / average customers active at the period's start and end.",
        "retention spend in P / mean(customers active on P's first day, customers active at P's end)",
        "retention", (*_LEDGER, "retention.categories", "sources.spend"),
        auditor_name="audit_retention_cost_per_customer", counts_active_customers=True),
    # Support
    MetricDef(
        "tickets_created", "Tickets created", _SUP, Unit.COUNT, N, (needs(TICKETS_CREATED),),
        "Tickets created in the period.",
        "tickets with created_at in P",
        "support", _TICKETS, _TICKET_TYPED, additive=True, auditor_name="audit_tickets_created"),
    MetricDef(
        "tickets_resolved", "Tickets resolved", _SUP, Unit.COUNT, H, (needs(TICKETS_RESOLVED),),
        "Tickets resolved in the period.",
        "tickets with resolved_at in P",
        "support", _TICKETS, _TICKET_TYPED, additive=True, auditor_name="audit_tickets_resolved"),
    MetricDef(
        "resolution_time_hours", "Resolution time (median)", _SUP, Unit.HOURS, L, (needs(TICKETS_RESOLVED),),
        "Median hours from creation to resolution of tickets resolved in the period.",
        "median(resolved_at - created_at) in hours, tickets resolved in P",
        "support", _TICKETS, _TICKET_TYPED, auditor_name="audit_resolution_time_hours", is_support_time=True,),
    MetricDef(
        "resolution_time_hours_mean", "Resolution time (mean)", _SUP, Unit.HOURS, L,
        (needs(TICKETS_RESOLVED),),
        "Mean hours from creation to resolution.",
        "mean(resolved_at - created_at) in hours, tickets resolved in P",
        "support", _TICKETS, _TICKET_TYPED, is_support_time=True,
        auditor_name="audit_resolution_time_hours_mean"),
    MetricDef(
        "resolution_time_hours_p90", "Resolution time (p90)", _SUP, Unit.HOURS, L,
        (needs(TICKETS_RESOLVED),),
        "90th percentile of hours from creation to resolution.",
        "90th percentile of (resolved_at - created_at) in hours, tickets resolved in P",
        "support", _TICKETS, _TICKET_TYPED, is_support_time=True,
        auditor_name="audit_resolution_time_hours_p90"),
    MetricDef(
        "first_response_hours", "First response time (median)", _SUP, Unit.HOURS, L,
        (needs(TICKETS_FIRST_RESPONSE),),
        "Median hours to first response of tickets created in the period.",
        "median(first_response_at - created_at) in hours, tickets created in P",
        "support", _TICKETS, _TICKET_TYPED, is_support_time=True, auditor_name="audit_first_response_hours"),
    MetricDef(
        "same_day_resolution_pct", "Same-day resolution", _SUP, Unit.RATIO, H, (needs(TICKETS_RESOLVED),),
        "Tickets resolved on the day they were created / tickets resolved.",
        "tickets resolved on their creation day / tickets resolved in P",
        "support", _TICKETS, _TICKET_TYPED, is_support_time=True, auditor_name="audit_same_day_resolution_pct"),
    MetricDef(
        "sla_compliance_pct", "SLA compliance", _SUP, Unit.RATIO, H, (needs(TICKETS_SLA),),
        "Tickets resolved by their SLA deadline / resolved tickets that have one.",
        "tickets resolved in P by their deadline (sla_due_at, else created_at + support.sla_hours[priority]) "
        "/ tickets resolved in P with a deadline; without a sla_due_at column, the export's yes/no sla_met "
        "where given",
        "support", (*_TICKETS, "support.sla_hours"), _TICKET_TYPED, is_support_time=True,
        auditor_name="support.audit_sla_compliance_pct"),
    MetricDef(
        "csat_pct", "CSAT", _SUP, Unit.RATIO, H, (needs(*reversed(_scores("csat"))),),
        "Ratings of 4 or 5 (of 5) / all ratings given in the period.",
        "ratings 4-5 / all ratings 1-5 in P (tickets by resolved_at, surveys by answered_at)",
        "support", (*_TICKETS, "sources.surveys"), ("priority", "channel", "agent"), auditor_name="audit_csat_pct"),
    # Surveys, calls and campaigns (survey.py, calls.py, campaigns.py)
    MetricDef(
        "nps", "NPS", _SUP, Unit.SCORE, H, (needs(*_scores("nps")),),
        "% of answers 9-10 minus % of answers 0-6 (on 0-10), -100 to 100.",
        "100 x (answers 9-10 - answers 0-6) / all answers 0-10 in P (surveys by answered_at, ticket scores "
        "by resolved_at)",
        "survey", (*_PERIODS, "sources.surveys", "sources.tickets"), _SCORE_FIELDS,
        vendor_choice="Standard Bain definition; answers outside 0-10 are left out.", auditor_name="audit_nps"),
    MetricDef(
        "ces", "Customer effort score", _SUP, Unit.SCORE, H, (needs(*_scores("ces")),),
        "Mean effort score (1-7, 7 = easiest) of answers in the period.",
        "mean of effort answers 1-7 in P (surveys by answered_at, ticket scores by resolved_at)",
        "survey", (*_PERIODS, "sources.surveys", "sources.tickets"), _SCORE_FIELDS,
        vendor_choice="Scales differ: CES 2.0 (Gartner) asks 1-7 with 7 = easiest, used here (higher is "
                      "better); older 1-5 surveys where low is easy must be recoded before loading.",
        auditor_name="audit_ces"),
    MetricDef(
        "abandoned_call_pct", "Abandoned calls", _SUP, Unit.RATIO, L, (needs(CALLS_ANSWERED),),
        "Unanswered calls / all calls started in the period.",
        "unanswered calls / calls with a known answered flag or outcome, started in P",
        "calls", (*_PERIODS, "sources.calls"), _CALL_FIELDS, auditor_name="audit_abandoned_call_pct"),
    MetricDef(
        "avg_handle_minutes", "Average handle time", _SUP, Unit.MINUTES, L, (needs(CALLS_HANDLED),),
        "Mean handle time in minutes of answered calls started in the period.",
        "mean(handle_seconds) / 60 of answered calls started in P",
        "calls", (*_PERIODS, "sources.calls"), _CALL_FIELDS, auditor_name="audit_avg_handle_minutes"),
    # More support and service measures from the seeds (service.py)
    MetricDef(
        "tickets_backlog", "Ticket backlog", _SUP, Unit.COUNT, L, (needs(TICKETS_RESOLVED),),
        "Tickets still open at the period's end.",
        "tickets created on or before P's last day whose final resolved_at is not on or before it",
        "service", _TICKETS, _TICKET_TYPED, auditor_name="service.audit_tickets_backlog", additive=True),
    MetricDef(
        "reopen_rate", "Reopen rate", _SUP, Unit.RATIO, L, (needs(TICKETS_REOPENED),),
        "Tickets resolved in the period that had been solved before / tickets resolved.",
        "tickets resolved in P with first_resolved_at < resolved_at or reopens > 0 / tickets resolved in P",
        "service", (*_TICKETS, "support.resolution"), _TICKET_TYPED, auditor_name="service.audit_reopen_rate"),
    MetricDef(
        "one_touch_resolution_pct", "One-touch resolution", _SUP, Unit.RATIO, H, (needs(TICKETS_REPLIES),),
        "Tickets resolved with exactly one agent reply / resolved tickets with a reply count.",
        "tickets resolved in P with agent_replies = 1 / tickets resolved in P with agent_replies filled",
        "service", _TICKETS, _TICKET_TYPED, auditor_name="service.audit_one_touch_resolution_pct"),
    MetricDef(
        "calls_per_day", "Calls per day", _SUP, Unit.SCORE, N, (needs(CALLS_STARTED),),
        "Calls started in the period / its calendar days (through today for the current one).",
        "calls started in P / calendar days in P (through today, inclusive, for the current period)",
        "service", (*_PERIODS, "sources.calls"), _CALL_FIELDS, auditor_name="service.audit_calls_per_day"),
    MetricDef(
        "revenue_per_service_interaction", "Revenue per service interaction", _SUP, Unit.CURRENCY, H,
        (needs(DEALS), needs(TICKETS_CREATED, CALLS_STARTED)),
        "Won revenue / (tickets created + calls started) in the period.",
        "won amount (all deal types) closed in P / (tickets created in P + calls started in P)",
        "service", (*_DEALS, "sources.tickets", "sources.calls"),
        auditor_name="service.audit_revenue_per_service_interaction"),
    # Leads and pipeline, and user adoption (accounts.py, leads.py, activities.py)
    MetricDef(
        "leads_created", "Leads created", _LEADS, Unit.COUNT, H, (needs(LEADS_CREATED),),
        "Leads created in the period.",
        "leads with created_at in P",
        "leads", (*_PERIODS, "sources.leads"), _LEAD_FIELDS, additive=True,
        auditor_name="leads.audit_leads_created"),
    MetricDef(
        "lead_conversion_rate", "Lead conversion rate", _LEADS, Unit.RATIO, H, (needs(LEADS_CONVERTED),),
        "Leads created in the period that have converted by the range's end / leads created (cohort).",
        "leads created in P converted by the end of the report's range (converted_at, else a status in "
        "leads.converted) / leads created in P",
        "leads", (*_PERIODS, "sources.leads", "leads.converted"), _LEAD_FIELDS,
        vendor_choice="A cohort rate by creation period (HubSpot's lead-to-customer rate); recent periods rise "
                      "as late conversions arrive.",
        auditor_name="leads.audit_lead_conversion_rate"),
    MetricDef(
        "lead_to_customer_days", "Lead to customer (median)", _LEADS, Unit.DAYS, L, (needs(LEADS_CONVERTED),),
        "Median days from a lead's creation to its conversion, over leads converted in the period.",
        "median(converted_at - created_at) in days, leads with converted_at in P",
        "leads", (*_PERIODS, "sources.leads"), _LEAD_FIELDS, auditor_name="leads.audit_lead_to_customer_days"),
    MetricDef(
        "marketing_sourced_leads_pct", "Marketing-sourced leads", _LEADS, Unit.RATIO, H, (needs(LEADS_SOURCED),),
        "Share of leads created in the period whose source is one of marketing_sources.",
        "leads created in P whose source is in marketing_sources / leads created in P",
        "leads", (*_PERIODS, "sources.leads", "marketing_sources"), ("owner", "campaign"),
        auditor_name="leads.audit_marketing_sourced_leads_pct"),
    MetricDef(
        "sales_calls", "Sales calls", _USE, Unit.COUNT, H, (needs(ACTIVITIES),),
        "Activities of type call in the period.",
        "activities with type call and at in P",
        "activities", (*_PERIODS, "sources.activities", "activity_types"), ("owner",), additive=True,
        auditor_name="activities.audit_sales_calls"),
    MetricDef(
        "meetings_held", "Meetings held", _USE, Unit.COUNT, H, (needs(ACTIVITIES),),
        "Activities of type meeting in the period, whatever their outcome.",
        "activities with type meeting and at in P",
        "activities", (*_PERIODS, "sources.activities", "activity_types"), ("owner",), additive=True,
        auditor_name="activities.audit_meetings_held"),
    MetricDef(
        "activities_logged", "Activities logged", _USE, Unit.COUNT, H, (needs(ACTIVITIES),),
        "All activities logged in the period; per rep with --by owner (user adoption).",
        "activities with at in P",
        "activities", (*_PERIODS, "sources.activities"), ("owner",),
        auditor_name="activities.audit_activities_logged", additive=True),
    MetricDef(
        "meetings_per_opportunity", "Meetings per opportunity", _USE, Unit.MULTIPLE, H,
        (needs(ACTIVITIES_LINKED), needs(DEALS)),
        "Meetings on deals closed in the period / deals closed (won or lost).",
        "meetings linked by deal_id to deals closed in P (any meeting date) / deals of every type won or lost in P",
        "activities", (*_DEALS, "sources.activities", "activity_types"),
        auditor_name="activities.audit_meetings_per_opportunity"),
    MetricDef(
        "proposals_sent", "Proposals sent", _LEADS, Unit.COUNT, H, (needs(DEALS_PROPOSED, STAGES_ENTERED),),
        "Deals whose proposal date falls in the period.",
        "deals whose proposal_at (else first entry into a proposal_stages stage) falls in P",
        "accounts", (*_DEALS, "proposal_stages", "sources.stage_changes"), _DEAL_FIELDS, additive=True,
        auditor_name="accounts.audit_proposals_sent"),
    MetricDef(
        "stage_duration_days", "Time in stage (median)", _LEADS, Unit.DAYS, L, (needs(STAGES_ENTERED),),
        "Median days deals spent in a stage, over stints that ended in the period; always split by stage.",
        "median of (next stage_changes row's entered_at - this row's entered_at) in days, per deal, over "
        "stints whose next row falls in P; split by stage in pipeline order",
        "stages", (*_PERIODS, "sources.stage_changes", "open_stages", "won_stages", "lost_stages"),
        auditor_name="stages.audit_stage_duration_days", always_by="stage"),
    MetricDef(
        "deals_won", "Deals won", _LEADS, Unit.COUNT, H, (needs(DEALS),),
        "Won deals of any type closed in the period (purchases).",
        "won deals (new, renewal and expansion) with closed_at in P",
        "accounts", _DEALS, _DEAL_FIELDS, auditor_name="accounts.audit_deals_won", additive=True),
    MetricDef(
        "deal_data_completeness_pct", "Deal data completeness", _USE, Unit.RATIO, H, (needs(DEALS_ADOPTION),),
        "Deals created in the period with every adoption field filled / deals created.",
        "deals created in P with every adoption.fields field filled (and a close date when closed, with the "
        "default list) / deals created in P",
        "accounts", (*_DEALS, "adoption.fields"), _DEAL_FIELDS,
        auditor_name="accounts.audit_deal_data_completeness_pct"),
    MetricDef(
        "referral_customers", "Referral customers", _LEADS, Unit.COUNT, H, (_CUSTOMERS,),
        "New customers whose source is a referral.",
        "new customers in P whose source is one of referral_sources (else contains referral, partner or "
        "word of mouth)",
        "accounts", (*_LEDGER, "referral_sources"), ("region", "product"),
        auditor_name="accounts.audit_referral_customers", additive=True),
    # More retention and economics (accounts.py)
    MetricDef(
        "retained_customers", "Retained customers", _MORE, Unit.COUNT, H, (_CUSTOMERS,),
        "Customers active at the period's end.",
        "customers acquired on or before P's last day and not churned on or before it",
        "accounts", _LEDGER, ("source",), counts_active_customers=True, additive=True,
        auditor_name="accounts.audit_retained_customers"),
    MetricDef(
        "expansion_customer_pct", "Expansion customers", _MORE, Unit.RATIO, H, (needs(LEDGER_DEALS),),
        "Customers active at the start who won an expansion deal in the period / those active.",
        "customers active on P's first day with a won expansion deal closed in P / customers active on "
        "P's first day",
        "accounts", _LEDGER, reads_if_present=(LEDGER_CUSTOMERS,),
        auditor_name="accounts.audit_expansion_customer_pct", counts_active_customers=True),
    MetricDef(
        "support_cost_per_customer", "Support cost per customer", _MORE, Unit.CURRENCY, L,
        (needs(SPEND), _CUSTOMERS),
        "Support spend / average customers active at the period's start and end.",
        "spend in P in support_cost.categories / mean(customers active on P's first day, at P's end)",
        "accounts", (*_LEDGER, "support_cost.categories", "sources.spend"),
        auditor_name="accounts.audit_support_cost_per_customer", counts_active_customers=True),
    MetricDef(
        "onboarding_cost_per_customer", "Onboarding cost per customer", _MORE, Unit.CURRENCY, L,
        (needs(SPEND), _CUSTOMERS),
        "Onboarding spend / new customers in the period.",
        "spend in P in onboarding.categories / new_customers in P",
        "accounts", (*_LEDGER, "onboarding.categories", "sources.spend"),
        auditor_name="accounts.audit_onboarding_cost_per_customer"),
    # Campaigns (campaigns.py)
    MetricDef(
        "campaign_won_deals", "Campaign deals won", _CAMP, Unit.COUNT, H, (needs(DEAL_CAMPAIGNS),),
        "Won deals (any type) closed in the period that name a campaign.",
        "won deals (any type) closed in P whose campaign is set",
        "campaigns", _DEALS, ("campaign",), additive=True, auditor_name="audit_campaign_won_deals"),
    MetricDef(
        "campaign_new_customers", "Campaign new customers", _CAMP, Unit.COUNT, H, (needs(DEAL_CAMPAIGNS),),
        "Customers whose first won new deal, closed in the period, names a campaign.",
        "accounts whose first won new deal closed in P and names a campaign",
        "campaigns", _DEALS, ("campaign",), additive=True, auditor_name="audit_campaign_new_customers"),
    MetricDef(
        "campaign_won_revenue", "Campaign won revenue", _CAMP, Unit.CURRENCY, H, (needs(DEAL_CAMPAIGNS),),
        "Amount of won deals closed in the period that name a campaign.",
        "sum(amount) of won deals (any type) closed in P whose campaign is set",
        "campaigns", _DEALS, ("campaign",), additive=True, auditor_name="audit_campaign_won_revenue"),
    MetricDef(
        "campaign_spend", "Campaign spend", _CAMP, Unit.CURRENCY, N, (needs(SPEND_CAMPAIGNS),),
        "Spend in the period on rows that name a campaign.",
        "sum(amount) of spend rows dated in P whose campaign is set",
        "campaigns", (*_PERIODS, "currency", "fx", "fx_dated", "sources.spend"), ("campaign",), additive=True,
        auditor_name="audit_campaign_spend"),
    MetricDef(
        "campaign_return_on_spend", "Campaign return on spend", _CAMP, Unit.RATIO, H,
        (needs(DEAL_CAMPAIGNS), needs(SPEND_CAMPAIGNS)),
        "(Campaign won revenue - campaign spend) / campaign spend.",
        "(campaign_won_revenue - campaign_spend) / campaign_spend",
        "campaigns", (*_DEALS, "sources.spend"), ("campaign",), may_exceed_one=True,
        auditor_name="audit_campaign_return_on_spend"),
)


# In catalogue order: parts, then groups (catalogue_order), declaration order within a group.
SPECS: tuple[MetricDef, ...] = tuple(sorted(_DECLARED, key=lambda m: catalogue_order(m.group)))


# --- queries ----------------------------------------------------------------------------------

def tables_needed(metrics: Iterable[MetricDef]) -> set[str]:
    """Every table `metrics` read: each alternative of each requirement (any may be the one the
    config has) and the tables of reads_if_present."""
    return {table.value for metric in metrics for table in metric.tables}


def columns_needed(metrics: Iterable[MetricDef], by: str | None = None) -> dict[str, set[str]]:
    """Table -> the canonical fields (schema.TABLES) that reading and computing `metrics` uses.

    Every alternative is included, since which one the exports have is only known after mapping;
    so are each table's required fields (the mapping demands them and normalise reads them), and
    `by` in every table that has it (--by splits, and ranks values over, every loaded table). The
    keys are exactly tables_needed(metrics). A field the exports lack is simply not read.
    """
    wanted: dict[str, set[str]] = {}
    for metric in metrics:
        for column_set in metric.column_sets:
            for column in column_set:
                wanted.setdefault(column.table.value, set()).add(column.name)
    for table, fields in wanted.items():
        schema = TABLES[table]
        fields.update(schema.required)
        if by is not None and by in schema.fields:
            fields.add(by)
    return wanted


def _selection_key(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def expand_selection(names: Iterable[str]) -> tuple[str, ...]:
    """Metric ids for a --metrics list whose items may also name a group ("sales", "unit economics",
    "leads_and_activities") or one of the articles' three parts ("crm_use", "customer perception"):
    those become their metrics, in the order of SPECS. Other names are kept as given (the caller
    reports the unknown ones); duplicates are dropped."""
    ids = {m.id for m in SPECS}
    out: list[str] = []
    for name in names:
        key = _selection_key(name)
        if name in ids:
            out.append(name)
        elif key in {_selection_key(g.value) for g in Group}:
            out += [m.id for m in SPECS if _selection_key(m.group.value) == key]
        elif key in {_selection_key(p.value) for p in Part}:
            out += [m.id for m in SPECS if _selection_key(m.part.value) == key]
        else:
            out.append(name)
    return tuple(dict.fromkeys(out))


def allowed_by(given: Mapping[str, Collection[str]]) -> list[MetricDef]:
    """The metrics, in the order of SPECS, that tables with the fields `given` (table -> fields a
    config maps) can compute: one alternative of each requirement is met. What `init` writes.

    An alternative (the columns of one table a metric reads) is met when its table is given and so
    is one of its own columns: those not in a smaller column set of the spec that it contains
    (TICKETS_REOPENED's own is reopens; TICKETS_RESOLVED's resolved_at or a resolution duration),
    and the same holds for each of those smaller sets. Own columns that metrics reading the set
    split by (`breakdowns`: the ledger's source) are read when present, not needed, by a metric
    with no splits (cac) or with other splits too (new_customers); a metric split by other fields
    only (marketing_sourced_pct) or by those alone (campaign_won_deals) needs one of them."""
    sets = {columns for metric in SPECS for columns in metric.column_sets}
    # The fields any metric reading a column set splits by: read when present by all of them.
    splits: dict[frozenset[Column], set[str]] = {}
    for metric in SPECS:
        for columns in metric.column_sets:
            splits.setdefault(columns, set()).update(metric.breakdowns)

    def met(alternative: frozenset[Column], metric: MetricDef) -> bool:
        table = next(iter(alternative)).table
        if table not in given:
            return False
        split = set(metric.breakdowns)
        for columns in [alternative, *(c for c in sets if c < alternative)]:
            own = {c.name for c in columns} - {c.name for smaller in sets if smaller < columns for c in smaller}
            optional = own <= splits[columns] and (not split or (own <= split and own != split))
            if own and not optional and not own & set(given[table]):
                return False
        return True

    return [m for m in SPECS if all(any(met(alt, m) for alt in need.any_of) for need in m.needs)]
