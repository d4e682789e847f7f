"""Running one metric for `explain --config`: the pipeline's load and compute, then the audit lines."""

from __future__ import annotations

from datetime import date

from crm_metrics.config.model import Config
from crm_metrics.metrics.audit import audit_lines
from crm_metrics.metrics.context import MetricContext
from crm_metrics.metrics.registry import MetricDef
from crm_metrics.periods import Calendar
from crm_metrics.pipeline import (
    RunOptions,
    _compute,
    _tables_needed,
    load_tables,
    select_periods,
    undated_customer_notices,
)


def inputs(metric: MetricDef, config: Config, first: date | None, last: date | None,
           today: date | None = None) -> list[str]:
    options = RunOptions(date_from=first, date_to=last, metrics=(metric.id,), today=today or date.today())
    calendar = Calendar(config.period, config.fiscal_year_start)
    periods = select_periods(calendar, config, options)
    loaded = load_tables(config, _tables_needed([metric]))
    context = MetricContext(config, calendar, periods, loaded.frames)
    cells = _compute(metric, context).cells
    # The report's note on customers left out of the active counts, so the counts above match it.
    notes = undated_customer_notices(config, [metric], context)
    return audit_lines(metric, context, cells) + [f"Note: {n}" for n in notes]
