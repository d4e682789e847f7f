"""--by FIELD: each metric that can be split on FIELD is computed again on the tables filtered to one
value of the field; the unsplit result stays the total row.

Values are ranked by how many rows carry them; with --top N the N largest keep their own group and
the rest are computed together as "other" (recomputed, not summed, so ratios and medians stay right).
Rows with no value form the group "(none)", so for sums the groups add up to the total.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

import pandas as pd

from crm_metrics.errors import ConfigError
from crm_metrics.metrics.context import MetricContext
from crm_metrics.metrics.registry import Cell, MetricDef
from crm_metrics.report import MetricResult
from crm_metrics.schema import TABLES

NONE_GROUP = "(none)"
OTHER_GROUP = "other"

Compute = Callable[[MetricDef, MetricContext], MetricResult]


def known_fields() -> list[str]:
    return sorted({f for schema in TABLES.values() for f in schema.fields})


def check_field(field: str) -> str:
    if field not in known_fields():
        hint = difflib.get_close_matches(field, known_fields(), n=1)
        suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
        raise ConfigError(f"--by {field!r}: not a field of any table{suggestion}")
    return field


def _values(frame: pd.DataFrame, field: str) -> pd.Series:
    values = frame[field].astype("string").str.strip()
    return values.mask(values == "", NONE_GROUP).fillna(NONE_GROUP)


def ranked_groups(tables: dict[str, pd.DataFrame], field: str) -> list[str]:
    """Every value of `field` in the loaded tables, most rows first (ties by name)."""
    counts: dict[str, int] = {}
    for frame in tables.values():
        if field in frame.columns and frame[field].notna().any():
            for value, count in _values(frame, field).value_counts().items():
                counts[str(value)] = counts.get(str(value), 0) + int(count)
    if not counts:
        raise ConfigError(f"--by {field}: no loaded table has values in a '{field}' column; "
                          f"map it under sources.<table>.columns in the config")
    return sorted(counts, key=lambda v: (-counts[v], v))


def _filtered(tables: dict[str, pd.DataFrame], field: str, keep: set[str], inside: bool) -> dict[str, pd.DataFrame]:
    result = {}
    for name, frame in tables.items():
        if field in frame.columns:
            mask = _values(frame, field).isin(keep).fillna(False).to_numpy(dtype=bool)
            frame = frame[mask if inside else ~mask]
        result[name] = frame
    return result


def _whole_table_flags(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Attributes that depend on all of a table's rows, computed before it is filtered."""
    if "deals" not in tables:
        return tables
    from crm_metrics.metrics.campaigns import FIRST_NEW, first_new_won

    deals = tables["deals"]
    return {**tables, "deals": deals.assign(**{FIRST_NEW: first_new_won(deals)})}


def split(results: list[MetricResult], context: MetricContext, field: str, top: int | None,
          compute: Compute) -> list[MetricResult]:
    """The results with `groups` filled for every metric that can be split on `field`."""
    wanted = [r for r in results if field in r.metric.breakdowns]
    if not wanted:
        return results
    tables = _whole_table_flags(context.tables)
    ranked = ranked_groups(tables, field)
    kept = ranked if top is None else ranked[:top]
    folded = set(ranked) - set(kept)
    contexts = {value: _context(context, _filtered(tables, field, {value}, True)) for value in kept}
    if folded:
        contexts[OTHER_GROUP] = _context(context, _filtered(tables, field, set(kept), False))
    out = []
    for result in results:
        if field not in result.metric.breakdowns:
            out.append(result)
            continue
        groups: dict[str, dict[str, Cell]] = {
            value: compute(result.metric, ctx).cells for value, ctx in contexts.items()
        }
        out.append(MetricResult(result.metric, result.cells, groups, result.changes))
    return out


def _context(base: MetricContext, tables: dict[str, pd.DataFrame]) -> MetricContext:
    return MetricContext(base.config, base.calendar, base.periods, tables)
