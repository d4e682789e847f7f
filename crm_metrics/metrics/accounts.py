"""Seed-catalogue measures over deals, customers and spend (../shared/metrics.md section 3, "Leads,
activities and CRM use" and "More retention, economics and service measures"): purchases, proposals,
deal data completeness, referral and retained customers, the expansion ratio, and the support and
onboarding cost per customer.

Each metric's inputs per period ordinal come from one helper, which explain's auditor (audit_<id>)
prints, so the line explain shows is the division the report made.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crm_metrics.clean.normalise import word_key, word_keys
from crm_metrics.config.model import DEFAULT_ADOPTION_FIELDS
from crm_metrics.metrics.context import MetricContext
from crm_metrics.metrics.registry import Cell, PeriodCells
from crm_metrics.metrics.service import ratio_line
from crm_metrics.metrics.spend import category_mask, no_spend_in, spend_cells, spend_in
from crm_metrics.periods import Period

_ALL_TYPES = ("new", "renewal", "expansion")
REFERRAL_WORDS = ("referral", "partner", "word of mouth")


def _count_line(label: str, period: Period, cell: Cell, what: str) -> str:
    value = f"n/a ({cell.note})" if cell.value is None else f"{cell.value:,.0f}"
    return f"{label} {period.label} = {value} {what}"


# --- deals_won ----------------------------------------------------------------------------------

def deals_won(ctx: MetricContext) -> PeriodCells:
    """Won deals of any type (new, renewal, expansion) closed in P: the seeds' "number of
    purchases". Count."""
    from crm_metrics.metrics.sales import undated_won, won_deals

    if (undated := undated_won(ctx, _ALL_TYPES)) is not None:
        return undated
    _, ordinals = won_deals(ctx, _ALL_TYPES)
    return ctx.per_period(ordinals.value_counts())


def audit_deals_won(ctx: MetricContext, period: Period, cell: Cell) -> str:
    from crm_metrics.metrics.sales import won_deals

    won, ordinals = won_deals(ctx, _ALL_TYPES)
    won = won[(ordinals == period.ordinal).fillna(False).to_numpy(dtype=bool)]
    kinds = ", ".join(f"{int((won['deal_type'] == t).sum())} {t}" for t in _ALL_TYPES)
    return _count_line("Deals won", period, cell, f"won deals closed in the period ({kinds})")


# --- proposals_sent -----------------------------------------------------------------------------

def proposal_dates(ctx: MetricContext) -> pd.Series:
    """Each deal's proposal date (datetime64[ns], index deal_id): deals.proposal_at where mapped and
    filled, else the first entered_at of a stage in the config's proposal_stages in stage_changes
    (a deal found only there counts too). Deals with neither are left out."""
    dates = pd.Series(dtype="datetime64[ns]", index=pd.Index([], dtype="string", name="deal_id"))
    if ctx.has("deals") and "proposal_at" in ctx.table("deals"):
        deals = ctx.table("deals")
        given = deals[deals["proposal_at"].notna()]
        dates = pd.Series(given["proposal_at"].to_numpy(), index=pd.Index(given["deal_id"].astype("string"),
                                                                           name="deal_id"))
    if ctx.has("stage_changes"):
        changes = ctx.table("stage_changes")
        wanted = {word_key(s) for s in ctx.config.proposal_stages}
        entered = changes[word_keys(changes["stage"]).isin(wanted).to_numpy(dtype=bool)]
        first = entered.groupby(entered["deal_id"].astype("string"))["entered_at"].min()
        first.index.name = "deal_id"
        dates = dates.combine_first(first) if len(dates) else first
    return dates.dropna()


def proposals_sent(ctx: MetricContext) -> PeriodCells:
    """Deals whose proposal date (proposal_dates) falls in P. Count; n/a when neither
    deals.proposal_at nor stage_changes is there."""
    has_column = ctx.has("deals") and "proposal_at" in ctx.table("deals")
    if not has_column and not ctx.has("stage_changes"):
        return ctx.na("needs deals.proposal_at or stage_changes")
    if not ctx.has("stage_changes") and (reason := ctx.unreadable_everywhere("deals", "proposal_at", "deal")):
        return ctx.na(reason)
    return ctx.per_period(ctx.calendar.ordinals(proposal_dates(ctx)).value_counts())


# --- deal_data_completeness_pct -----------------------------------------------------------------

def _mapped(deals: pd.DataFrame, name: str) -> bool:
    """normalise gives deals an empty owner, source, region, product and campaign column when the
    export has none (no_values: no categories at all); that is a field not mapped, not a blank one."""
    if name not in deals:
        return False
    dtype = deals[name].dtype
    return not (isinstance(dtype, pd.CategoricalDtype) and len(dtype.categories) == 0)


def _completeness_inputs(ctx: MetricContext) -> tuple[pd.Series, pd.Series] | str:
    deals = ctx.table("deals")
    fields = ctx.config.adoption.fields
    complete = np.ones(len(deals), dtype=bool)
    for name in fields:
        if name == "account":
            columns = [c for c in ("account_id", "account_name") if _mapped(deals, c)]
            if not columns:
                return "needs deals.account_id or deals.account_name"
            filled = np.zeros(len(deals), dtype=bool)
            for column in columns:
                filled |= deals[column].notna().to_numpy(dtype=bool)
        elif not _mapped(deals, name):
            return f"needs deals.{name}"
        else:
            filled = deals[name].notna().to_numpy(dtype=bool)
        complete &= filled
    if tuple(fields) == DEFAULT_ADOPTION_FIELDS:
        # Only with the default list: a closed deal must also say when it closed.
        closed = deals["outcome"].isin(["won", "lost"]).to_numpy(dtype=bool)
        complete &= ~closed | deals["closed_at"].notna().to_numpy(dtype=bool)
    mask = ctx.in_periods("deals", "created_at")
    flags = pd.Series(complete[mask].astype(int), index=deals.index[mask])
    ordinals = ctx.ordinal("deals", "created_at")[mask]
    return flags.groupby(ordinals).sum(), flags.groupby(ordinals).count()


def deal_data_completeness_pct(ctx: MetricContext) -> PeriodCells:
    """Deals created in P with every field of adoption.fields filled / deals created in P. Ratio;
    n/a when a listed field has no column mapped, or no deal has a readable created_at."""
    if (undated := ctx.undated_table("deals", "created_at", "deal")) is not None:
        return undated
    inputs = _completeness_inputs(ctx)
    if isinstance(inputs, str):
        return ctx.na(inputs)
    return ctx.ratio(*inputs, "no deals created")


def audit_deal_data_completeness_pct(ctx: MetricContext, period: Period, cell: Cell) -> str:
    inputs = _completeness_inputs(ctx)
    if isinstance(inputs, str):
        return f"Deal data completeness {period.label} = n/a ({inputs})"
    complete, created = inputs
    fields = ", ".join(ctx.config.adoption.fields)
    return ratio_line("Deal data completeness", period, float(complete.get(period.ordinal, 0)),
                      f"with {fields} filled", float(created.get(period.ordinal, 0)), "deals created", cell)


# --- customers: referral, retained, expansion ---------------------------------------------------

def _referral(sources: pd.Series, ctx: MetricContext) -> pd.Series:
    text = sources.astype("string").str.strip().str.casefold()
    if ctx.config.referral_sources is not None:
        return text.isin({s.strip().casefold() for s in ctx.config.referral_sources}).fillna(False)
    found = pd.Series(False, index=sources.index)
    for word in REFERRAL_WORDS:
        found |= text.str.contains(word, regex=False).fillna(False)
    return found


def _new_customers(ctx: MetricContext) -> pd.DataFrame:
    ledger = ctx.customers
    return ledger[ledger["acquired_at"].notna()]


def referral_customers(ctx: MetricContext) -> PeriodCells:
    """New customers in P whose source (as in marketing_sourced_pct) is a referral: one of
    referral_sources ignoring case, else containing "referral", "partner" or "word of mouth".
    Count; n/a when no customer has an acquisition date or a source (context)."""
    if (reason := ctx.no_acquisition_date() or ctx.no_customer_source()) is not None:
        return ctx.na(reason)
    new = _new_customers(ctx)
    referred = new[_referral(new["source"], ctx).to_numpy(dtype=bool)]
    return ctx.per_period(ctx.calendar.ordinals(referred["acquired_at"]).value_counts())


def audit_referral_customers(ctx: MetricContext, period: Period, cell: Cell) -> str:
    if cell.value is None:
        # "0 of 84 came by referral (sources: none)" beside an n/a would read as a count.
        return f"Referral customers {period.label} = n/a ({cell.note})"
    new = _new_customers(ctx)
    new = new[(ctx.calendar.ordinals(new["acquired_at"]) == period.ordinal).fillna(False).to_numpy(dtype=bool)]
    referred = new[_referral(new["source"], ctx).to_numpy(dtype=bool)]
    sources = ", ".join(sorted(set(referred["source"].dropna().astype(str)))) or "none"
    return _count_line("Referral customers", period, cell,
                       f"of {len(new)} new customers came by referral (sources: {sources})")


def retained_customers(ctx: MetricContext) -> PeriodCells:
    """Customers active at the end of P (acquired on or before its last day, not churned on or
    before it). Count; n/a when active customers cannot be counted (context.no_active_customers:
    without churn data every customer ever acquired would read as retained)."""
    if (reason := ctx.no_active_customers()) is not None:
        return ctx.na(reason)
    return {p.ordinal: Cell(float(ctx.active_at_end(pd.Timestamp(p.end)).sum())) for p in ctx.periods}


def _expansion_inputs(ctx: MetricContext, period: Period) -> tuple[int, int]:
    from crm_metrics.metrics.sales import won_deals

    won, ordinals = won_deals(ctx, ("expansion",))
    expanded = pd.Index(won.loc[(ordinals == period.ordinal).fillna(False).to_numpy(dtype=bool),
                                "account_key"].dropna().astype("string").unique())
    active = ctx.active_on(pd.Timestamp(period.start))
    return int((active & ctx.customers.index.isin(expanded)).sum()), int(active.sum())


def expansion_customer_pct(ctx: MetricContext) -> PeriodCells:
    """Customers active on P's first day who won an expansion deal closed in P / customers active
    on P's first day: the seeds' cross-sell / upsell ratio. Ratio; n/a when no deal type is told
    (no expansion could be seen), no expansion deal has a close date, or active customers cannot
    be counted."""
    reason = ctx.no_deal_types() or ctx.undated_closed(("expansion",)) or ctx.no_active_customers()
    if reason is not None:
        return ctx.na(reason)
    cells: PeriodCells = {}
    for period in ctx.periods:
        expanded, active = _expansion_inputs(ctx, period)
        cells[period.ordinal] = (Cell(expanded / active) if active
                                 else Cell.na("no customers active at the period's start"))
    return cells


def audit_expansion_customer_pct(ctx: MetricContext, period: Period, cell: Cell) -> str:
    expanded, active = _expansion_inputs(ctx, period)
    return ratio_line("Expansion customers", period, expanded, "with a won expansion deal", active,
                      f"customers active on {period.start}", cell)


# --- support and onboarding cost ----------------------------------------------------------------

def _per_customer(spend: Cell, customers: float, none: str) -> Cell:
    """A spend cell divided by a customer count: n/a with the spend's reason, or `none` when there
    are no customers; the spend's note (rows left out) carried."""
    if spend.value is None:
        return spend
    return Cell(spend.value / customers, spend.note) if customers else Cell.na(none)


def _average_active(ctx: MetricContext, period: Period) -> tuple[int, int]:
    return (int(ctx.active_on(pd.Timestamp(period.start)).sum()),
            int(ctx.active_at_end(pd.Timestamp(period.end)).sum()))


def support_cost_per_customer(ctx: MetricContext) -> PeriodCells:
    """Spend in P in support_cost.categories / average of customers active on P's first day and at
    its end. Report currency; n/a when active customers cannot be counted."""
    categories = ctx.config.support_cost.categories
    if (reason := no_spend_in(ctx, categories, "support", "support_cost.categories")) is not None:
        return ctx.na(reason)
    if (reason := ctx.no_active_customers()) is not None:
        return ctx.na(reason)
    spend = spend_cells(ctx, category_mask(ctx, categories), "support")
    return {period.ordinal: _per_customer(spend[period.ordinal], sum(_average_active(ctx, period)) / 2,
                                          "no active customers") for period in ctx.periods}


def audit_support_cost_per_customer(ctx: MetricContext, period: Period, cell: Cell) -> str:
    spend = float(spend_in(ctx, category_mask(ctx, ctx.config.support_cost.categories)).get(period.ordinal, 0.0))
    start, end = _average_active(ctx, period)
    return ratio_line("Support cost per customer", period, spend, "support spend", (start + end) / 2,
                      f"customers, the mean of {start} active on {period.start} and {end} at the end of "
                      f"{period.end}", cell, percent=False)


def _onboarding_inputs(ctx: MetricContext) -> tuple[pd.Series, pd.Series]:
    new = _new_customers(ctx)
    return (spend_in(ctx, category_mask(ctx, ctx.config.onboarding.categories)),
            ctx.calendar.ordinals(new["acquired_at"]).value_counts())


def onboarding_cost_per_customer(ctx: MetricContext) -> PeriodCells:
    """Spend in P in onboarding.categories / new customers in P. Report currency; n/a when no
    customer has an acquisition date."""
    categories = ctx.config.onboarding.categories
    if (reason := no_spend_in(ctx, categories, "onboarding", "onboarding.categories")) is not None:
        return ctx.na(reason)
    if (reason := ctx.no_acquisition_date()) is not None:
        return ctx.na(reason)
    spend = spend_cells(ctx, category_mask(ctx, categories), "onboarding")
    _, new = _onboarding_inputs(ctx)
    return {o: _per_customer(spend[o], float(new.get(o, 0)), "no new customers") for o in ctx.ordinals_shown}


def audit_onboarding_cost_per_customer(ctx: MetricContext, period: Period, cell: Cell) -> str:
    spend, new = _onboarding_inputs(ctx)
    return ratio_line("Onboarding cost per customer", period, float(spend.get(period.ordinal, 0.0)),
                      "onboarding spend", float(new.get(period.ordinal, 0)), "new customers", cell, percent=False)


def audit_proposals_sent(ctx: MetricContext, period: Period, cell: Cell) -> str:
    dates = proposal_dates(ctx)
    sent = dates[(ctx.calendar.ordinals(dates) == period.ordinal).fillna(False).to_numpy(dtype=bool)]
    from_column = 0
    if ctx.has("deals") and "proposal_at" in ctx.table("deals"):
        deals = ctx.table("deals")
        given = set(deals.loc[deals["proposal_at"].notna(), "deal_id"].astype("string"))
        from_column = sum(deal in given for deal in sent.index)
    return _count_line("Proposals sent", period, cell, f"deals ({from_column} by proposal_at, "
                       f"{len(sent) - from_column} by first entering a proposal stage)")


def audit_retained_customers(ctx: MetricContext, period: Period, cell: Cell) -> str:
    end = pd.Timestamp(period.end) + pd.Timedelta(days=1)
    ledger = ctx.customers
    acquired = int((ledger["acquired_at"] < end).sum())
    churned = int(((ledger["acquired_at"] < end) & (ledger["churned_at"] < end)).sum())
    return _count_line("Retained customers", period, cell,
                       f"active at the end of {period.end} ({acquired} acquired by then - {churned} of them churned)")
