"""Everything the command line can do, callable from Python; the CLI only parses options, calls
these and renders what they return.

    from crm_metrics import api
    from crm_metrics.config.model import load_config
    from crm_metrics.pipeline import RunOptions

    report = api.report(load_config("crm-metrics.yaml"), RunOptions(metrics=("close_rate",)))

api.report returns exactly the Report that `crm-metrics report` renders: the same data-problem
footer, notices and captions. Errors are CrmMetricsError subclasses (crm_metrics/errors.py), each
with the exit code the CLI uses for it.

The heavy modules (pandas, the pipeline) are imported inside the functions: the CLI imports this
module for every command, and `crm-metrics metrics` or `--help` must not pay for pandas.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crm_metrics.checks import Validation
    from crm_metrics.config.model import Config
    from crm_metrics.history import Stint
    from crm_metrics.mapping.init_plan import TablePlan
    from crm_metrics.metrics.registry import MetricDef
    from crm_metrics.pipeline import RunOptions
    from crm_metrics.report import Report


def report(config: Config, options: RunOptions | None = None, *, strict: bool = False) -> Report:
    """The report of `config`'s metrics per period, as `crm-metrics report` shows it.

    Reads and cleans the tables the metrics need (pipeline.prepare), runs the data-quality checks on
    those tables (what `validate` does), computes the metrics and adds the footer's notices: one
    line per table with data problems, with validate's counts, after the pipeline's own (gross
    margin defaulted, customers without an acquisition date). `options` defaults to RunOptions().

    Raises DataProblemsError (carrying the checks' Validation) when `strict` and any problem was
    found, before any metric is computed; ConfigError for a wrong config or option; InputError for
    an export that cannot be read or lacks a required column.
    """
    from crm_metrics.checks import check_tables
    from crm_metrics.pipeline import compute, prepare

    prepared = prepare(config, options)
    # The problems recorded while the report's own tables were cleaned: only the tables it read, so
    # a broken export it does not use must not stop it.
    checked = check_tables(prepared.loaded)
    command = _validate_command(prepared.options.metrics)
    if strict and not checked.ok:
        from crm_metrics.errors import DataProblemsError

        raise DataProblemsError(checked, prepared.loaded.quality, command)
    result = compute(prepared)
    # The footer repeats validate's counts, so the two commands never disagree about the data.
    result.notices.extend(f"data problems in {s.table} ({command}): {checked.summary(s.table)}"
                          for s in checked.sources if s.problems and s.table in result.quality)
    return result


def _validate_command(metric_ids: tuple[str, ...] | None) -> str:
    """The validate command that checks what a report of `metric_ids` read: a report of named
    metrics reads only their columns (pipeline.fields_read), and `validate --metrics` alike."""
    if metric_ids is None:
        return "crm-metrics validate"
    from crm_metrics.metrics.registry import all_metrics

    named = "all" if set(metric_ids) == {m.id for m in all_metrics()} else ",".join(metric_ids)
    return f"crm-metrics validate --metrics {named}"


def validate(config: Config, today: date | None = None, metrics: Sequence[str] | None = None) -> Validation:
    """Every source of `config` checked for missing columns, unparseable cells, duplicates and odd
    values (checks.py; `today` dates the future-date check, default: today): every mapped column,
    or with `metrics` (metric ids) the tables and columns a report of those metrics reads, so the
    result is that report's footer and --strict verdict.

    Raises InputError when a file cannot be read at all, ConfigError for an unknown metric id; data
    problems are in the result, not raised.
    """
    from crm_metrics.checks import validate as run_checks
    from crm_metrics.metrics.registry import get_metric
    from crm_metrics.metrics.spec import tables_needed
    from crm_metrics.pipeline import fields_read

    if metrics is None:
        return run_checks(config, today=today)
    return run_checks(config, today=today, tables=tables_needed(get_metric(m) for m in metrics),
                      fields=fields_read(metrics))


@dataclass(frozen=True)
class Explanation:
    """What `crm-metrics explain ID` prints: the metric's definition lines and, when a config was
    given, the lines on the inputs behind each period's number (None without a config)."""

    metric: MetricDef
    definition: list[str]
    inputs: list[str] | None = None


def explain(config: Config | None, metric_id: str, first: date | None = None, last: date | None = None,
            today: date | None = None) -> Explanation:
    """What a metric means (label, group, unit, formula, needs, --by fields, config keys, the vendor
    definition it follows) and, with a config, the inputs behind its number in each period from
    `first` to `last` (default: the config's range or the periods up to `today`), followed by the
    report's note on customers without an acquisition date, so the counts match the report.

    Raises ConfigError for an unknown metric id or a `first` after `last`; InputError for an export
    that cannot be read.
    """
    from crm_metrics.metrics.registry import get_metric

    metric = get_metric(metric_id)
    definition = _definition_lines(metric)
    if config is None:
        return Explanation(metric, definition)
    return Explanation(metric, definition, _input_lines(metric, config, first, last, today or date.today()))


def _definition_lines(metric: MetricDef) -> list[str]:
    lines = [
        f"{metric.id}: {metric.label}",
        f"  Group: {metric.group.value}; unit: {metric.unit.value}; better: {metric.better.value}",
        f"  Definition: {metric.summary}",
        f"  Formula (P = one period): {metric.formula}",
        f"  Needs: {metric.needs_text}",
        f"  Split with --by: {', '.join(metric.breakdowns) or 'no field'}",
        f"  Config keys that change it: {', '.join(metric.config_keys)}",
    ]
    if metric.vendor_choice is not None:
        lines.append(f"  Definition choice: {metric.vendor_choice}")
    return lines


def _input_lines(metric: MetricDef, config: Config, first: date | None, last: date | None,
                 today: date) -> list[str]:
    from crm_metrics.metrics.audit import audit_lines
    from crm_metrics.metrics.context import MetricContext
    from crm_metrics.periods import Calendar
    from crm_metrics.pipeline import (
        RunOptions,
        compute_metric,
        load_tables,
        select_periods,
        tables_needed,
        undated_customer_notices,
    )

    options = RunOptions(date_from=first, date_to=last, metrics=(metric.id,), today=today)
    calendar = Calendar(config.period, config.fiscal_year_start)
    periods = select_periods(calendar, config, options)
    loaded = load_tables(config, tables_needed([metric]))
    context = MetricContext(config, calendar, periods, loaded.frames, today=options.today)
    cells = compute_metric(metric, context).cells
    notes = undated_customer_notices(config, [metric], context)
    return audit_lines(metric, context, cells) + [f"Note: {n}" for n in notes]


def metrics() -> list[MetricDef]:
    """Every metric in the catalogue, in its order (pandas-free: answers instantly)."""
    from crm_metrics.metrics.registry import all_metrics

    return list(all_metrics())


@dataclass(frozen=True)
class InitPlan:
    """What `crm-metrics init` found: one plan per recognised table, why each other file was left
    out (one line naming the file), and the config text to write."""

    tables: list[TablePlan]
    skipped: list[str]
    text: str


def plan_init(paths: list[Path], config_path: Path = Path("crm-metrics.yaml")) -> InitPlan:
    """Sniff the exports (a quoted pattern names the files it matches), recognise each one's table
    and columns, and write the text of a commented config that loads as is from `config_path`
    (paths in it are relative to that file's folder). Writes no file.

    A missing path or a folder is skipped with one line (InitPlan.skipped), as an unrecognised file
    is. Raises InputError when a pattern matches nothing, or no file is left that init can place
    (one problem line per file).
    """
    from crm_metrics.config.init_writer import check_runs, render_config
    from crm_metrics.errors import InputError
    from crm_metrics.mapping.init_plan import check_exports, expand_exports, plan_config

    if not paths:
        raise InputError("no export given; name the CSV or xlsx files, e.g. crm-metrics init deals.csv")
    exports = expand_exports(paths)
    exports, missing = check_exports(exports)
    tables, skipped = plan_config(exports)
    skipped = missing + skipped
    if not tables:
        raise InputError(skipped[0], problems=skipped)
    text = render_config(tables, config_path.resolve().parent, skipped)
    check_runs(text, config_path)
    return InitPlan(tables, skipped, text)


def history_path(config: Config) -> Path | None:
    """The config's history database (history.path, relative to the config file), or None."""
    return config.resolve(config.history.path) if config.history else None


def record_history(path: Path, result: Report, config: Config) -> int:
    """Record `result`'s values in the SQLite history at `path` (created if absent); returns the
    run id. Raises HistoryError when the database cannot be opened or written."""
    from crm_metrics.history import config_hash, record_run

    return record_run(path, result, config_hash(config))


def history(path: Path, metric: str | None = None) -> list[Stint]:
    """Each value a metric held for a period across the recorded runs, by metric, period and run,
    with the run that first recorded it (history.stints); only `metric` when given. Raises ConfigError for an
    unknown metric id, HistoryError for a database that cannot be read."""
    from crm_metrics.history import read_history, stints
    from crm_metrics.metrics.registry import get_metric

    if metric is not None:
        get_metric(metric)
    return stints(read_history(path, metric))
