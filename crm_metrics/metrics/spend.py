"""Splitting spend into acquisition and retention by category, as the config says."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crm_metrics.clean.normalise import word_key
from crm_metrics.metrics.context import MetricContext
from crm_metrics.metrics.registry import PeriodCells


def retention_categories(ctx: MetricContext) -> set[str]:
    return {word_key(c) for c in (ctx.config.retention.categories or [])}


def acquisition_mask(ctx: MetricContext) -> pd.Series:
    """Spend rows counted in CAC: the listed cac.categories, else all but the retention ones."""
    keys = ctx.table("spend")["category_key"]
    if ctx.config.cac.categories is not None:
        return keys.isin({word_key(c) for c in ctx.config.cac.categories})
    return ~keys.isin(retention_categories(ctx))


def _spend_rows(ctx: MetricContext, retention: bool) -> tuple[pd.Series, pd.Series]:
    """The amounts (NaN where unreadable) of the acquisition or retention spend rows dated in the
    periods shown, and their period ordinals."""
    spend = ctx.table("spend")
    if retention:
        mask = spend["category_key"].isin(retention_categories(ctx))
    else:
        mask = acquisition_mask(ctx)
    return _in_periods(ctx, mask.to_numpy(dtype=bool))


def _in_periods(ctx: MetricContext, rows: np.ndarray) -> tuple[pd.Series, pd.Series]:
    rows = rows & ctx.in_periods("spend", "date")
    return ctx.table("spend")["amount"][rows], ctx.ordinal("spend", "date")[rows]


def _keys(categories: list[str] | None) -> set[str]:
    return {word_key(c) for c in categories or []}


def no_spend_in(ctx: MetricContext, categories: list[str] | None, kind: str, key: str) -> str | None:
    """The reason a cost of `categories` is n/a in every period, or None: no spend row of the whole
    data is in one of them, so the export does not say what that cost was, which is not a cost of 0
    (metrics.md, top section). `kind` names the cost ("retention"), `key` the config key to set."""
    if ctx.whole.table("spend")["category_key"].isin(_keys(categories)).any():
        return None
    listed = ", ".join(categories or []) or "none"
    return f"no spend in the {kind} categories ({listed}): set {key}"


def category_spend_in(ctx: MetricContext, categories: list[str] | None) -> pd.Series:
    """Readable spend in `categories` per period ordinal (explain's inputs)."""
    amounts, ordinals = _in_periods(ctx, ctx.table("spend")["category_key"].isin(_keys(categories))
                                    .to_numpy(dtype=bool))
    return amounts.groupby(ordinals).sum()


def category_spend_cells(ctx: MetricContext, categories: list[str] | None, kind: str) -> PeriodCells:
    """Spend in `categories` per period as cells: unreadable amounts left out and said, a period
    whose rows are all unreadable n/a (context.summed), a period with no rows 0 (the categories
    have spend elsewhere in the data: callers check no_spend_in first); n/a everywhere when no
    spend row has a readable date."""
    if (undated := ctx.undated_table("spend", "date", "spend row")) is not None:
        return undated
    amounts, ordinals = _in_periods(ctx, ctx.table("spend")["category_key"].isin(_keys(categories))
                                    .to_numpy(dtype=bool))
    return ctx.summed(amounts, ordinals, f"{kind} spend rows")


def spend_in(ctx: MetricContext, retention: bool) -> pd.Series:
    """Readable spend per period ordinal, acquisition or retention (explain's per-period inputs)."""
    amounts, ordinals = _spend_rows(ctx, retention)
    return amounts.dropna().groupby(ordinals[amounts.notna().to_numpy(dtype=bool)]).sum()


def spend_cells(ctx: MetricContext, retention: bool, empty: float | None, note: str = "") -> PeriodCells:
    """Spend per period, acquisition or retention, as cells: a period whose spend rows all have an
    unreadable amount is n/a, one with some says how many were left out (context.summed); a period
    with no such rows gets `empty` or n/a with `note` (metrics.md, top section)."""
    if (undated := ctx.undated_table("spend", "date", "spend row")) is not None:
        # No row can be placed in a period: "nothing spent" would be a $0 with no evidence.
        return undated
    amounts, ordinals = _spend_rows(ctx, retention)
    kind = "retention" if retention else "acquisition"
    return ctx.summed(amounts, ordinals, f"{kind} spend rows", empty=empty, note=note)
