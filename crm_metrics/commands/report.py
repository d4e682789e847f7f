"""`crm-metrics report`: compute the configured metrics per period and print or export them."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from crm_metrics.commands.common import ConfigOption, load_config_or_sample, parse_date, user_errors
from crm_metrics.errors import ConfigError, ExitCode


def report(
    config: ConfigOption = None,
    period: Annotated[str | None, typer.Option(help="month, quarter or year (overrides the config).")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="First day to report, YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day to report, YYYY-MM-DD.")] = None,
    metrics: Annotated[str | None, typer.Option(help="Comma-separated metric ids, e.g. close_rate,cac.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")] = "table",
    strict: Annotated[bool, typer.Option("--strict", help="Print no metrics (exit 4) when `validate` "
                                         "finds any data problem.")] = False,
) -> None:
    """Compute the configured metrics per period and print them."""
    with user_errors():
        from crm_metrics.metrics.registry import get_metric
        from crm_metrics.periods import PeriodKind
        from crm_metrics.render import FORMATS, get_renderer

        if fmt not in FORMATS:
            raise ConfigError(f"--format {fmt!r}: choose one of {', '.join(FORMATS)}")
        kind = None
        if period is not None:
            if period not in {k.value for k in PeriodKind}:
                raise ConfigError(f"--period {period!r}: choose month, quarter or year")
            kind = PeriodKind(period)
        metric_ids = tuple(m.strip() for m in metrics.split(",") if m.strip()) if metrics else None
        for metric_id in metric_ids or ():
            get_metric(metric_id)
        options_from, options_to = parse_date(date_from, "--from"), parse_date(date_to, "--to")
        cfg = load_config_or_sample(config)

        from crm_metrics.pipeline import RunOptions, run
        from crm_metrics.validate import validate

        result = run(cfg, RunOptions(period=kind, date_from=options_from, date_to=options_to, metrics=metric_ids))
        # Only the tables this report read: a broken export it does not use must not stop it.
        checked = validate(cfg, tables=set(result.quality))
        if strict and not checked.ok:
            for problem in checked.problems:
                typer.echo(f"crm-metrics: {problem.table}: {problem.count:,} {problem.message}", err=True)
            typer.echo("crm-metrics: error: --strict: data problems found, no metrics printed; "
                       "run `crm-metrics validate` for the rows", err=True)
            raise typer.Exit(int(ExitCode.DATA_PROBLEMS))
        # The footer repeats validate's counts, so the two commands never disagree about the data.
        result.notices.extend(f"data problems in {s.table} (crm-metrics validate): {checked.summary(s.table)}"
                              for s in checked.sources if s.problems and s.table in result.quality)
        get_renderer(fmt)(result, sys.stdout)
