"""Call-centre metrics: abandoned calls and handle time, each call in the period of `started_at`.

Whether a call was answered comes from the `answered` flag, else from the words of an `outcome`
column; a call whose outcome says neither is left out of both the numerator and the denominator.
"""

from __future__ import annotations

import pandas as pd

from crm_metrics.clean.normalise import word_keys
from crm_metrics.metrics.context import MetricContext
from crm_metrics.metrics.registry import PeriodCells

ANSWERED_WORDS = {"answered", "completed", "handled", "connected", "resolved", "yes", "true"}
ABANDONED_WORDS = {"abandoned", "missed", "unanswered", "noanswer", "dropped", "hungup", "no", "false",
                   "voicemail", "timeout"}


def answered_flags(calls: pd.DataFrame) -> pd.Series | None:
    """True / False / <NA> per call; None when the table has neither answered nor outcome."""
    if "answered" in calls.columns:
        return calls["answered"].astype("boolean")
    if "outcome" in calls.columns:
        keys = word_keys(calls["outcome"].astype("string").fillna(""))
        flags = pd.Series(pd.NA, index=calls.index, dtype="boolean")
        flags[keys.isin(ANSWERED_WORDS).to_numpy(dtype=bool)] = True
        flags[keys.isin(ABANDONED_WORDS).to_numpy(dtype=bool)] = False
        return flags
    return None


def abandoned_call_pct(ctx: MetricContext) -> PeriodCells:
    """Unanswered calls / calls with a known answered flag or outcome, started in P (metrics.md
    section 3). Ratio; n/a when no call's flag or outcome can be read."""
    calls = ctx.table("calls")
    flags = answered_flags(calls)
    if flags is None:
        return ctx.na("needs calls.answered or calls.outcome")
    if len(calls) and not flags.notna().any():
        # Every call's outcome unreadable: "no calls" would be a false reason, 0 % a false value.
        column = "answered" if "answered" in calls.columns else "outcome"
        return ctx.na(f"no call's calls.{column} says whether it was answered")
    abandoned, ordinals = abandoned_flags(ctx, flags)
    return ctx.ratio(abandoned.groupby(ordinals).sum(), abandoned.groupby(ordinals).count(), "no calls")


def abandoned_flags(ctx: MetricContext, flags: pd.Series) -> tuple[pd.Series, pd.Series]:
    """1 (unanswered) / 0 (answered) per call started in the periods shown whose `flags`
    (answered_flags) say which (index: calls' row labels), and the start period ordinals."""
    mask = ctx.in_periods("calls", "started_at") & flags.notna().to_numpy(dtype=bool)
    return (~flags[mask].astype(bool)).astype(int), ctx.ordinal("calls", "started_at")[mask]


def avg_handle_minutes(ctx: MetricContext) -> PeriodCells:
    calls = ctx.table("calls")
    if "handle_seconds" not in calls.columns:
        return ctx.na("needs calls.handle_seconds")
    minutes, ordinals = handle_minutes(ctx)
    cells = ctx.per_period(minutes.groupby(ordinals).mean(), None, "no answered calls with a handle time")
    # Answered calls whose handle time is blank or unreadable are left out of the mean, and said.
    seconds = calls["handle_seconds"].astype("float64")
    answered = ctx.in_periods("calls", "started_at")
    flags = answered_flags(calls)
    if flags is not None:
        answered &= flags.fillna(False).to_numpy(dtype=bool)
    return ctx.left_out(cells, ctx.ordinal("calls", "started_at")[answered], seconds[answered].isna(),
                        "answered calls" if flags is not None else "calls", "handle_seconds")


def handle_minutes(ctx: MetricContext) -> tuple[pd.Series, pd.Series]:
    """Handle time in minutes (float64; index: calls' row labels) of the answered calls started in
    the periods shown that have a non-negative one, and their start period ordinals. Needs
    calls.handle_seconds; every call counts as answered when the table says nothing of it."""
    calls = ctx.table("calls")
    seconds = calls["handle_seconds"].astype("float64")
    mask = ctx.in_periods("calls", "started_at") & (seconds >= 0).fillna(False).to_numpy(dtype=bool)
    flags = answered_flags(calls)
    if flags is not None:
        mask &= flags.fillna(False).to_numpy(dtype=bool)
    return seconds[mask] / 60.0, ctx.ordinal("calls", "started_at")[mask]
