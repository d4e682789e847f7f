"""What every command shares: the --config option, loading the config or the sample data, and
turning a project error into one stderr line and its exit code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crm_metrics.errors import ConfigError, CrmMetricsError

if TYPE_CHECKING:
    from crm_metrics.config import Config

ConfigOption = Annotated[
    Path | None,
    # No dir_okay=False: click would print a boxed usage error; load_config says it in one line.
    typer.Option("--config", "-c",
                 help="YAML config. Default: ./crm-metrics.yaml, else the bundled sample data."),
]


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a CrmMetricsError into one line per problem on stderr and the error's exit code."""
    try:
        yield
    except CrmMetricsError as error:
        problems = error.problems if isinstance(error, ConfigError) else [str(error)]
        for line in problems:
            typer.echo(f"crm-metrics: error: {line}", err=True)
        raise typer.Exit(int(error.exit_code)) from None


def parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise ConfigError(f"{option} {value!r}: use a date like 2025-01-31") from None


def load_config_or_sample(path: Path | None, quiet: bool = False) -> Config:
    from crm_metrics.config import DEFAULT_CONFIG_NAME, load_config
    from crm_metrics.samples import sample_config

    if path is not None:
        return load_config(path)
    local = Path(DEFAULT_CONFIG_NAME)
    if local.exists():
        return load_config(local)
    if not quiet:
        typer.echo("crm-metrics: no --config and no ./crm-metrics.yaml: showing the bundled sample data.", err=True)
    return sample_config()
