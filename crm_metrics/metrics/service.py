"""Service measures from the seeds (../shared/metrics.md section 3, "More retention, economics and
service measures"): the ticket backlog, reopened and one-touch tickets, calls per day and the
revenue each service interaction stands beside.

Each metric has a `_<id>_inputs` helper giving its numerator and denominator per period ordinal, so
explain's auditor (audit_<id> here) prints exactly the numbers the metric divided.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from crm_metrics.metrics.context import MetricContext
from crm_metrics.metrics.registry import Cell, PeriodCells
from crm_metrics.metrics.support import unreadable_ends
from crm_metrics.periods import Period

_ALL_TYPES = ("new", "renewal", "expansion")


def ratio_line(label: str, period: Period, numerator: float, numerator_words: str, denominator: float,
               denominator_words: str, cell: Cell, percent: bool = True) -> str:
    """explain's line for a ratio: "Reopen rate 2025-03 = 1 reopened / 4 resolved = 25.0 %"."""
    if cell.value is None:
        value = f"n/a ({cell.note})"
    elif percent:
        value = f"{cell.value * 100:.1f} %"
    else:
        value = f"{cell.value:,.2f}"
    return (f"{label} {period.label} = {_num(numerator)} {numerator_words} / {_num(denominator)} "
            f"{denominator_words} = {value}")


def _num(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _final_resolved(tickets: pd.DataFrame) -> pd.Series:
    """The last solve: with support.resolution first, normalise keeps it as full_resolved_at."""
    return tickets["full_resolved_at"] if "full_resolved_at" in tickets else tickets["resolved_at"]


# --- tickets_backlog ----------------------------------------------------------------------------

def _backlog(ctx: MetricContext, period: Period) -> int:
    tickets = ctx.table("tickets")
    after_last = pd.Timestamp(period.end) + pd.Timedelta(days=1)
    created = (tickets["created_at"] < after_last).fillna(False)
    # A ticket resolved on the period's last day is no longer open at its end.
    resolved = (_final_resolved(tickets) < after_last).fillna(False)
    return int((created & ~resolved).sum())


def tickets_backlog(ctx: MetricContext) -> PeriodCells:
    """Tickets open at the end of each period: created on or before its last day, and whose final
    resolved_at is not on or before it. Count; n/a without tickets.resolved_at, since then an
    export of open tickets cannot be told from one of resolved tickets."""
    if "resolved_at" not in ctx.table("tickets"):
        return ctx.na("needs tickets.resolved_at")
    unknown = ctx.undated_table("tickets", "created_at", "ticket") or unreadable_ends(ctx, "resolved_at")
    if unknown is not None:
        return unknown
    return {p.ordinal: Cell(float(_backlog(ctx, p))) for p in ctx.periods}


def audit_tickets_backlog(ctx: MetricContext, period: Period, cell: Cell) -> str:
    tickets = ctx.table("tickets")
    after_last = pd.Timestamp(period.end) + pd.Timedelta(days=1)
    created = int((tickets["created_at"] < after_last).fillna(False).sum())
    resolved = created - _backlog(ctx, period)
    return (f"Ticket backlog {period.label} = {created} tickets created by {period.end} - {resolved} of them "
            f"resolved by the end of that day = {_num(cell.value) if cell.value is not None else cell.note}")


# --- reopen_rate --------------------------------------------------------------------------------

def _resolved_in_periods(ctx: MetricContext) -> tuple[pd.DataFrame, pd.Series]:
    tickets = ctx.table("tickets")
    mask = ctx.in_periods("tickets", "resolved_at")
    return tickets[mask], ctx.ordinal("tickets", "resolved_at")[mask]


def _reopen_inputs(ctx: MetricContext) -> tuple[pd.Series, pd.Series]:
    resolved, ordinals = _resolved_in_periods(ctx)
    reopened = pd.Series(False, index=resolved.index)
    if "first_resolved_at" in resolved:
        reopened |= (resolved["first_resolved_at"] < _final_resolved(resolved)).fillna(False)
    if "reopens" in resolved:
        reopened |= (resolved["reopens"] > 0).fillna(False)
    flags = reopened.astype(int)
    return flags.groupby(ordinals).sum(), flags.groupby(ordinals).count()


def reopen_rate(ctx: MetricContext) -> PeriodCells:
    """Tickets resolved in P that had been solved before (first_resolved_at earlier than the final
    resolved_at, or reopens > 0) / tickets resolved in P. Ratio; n/a without resolved_at, or
    without both first_resolved_at and reopens (nothing tells a reopened ticket)."""
    tickets = ctx.table("tickets")
    if "resolved_at" not in tickets:
        return ctx.na("needs tickets.resolved_at")
    if "first_resolved_at" not in tickets and "reopens" not in tickets:
        return ctx.na("needs tickets.first_resolved_at or tickets.reopens")
    if (unknown := unreadable_ends(ctx, "resolved_at")) is not None:
        return unknown
    reopened, resolved = _reopen_inputs(ctx)
    return ctx.ratio(reopened, resolved, "no tickets resolved")


def audit_reopen_rate(ctx: MetricContext, period: Period, cell: Cell) -> str:
    reopened, resolved = _reopen_inputs(ctx)
    return ratio_line("Reopen rate", period, float(reopened.get(period.ordinal, 0)), "resolved tickets solved before",
                      float(resolved.get(period.ordinal, 0)), "tickets resolved", cell)


# --- one_touch_resolution_pct -------------------------------------------------------------------

def _one_touch_inputs(ctx: MetricContext) -> tuple[pd.Series, pd.Series]:
    resolved, ordinals = _resolved_in_periods(ctx)
    replies = resolved["agent_replies"]
    counted = replies.notna().to_numpy(dtype=bool)
    one = (replies[counted] == 1).astype(int)
    return one.groupby(ordinals[counted]).sum(), one.groupby(ordinals[counted]).count()


def one_touch_resolution_pct(ctx: MetricContext) -> PeriodCells:
    """Tickets resolved in P with exactly one agent reply / tickets resolved in P whose
    agent_replies is filled (0 included; a reopened ticket by its reply count). Ratio."""
    tickets = ctx.table("tickets")
    if "resolved_at" not in tickets or "agent_replies" not in tickets:
        return ctx.na("needs tickets.resolved_at and tickets.agent_replies")
    if (unknown := unreadable_ends(ctx, "resolved_at")) is not None:
        return unknown
    one, counted = _one_touch_inputs(ctx)
    return ctx.ratio(one, counted, "no resolved tickets with a reply count")


def audit_one_touch_resolution_pct(ctx: MetricContext, period: Period, cell: Cell) -> str:
    one, counted = _one_touch_inputs(ctx)
    return ratio_line("One-touch resolution", period, float(one.get(period.ordinal, 0)),
                      "resolved with exactly one agent reply", float(counted.get(period.ordinal, 0)),
                      "resolved tickets with a reply count", cell)


# --- calls_per_day ------------------------------------------------------------------------------

def days_counted(ctx: MetricContext, period: Period) -> int:
    """Calendar days of P, through today (inclusive) for the current period; 0 for a future one."""
    today = ctx.whole.today or date.today()
    last = min(period.end, today)
    return max((last - period.start).days + 1, 0)


def calls_per_day(ctx: MetricContext) -> PeriodCells:
    """Calls started in P / calendar days in P (through today for the current period). Calls per
    day; n/a for a period that has not started, or when no call has a readable started_at."""
    if (undated := ctx.undated_table("calls", "started_at", "call")) is not None:
        return undated
    started = ctx.ordinal("calls", "started_at").value_counts()
    cells: PeriodCells = {}
    for period in ctx.periods:
        days = days_counted(ctx, period)
        cells[period.ordinal] = (Cell(float(started.get(period.ordinal, 0)) / days) if days
                                 else Cell.na("the period has not started"))
    return cells


def audit_calls_per_day(ctx: MetricContext, period: Period, cell: Cell) -> str:
    started = int(ctx.ordinal("calls", "started_at").value_counts().get(period.ordinal, 0))
    return ratio_line("Calls per day", period, started, "calls started", days_counted(ctx, period),
                      "calendar days", cell, percent=False)


# --- revenue_per_service_interaction ------------------------------------------------------------

def _interaction_inputs(ctx: MetricContext) -> tuple[pd.Series, pd.Series]:
    from crm_metrics.metrics.sales import won_deals

    won, ordinals = won_deals(ctx, _ALL_TYPES)
    revenue = won["amount"].groupby(ordinals).sum()
    interactions = pd.Series(0.0, index=pd.Index(ctx.ordinals_shown, dtype="int64"))
    for table, column in (("tickets", "created_at"), ("calls", "started_at")):
        if ctx.has(table):
            # Plain int64 ordinals: a nullable Int64 index (rows without a date) cannot be aligned
            # with the periods' index.
            counts = ctx.ordinal(table, column).dropna().astype("int64").value_counts()
            interactions = interactions.add(counts, fill_value=0)
    return revenue, interactions


def revenue_per_service_interaction(ctx: MetricContext) -> PeriodCells:
    """Won revenue (all deal types) closed in P / (tickets created in P + calls started in P), in
    the report currency; n/a when P has no ticket and no call, or no won deal has a close date.
    Won deals with an unreadable amount are left out of the revenue and said."""
    from crm_metrics.metrics.sales import undated_won, won_deals

    if (undated := undated_won(ctx, _ALL_TYPES)) is not None:
        return undated
    revenue, interactions = _interaction_inputs(ctx)
    won, ordinals = won_deals(ctx, _ALL_TYPES)
    return ctx.left_out(ctx.ratio(revenue, interactions, "no tickets or calls"), ordinals,
                        won["amount"].isna(), "won deals", "amount")


def audit_revenue_per_service_interaction(ctx: MetricContext, period: Period, cell: Cell) -> str:
    revenue, interactions = _interaction_inputs(ctx)
    return ratio_line("Revenue per service interaction", period, float(revenue.get(period.ordinal, 0.0)),
                      "won revenue", float(interactions.get(period.ordinal, 0)), "tickets created and calls started",
                      cell, percent=False)
