"""--by FIELD: each metric that can be split on FIELD is computed again on the tables filtered to one
value of the field; the unsplit result stays the total row.

A metric is split by the values of the tables it reads (spec.MetricDef.tables) that carry the field:
--by type splits ticket counts and times by the tickets' types (complaint, question: "complaint
resolution times", metrics.md section 3, Breakdowns), not by the activities' types, which would give
every ticket metric a "meeting" group holding no ticket. A metric none of whose tables carries the
field is left unsplit (the report's "Not split by" line), never given groups that each hold every row.

Values are ranked by how many rows of those tables carry them; with --top N the N largest keep their
own group and the rest are computed together as "other" (recomputed, not summed, so ratios and
medians stay right). Rows with no value form the group "(none)", so for sums the groups add up to the
total.

Customers are not rows to filter: a customer's acquisition, churn and first deal are decided once on
the whole data (metrics.md section 3, "Breakdowns"). Each group's context sees the whole ledger's
rows of the customers placed in it (ledger.group_values: the group of the first won new deal, or the
customer's own source), so a customer is new once and churns once, in one group, and the groups of
new_customers add up to its total.
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


def _values(column: pd.Series) -> pd.Series:
    """Group names: the trimmed text, NONE_GROUP where it is missing or blank."""
    values = column.astype("string").str.strip()
    return values.mask(values == "", NONE_GROUP).fillna(NONE_GROUP)


def ranked_groups(tables: dict[str, pd.DataFrame], field: str) -> list[str]:
    """Every value of `field` in the loaded tables, most rows first (ties by name)."""
    counts: dict[str, int] = {}
    for frame in tables.values():
        if field in frame.columns and frame[field].notna().any():
            for value, count in _values(frame[field]).value_counts().items():
                counts[str(value)] = counts.get(str(value), 0) + int(count)
    if not counts:
        raise _no_values(field)
    return sorted(counts, key=lambda v: (-counts[v], v))


def _no_values(field: str) -> ConfigError:
    return ConfigError(f"--by {field}: no loaded table has values in a '{field}' column; "
                       f"map it under sources.<table>.columns in the config")


def _filtered(tables: dict[str, pd.DataFrame], field: str, keep: set[str], inside: bool) -> dict[str, pd.DataFrame]:
    result = {}
    for name, frame in tables.items():
        if field in frame.columns:
            mask = _values(frame[field]).isin(keep).fillna(False).to_numpy(dtype=bool)
            frame = frame[mask if inside else ~mask]
        result[name] = frame
    return result


def customer_groups(context: MetricContext, field: str) -> pd.Series | None:
    """The group name of each customer of the whole data's ledger (index: customer key), or None
    when neither deals nor customers carry `field` (tickets' channel): such a split says nothing
    about customers."""
    if not any(field in context.table(name).columns for name in ("deals", "customers") if context.has(name)):
        return None
    from crm_metrics.metrics.ledger import group_values

    return _values(group_values(context.customers, context.tables.get("deals"), field))


def _customers_without_value(context: MetricContext, groups: pd.Series) -> bool:
    """Whether an acquired customer has no value for the field: its group "(none)" must be shown
    even when every row has a value, or the groups of new_customers would miss it."""
    acquired = context.customers["acquired_at"].notna().to_numpy(dtype=bool)
    return bool((groups[acquired] == NONE_GROUP).any())


def _carrying(metric: MetricDef, tables: dict[str, pd.DataFrame], field: str) -> tuple[str, ...]:
    """The loaded tables `metric` reads whose `field` column has a value."""
    return tuple(t.value for t in metric.tables
                 if t.value in tables and field in tables[t.value].columns and tables[t.value][field].notna().any())


def split(results: list[MetricResult], context: MetricContext, field: str, top: int | None,
          compute: Compute) -> list[MetricResult]:
    """The results with `groups` filled for every metric that can be split on `field` and reads a
    table carrying it; the others are returned as they are (groups None: not split).

    context is the unsplit run's (its periods are the ones shown); compute(metric, group context)
    gives one group's cells. Raises ConfigError when no table these metrics read has a value for
    `field`.
    """
    wanted = [r for r in results if field in r.metric.breakdowns]
    if not wanted:
        return results
    tables = context.tables
    sources = {r.metric.id: _carrying(r.metric, tables, field) for r in wanted}
    if not any(sources.values()):
        raise _no_values(field)
    contexts: dict[tuple[str, ...], dict[str, MetricContext]] = {}
    out = []
    for result in results:
        carrying = sources.get(result.metric.id)
        if not carrying:
            out.append(result)
            continue
        if carrying not in contexts:
            contexts[carrying] = _group_contexts(context, carrying, field, top)
        groups: dict[str, dict[str, Cell]] = {
            value: compute(result.metric, ctx).cells for value, ctx in contexts[carrying].items()
        }
        out.append(MetricResult(result.metric, result.cells, groups, result.changes))
    return out


def _group_contexts(context: MetricContext, carrying: tuple[str, ...], field: str,
                    top: int | None) -> dict[str, MetricContext]:
    """Group name -> its context, for metrics reading the tables `carrying` (which carry `field`)."""
    tables = context.tables
    ranked = ranked_groups({name: tables[name] for name in carrying}, field)
    placed = customer_groups(context, field)
    ledger = placed is not None and bool({"deals", "customers"} & set(carrying))
    if ledger and placed is not None and NONE_GROUP not in ranked and _customers_without_value(context, placed):
        ranked.append(NONE_GROUP)
    kept = ranked if top is None else ranked[:top]
    folded = set(ranked) - set(kept)
    contexts = {value: _context(context, tables, field, {value}, True, placed) for value in kept}
    if folded:
        contexts[OTHER_GROUP] = _context(context, tables, field, set(kept), False, placed)
    return contexts


def _context(base: MetricContext, tables: dict[str, pd.DataFrame], field: str, keep: set[str], inside: bool,
             groups: pd.Series | None) -> MetricContext:
    """A group's context: the rows whose `field` is in `keep` (or, for "other", is not), and the
    customers whose group is."""
    members = None
    if groups is not None:
        chosen = groups.isin(keep).to_numpy(dtype=bool)
        members = groups.index[chosen if inside else ~chosen]
    return MetricContext(base.config, base.calendar, base.periods, _filtered(tables, field, keep, inside),
                         split_from=base, members=members)
