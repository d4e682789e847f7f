"""Spend rows by category, as the config splits them: acquisition (CAC), retention, support and
onboarding costs (metrics.md section 3). One mask of rows per cost, one way to sum it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crm_metrics.clean.normalise import word_key
from crm_metrics.metrics.context import MetricContext
from crm_metrics.metrics.registry import PeriodCells


def _keys(categories: list[str] | None) -> set[str]:
    return {word_key(c) for c in categories or []}


def category_mask(ctx: MetricContext, categories: list[str] | None) -> np.ndarray:
    """Spend rows (bool, over the spend table) whose category is one of `categories`."""
    return ctx.table("spend")["category_key"].isin(_keys(categories)).to_numpy(dtype=bool)


def acquisition_mask(ctx: MetricContext) -> np.ndarray:
    """Spend rows counted in CAC: the listed cac.categories, else all but the retention ones."""
    if ctx.config.cac.categories is not None:
        return category_mask(ctx, ctx.config.cac.categories)
    return ~category_mask(ctx, ctx.config.retention.categories)


def _in_periods(ctx: MetricContext, rows: np.ndarray) -> tuple[pd.Series, pd.Series]:
    """The amounts (NaN where unreadable) of the `rows` dated in the periods shown, and their ordinals."""
    rows = rows & ctx.in_periods("spend", "date")
    return ctx.table("spend")["amount"][rows], ctx.ordinal("spend", "date")[rows]


def no_spend_in(ctx: MetricContext, categories: list[str] | None, kind: str, key: str) -> str | None:
    """The reason a cost of `categories` is n/a in every period, or None: no spend row of the whole
    data is in one of them, so the export does not say what that cost was, which is not a cost of 0
    (metrics.md, top section). `kind` names the cost ("retention"), `key` the config key to set."""
    if ctx.whole.table("spend")["category_key"].isin(_keys(categories)).any():
        return None
    listed = ", ".join(categories or []) or "none"
    return f"no spend in the {kind} categories ({listed}): set {key}"


def spend_in(ctx: MetricContext, rows: np.ndarray) -> pd.Series:
    """Readable spend of the `rows` (a mask: category_mask, acquisition_mask) per period ordinal:
    explain's inputs."""
    amounts, ordinals = _in_periods(ctx, rows)
    return amounts.groupby(ordinals).sum()


def spend_cells(ctx: MetricContext, rows: np.ndarray, kind: str, empty: float | None = 0.0,
                note: str = "") -> PeriodCells:
    """Spend of the `rows` (a mask) per period as cells: a period whose rows all have an unreadable
    amount is n/a, one with some says how many were left out (context.summed); a period with no
    such rows gets `empty` or n/a with `note`; n/a everywhere when no spend row has a readable date
    (metrics.md, top section). `kind` names the rows in notes ("acquisition")."""
    if (undated := ctx.undated_table("spend", "date", "spend row")) is not None:
        # No row can be placed in a period: "nothing spent" would be a $0 with no evidence.
        return undated
    amounts, ordinals = _in_periods(ctx, rows)
    return ctx.summed(amounts, ordinals, f"{kind} spend rows", empty=empty, note=note)
