"""What every command shares: the --config option, loading the config or the sample data, help
that shows flags as flags, and turning a project error into stderr lines and its exit code (the one
place the CLI maps errors to exit codes: each CrmMetricsError carries its own, errors.py)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperCommand
from typer.exceptions import TyperException

from crm_metrics.errors import ConfigError, CrmMetricsError, ExitCode

if TYPE_CHECKING:
    import click

    from crm_metrics.config.model import Config

ConfigOption = Annotated[
    Path | None,
    # No dir_okay=False: load_config says "is a directory" in one line instead of a usage box.
    typer.Option("--config", "-c",
                 help="YAML config. Default: ./crm-metrics.yaml; on a terminal without one, the bundled "
                      "sample data."),
]


_debug = False


def set_debug(value: bool) -> None:
    global _debug
    _debug = value


def debug_enabled() -> bool:
    return _debug or os.environ.get("CRM_METRICS_DEBUG", "") not in ("", "0")


def stdout_closed() -> None:
    """The reader stopped reading (`| head`): the usual end of a pipe, not a failure. stdout goes to
    /dev/null from here, so Python's last flush at exit cannot fail on it again."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


class PlainFlags:
    """Mixin for typer's command and group classes: a boolean flag takes no value, so its help shows
    no `<bool>` type (typer's rich help shows one, which made users try `--quiet true`); help that
    is not for a terminal is click's plain text, without rich's boxes; and help piped into a reader
    that stops early (`--help | head -1`) ends with 0, as a report does."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if sys.stdout.isatty():
            super().format_help(ctx, formatter)  # type: ignore[misc]
            return
        # typer formats plain help when the command has no markup mode; rich would also end a
        # closed pipe with its own exit 1 (Console.on_broken_pipe).
        markup = getattr(self, "rich_markup_mode", None)
        self.rich_markup_mode = None
        try:
            super().format_help(ctx, formatter)  # type: ignore[misc]
        finally:
            self.rich_markup_mode = markup

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # --help prints while the arguments are parsed; typer's main would turn the closed pipe
        # into exit 1.
        try:
            result: list[str] = super().parse_args(ctx, args)  # type: ignore[misc]
        except BrokenPipeError:
            stdout_closed()
            ctx.exit(0)
        return result

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        params: list[click.Parameter] = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if getattr(param, "is_flag", False) and param.metavar is None:
                # An empty metavar is what typer's help shows in the type column.
                param.metavar = ""
        return params


class Command(PlainFlags, TyperCommand):
    """Every crm-metrics command (app.py registers them with cls=Command)."""


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a CrmMetricsError into stderr lines (its details, then one `error:` line per problem)
    and the error's exit code; any other exception is a bug, shown as one line unless --debug asks
    for the traceback. A reader that closes the pipe early (`| head`) ends the command with 0."""
    try:
        yield
    except CrmMetricsError as error:
        for line in error.details:
            typer.echo(f"crm-metrics: {line}", err=True)
        for line in error.problems:
            typer.echo(f"crm-metrics: error: {line}", err=True)
        raise typer.Exit(int(error.exit_code)) from None
    except (typer.Exit, typer.Abort, TyperException):
        raise
    except BrokenPipeError:
        stdout_closed()
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


MetricsOption = Annotated[str | None, typer.Option(
    help="Comma-separated metric ids or group names, e.g. close_rate,cac or sales,crm_use; all for every "
         "metric.")]


def parse_metrics(metrics: str | None) -> tuple[str, ...] | None:
    """The metric ids of a --metrics value (ids, group or part names, "all"; metrics/spec.py
    expand_selection), None when the option was not given. Unknown ids are kept for the API to
    refuse with a suggestion; ConfigError for a value naming none."""
    if metrics is None:
        return None
    ids = tuple(m.strip() for m in metrics.split(",") if m.strip())
    if not ids:
        raise ConfigError(f"--metrics {metrics!r}: no metric id; give some, e.g. --metrics close_rate,cac "
                          "(list: crm-metrics metrics)")
    from crm_metrics.metrics.spec import SPECS, expand_selection

    return tuple(m.id for m in SPECS) if ids == ("all",) else expand_selection(ids)


def find_config(path: Path | None) -> Path | None:
    """--config when given, else ./crm-metrics.yaml when it exists, else None."""
    from crm_metrics.config.model import DEFAULT_CONFIG_NAME

    if path is not None:
        return path
    local = Path(DEFAULT_CONFIG_NAME)
    return local if local.exists() else None


NO_CONFIG = "no config: run `crm-metrics init EXPORT...` or pass --config"


def stdout_is_terminal() -> bool:
    """Whether a person is reading stdout (tests replace this to act as a terminal)."""
    return sys.stdout.isatty()


def load_config_or_sample(path: Path | None, quiet: bool = False) -> Config:
    """The config at --config or ./crm-metrics.yaml; else, when stdout is a terminal, the bundled
    sample data (Config.sample_data is True), saying so on stderr unless `quiet`.

    Raises ConfigError (exit 2) for a config that does not load, and NO_CONFIG when there is no
    config and stdout is not a terminal: from cron or a pipe, made-up numbers would be published as
    real ones (../shared/metrics.md section 5)."""
    from crm_metrics.config.model import load_config

    found = find_config(path)
    if found is not None:
        return load_config(found)
    if not stdout_is_terminal():
        raise ConfigError(NO_CONFIG)
    from crm_metrics.samples import sample_config

    if not quiet:
        typer.echo("crm-metrics: no --config and no ./crm-metrics.yaml: showing the bundled sample data.", err=True)
    return sample_config()
