"""Activity metrics of the seed catalogue (../shared/metrics.md section 3, "Leads, activities and
CRM use"): calls, meetings and all activities logged, per rep with --by owner (the seeds' "user
adoption" view), and meetings per opportunity. They read the activities table (section 1), whose
type normalise has reduced to call / meeting / email / task / other.
"""

from __future__ import annotations

import pandas as pd

from crm_metrics.metrics.context import MetricContext
from crm_metrics.metrics.registry import Cell, PeriodCells
from crm_metrics.metrics.service import ratio_line
from crm_metrics.periods import Period


def _of_type(ctx: MetricContext, kind: str | None) -> PeriodCells:
    """Activities (of `kind`, or all) per period of their date, as count cells; n/a when no
    activity has a readable date."""
    if (undated := ctx.undated_table("activities", "at", "activity")) is not None:
        return undated
    ordinals = ctx.ordinal("activities", "at")
    if kind is not None:
        ordinals = ordinals[(ctx.table("activities")["type"] == kind).fillna(False).to_numpy(dtype=bool)]
    return ctx.per_period(ordinals.value_counts())


def sales_calls(ctx: MetricContext) -> PeriodCells:
    """Activities of type call dated in P. Count."""
    return _of_type(ctx, "call")


def meetings_held(ctx: MetricContext) -> PeriodCells:
    """Activities of type meeting dated in P, whatever their outcome. Count."""
    return _of_type(ctx, "meeting")


def activities_logged(ctx: MetricContext) -> PeriodCells:
    """All activities dated in P, of every type. Count; per rep with --by owner."""
    return _of_type(ctx, None)


def audit_activities_logged(ctx: MetricContext, period: Period, cell: Cell) -> str:
    activities = ctx.table("activities")
    in_period = (ctx.ordinal("activities", "at") == period.ordinal).fillna(False).to_numpy(dtype=bool)
    kinds = activities["type"][in_period].value_counts()
    parts = ", ".join(f"{int(kinds.get(k, 0))} {k}" for k in ("call", "meeting", "email", "task", "other"))
    value = f"n/a ({cell.note})" if cell.value is None else f"{cell.value:,.0f}"
    return f"Activities logged {period.label} = {value} ({parts})"


def _meeting_inputs(ctx: MetricContext) -> tuple[pd.Series, pd.Series]:
    deals = ctx.table("deals")
    closed = (deals["outcome"].isin(["won", "lost"]).to_numpy(dtype=bool)
              & ctx.in_periods("deals", "closed_at"))
    ordinals = ctx.ordinal("deals", "closed_at")[closed]
    # The meeting's own date does not matter: it counts in the period its deal closed.
    closed_in = pd.Series(ordinals.to_numpy(), index=pd.Index(deals["deal_id"][closed].astype("string")))
    closed_in = closed_in[~closed_in.index.duplicated(keep="last")]
    activities = ctx.table("activities")
    meetings = activities[(activities["type"] == "meeting").fillna(False).to_numpy(dtype=bool)]
    meeting_ordinals = meetings["deal_id"].astype("string").map(closed_in).dropna()
    return meeting_ordinals.value_counts(), ordinals.value_counts()


def meetings_per_opportunity(ctx: MetricContext) -> PeriodCells:
    """Meetings linked (by deal_id) to deals of any type closed, won or lost, in P, whatever the
    meeting's date / deals closed in P: the seeds' "sales visits per opportunity". n/a without
    activities.deal_id, or when no closed deal has a close date."""
    activities = ctx.whole.table("activities")
    if "deal_id" not in activities:
        return ctx.na("needs activities.deal_id")
    if len(activities) and not activities["deal_id"].notna().any():
        # No activity names a deal: no meeting could be linked, which is not 0 meetings a deal.
        return ctx.na("no activity names a deal (activities.deal_id blank on every row)")
    if (reason := ctx.undated_closed(("new", "renewal", "expansion"), ("won", "lost"))) is not None:
        return ctx.na(reason)
    return ctx.ratio(*_meeting_inputs(ctx), "no deals closed")


def audit_meetings_per_opportunity(ctx: MetricContext, period: Period, cell: Cell) -> str:
    meetings, closed = _meeting_inputs(ctx)
    return ratio_line("Meetings per opportunity", period, float(meetings.get(period.ordinal, 0)),
                      "meetings on deals closed in the period", float(closed.get(period.ordinal, 0)),
                      "deals closed (won or lost)", cell, percent=False)


def _by_owner(ctx: MetricContext, period: Period, kind: str) -> str:
    activities = ctx.table("activities")
    rows = (ctx.ordinal("activities", "at") == period.ordinal).fillna(False).to_numpy(dtype=bool)
    rows &= (activities["type"] == kind).fillna(False).to_numpy(dtype=bool)
    top = activities["owner"][rows].astype("string").fillna("(none)").value_counts().head(3)
    return ", ".join(f"{name} {count}" for name, count in top.items()) or "none"


def audit_sales_calls(ctx: MetricContext, period: Period, cell: Cell) -> str:
    value = f"n/a ({cell.note})" if cell.value is None else f"{cell.value:,.0f}"
    return f"Sales calls {period.label} = {value} (most by: {_by_owner(ctx, period, 'call')})"


def audit_meetings_held(ctx: MetricContext, period: Period, cell: Cell) -> str:
    value = f"n/a ({cell.note})" if cell.value is None else f"{cell.value:,.0f}"
    return f"Meetings held {period.label} = {value} (most by: {_by_owner(ctx, period, 'meeting')})"
