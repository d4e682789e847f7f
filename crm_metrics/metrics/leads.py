"""Lead metrics of the seed catalogue (../shared/metrics.md section 3, "Leads, activities and CRM
use"): leads created, the cohort conversion rate, lead-to-customer time and the share of leads from
marketing. They read the leads table (section 1): lead_id, created_at, and optionally source,
status and converted_at.

A lead has converted by day D when its converted_at is on or before D; one without converted_at
whose status is in the config's leads.converted words has converted, undated, for any D.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crm_metrics.clean.durations import elapsed_seconds
from crm_metrics.clean.normalise import word_key, word_keys
from crm_metrics.metrics.context import MetricContext
from crm_metrics.metrics.registry import Cell, PeriodCells
from crm_metrics.metrics.service import ratio_line
from crm_metrics.periods import Period

_DAY = 86400.0


def _created(ctx: MetricContext) -> tuple[pd.DataFrame, pd.Series]:
    """Leads created in the periods shown, and their period ordinals."""
    mask = ctx.in_periods("leads", "created_at")
    return ctx.table("leads")[mask], ctx.ordinal("leads", "created_at")[mask]


def leads_created(ctx: MetricContext) -> PeriodCells:
    """Leads whose created_at falls in P. Count; n/a when no lead has a readable created_at."""
    if (undated := ctx.undated_table("leads", "created_at", "lead")) is not None:
        return undated
    return ctx.per_period(ctx.ordinal("leads", "created_at").value_counts())


def converted_by(ctx: MetricContext, leads: pd.DataFrame, day: pd.Timestamp) -> np.ndarray:
    """Mask of `leads` that have converted by the end of `day`: converted_at on or before it, or no
    converted_at and a status among leads.converted (undated, so converted for any day)."""
    after = day + pd.Timedelta(days=1)
    converted = np.zeros(len(leads), dtype=bool)
    dated = np.zeros(len(leads), dtype=bool)
    if "converted_at" in leads:
        dated = leads["converted_at"].notna().to_numpy(dtype=bool)
        converted |= (leads["converted_at"] < after).fillna(False).to_numpy(dtype=bool)
    if "status" in leads:
        words = {word_key(w) for w in ctx.config.leads.converted}
        converted |= ~dated & word_keys(leads["status"]).isin(words).to_numpy(dtype=bool)
    return converted


def _range_end(ctx: MetricContext) -> pd.Timestamp:
    return pd.Timestamp(max(p.end for p in ctx.whole.periods))


def _conversion_inputs(ctx: MetricContext) -> tuple[pd.Series, pd.Series]:
    created, ordinals = _created(ctx)
    flags = pd.Series(converted_by(ctx, created, _range_end(ctx)).astype(int), index=created.index)
    return flags.groupby(ordinals).sum(), flags.groupby(ordinals).count()


def _no_conversion_field(ctx: MetricContext) -> PeriodCells | None:
    leads = ctx.table("leads")
    if "status" in leads:
        return None
    if "converted_at" in leads:
        # Without a status, a converted_at unreadable on every lead leaves no conversion to see.
        reason = ctx.unreadable_everywhere("leads", "converted_at", "lead")
        return None if reason is None else ctx.na(reason)
    return ctx.na("needs leads.converted_at or leads.status")


def lead_conversion_rate(ctx: MetricContext) -> PeriodCells:
    """Leads created in P that have converted by the end of the report's range / leads created in
    P. A cohort ratio: recent periods rise as late conversions arrive."""
    missing = _no_conversion_field(ctx)
    if missing is not None:
        return missing
    return ctx.ratio(*_conversion_inputs(ctx), "no leads created")


def audit_lead_conversion_rate(ctx: MetricContext, period: Period, cell: Cell) -> str:
    converted, created = _conversion_inputs(ctx)
    return ratio_line("Lead conversion rate", period, float(converted.get(period.ordinal, 0)),
                      f"converted by {_range_end(ctx).date()}", float(created.get(period.ordinal, 0)),
                      "leads created", cell)


def _conversion_days(ctx: MetricContext) -> tuple[pd.Series, pd.Series]:
    """Elapsed days (metrics.md section 1: instants, not wall-clock readings) from created_at to
    converted_at of the leads converted in the periods shown, and their conversion ordinals."""
    days, ordinals, _ = _conversion_days_and_backwards(ctx)
    return days, ordinals


def _conversion_days_and_backwards(ctx: MetricContext) -> tuple[pd.Series, pd.Series, pd.Series]:
    leads = ctx.table("leads")
    days = elapsed_seconds(leads["created_at"], leads["converted_at"], ctx.config.timezone) / _DAY
    in_periods = ctx.in_periods("leads", "converted_at")
    ordinals = ctx.ordinal("leads", "converted_at")
    # A lead converted before it was created is a bad row, left out like any negative duration and
    # counted per period (metrics.md section 1).
    backwards = in_periods & (days < 0).fillna(False).to_numpy(dtype=bool)
    mask = in_periods & (days >= 0).fillna(False).to_numpy(dtype=bool)
    return days[mask], ordinals[mask], ordinals[backwards].value_counts()


def lead_to_customer_days(ctx: MetricContext) -> PeriodCells:
    """Median elapsed days (fractional) from created_at to converted_at over leads whose
    converted_at falls in P."""
    if "converted_at" not in ctx.table("leads"):
        return ctx.na("needs leads.converted_at")
    if (reason := ctx.unreadable_everywhere("leads", "converted_at", "lead")) is not None:
        return ctx.na(reason)
    days, ordinals, backwards = _conversion_days_and_backwards(ctx)
    cells = ctx.per_period(days.groupby(ordinals).median(), None, "no leads converted")
    return ctx.said_backwards(cells, backwards, "lead", "leads", "converted")


def audit_lead_to_customer_days(ctx: MetricContext, period: Period, cell: Cell) -> str:
    days, ordinals = _conversion_days(ctx)
    days = days[(ordinals == period.ordinal).fillna(False).to_numpy(dtype=bool)]
    if days.empty:
        return f"Lead to customer {period.label} = n/a: no leads converted"
    return (f"Lead to customer {period.label} = median of {len(days)} leads converted (fastest "
            f"{days.min():,.1f} d, slowest {days.max():,.1f} d) = {cell.value:,.1f} d")


def _marketing_inputs(ctx: MetricContext) -> tuple[pd.Series, pd.Series]:
    created, ordinals = _created(ctx)
    sources = {s.casefold().strip() for s in ctx.config.marketing_sources}
    if "source" in created:
        marketing = created["source"].astype("string").str.casefold().str.strip().isin(sources).fillna(False)
    else:
        marketing = pd.Series(False, index=created.index)
    flags = marketing.astype(int)
    return flags.groupby(ordinals).sum(), flags.groupby(ordinals).count()


def marketing_sourced_leads_pct(ctx: MetricContext) -> PeriodCells:
    """Leads created in P whose source is in marketing_sources (ignoring case) / leads created in
    P. n/a without marketing_sources or without leads.source."""
    if not ctx.config.marketing_sources:
        return ctx.na("set marketing_sources in the config")
    leads = ctx.whole.table("leads")
    if "source" not in leads:
        return ctx.na("needs leads.source")
    if len(leads) and not leads["source"].notna().any():
        # A source column blank on every lead says nothing about marketing: not 0 %.
        return ctx.na("no lead has a source (leads.source blank on every row)")
    return ctx.ratio(*_marketing_inputs(ctx), "no leads created")


def audit_marketing_sourced_leads_pct(ctx: MetricContext, period: Period, cell: Cell) -> str:
    marketing, created = _marketing_inputs(ctx)
    return ratio_line("Marketing-sourced leads", period, float(marketing.get(period.ordinal, 0)),
                      "from marketing_sources", float(created.get(period.ordinal, 0)), "leads created", cell)


def audit_leads_created(ctx: MetricContext, period: Period, cell: Cell) -> str:
    created, ordinals = _created(ctx)
    created = created[(ordinals == period.ordinal).fillna(False).to_numpy(dtype=bool)]
    value = f"n/a ({cell.note})" if cell.value is None else f"{cell.value:,.0f}"
    if "source" not in created:
        return f"Leads created {period.label} = {value}"
    top = created["source"].astype("string").fillna("(none)").value_counts().head(3)
    sources = ", ".join(f"{name} {count}" for name, count in top.items())
    return f"Leads created {period.label} = {value} (largest sources: {sources or 'none'})"
