"""Support metrics: ticket counts, resolution and first-response times, same-day resolution, SLA
compliance and CSAT. Hours are calendar hours unless support.business_hours is set; then times,
"same day" and SLA deadlines count business time (business_hours.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crm_metrics.clean.durations import add_elapsed, elapsed_seconds
from crm_metrics.clean.normalise import PRIORITY_ALIASES
from crm_metrics.metrics.context import MetricContext
from crm_metrics.metrics.registry import Cell, PeriodCells
from crm_metrics.periods import Period

_HOUR = 3600.0


def tickets_created(ctx: MetricContext) -> PeriodCells:
    """Tickets whose created_at falls in P. Count; n/a when no ticket has a readable created_at."""
    if (undated := ctx.undated_table("tickets", "created_at", "ticket")) is not None:
        return undated
    return ctx.per_period(ctx.ordinal("tickets", "created_at").value_counts())


def tickets_resolved(ctx: MetricContext) -> PeriodCells:
    """Tickets whose resolved_at falls in P. Count; n/a without a readable resolved_at."""
    if (unknown := _resolved_unknown(ctx)) is not None:
        return unknown
    return ctx.per_period(ctx.ordinal("tickets", "resolved_at").value_counts())


def _no_column(ctx: MetricContext, column: str) -> PeriodCells:
    return ctx.na(f"needs tickets.{column}")


def unreadable_ends(ctx: MetricContext, column: str) -> PeriodCells | None:
    """n/a cells when tickets.`column` (resolved_at, first_response_at) is mapped, no ticket of the
    whole data has a readable one and some of its cells could not be read: "none resolved" would
    be a 0 read from a column the tool could not read (metrics.md top section). A column blank on
    every ticket is an export of open tickets, and counts 0. None otherwise."""
    reason = ctx.unreadable_everywhere("tickets", column, "ticket")
    return None if reason is None else ctx.na(reason)


def _resolved_unknown(ctx: MetricContext) -> PeriodCells | None:
    """n/a cells without tickets.resolved_at, or with none of it readable (unreadable_ends)."""
    if "resolved_at" not in ctx.table("tickets"):
        return _no_column(ctx, "resolved_at")
    return unreadable_ends(ctx, "resolved_at")


def _hours(ctx: MetricContext, tickets: pd.DataFrame, end: str) -> pd.Series:
    """Hours from created_at to `end`: calendar, or business time when the config has a schedule."""
    # Elapsed, not wall-clock, hours: a ticket spanning a clock change took what the clock of the
    # world says (metrics.md section 1).
    calendar = elapsed_seconds(tickets["created_at"], tickets[end], ctx.config.timezone) / _HOUR
    business = ctx.business_hours
    if business is None:
        return calendar
    seconds = business.business_seconds(tickets["created_at"], tickets[end])
    # A ticket closed before it was opened stays out of the times, as in calendar hours.
    return pd.Series(np.where(calendar.to_numpy(dtype="float64", na_value=np.nan) >= 0, seconds / _HOUR, np.nan),
                     index=tickets.index)


def _resolved(ctx: MetricContext) -> tuple[pd.DataFrame, pd.Series]:
    """Tickets resolved in the periods shown, with a sane (non-negative) resolution time."""
    tickets = ctx.table("tickets")
    hours = _hours(ctx, tickets, "resolved_at")
    mask = ctx.in_periods("tickets", "resolved_at") & (hours >= 0).fillna(False).to_numpy(dtype=bool)
    return tickets[mask].assign(hours=hours[mask]), ctx.ordinal("tickets", "resolved_at")[mask]


def _resolution_stat(ctx: MetricContext, stat: str) -> PeriodCells:
    if (unknown := _resolved_unknown(ctx)) is not None:
        return unknown
    resolved, ordinals = _resolved(ctx)
    grouped = resolved["hours"].groupby(ordinals)
    values = grouped.quantile(0.9) if stat == "p90" else grouped.agg(stat)
    return _said_uncreated(ctx, ctx.per_period(values, None, "no tickets resolved"))


def _said_uncreated(ctx: MetricContext, cells: PeriodCells) -> PeriodCells:
    """`cells` of a measure over the tickets resolved in P (_resolved) with those left out for an
    unreadable created_at said: such a ticket has no resolution time, same day or SLA deadline,
    and dropping it without a word would hide it (metrics.md top section)."""
    tickets = ctx.table("tickets")
    in_periods = ctx.in_periods("tickets", "resolved_at")
    return ctx.left_out(cells, ctx.ordinal("tickets", "resolved_at")[in_periods],
                        tickets["created_at"][in_periods].isna(), "resolved tickets", "created_at")


def resolution_time_hours(ctx: MetricContext) -> PeriodCells:
    return _resolution_stat(ctx, "median")


def resolution_time_hours_mean(ctx: MetricContext) -> PeriodCells:
    return _resolution_stat(ctx, "mean")


def resolution_time_hours_p90(ctx: MetricContext) -> PeriodCells:
    return _resolution_stat(ctx, "p90")


def first_responses(ctx: MetricContext) -> tuple[pd.Series, pd.Series]:
    """Hours to first response (float64, calendar or business; index: tickets' row labels) of the
    tickets created in the periods shown that have a non-negative one, and their creation period
    ordinals: what first_response_hours takes the median of. Needs tickets.first_response_at."""
    tickets = ctx.table("tickets")
    hours = _hours(ctx, tickets, "first_response_at")
    mask = ctx.in_periods("tickets", "created_at") & (hours >= 0).fillna(False).to_numpy(dtype=bool)
    return hours[mask], ctx.ordinal("tickets", "created_at")[mask]


def first_response_hours(ctx: MetricContext) -> PeriodCells:
    if "first_response_at" not in ctx.table("tickets"):
        return _no_column(ctx, "first_response_at")
    if (unknown := unreadable_ends(ctx, "first_response_at")) is not None:
        return unknown
    hours, ordinals = first_responses(ctx)
    return ctx.per_period(hours.groupby(ordinals).median(), None, "no first responses to tickets created")


def same_day_resolution_pct(ctx: MetricContext) -> PeriodCells:
    if (unknown := _resolved_unknown(ctx)) is not None:
        return unknown
    same_day, ordinals = same_day_flags(ctx)
    return _said_uncreated(ctx, ctx.ratio(same_day.groupby(ordinals).sum(), same_day.groupby(ordinals).count(),
                                          "no tickets resolved"))


def same_day_flags(ctx: MetricContext) -> tuple[pd.Series, pd.Series]:
    """1 / 0 per ticket resolved in the periods shown (index: tickets' row labels): resolved on the
    calendar (or business) day it was created; and the resolution period ordinals."""
    resolved, ordinals = _resolved(ctx)
    business = ctx.business_hours
    if business is None:
        same_day = (resolved["resolved_at"].dt.normalize() == resolved["created_at"].dt.normalize()).astype(int)
    else:
        # Same business day: a ticket opened after hours is due on the day the desk next opens.
        flags = business.same_business_day(resolved["created_at"], resolved["resolved_at"])
        same_day = pd.Series(flags.astype(int), index=resolved.index)
    return same_day, ordinals


def _deadlines(ctx: MetricContext, tickets: pd.DataFrame) -> pd.Series:
    """sla_due_at, else created_at + the config's hours for the ticket's priority (business hours
    when the config has a schedule)."""
    deadline = pd.Series(pd.NaT, index=tickets.index, dtype="datetime64[ns]")
    if "priority_key" in tickets:
        # Keys are matched like the tickets' priorities, so "Urgent:" in the config finds "urgent".
        sla_hours = {PRIORITY_ALIASES.get(k.casefold(), k.casefold()): v
                     for k, v in ctx.config.support.sla_hours.items()}
        hours = tickets["priority_key"].map(sla_hours).astype("float64")
        business = ctx.business_hours
        if business is None:
            deadline = add_elapsed(tickets["created_at"], hours * _HOUR, ctx.config.timezone)
        else:
            deadline = business.add(tickets["created_at"], hours * _HOUR).set_axis(tickets.index)
    if "sla_due_at" in tickets:
        deadline = tickets["sla_due_at"].fillna(deadline)
    return deadline


def sla_compliance_pct(ctx: MetricContext) -> PeriodCells:
    """Tickets resolved in P that met their SLA / tickets resolved in P that have a verdict
    (metrics.md section 3, sla_compliance_pct), by _sla_verdicts."""
    if (unknown := _resolved_unknown(ctx)) is not None:
        return unknown
    met, ordinals, source = _sla_verdicts(ctx)
    met = met.astype(int)
    return _said_uncreated(ctx, ctx.ratio(met.groupby(ordinals).sum(), met.groupby(ordinals).count(),
                                          "no resolved tickets with an SLA verdict" if source == _VERDICT
                                          else "no resolved tickets with an SLA deadline"))


_VERDICT = "the export's yes/no sla_met"
_DEADLINE = "deadlines"


def _sla_verdicts(ctx: MetricContext) -> tuple[pd.Series, pd.Series, str]:
    """Per resolved ticket of the periods shown that has a verdict: whether it met its SLA (bool),
    its period ordinal, and which input decided (_VERDICT or _DEADLINE).

    A deadline column (sla_due_at) wins: resolved on or before it (else created_at + the priority's
    support.sla_hours) is met. Without one, a yes/no sla_met column (ServiceNow's made_sla) is the
    desk's own verdict, and it wins over a deadline made from the config's default hours, which is
    only a guess at the desk's SLA policy; a ticket with a blank verdict has none and is left out."""
    resolved, ordinals = _resolved(ctx)
    if "sla_met" in resolved and "sla_due_at" not in resolved:
        given = resolved["sla_met"].notna().to_numpy(dtype=bool)
        return resolved["sla_met"][given].astype(bool), ordinals[given], _VERDICT
    deadline = _deadlines(ctx, resolved)
    has = deadline.notna().to_numpy(dtype=bool)
    return resolved["resolved_at"][has] <= deadline[has], ordinals[has], _DEADLINE


def audit_sla_compliance_pct(ctx: MetricContext, period: Period, cell: Cell) -> str:
    """For explain: the count behind the share and which input gave each ticket's verdict."""
    if "resolved_at" not in ctx.table("tickets"):
        return f"SLA compliance {period.label} = n/a: needs tickets.resolved_at"
    met, ordinals, source = _sla_verdicts(ctx)
    inside = (ordinals == period.ordinal).fillna(False).to_numpy(dtype=bool)
    how = ("from the export's yes/no sla_met column (no deadline column)" if source == _VERDICT
           else "by deadline: sla_due_at, else created_at + support.sla_hours for the priority")
    value = f"n/a ({cell.note})" if cell.value is None else f"{cell.value * 100:.1f} %"
    return (f"SLA compliance {period.label} = {int(met[inside].sum())} met / {int(inside.sum())} resolved "
            f"tickets with a verdict, {how} = {value}")


def csat_pct(ctx: MetricContext) -> PeriodCells:
    """Ratings of 4 or 5 / all ratings 1-5 given in P (tickets by resolved_at, surveys by
    answered_at; metrics.md section 3). Ratio; ratings off the scale are left out and said."""
    from crm_metrics.metrics.survey import scores

    found = scores(ctx, "csat", (1, 5))
    if found is None:
        return ctx.na("needs surveys.csat or tickets.csat")
    if isinstance(found, dict):
        return found
    satisfied = (found.values >= 4).astype(int)
    cells = ctx.ratio(satisfied.groupby(found.ordinals).sum(), satisfied.groupby(found.ordinals).count(),
                      "no satisfaction ratings")
    return found.said(ctx, cells, "ratings", "csat")
