"""Splitting spend into acquisition and retention by category, as the config says."""

from __future__ import annotations

import pandas as pd

from crm_metrics.clean.normalise import word_key
from crm_metrics.metrics.context import MetricContext


def retention_categories(ctx: MetricContext) -> set[str]:
    return {word_key(c) for c in (ctx.config.retention.categories or [])}


def acquisition_mask(ctx: MetricContext) -> pd.Series:
    """Spend rows counted in CAC: the listed cac.categories, else all but the retention ones."""
    keys = ctx.table("spend")["category_key"]
    if ctx.config.cac.categories is not None:
        return keys.isin({word_key(c) for c in ctx.config.cac.categories})
    return ~keys.isin(retention_categories(ctx))


def spend_in(ctx: MetricContext, retention: bool) -> pd.Series:
    """Spend per period ordinal, acquisition or retention."""
    spend = ctx.table("spend")
    if retention:
        mask = spend["category_key"].isin(retention_categories(ctx))
    else:
        mask = acquisition_mask(ctx)
    rows = mask.to_numpy(dtype=bool) & ctx.in_periods("spend", "date")
    return spend["amount"][rows].groupby(ctx.ordinal("spend", "date")[rows]).sum()
