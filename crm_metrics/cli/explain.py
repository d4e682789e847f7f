"""`crm-metrics explain ID`: what a metric means, its formula, the config keys that change it, which
definition it follows where vendors disagree and, with a config, the inputs behind each period."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crm_metrics.cli.common import find_config, parse_date, user_errors


def explain(
    metric_id: Annotated[str, typer.Argument(metavar="ID", help="A metric id (crm-metrics metrics lists them).")],
    config: Annotated[Path | None, typer.Option("--config", "-c",
                                                help="Also show the inputs behind each period's number "
                                                     "in this config's data. Default: ./crm-metrics.yaml "
                                                     "when it exists.")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD.")] = None,
) -> None:
    """Explain a metric: definition, formula, config keys and, with a config, its inputs per period."""
    with user_errors():
        from crm_metrics import api

        definition = api.explain(None, metric_id).definition
        first, last = parse_date(date_from, "--from"), parse_date(date_to, "--to")
        # Printed before the data is read, so it shows even when an export then turns out broken.
        for line in definition:
            typer.echo(line)
        found = find_config(config)
        if found is None:
            typer.echo("Run with --config FILE to see the inputs behind each period's number.")
            return
        from crm_metrics.config.model import load_config

        typer.echo("")
        inputs = api.explain(load_config(found), metric_id, first, last).inputs or []
        for line in inputs:
            typer.echo(line)
