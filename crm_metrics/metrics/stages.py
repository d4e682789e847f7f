"""Time in stage from the stage history (../shared/metrics.md section 3, stage_duration_days).

The stage_changes table has one row per deal entering one stage. A deal's stint in a stage runs from
its row to the same deal's next row, whatever that row's stage (so a deal that skips a stage simply
has no stint in it); the stint ends, and is counted, in the period of that next row's entered_at. A
deal's last row has no next row: it is still in that stage, and its stint has not ended.
"""

from __future__ import annotations

import pandas as pd

from crm_metrics.clean.normalise import word_key
from crm_metrics.metrics.context import MetricContext
from crm_metrics.metrics.registry import Cell, PeriodCells
from crm_metrics.periods import Period

_DAY = 86400.0


def stints(ctx: MetricContext) -> pd.DataFrame:
    """Every ended stint: columns stage (string, as exported), days (float64, elapsed fractional
    days, never negative) and ordinal (Int64, the period of its exit), one row per stint."""
    def build() -> pd.DataFrame:
        changes = ctx.table("stage_changes")
        rows = changes[changes["entered_at"].notna().to_numpy(dtype=bool)]
        rows = rows.assign(deal=rows["deal_id"].astype("string")).sort_values(["deal", "entered_at"],
                                                                             kind="stable")
        left = rows["entered_at"].groupby(rows["deal"]).shift(-1)
        days = (left - rows["entered_at"]).dt.total_seconds() / _DAY
        ended = left.notna().to_numpy(dtype=bool) & (days >= 0).fillna(False).to_numpy(dtype=bool)
        return pd.DataFrame({"stage": rows["stage"].astype("string")[ended].str.strip(),
                             "days": days[ended].astype("float64"),
                             "ordinal": ctx.calendar.ordinals(left[ended])})

    return ctx.selection(("stage stints",), build)


def stage_order(ctx: MetricContext) -> list[str]:
    """The stages some deal left, in pipeline order: those the config lists (open_stages, then
    won_stages and lost_stages), in its order, then the others in the order deals first entered
    them."""
    changes = ctx.table("stage_changes")
    seen = changes.sort_values("entered_at", kind="stable")["stage"].astype("string").str.strip().dropna()
    by_key = {word_key(s): s for s in reversed(seen.unique().tolist())}
    listed = [*ctx.config.open_stages, *ctx.config.won_stages, *ctx.config.lost_stages]
    ordered = [by_key[word_key(s)] for s in listed if word_key(s) in by_key]
    # A stage no deal ever left (Closed Won, Closed Lost) has no time in it to show.
    left = set(stints(ctx)["stage"].dropna())
    return [stage for stage in dict.fromkeys([*ordered, *seen.unique().tolist()]) if stage in left]


def stage_duration_days(ctx: MetricContext) -> PeriodCells:
    """Median elapsed days of the stints that ended in P, over every stage. Days; n/a when no
    stage change has a readable entered_at."""
    if (undated := ctx.undated_table("stage_changes", "entered_at", "stage change")) is not None:
        return undated
    found = stints(ctx)
    return ctx.per_period(found["days"].groupby(found["ordinal"]).median(), None, "no deal left a stage")


def stage_duration_days_groups(ctx: MetricContext) -> dict[str, PeriodCells]:
    """stage_duration_days per stage name, in stage_order: the split the metric always carries."""
    found = stints(ctx)
    out: dict[str, PeriodCells] = {}
    for stage in stage_order(ctx):
        own = found[(found["stage"] == stage).fillna(False).to_numpy(dtype=bool)]
        out[stage] = ctx.per_period(own["days"].groupby(own["ordinal"]).median(), None, "no deal left the stage")
    return out


def audit_stage_duration_days(ctx: MetricContext, period: Period, cell: Cell) -> str:
    found = stints(ctx)
    found = found[(found["ordinal"] == period.ordinal).fillna(False).to_numpy(dtype=bool)]
    if found.empty:
        return f"Time in stage {period.label} = n/a: no deal left a stage"
    exits = {stage: found["days"][(found["stage"] == stage).fillna(False).to_numpy(dtype=bool)]
             for stage in stage_order(ctx)}
    parts = "; ".join(f"{stage} {len(days)} (median {days.median():,.1f} d)" for stage, days in exits.items()
                      if len(days))
    return (f"Time in stage {period.label} = median of {len(found)} stage exits ({parts}) = "
            f"{cell.value:,.1f} d")
