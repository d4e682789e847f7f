"""One report run: load -> map columns -> normalise -> bucket by period -> compute.

run() is the library entry point; the CLI only builds RunOptions and renders the Report it returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from crm_metrics.config import Config
from crm_metrics.errors import ConfigError, InputError
from crm_metrics.load import expand_paths, read_table
from crm_metrics.mapping import header_key, map_columns
from crm_metrics.metrics.context import MetricContext
from crm_metrics.metrics.registry import Cell, MetricDef, get_metric
from crm_metrics.normalise import normalise
from crm_metrics.periods import Calendar, Period, PeriodKind
from crm_metrics.progress import loading
from crm_metrics.report import MetricResult, Report, TableQuality
from crm_metrics.schema import TABLES

_USES_MARGIN = {"clv", "ltv_cac_ratio", "cac_payback_months"}


@dataclass(frozen=True)
class RunOptions:
    period: PeriodKind | None = None
    date_from: date | None = None
    date_to: date | None = None
    metrics: tuple[str, ...] | None = None
    today: date = field(default_factory=date.today)


@dataclass
class LoadedTables:
    frames: dict[str, pd.DataFrame]
    quality: dict[str, TableQuality]


def run(config: Config, options: RunOptions | None = None) -> Report:
    options = options or RunOptions()
    metrics = [get_metric(m) for m in (options.metrics or config.metrics)]
    calendar = Calendar(options.period or config.period, config.fiscal_year_start)
    periods = select_periods(calendar, config, options)
    loaded = load_tables(config, _tables_needed(metrics))
    context = MetricContext(config, calendar, periods, loaded.frames)
    results = [_compute(metric, context) for metric in metrics]
    notices = []
    if config.gross_margin is None and _USES_MARGIN & {m.id for m in metrics}:
        notices.append("gross_margin is not set: CLV and CAC payback assume 100% margin")
    return Report(
        period=calendar.kind, fiscal_year_start=config.fiscal_year_start, currency=config.currency,
        periods=periods, metrics=results, quality=loaded.quality, notices=notices,
        config_origin=config.origin, generated_on=options.today,
    )


def select_periods(calendar: Calendar, config: Config, options: RunOptions) -> list[Period]:
    first = options.date_from or config.range.from_
    last = options.date_to or config.range.to
    if first is None and last is None:
        return calendar.default_periods(options.today)
    if first is None:
        assert last is not None
        return calendar.periods_between(calendar.period(calendar.ordinal_of(last) - 4).start, last)
    last = last or options.today
    if first > last:
        raise ConfigError(f"--from {first} is after --to {last}")
    return calendar.periods_between(first, last)


def _tables_needed(metrics: list[MetricDef]) -> set[str]:
    return {table for m in metrics for need in m.needs for table in need.split("|")}


def load_tables(config: Config, wanted: set[str]) -> LoadedTables:
    frames: dict[str, pd.DataFrame] = {}
    quality: dict[str, TableQuality] = {}
    for name, source in config.sources.items():
        if name not in wanted:
            continue
        paths = expand_paths(source.paths, config.resolve)
        table_quality = TableQuality(name, files=[str(p) for p in paths])
        raws = []
        column_map = None
        # Only headers that could map to a field are read; a mapping error re-reads every header so
        # its message lists them all.
        keys = {header_key(f) for f in TABLES[name].fields} | {header_key(h) for h in source.columns.values()}
        for path in paths:
            with loading(f"Reading {path.name}"):
                raw = read_table(path, source.sheet, usecols=lambda header, keys=keys: header_key(header) in keys)
            try:
                column_map = map_columns(TABLES[name], list(raw.columns), source.columns, config.origin, str(path))
            except InputError:
                map_columns(TABLES[name], list(read_table(path, source.sheet).columns), source.columns,
                            config.origin, str(path))
                raise
            raws.append(raw[list(column_map.fields.values())].set_axis(list(column_map.fields), axis=1))
        assert column_map is not None
        combined = pd.concat(raws, ignore_index=True) if len(raws) > 1 else raws[0]
        identity = type(column_map)(name, {f: f for f in column_map.fields})
        with loading(f"Cleaning {name} ({len(combined):,} rows)"):
            frames[name] = normalise(name, combined, identity, config, table_quality)
        table_quality.columns = dict(column_map.fields)
        quality[name] = table_quality
    return LoadedTables(frames, quality)


def _compute(metric: MetricDef, context: MetricContext) -> MetricResult:
    missing = [need for need in metric.needs if not any(context.has(t) for t in need.split("|"))]
    if missing:
        note = f"needs: {', '.join(m.replace('|', ' or ') for m in missing)}"
        cells = {p.label: Cell.na(note) for p in context.periods}
        return MetricResult(metric, cells)
    by_ordinal = metric.compute(context)
    return MetricResult(metric, {p.label: by_ordinal[p.ordinal] for p in context.periods})


__all__ = ["InputError", "RunOptions", "run"]
