"""Survey scores: NPS and CES, from a surveys table or from nps / ces columns of the tickets table.

A survey answer counts in the period of its `answered_at`; a score kept on a ticket in the period of
the ticket's `resolved_at`, as CSAT does. Answers off the scale (not an integer 0-10, or on
support.ces_scale) were made unparseable when the files were cleaned (parsers.on_scale), counted
and reported; they are in neither numerator nor denominator.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from crm_metrics.clean.normalise import UNREADABLE
from crm_metrics.metrics.context import MetricContext
from crm_metrics.metrics.registry import PeriodCells

NPS_SCALE = (0, 10)


def scores(ctx: MetricContext, column: str, scale: tuple[int, int]) -> Answers | PeriodCells | None:
    """Answers in `column` dated in the periods shown (surveys by answered_at, tickets by
    resolved_at); None when no table has the column and its date; n/a cells when the answers come
    from surveys only and none has a readable answered_at."""
    found, values, ordinals, off = False, [], [], []
    for table, date_column in (("surveys", "answered_at"), ("tickets", "resolved_at")):
        if not ctx.has(table) or not {column, date_column} <= set(ctx.table(table).columns):
            continue
        found = True
        frame = ctx.table(table)
        mask = ctx.in_periods(table, date_column)
        values.append(frame[column][mask].astype("float64"))
        ordinals.append(ctx.ordinal(table, date_column)[mask])
        known = UNREADABLE + column in frame.columns
        flags = frame[UNREADABLE + column] if known else pd.Series(False, index=frame.index)
        off.append(flags[mask].astype(bool))
    if not found:
        return None
    if not (ctx.has("tickets") and column in ctx.table("tickets")) and (
            undated := ctx.undated_table("surveys", "answered_at", "survey answer")) is not None:
        # Only survey answers, none of them dated: "no answers" in every period would be false.
        return undated
    value, ordinal = pd.concat(values, ignore_index=True), pd.concat(ordinals, ignore_index=True)
    off_scale = pd.concat(off, ignore_index=True)
    valid = value.between(*scale).fillna(False).to_numpy(dtype=bool)
    # Cleaning made an off-scale answer unparseable already; one on a ticket kept out of range by a
    # narrower configured scale is as much left out.
    off_scale |= value.notna() & ~valid
    answered = valid | off_scale.to_numpy(dtype=bool)
    return Answers(value[valid], ordinal[valid], ordinal[answered], off_scale[answered])


@dataclass(frozen=True)
class Answers:
    """Survey answers on their scale (values, float64) with their period ordinals, and every answer
    given (`all_ordinals`) with the mask of those left out as off the scale (`off_scale`)."""

    values: pd.Series
    ordinals: pd.Series
    all_ordinals: pd.Series
    off_scale: pd.Series

    def said(self, ctx: MetricContext, cells: PeriodCells, what: str, column: str) -> PeriodCells:
        """`cells` with the answers left out said per period, n/a when all of P's were (left_out)."""
        return ctx.left_out(cells, self.all_ordinals, self.off_scale, what, f"{column}, off the scale")


def _no_column(ctx: MetricContext, column: str) -> PeriodCells:
    return ctx.na(f"needs surveys.{column} or tickets.{column}")


def nps(ctx: MetricContext) -> PeriodCells:
    found = scores(ctx, "nps", NPS_SCALE)
    if found is None:
        return _no_column(ctx, "nps")
    if isinstance(found, dict):
        return found
    value, ordinals = found.values, found.ordinals
    # Promoters count +1, detractors -1, passives 0: the mean x 100 is %promoters - %detractors.
    weight = (value >= 9).astype(int) - (value <= 6).astype(int)
    net = weight.groupby(ordinals).sum() * 100.0
    return found.said(ctx, ctx.ratio(net, weight.groupby(ordinals).count(), "no NPS answers"), "NPS answers", "nps")


def ces(ctx: MetricContext) -> PeriodCells:
    found = scores(ctx, "ces", ctx.config.support.ces_scale)
    if found is None:
        return _no_column(ctx, "ces")
    if isinstance(found, dict):
        return found
    value, ordinals = found.values, found.ordinals
    return found.said(ctx, ctx.per_period(value.groupby(ordinals).mean(), None, "no CES answers"), "CES answers",
                      "ces")
