"""Campaign results: deals won, new customers, won revenue, spend and return on spend of the deals
and spend rows that name a campaign. `--by campaign` gives them per campaign.

A new customer belongs to the campaign of the first won deal of type new of its account, counted in
the period of that deal's close date (the customers table has no campaign). That deal is the
ledger's first_new_deal, decided on the whole data, so --by campaign counts a customer once.
"""

from __future__ import annotations

import pandas as pd

from crm_metrics.metrics.context import MetricContext
from crm_metrics.metrics.registry import Cell, PeriodCells
from crm_metrics.metrics.sales import won_deals

_ALL_TYPES = ("new", "renewal", "expansion")


def _no_deal_campaigns(ctx: MetricContext) -> PeriodCells | None:
    """n/a cells when deals exist but none names a campaign (the export has no campaign column), so
    that return on spend does not read -100 % for want of a mapping; None when campaigns are there.
    Decided on the whole data: a --by group with no deals is 0, not "map deals.campaign"."""
    deals = ctx.whole.table("deals")
    if len(deals) and not deals["campaign"].notna().any():
        return ctx.na("no deal names a campaign: map deals.campaign")
    if (reason := ctx.undated_closed(_ALL_TYPES)) is not None:
        return ctx.na(reason)
    return None


def _campaign_won(ctx: MetricContext, types: tuple[str, ...]) -> tuple[pd.DataFrame, pd.Series]:
    won, ordinals = won_deals(ctx, types)
    has = won["campaign"].notna().to_numpy(dtype=bool)
    return won[has], ordinals[has]


def campaign_won_deals(ctx: MetricContext) -> PeriodCells:
    if (missing := _no_deal_campaigns(ctx)) is not None:
        return missing
    won, ordinals = _campaign_won(ctx, _ALL_TYPES)
    return ctx.per_period(ordinals.value_counts())


def campaign_won_revenue(ctx: MetricContext) -> PeriodCells:
    if (missing := _no_deal_campaigns(ctx)) is not None:
        return missing
    won, ordinals = _campaign_won(ctx, _ALL_TYPES)
    return ctx.summed(won["amount"], ordinals, "won campaign deals")


def campaign_new_customers(ctx: MetricContext) -> PeriodCells:
    if (missing := _no_deal_campaigns(ctx)) is not None:
        return missing
    return ctx.per_period(campaign_first_deals(ctx).value_counts())


def campaign_first_deals(ctx: MetricContext) -> pd.Series:
    """The period ordinal of the close date of each account's first won new deal (the ledger's
    first_new_deal) that names a campaign; index: the deals' row labels."""
    deals = ctx.table("deals")
    acquiring = deals.index.isin(ctx.customers["first_new_deal"].dropna().to_numpy(dtype="int64"))
    first = deals[acquiring & deals["campaign"].notna().to_numpy(dtype=bool)]
    return ctx.calendar.ordinals(first["closed_at"])


def campaign_spend_rows(ctx: MetricContext) -> tuple[pd.DataFrame, pd.Series]:
    """The spend rows dated in the periods shown that name a campaign, and their period ordinals.
    Needs spend.campaign."""
    spend = ctx.table("spend")
    mask = ctx.in_periods("spend", "date") & spend["campaign"].notna().to_numpy(dtype=bool)
    return spend[mask], ctx.ordinal("spend", "date")[mask]


def campaign_spend(ctx: MetricContext) -> PeriodCells:
    """Spend dated in P on rows that name a campaign. Report currency; unreadable amounts left out
    and said, a period whose campaign rows are all unreadable n/a (context.summed)."""
    if "campaign" not in ctx.table("spend").columns:
        return ctx.na("needs spend.campaign")
    if (undated := ctx.undated_table("spend", "date", "spend row")) is not None:
        return undated
    rows, ordinals = campaign_spend_rows(ctx)
    return ctx.summed(rows["amount"], ordinals, "campaign spend rows")


def campaign_return_on_spend(ctx: MetricContext) -> PeriodCells:
    if "campaign" not in ctx.table("spend").columns:
        return ctx.na("needs spend.campaign")
    revenue, spend = campaign_won_revenue(ctx), campaign_spend(ctx)
    cells: PeriodCells = {}
    for ordinal in ctx.ordinals_shown:
        won, cost = revenue[ordinal], spend[ordinal]
        if won.value is None:
            cells[ordinal] = won
        elif cost.value is None:
            cells[ordinal] = cost
        elif not cost.value:
            cells[ordinal] = Cell.na("no campaign spend")
        else:
            notes = "; ".join(n for n in (won.note, cost.note) if n) or None
            cells[ordinal] = Cell((won.value - cost.value) / cost.value, notes)
    return cells
