"""`crm-metrics validate`: check the configured exports and list every data problem found.

Exit 0 when the data is clean, 4 when problems were found, 2 when a file cannot be read at all.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from crm_metrics.cli.common import (
    ConfigOption,
    MetricsOption,
    load_config_or_sample,
    parse_metrics,
    user_errors,
)
from crm_metrics.errors import ConfigError, ExitCode
from crm_metrics.wording import plural

if TYPE_CHECKING:
    from crm_metrics.checks import Validation

FORMATS = ("table", "json")


def validate(
    config: ConfigOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="Print nothing but errors; the exit code still says whether problems were found.",
    )] = False,
    metrics: MetricsOption = None,
) -> None:
    """Check every source for missing columns, unparseable cells, duplicates and odd values; with
    --metrics, the tables and columns `report --metrics` with the same value reads."""
    with user_errors():
        if fmt not in FORMATS:
            raise ConfigError(f"--format {fmt!r}: choose one of {', '.join(FORMATS)}")
        metric_ids = parse_metrics(metrics)
        cfg = load_config_or_sample(config, quiet=quiet)

        from crm_metrics import api

        result = api.validate(cfg, metrics=metric_ids)
        if fmt == "json" and not quiet:
            typer.echo(json.dumps(result.as_dict(), indent=2, default=str))
        elif not quiet:
            for line in validation_lines(result):
                typer.echo(line)
    if not result.ok:
        raise typer.Exit(int(ExitCode.DATA_PROBLEMS))


def validation_lines(result: Validation) -> list[str]:
    """Plain text, one block per source: what was read, then one line per problem with examples."""
    lines = []
    for source in result.sources:
        lines.append(f"{source.table}: {plural(source.rows, 'row')} read from {', '.join(source.files)}")
        mapped = ", ".join(f"{f} <- {h!r}" for f, h in source.columns.items())
        lines.append(f"  columns: {mapped or 'none found'}")
        lines += [f"  empty: {file} has a header row and no data rows" for file in source.empty_files]
        lines += [f"  empty: {file} (joined) has a header row and no data rows; nothing joined"
                  for file in source.empty_joined]
        blanks = ", ".join(f"{f} {n:,}" for f, n in source.blanks.items() if n)
        if blanks:
            lines.append(f"  blanks: {blanks}")
        for problem in source.problems:
            lines.append(f"  PROBLEM {problem.count:,} {problem.message}")
            for file, row, value in problem.examples:
                lines.append(f"    row {row} of {file}: {value!r}" if value else f"    row {row} of {file}")
        if not source.problems:
            lines.append("  no problems found")
    kinds = plural(len(result.problems), "kind")
    lines.append("OK: no data problems found" if result.ok else f"{kinds} of data problem found")
    return lines
