"""One report run: load -> map columns -> normalise -> bucket by period -> compute.

run() is prepare() (read and clean the tables the metrics need) then compute(), without the
data-quality checks. api.report() calls the two itself so that the checks can use the frames read
in between, and those can be let go before the metrics run; that is the report the CLI prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from crm_metrics.clean.categoricals import concat_rows
from crm_metrics.clean.normalise import normalise
from crm_metrics.config.model import Config
from crm_metrics.errors import ConfigError, InputError
from crm_metrics.io.files import expand_paths, expand_sheets
from crm_metrics.io.read_source import read_mapped
from crm_metrics.mapping.columns import GUESSED, select_columns
from crm_metrics.mapping.presets import vocabulary_for
from crm_metrics.metrics.context import MetricContext
from crm_metrics.metrics.registry import Cell, MetricDef, get_metric
from crm_metrics.metrics.spec import tables_needed
from crm_metrics.metrics.targets import Target
from crm_metrics.periods import Calendar, Period, PeriodKind
from crm_metrics.progress import loading
from crm_metrics.report import MetricResult, Report, TableQuality


@dataclass(frozen=True)
class RunOptions:
    period: PeriodKind | None = None
    date_from: date | None = None
    date_to: date | None = None
    metrics: tuple[str, ...] | None = None
    today: date = field(default_factory=date.today)
    by: str | None = None  # split the metrics that have this field (breakdown.py)
    top: int | None = None  # with `by`: keep the N largest groups, fold the rest into "other"
    compare: str | None = None  # "previous" or "year" (compare.py)


@dataclass
class LoadedTables:
    frames: dict[str, pd.DataFrame]
    quality: dict[str, TableQuality]


@dataclass
class Prepared:
    """A run up to its clean tables: what compute() needs."""

    config: Config
    options: RunOptions
    metrics: list[MetricDef]
    calendar: Calendar
    periods: list[Period]
    loaded: LoadedTables


def run(config: Config, options: RunOptions | None = None) -> Report:
    return compute(prepare(config, options))


def prepare(config: Config, options: RunOptions | None = None) -> Prepared:
    """Check the run's options against the config and read and clean the tables its metrics need."""
    options = options or RunOptions()
    if not config.sources.items():
        # Otherwise every metric is "n/a, needs deals" with exit 0: an empty or unfinished config
        # would look like a working report.
        raise ConfigError(f"{config.origin}: no sources: say where the exports are, e.g. "
                          "sources: {deals: {path: deals.csv}}, or run `crm-metrics init EXPORT...`")
    metrics = [get_metric(m) for m in (options.metrics or config.metrics)]
    calendar = Calendar(options.period or config.period, config.fiscal_year_start)
    periods = select_periods(calendar, config, options)
    return Prepared(config, options, metrics, calendar, periods, load_tables(config, tables_needed(metrics)))


def compute(prepared: Prepared) -> Report:
    config, options, metrics, calendar, periods, loaded = (
        prepared.config, prepared.options, prepared.metrics, prepared.calendar, prepared.periods, prepared.loaded)
    context = MetricContext(config, calendar, periods, loaded.frames)
    if options.compare:
        results = _with_changes(metrics, config, calendar, periods, loaded.frames, options.compare)
    else:
        results = [compute_metric(metric, context) for metric in metrics]
    if options.by:
        from crm_metrics.metrics.breakdown import split

        results = split(results, context, options.by, options.top, compute_metric)
    notices = []
    if config.gross_margin is None and any(m.uses_gross_margin for m in metrics):
        notices.append("gross_margin is not set: CLV and CAC payback assume 100% margin")
    notices += undated_customer_notices(config, metrics, context)
    return Report(
        period=calendar.kind, fiscal_year_start=config.fiscal_year_start, currency=config.currency,
        periods=periods, metrics=results, quality=loaded.quality, notices=notices,
        config_origin=config.origin, generated_on=options.today, by=options.by, compare=options.compare,
        targets={m: Target(t.min, t.max) for m, t in config.targets.items()},
        support_hours=_support_hours(config, metrics), sample_data=config.sample_data,
    )


def undated_customer_notices(config: Config, metrics: list[MetricDef], context: MetricContext) -> list[str]:
    """The note on customers left out of the active counts, when a metric here counts them."""
    lifetime_from_churn = config.clv.lifetime_years is None
    if not any(m.counts_active(lifetime_from_churn) for m in metrics) or not context.has("deals"):
        return []
    from crm_metrics.metrics.ledger import undated_notice

    notice = undated_notice(context.customers, context.table("deals"))
    return [notice] if notice else []


def _with_changes(metrics: list[MetricDef], config: Config, calendar: Calendar, shown: list[Period],
                  frames: dict[str, pd.DataFrame], compare: str) -> list[MetricResult]:
    """Results for the shown periods, computed together with their baselines to give the changes."""
    from crm_metrics.metrics.compare import changes_for, with_baselines

    computed = with_baselines(calendar, shown, compare)
    context = MetricContext(config, calendar, computed, frames)
    results = []
    for metric in metrics:
        full = compute_metric(metric, context)
        changes = changes_for(metric, full.cells, computed, shown, calendar.kind, compare)
        results.append(MetricResult(metric, {p.label: full.cells[p.label] for p in shown}, changes=changes))
    return results


def _support_hours(config: Config, metrics: list[MetricDef]) -> str | None:
    if not any(m.is_support_time for m in metrics):
        return None
    from crm_metrics.business_hours import from_config

    business = from_config(config)
    return "calendar hours" if business is None else business.description


def select_periods(calendar: Calendar, config: Config, options: RunOptions) -> list[Period]:
    first = options.date_from or config.range.from_
    last = options.date_to or config.range.to
    if first is None and last is None:
        return calendar.default_periods(options.today)
    if first is None:
        assert last is not None
        return calendar.default_periods(last)
    # Name where each end came from: the user may not have passed the --to that bounds the range.
    first_name = "--from" if options.date_from else "the start of the config's range"
    if last is None:
        last, last_name = options.today, f"today ({options.today})"
    elif options.date_to:
        last_name = f"--to {last}"
    else:
        last_name = f"the end of the config's range ({last})"
    if first > last:
        raise ConfigError(f"{first_name} {first} is after {last_name}")
    return calendar.periods_between(first, last)


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
        skipped = 0
        for path, sheet in expand_sheets(paths, source.sheet):
            where = f"{path}" if sheet is None else f"{path} [{sheet}]"
            with loading(f"Reading {path.name}"):
                raw, column_map = read_mapped(path, sheet, name, config, where)
            skipped += int(raw.attrs.get("skipped_rows", 0))
            vocabulary = vocabulary_for(column_map.preset, name)
            raws.append(select_columns(raw, column_map, vocabulary))
        assert column_map is not None
        # Columns are canonical names by now, so files whose headers differ still line up.
        combined = concat_rows(raws)
        with loading(f"Cleaning {name} ({len(combined):,} rows)"):
            frames[name] = normalise(name, combined, config, table_quality, vocabulary)
        table_quality.columns = dict(column_map.fields)
        table_quality.mapping = column_map.describe()
        table_quality.mapped_by = _mapped_by(source.preset, {**source.guessed_columns, **source.columns},
                                             column_map.how, column_map.preset)
        table_quality.guessed = column_map.guessed
        table_quality.leave_out("title, blank or totals rows around the table", skipped)
        quality[name] = table_quality
    return LoadedTables(frames, quality)


def _mapped_by(preset: str | None, columns: dict[str, str], how: dict[str, str], guessed: str | None) -> str:
    """How a table's columns were found, for the caption: the user should know when it was a guess."""
    if columns and all(way in ("map", GUESSED) for way in how.values()):
        return "config map" + (f" (words of preset {preset})" if preset else "")
    if preset:
        return f"preset {preset}" + (" and config map" if columns else "")
    return f"detected headers ({guessed or 'no vendor'})"


def compute_metric(metric: MetricDef, context: MetricContext) -> MetricResult:
    """One metric over the context's periods; `n/a (needs: ...)` in every period when a table it
    needs is absent (metrics.md section 1)."""
    missing = [need for need in metric.needs if not need.met_by(context.has)]
    if missing:
        note = f"needs: {', '.join(str(m) for m in missing)}"
        cells = {p.label: Cell.na(note) for p in context.periods}
        return MetricResult(metric, cells)
    by_ordinal = metric.compute(context)
    return MetricResult(metric, {p.label: by_ordinal[p.ordinal] for p in context.periods})


__all__ = ["InputError", "Prepared", "RunOptions", "compute", "compute_metric", "prepare", "run", "select_periods",
           "tables_needed"]
