"""`crm-metrics history`: how each period's value changed across recorded runs (restatements)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crm_metrics.cli.common import find_config, user_errors
from crm_metrics.errors import ConfigError

if TYPE_CHECKING:
    from crm_metrics.metrics.registry import Unit

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

        from rich.table import Table
        from rich.text import Text

        from crm_metrics import api
        from crm_metrics.metrics.registry import Unit, get_metric
        from crm_metrics.render.table import STYLE_HEADER, STYLE_NA, STYLE_WARNING, make_console
        from crm_metrics.render.values import format_value

        if metric is not None:
            get_metric(metric)
        path = history_path(history_db, config)
        if path is None:
            raise ConfigError("no history database: pass --history PATH or set history: {path: ...} in the config")
        rows = api.history(path, metric)
        if not rows:
            typer.echo(f"crm-metrics: {path}: no runs recorded" + (f" for {metric}" if metric else ""), err=True)
            return
        table = Table(title=f"Run history: {path}", header_style=STYLE_HEADER, box=None, pad_edge=False)
        for name in ("Metric", "Period", "Since (UTC)", "Runs", "Value", "Change"):
            table.add_column(name, justify="right" if name in {"Runs", "Value", "Change"} else "left",
                             no_wrap=True)
        for stint in rows:
            unit = Unit(stint.unit)
            shown = format_value(stint.value, unit, stint.currency)
            value = Text(shown if stint.value is not None else f"n/a ({stint.note})",
                         style="" if stint.value is not None else STYLE_NA)
            change = Text("")
            if stint.restated:
                change = Text(_change(stint.previous, stint.value, unit, stint.currency), style=STYLE_WARNING)
            table.add_row(stint.metric, stint.period, stint.since.replace("T", " ")[:19], str(stint.runs),
                          value, change)
        make_console(sys.stdout, 100).print(table)


def _change(before: float | None, after: float | None, unit: Unit, currency: str) -> str:
    from crm_metrics.metrics.registry import Unit
    from crm_metrics.render.values import format_value

    if before is None or after is None:
        return f"restated from {format_value(before, unit, currency)}"
    delta = after - before
    sign = "+" if delta >= 0 else "-"
    if unit is Unit.RATIO:
        return f"restated {sign}{abs(delta) * 100:.1f} pp"
    return f"restated {sign}{format_value(abs(delta), unit, currency)}"
