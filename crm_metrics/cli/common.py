"""What every command shares: the --config option, loading the config or the sample data, and
turning a project error into one stderr line and its exit code."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer.exceptions import TyperException

from crm_metrics.errors import ConfigError, CrmMetricsError, ExitCode

if TYPE_CHECKING:
    from crm_metrics.config.model import Config

ConfigOption = Annotated[
    Path | None,
    # No dir_okay=False: load_config says "is a directory" in one line instead of a usage box.
    typer.Option("--config", "-c",
                 help="YAML config. Default: ./crm-metrics.yaml, else the bundled sample data."),
]


_debug = False


def set_debug(value: bool) -> None:
    global _debug
    _debug = value


def debug_enabled() -> bool:
    return _debug or os.environ.get("CRM_METRICS_DEBUG", "") not in ("", "0")


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a CrmMetricsError into one line per problem on stderr and the error's exit code; any
    other exception is a bug, shown as one line unless --debug asks for the traceback."""
    try:
        yield
    except CrmMetricsError as error:
        # One line per problem: a message that quotes a library's multi-line text is folded.
        problems = error.problems if isinstance(error, ConfigError) else [" ".join(str(error).split())]
        for line in problems:
            typer.echo(f"crm-metrics: error: {line}", err=True)
        raise typer.Exit(int(error.exit_code)) from None
    except (typer.Exit, typer.Abort, TyperException):
        raise
    except BrokenPipeError:
        # The reader stopped reading (`| head`): the usual end of a pipe, not a failure. stdout
        # goes to /dev/null from here, so Python's last flush at exit cannot fail on it again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0) from None
    except Exception as error:
        if debug_enabled():
            raise
        detail = f"{type(error).__name__}: {error}".splitlines()[0][:200]
        typer.echo(f"crm-metrics: internal error: {detail} (run with --debug for details)", err=True)
        raise typer.Exit(int(ExitCode.RUNTIME_ERROR)) from None


def parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise ConfigError(f"{option} {value!r}: use a date like 2025-01-31") from None


def load_config_or_sample(path: Path | None, quiet: bool = False) -> Config:
    from crm_metrics.config.model import DEFAULT_CONFIG_NAME, load_config
    from crm_metrics.samples import sample_config

    if path is not None:
        return load_config(path)
    local = Path(DEFAULT_CONFIG_NAME)
    if local.exists():
        return load_config(local)
    if not quiet:
        typer.echo("crm-metrics: no --config and no ./crm-metrics.yaml: showing the bundled sample data.", err=True)
    return sample_config()
