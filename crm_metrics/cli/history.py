"""`crm-metrics history`: how each period's value changed across recorded runs (restatements)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crm_metrics.cli.common import find_config, user_errors
from crm_metrics.errors import ConfigError

HistoryConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c",
                 help="YAML config whose history.path to read. Default: ./crm-metrics.yaml."),
]
HistoryOption = Annotated[
    Path | None,
    # No dir_okay=False: history.check_path says "is a folder" in one line instead of a usage box.
    typer.Option("--history",
                 help="SQLite history database. Default: history.path from the config."),
]


def history_path(option: Path | None, config: Path | None) -> Path | None:
    """--history wins; else the config's history.path, relative to the config file."""
    if option is not None:
        return option
    chosen = find_config(config)
    if chosen is None:
        return None
    from crm_metrics import api
    from crm_metrics.config.model import load_config

    return api.history_path(load_config(chosen))


def history(
    config: HistoryConfigOption = None,
    history_db: HistoryOption = None,
    metric: Annotated[str | None, typer.Option(help="Only this metric id, e.g. close_rate.")] = None,
) -> None:
    """Show each metric's values per period across runs, so restated numbers stand out.

    One line per value a metric held for a period, with the run that first recorded it."""
    with user_errors():
        import sys

        from crm_metrics import api
        from crm_metrics.metrics.registry import get_metric
        from crm_metrics.render.history import render_history

        if metric is not None:
            get_metric(metric)
        path = history_path(history_db, config)
        if path is None:
            raise ConfigError("no history database: pass --history PATH or set history: {path: ...} in the config")
        rows = api.history(path, metric)
        if not rows:
            typer.echo(f"crm-metrics: {path}: no runs recorded" + (f" for {metric}" if metric else ""), err=True)
            return
        render_history(rows, str(path), sys.stdout)
