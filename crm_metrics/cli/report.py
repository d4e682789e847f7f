"""`crm-metrics report`: compute the configured metrics per period and print or export them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crm_metrics.cli.common import (
    ConfigOption,
    MetricsOption,
    load_config_or_sample,
    parse_date,
    parse_metrics,
    user_errors,
)
from crm_metrics.cli.history import HistoryOption
from crm_metrics.errors import ConfigError, DataProblemsError, ExitCode
from crm_metrics.wording import plural

if TYPE_CHECKING:
    from crm_metrics.report import TableQuality


def report(
    config: ConfigOption = None,
    period: Annotated[str | None, typer.Option(help="month, quarter or year (overrides the config).")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="First day to report, YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day to report, YYYY-MM-DD.")] = None,
    metrics: MetricsOption = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", "-f", help="table, json, csv, xlsx, md or html. Default: from --output's extension, else table.",
    )] = None,
    output: Annotated[Path | None, typer.Option(
        # No dir_okay=False: check_output_path says "is a folder" in one line instead of a usage box.
        "--output", "-o", help="Write the report to this file (atomically) instead of stdout.",
    )] = None,
    fail_on_target: Annotated[bool, typer.Option(
        "--fail-on-target", help="Exit with code 3 when a target of the latest period is missed.",
    )] = False,
    history_db: HistoryOption = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="Print nothing but errors (and missed targets with --fail-on-target).",
    )] = False,
    by: Annotated[str | None, typer.Option("--by", help="Split by a field: owner, source, region, product, "
                                           "channel, priority, campaign, ...")] = None,
    top: Annotated[int | None, typer.Option("--top", min=1, help="With --by: keep the N groups with the most "
                                            "rows, fold the rest into 'other'.")] = None,
    compare: Annotated[str | None, typer.Option("--compare", help="Show the change against the previous "
                                                "period ('previous') or a year earlier ('year').")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v",
                                          help="Also print which export header was read for each field.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Print no metrics (exit 4) when `validate` "
                                         "finds any data problem.")] = False,
) -> None:
    """Compute the configured metrics per period and print them, or write them to --output."""
    with user_errors():
        from crm_metrics.periods import PeriodKind
        from crm_metrics.render import BINARY_FORMATS, FORMATS
        from crm_metrics.render.output import SUFFIX_FORMATS, check_output_path, infer_format

        if fmt is not None and fmt not in FORMATS:
            raise ConfigError(f"--format {fmt!r}: choose one of {', '.join(FORMATS)}")
        if output is not None:
            check_output_path(output)
            named = SUFFIX_FORMATS.get(output.suffix.lower())
            # A .txt file holds any text format (a Markdown report saved as notes.txt); every other
            # known extension names one format, and a --format that disagrees is a slip.
            plain_text = named == "table" and fmt not in BINARY_FORMATS
            if fmt is not None and named is not None and fmt != named and not plain_text:
                suffix = "txt" if fmt == "table" else fmt
                raise ConfigError(f"--format {fmt} but --output {output} is named as {named}; drop --format "
                                  f"or end the file name in .{suffix}")
        if fmt is None:
            fmt = infer_format(output) if output is not None else "table"
        if fmt in BINARY_FORMATS and output is None and sys.stdout.isatty():
            raise ConfigError(f"--format {fmt} is a binary file: add --output report.{fmt}")
        kind = None
        if period is not None:
            if period not in {k.value for k in PeriodKind}:
                raise ConfigError(f"--period {period!r}: choose month, quarter or year")
            kind = PeriodKind(period)
        metric_ids = parse_metrics(metrics)
        options_from, options_to = parse_date(date_from, "--from"), parse_date(date_to, "--to")
        from crm_metrics.pipeline import RunOptions, check_options

        options = RunOptions(period=kind, date_from=options_from, date_to=options_to, metrics=metric_ids, by=by,
                             top=top, compare=compare)
        check_options(options)  # before any export is read: a typo fails at once
        cfg = load_config_or_sample(config, quiet=quiet)

        from crm_metrics import api

        history_file = history_db or api.history_path(cfg)
        if history_file is not None:
            from crm_metrics.history import check_path

            check_path(history_file)

        from crm_metrics.metrics.targets import missed_latest

        try:
            result = api.report(cfg, options, strict=strict)
        except DataProblemsError as stopped:
            if verbose:
                _columns_read(stopped.quality)
            raise
        if verbose:
            _columns_read(result.quality)

        if history_file is not None:
            run_id = api.record_history(history_file, result, cfg)
            if not quiet:
                typer.echo(f"crm-metrics: recorded run {run_id} in {history_file}", err=True)

        if output is not None:
            from crm_metrics.render.output import write_report

            size = write_report(result, fmt, output)
            if not quiet:
                typer.echo(f"crm-metrics: wrote {output} ({fmt}, {plural(size, 'byte')})", err=True)
        elif fmt in BINARY_FORMATS:
            import io

            from crm_metrics.render import get_binary_renderer

            # Rendered whole first: a reader that closes the pipe early (`| head`) then gets one
            # BrokenPipeError here, not zipfile's traceback from a half-closed archive at exit.
            buffer = io.BytesIO()
            get_binary_renderer(fmt)(result, buffer)
            sys.stdout.buffer.write(buffer.getvalue())
        else:
            from crm_metrics.render import get_renderer

            get_renderer(fmt)(result, sys.stdout)

        misses = missed_latest(result)
        if fail_on_target and misses:
            for miss in misses:
                typer.echo(f"crm-metrics: target missed: {miss.text}", err=True)
            raise typer.Exit(int(ExitCode.TARGET_MISSED))


def _columns_read(quality: dict[str, TableQuality]) -> None:
    """--verbose: which export header was read for each field, table by table, on stderr."""
    for name, table in quality.items():
        typer.echo(f"{name}: columns by {table.mapped_by}", err=True)
        for line in table.mapping:
            typer.echo(f"  {line}", err=True)
