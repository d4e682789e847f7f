"""One report run: load -> map columns -> normalise -> bucket by period -> compute.

run() is prepare() (read and clean the tables the metrics need) then compute(), without the
data-quality checks. api.report() calls the two itself so that the checks can use the frames read
in between, and those can be let go before the metrics run; that is the report the CLI prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from crm_metrics.clean.categoricals import concat_rows
from crm_metrics.clean.fx_rates import DatedRates, read_dated_rates
from crm_metrics.clean.normalise import (
    clean_file,
    currency_problems,
    finish,
    needed_to_clean,
    repeated_ids,
    source_layout,
)
from crm_metrics.clean.problems import FileRows, SourceCheck
from crm_metrics.config.model import Config, SourceConfig
from crm_metrics.errors import ConfigError
from crm_metrics.io.files import expand_paths, expand_sheets
from crm_metrics.io.read_source import join_files, read_mapped
from crm_metrics.mapping.columns import GUESSED, ColumnMap, select_columns, vendor_of
from crm_metrics.mapping.presets import Vocabulary, vocabulary_for
from crm_metrics.metrics.compare import Change
from crm_metrics.metrics.context import MetricContext
from crm_metrics.metrics.registry import Cell, MetricDef, Unit, get_metric
from crm_metrics.metrics.spec import columns_needed, tables_needed
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
    """The loaded tables, by table name: clean frames (normalise.finish), what loading did to
    them (TableQuality), and the data problems found while cleaning and checking (SourceCheck)."""

    frames: dict[str, pd.DataFrame]
    quality: dict[str, TableQuality]
    checks: dict[str, SourceCheck] = field(default_factory=dict)


@dataclass
class Prepared:
    """A run up to its clean tables: what compute() needs."""

    config: Config
    options: RunOptions
    metrics: list[MetricDef]
    calendar: Calendar
    periods: list[Period]
    loaded: LoadedTables


def check_options(options: RunOptions) -> None:
    """Raise ConfigError (one line, naming the command-line option) for options no report can have:
    unknown metric ids, an empty metric list, --by on no known field, --top without --by or below
    1, an unknown --compare. Called by prepare, and by the CLI before it reads any export."""
    if options.metrics == ():
        raise ConfigError("--metrics: no metric id; give some, e.g. --metrics close_rate,cac "
                          "(list: crm-metrics metrics)")
    for metric_id in options.metrics or ():
        get_metric(metric_id)
    if options.by is not None:
        from crm_metrics.metrics.breakdown import check_field

        check_field(options.by)
    elif options.top is not None:
        raise ConfigError("--top needs --by FIELD")
    if options.top is not None and options.top < 1:
        raise ConfigError(f"--top {options.top}: keep at least 1 group")
    if options.compare is not None:
        from crm_metrics.metrics.compare import check_compare

        check_compare(options.compare)


def prepare(config: Config, options: RunOptions | None = None) -> Prepared:
    """Check the run's options against the config and read and clean the tables its metrics need."""
    options = options or RunOptions()
    check_options(options)
    if not config.sources.items():
        # Otherwise every metric is "n/a, needs deals" with exit 0: an empty or unfinished config
        # would look like a working report.
        raise ConfigError(f"{config.origin}: no sources: say where the exports are, e.g. "
                          "sources: {deals: {path: deals.csv}}, or run `crm-metrics init EXPORT...`")
    metrics = [get_metric(m) for m in (options.metrics or config.metrics)]
    calendar = Calendar(options.period or config.period, config.fiscal_year_start)
    periods = select_periods(calendar, config, options)
    loaded = load_tables(config, tables_needed(metrics), fields_read(options.metrics, options.by),
                         today=options.today)
    return Prepared(config, options, metrics, calendar, periods, loaded)


def fields_read(metric_ids: Sequence[str] | None, by: str | None = None) -> dict[str, set[str]] | None:
    """Table -> the fields a run of `metric_ids` reads (metrics/spec.columns_needed, plus `by`), or
    None for every mapped column.

    A run of the config's own metric list (metric_ids None) reads every mapped column, so its
    footer and --strict find what a plain `validate` finds; a run of metrics named on the command
    line (an analyst checking one number, the bench) reads only their columns, and `validate
    --metrics` with the same ids checks exactly those (issue "One pipeline, one truth": the reader
    reads only the columns the selected metrics need). Raises ConfigError for an unknown id."""
    if metric_ids is None:
        return None
    return columns_needed([get_metric(m) for m in metric_ids], by=by)


def compute(prepared: Prepared) -> Report:
    config, options, metrics, calendar, periods, loaded = (
        prepared.config, prepared.options, prepared.metrics, prepared.calendar, prepared.periods, prepared.loaded)
    context = MetricContext(config, calendar, periods, loaded.frames, today=options.today)
    if options.compare:
        results = _with_changes(metrics, context, options)
    else:
        results = [compute_metric(metric, context) for metric in metrics]
        if options.by:
            from crm_metrics.metrics.breakdown import split

            results = split(results, context, options.by, options.top, compute_metric)
    notices = []
    if config.gross_margin is None and any(m.uses_gross_margin for m in metrics):
        notices.append("gross_margin is not set: CLV and CAC payback assume 100% margin")
    notices += undated_customer_notices(config, metrics, context)
    notices += empty_file_notices(loaded)
    notices += out_of_range_notices(loaded.frames, periods)
    return Report(
        period=calendar.kind, fiscal_year_start=config.fiscal_year_start, currency=config.currency,
        periods=periods, metrics=results, quality=loaded.quality, notices=notices,
        config_origin=config.origin, generated_on=options.today, by=options.by, compare=options.compare,
        targets={m: Target(t.min, t.max) for m, t in config.targets.items()},
        support_hours=_support_hours(config, metrics), sample_data=config.sample_data,
    )


def empty_file_notices(loaded: LoadedTables) -> list[str]:
    """One notice per export with a header row and no data rows: its table counts 0 and its other
    metrics are n/a, which the reader should know comes from an empty file (metrics.md, top section)."""
    return ([f"{file}: a header row and no data rows, read as no {name} (counts 0, the rest n/a)"
             for name, check in loaded.checks.items() for file in check.empty_files]
            + [f"{file}: a header row and no data rows, so nothing was joined onto {name}"
               for name, check in loaded.checks.items() for file in check.empty_joined])


def out_of_range_notices(frames: dict[str, pd.DataFrame], periods: list[Period]) -> list[str]:
    """One notice per table with dated rows of which none falls in the periods shown: otherwise a
    hand-written config over old data shows n/a everywhere ("no calls") and nothing says the data
    ends years ago. Gives the table's first and last dates and the --from / --to that show them."""
    from crm_metrics.schema import TABLES, FieldKind

    if not periods:
        return []
    start, after = pd.Timestamp(periods[0].start), pd.Timestamp(periods[-1].end) + pd.Timedelta(days=1)
    notices = []
    for name, frame in frames.items():
        schema = TABLES.get(name)
        if schema is None or frame.empty:
            continue
        dates = [_naive(frame[f]) for f in schema.fields if schema.kind(f) is FieldKind.DATE and f in frame.columns]
        if not dates:
            continue
        inside = np.zeros(len(frame), dtype=bool)
        for column in dates:
            inside |= ((column >= start) & (column < after)).fillna(False).to_numpy(dtype=bool)
        if inside.any():
            continue
        first = min((c.min() for c in dates), default=pd.NaT)
        last = max((c.max() for c in dates), default=pd.NaT)
        if pd.isna(first) or pd.isna(last):
            continue
        notices.append(f"{name}: none of its {len(frame):,} rows is dated from {periods[0].start} to "
                       f"{periods[-1].end}; its dates run from {first.date()} to {last.date()}: "
                       f"report on them with --from {first.date()} --to {last.date()}")
    return notices


def _naive(column: pd.Series) -> pd.Series:
    """A date column as naive timestamps, comparable with the periods' days (local time)."""
    values = pd.to_datetime(column, errors="coerce")
    return values.dt.tz_localize(None) if values.dt.tz is not None else values


def undated_customer_notices(config: Config, metrics: list[MetricDef], context: MetricContext) -> list[str]:
    """The note on customers left out of the active counts, when a metric here counts them."""
    lifetime_from_churn = config.clv.lifetime_years is None
    if not any(m.counts_active(lifetime_from_churn) for m in metrics) or not context.has("deals"):
        return []
    from crm_metrics.metrics.ledger import undated_notice

    notice = undated_notice(context.customers, context.table("deals"))
    return [notice] if notice else []


def _with_changes(metrics: list[MetricDef], context: MetricContext, options: RunOptions) -> list[MetricResult]:
    """Results for the shown periods (context's), computed together with their baselines to give the
    changes: the total's, and with --by each group's against the same group's baseline period.

    The groups are split over the context that includes the baseline periods, so a group's change
    compares that group's own values; the cells are then cut back to the shown periods."""
    from crm_metrics.metrics.compare import changes_for, with_baselines

    assert options.compare is not None
    shown, calendar = context.periods, context.calendar
    computed = with_baselines(calendar, shown, options.compare)
    wide = MetricContext(context.config, calendar, computed, context.tables, today=context.today)
    full = [compute_metric(metric, wide) for metric in metrics]
    if options.by:
        from crm_metrics.metrics.breakdown import split

        full = split(full, wide, options.by, options.top, compute_metric)

    def changes(metric: MetricDef, cells: dict[str, Cell]) -> dict[str, Change]:
        return changes_for(metric, cells, computed, shown, calendar.kind, options.compare or "")

    def cut(cells: dict[str, Cell]) -> dict[str, Cell]:
        return {p.label: cells[p.label] for p in shown}

    results = []
    for result in full:
        metric = result.metric
        groups = group_changes = None
        if result.groups is not None:
            groups = {name: cut(cells) for name, cells in result.groups.items()}
            group_changes = {name: changes(metric, cells) for name, cells in result.groups.items()}
        results.append(MetricResult(metric, cut(result.cells), groups, changes(metric, result.cells),
                                    group_changes))
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


def load_tables(config: Config, wanted: set[str], fields: dict[str, set[str]] | None = None, *,
                today: date | None = None, lenient: bool = False) -> LoadedTables:
    """The configured sources named in `wanted`, read, mapped, cleaned and checked.

    Each file of a source is read and mapped alone (its own header map, preset or detection) and
    cleaned with its own vendor's words (normalise.clean_file); the files' frames are then put one
    under the other, checked across rows (checks.check_rows, with `today` for future dates) and
    finished once (normalise.finish: duplicates, currency, keys). Returns the clean frames, what
    was done to each table (TableQuality) and the problems found (SourceCheck), per table.

    `fields` (table -> canonical fields the run's metrics need) limits what is read to those, the
    table's id and required fields and what cleaning needs (normalise.CLEANING_FIELDS); a table it
    does not name, or fields=None, is read for every mapped field. Checks then cover the columns
    read.

    Raises InputError for an unreadable file or a missing required column, ConfigError for a
    currency without an fx rate. lenient=True (validate) maps what it can instead: a missing
    required column becomes a missing_column problem, and the tables get their checks but no clean
    frame (finish, which needs every required field and an fx rate per currency, is not run).
    """
    today = today or date.today()
    loaded = LoadedTables({}, {}, {})
    # Read once for every table with amounts; a broken rates file stops the run like a broken config.
    rates = read_dated_rates(config) if wanted & {"deals", "spend"} else None
    for name, source in config.sources.items():
        if name not in wanted:
            continue
        paths = expand_paths(source.paths, config.resolve)
        keep = None if fields is None or name not in fields else fields[name] | needed_to_clean(name)
        files = []
        for path, sheet in expand_sheets(paths, source.sheet):
            where = f"{path}" if sheet is None else f"{path} [{sheet}]"
            with loading(f"Reading {path.name}"):
                raw, column_map, vocabulary = read_mapped(path, sheet, name, config, where, strict=not lenient,
                                                          keep=keep)
            files.append(_MappedFile(str(path), raw, column_map, vocabulary))
        # Files joined on the id (sources.<table>.join), onto all of the source's files at once.
        joined = join_files([(f.raw, f.column_map) for f in files], name, config, keep)
        files = [_MappedFile(f.file, raw, column_map, f.vocabulary)
                 for f, (raw, column_map) in zip(files, joined, strict=True)]
        _load_table(loaded, name, [str(p) for p in paths], files, config, today, lenient, rates=rates)
    return loaded


@dataclass
class _MappedFile:
    file: str  # as problems name it: the path, without the sheet
    raw: pd.DataFrame  # export headers, cells as read
    column_map: ColumnMap
    vocabulary: Vocabulary  # the words of the file's preset, for the fields read


def check_raw_files(table: str, raws: list[tuple[str, pd.DataFrame]], config: Config, today: date,
                    columns: dict[str, str], preset: str | None = None) -> SourceCheck:
    """load_tables' mapping (strict=False), cleaning and checks on frames already in memory
    ((file name, raw frame with export headers) each), for checks.check_frame."""
    from crm_metrics.mapping.columns import map_columns
    from crm_metrics.schema import TABLES

    files = []
    for file, raw in raws:
        column_map = map_columns(TABLES[table], [str(c) for c in raw.columns], columns, config.origin, file,
                                 preset=preset, strict=False)
        files.append(_MappedFile(file, raw, column_map, vocabulary_for(column_map.preset, table)))
    loaded = LoadedTables({}, {}, {})
    _load_table(loaded, table, [file for file, _ in raws], files, config, today, lenient=True,
                explicit=columns, rates=read_dated_rates(config))
    return loaded.checks[table]


def _load_table(loaded: LoadedTables, name: str, paths: list[str], files: list[_MappedFile], config: Config,
                today: date, lenient: bool, explicit: dict[str, str] | None = None,
                rates: DatedRates | None = None) -> None:
    """One table of load_tables from its mapped files: into loaded.checks, .quality and (unless
    lenient) .frames; `rates`: the config's dated exchange rates (fx_dated), when set."""
    from crm_metrics.checks import check_rows, leave_out_subtotals, missing_columns
    from crm_metrics.schema import TABLES

    schema = TABLES[name]
    source = getattr(config.sources, name)
    explicit = explicit if explicit is not None else (source.columns if source is not None else {})
    quality = TableQuality(name, files=paths)
    check = SourceCheck(name, paths)
    raws, cleaned = [], []
    skipped = 0
    for part in files:
        skipped += int(part.raw.attrs.get("skipped_rows", 0))
        # Rows of a source's joined files that went to no row of it (read_source.join_files).
        for reason, count in part.raw.attrs.get("left_out", {}).items():
            quality.leave_out(reason, count)
        if part.raw.empty:
            check.empty_files.append(part.file)
        check.empty_joined += part.raw.attrs.get("empty_joined", [])
        if lenient:
            missing_columns(check, schema, part.column_map, [str(c) for c in part.raw.columns], explicit, part.raw)
        mapped = select_columns(part.raw, part.column_map, part.vocabulary)
        kept = leave_out_subtotals(check, schema, mapped, part.file)
        quality.leave_out("subtotal rows inside the table", len(mapped) - len(kept))
        raws.append(kept)
        for field_name, header in part.column_map.fields.items():
            check.columns[field_name] = _joined(check.columns.get(field_name), header)
    # Decimal comma and day-first are decided once for the source, from all its files.
    layout = source_layout(name, raws, config, check, FileRows([p.file for p in files], raws))
    for part, mapped in zip(files, raws, strict=True):
        with loading(f"Cleaning {name} ({len(mapped):,} rows)"):
            cleaned.append(clean_file(name, mapped, part.vocabulary, config, quality, check, part.file, layout))
    # Columns are canonical names by now, so files whose headers differ still line up.
    combined = concat_rows(cleaned)
    del cleaned
    repeated = None
    if schema.id_field and schema.id_field in combined.columns:
        repeated = repeated_ids(combined[schema.id_field])
    guessed = set(source.guessed_columns) if source is not None else set()
    check_rows(check, schema, combined, FileRows([p.file for p in files], raws), today, repeated,
               config.timezone, guessed)
    currency_problems(check, combined, config, FileRows([p.file for p in files], raws), rates)
    del raws
    loaded.checks[name] = check
    if not lenient:
        with loading(f"Cleaning {name} ({len(combined):,} rows)"):
            loaded.frames[name] = finish(name, combined, config, quality, repeated, rates)
    _describe_mapping(quality, files, source)
    quality.leave_out("title, blank or totals rows around the table", skipped)
    loaded.quality[name] = quality


def _joined(known: str | None, header: str) -> str:
    """A field's header, or its headers in several files ("Created at / Create date")."""
    if known is None or header in known.split(" / "):
        return header if known is None else known
    return f"{known} / {header}"


def _describe_mapping(quality: TableQuality, files: list[_MappedFile], source: SourceConfig | None) -> None:
    """TableQuality's columns, mapping and mapped_by; each file's own when the files map differently."""
    preset, columns = ((source.preset, {**source.guessed_columns, **source.columns}) if source is not None
                       else (None, {}))
    maps = [part.column_map for part in files]
    quality.guessed = {name: header for m in maps for name, header in m.guessed.items()}
    ways = list(dict.fromkeys(_mapped_by(preset, columns, m) for m in maps))
    if all(m == maps[0] for m in maps):
        quality.columns = dict(maps[-1].fields)
        quality.mapping = maps[-1].describe()
    else:
        for column_map in maps:
            for field_name, header in column_map.fields.items():
                quality.columns[field_name] = _joined(quality.columns.get(field_name), header)
        quality.mapping = [f"{Path(part.file).name}: {line}" for part in files for line in part.column_map.describe()]
    quality.mapped_by = " / ".join(ways)


def _mapped_by(preset: str | None, columns: dict[str, str], column_map: ColumnMap) -> str:
    """How a file's columns were found, for the caption: the user should know when it was a guess.

    "config map" (every column named in the config), "preset X" (and config map), else "detected
    headers" (after "config map and" when the config names some), naming the vendor only when its
    own headers were detected (mapping.columns.vendor_of): "detected headers (zendesk)"; "no
    vendor" when the headers are plain field names or the config's."""
    how = column_map.how
    if columns and all(way in ("map", GUESSED) for way in how.values()):
        return "config map" + (f" (words of preset {preset})" if preset else "")
    if preset:
        return f"preset {preset}" + (" and config map" if columns else "")
    found = "config map and detected headers" if "map" in how.values() else "detected headers"
    return f"{found} ({vendor_of(column_map) or 'no vendor'})"


def compute_metric(metric: MetricDef, context: MetricContext) -> MetricResult:
    """One metric over the context's periods; `n/a (needs: ...)` in every period when a table it
    needs is absent (metrics.md section 1)."""
    missing = [need for need in metric.needs if not need.met_by(context.has)]
    if missing:
        note = f"needs: {', '.join(str(m) for m in missing)}"
        cells = {p.label: Cell.na(note) for p in context.periods}
        return MetricResult(metric, cells)
    if metric.unit is not Unit.COUNT and (empty := _empty_tables(metric, context)):
        # metrics.md top section: an export with a header and no rows counts 0; every other figure
        # (an amount, a rate, a time) is n/a, never a $0 read from nothing.
        note = f"no rows in the {' and '.join(empty)} export (a header and no data rows)"
        return MetricResult(metric, {p.label: Cell.na(note) for p in context.periods})
    by_ordinal = metric.compute(context)
    cells = {p.label: by_ordinal[p.ordinal] for p in context.periods}
    if metric.always_by is None:
        return MetricResult(metric, cells)
    import importlib

    split = getattr(importlib.import_module(f"crm_metrics.metrics.{metric.module}"), f"{metric.id}_groups")
    groups = {name: {p.label: group[p.ordinal] for p in context.periods} for name, group in split(context).items()}
    return MetricResult(metric, cells, groups)


def _empty_tables(metric: MetricDef, context: MetricContext) -> list[str]:
    """The metric's tables when every one the config has is empty in the whole data (not only in a
    --by group), else []."""
    frames = context.whole.tables
    present: list[str] = [str(t.value) for t in metric.tables if t.value in frames]
    return present if present and all(frames[name].empty for name in present) else []


__all__ = ["Prepared", "RunOptions", "check_options", "compute", "compute_metric", "prepare", "select_periods"]
