"""`crm-metrics explain ID`: what a metric means, its formula, the config keys that change it, which
definition it follows where vendors disagree and, with --config, the inputs behind each period."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crm_metrics.cli.common import parse_date, user_errors


def explain(
    metric_id: Annotated[str, typer.Argument(metavar="ID", help="A metric id (crm-metrics metrics lists them).")],
    config: Annotated[Path | None, typer.Option("--config", "-c",
                                                help="Also show the inputs behind each period's number "
                                                     "in this config's data.")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD.")] = None,
) -> None:
    """Explain a metric: definition, formula, config keys and, with --config, its inputs per period."""
    with user_errors():
        from crm_metrics.metrics.registry import get_metric

        metric = get_metric(metric_id)
        first, last = parse_date(date_from, "--from"), parse_date(date_to, "--to")
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
        for line in lines:
            typer.echo(line)
        if config is None:
            typer.echo("Run with --config FILE to see the inputs behind each period's number.")
            return
        from crm_metrics.config.model import load_config
        from crm_metrics.metrics.explain_run import inputs

        typer.echo("")
        for line in inputs(metric, load_config(config), first, last):
            typer.echo(line)
