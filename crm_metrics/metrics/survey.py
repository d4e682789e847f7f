"""Survey scores: NPS and CES, from a surveys table or from nps / ces columns of the tickets table.

A survey answer counts in the period of its `answered_at`; a score kept on a ticket in the period of
the ticket's `resolved_at`, as CSAT does. Answers off the scale (not an integer 0-10, or on
support.ces_scale) were made unparseable when the files were cleaned (parsers.on_scale), counted
and reported; they are in neither numerator nor denominator.
"""

from __future__ import annotations

import pandas as pd

from crm_metrics.metrics.context import MetricContext
from crm_metrics.metrics.registry import PeriodCells

NPS_SCALE = (0, 10)


def scores(ctx: MetricContext, column: str, scale: tuple[int, int]) -> tuple[pd.Series, pd.Series] | None:
    """Answers in `column` on `scale` and their period ordinals; None when no table has the column."""
    found, values, ordinals = False, [], []
    for table, date_column in (("surveys", "answered_at"), ("tickets", "resolved_at")):
        if not ctx.has(table) or not {column, date_column} <= set(ctx.table(table).columns):
            continue
        found = True
        mask = ctx.in_periods(table, date_column)
        values.append(ctx.table(table)[column][mask].astype("float64"))
        ordinals.append(ctx.ordinal(table, date_column)[mask])
    if not found:
        return None
    value, ordinal = pd.concat(values, ignore_index=True), pd.concat(ordinals, ignore_index=True)
    valid = value.between(*scale).fillna(False).to_numpy(dtype=bool)
    return value[valid], ordinal[valid]


def _no_column(ctx: MetricContext, column: str) -> PeriodCells:
    return ctx.na(f"needs surveys.{column} or tickets.{column}")


def nps(ctx: MetricContext) -> PeriodCells:
    found = scores(ctx, "nps", NPS_SCALE)
    if found is None:
        return _no_column(ctx, "nps")
    value, ordinals = found
    # Promoters count +1, detractors -1, passives 0: the mean x 100 is %promoters - %detractors.
    weight = (value >= 9).astype(int) - (value <= 6).astype(int)
    net = weight.groupby(ordinals).sum() * 100.0
    return ctx.ratio(net, weight.groupby(ordinals).count(), "no NPS answers")


def ces(ctx: MetricContext) -> PeriodCells:
    found = scores(ctx, "ces", ctx.config.support.ces_scale)
    if found is None:
        return _no_column(ctx, "ces")
    value, ordinals = found
    return ctx.per_period(value.groupby(ordinals).mean(), None, "no CES answers")
