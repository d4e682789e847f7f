"""The command line: the typer app and its commands, one module each under crm_metrics/cli/.

Commands import pandas and the pipeline inside their bodies, so `crm-metrics --help` starts fast.
Personal data from CRM rows never appears in a traceback (pretty_exceptions_show_locals=False).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from crm_metrics.cli import common
from crm_metrics.cli import explain as explain_command
from crm_metrics.cli import history as history_command
from crm_metrics.cli import init as init_command
from crm_metrics.cli import metrics as metrics_command
from crm_metrics.cli import report as report_command
from crm_metrics.cli import validate as validate_command


class _OneLineUsageErrors(common.PlainFlags, TyperGroup):
    """click's usage errors (a missing argument, an unknown option, a bad option value) as one
    `crm-metrics: error:` line and exit 2, like every other error, instead of a boxed usage screen."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, windows_expand_args: bool = True,
             **extra: Any) -> Any:
        extra["windows_expand_args"] = windows_expand_args
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except typer.Abort:
            typer.echo("Aborted!", err=True)
            sys.exit(1)
        except typer.TyperException as error:
            # NoArgsIsHelpError is how `crm-metrics` alone shows the help (exit 2). Rich help (a
            # terminal) was printed while the error was made and left it no text; plain help (a pipe,
            # common.PlainFlags) is its text, which typer's rich error handler would drop.
            if type(error).__name__ == "NoArgsIsHelpError":
                text = str(error.format_message())
                if text:
                    try:
                        typer.echo(text)
                    except BrokenPipeError:
                        common.stdout_closed()
                sys.exit(int(getattr(error, "exit_code", 2)))
            if not hasattr(error, "format_message"):
                return super().main(args, prog_name, complete_var, standalone_mode=True, **extra)
            message = " ".join(str(error.format_message()).split()).rstrip(".")
            context = getattr(error, "ctx", None)
            command = context.command_path if context is not None else "crm-metrics"
            typer.echo(f"crm-metrics: error: {message}; see `{command} --help`", err=True)
            sys.exit(int(getattr(error, "exit_code", 2)))
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    name="crm-metrics",
    cls=_OneLineUsageErrors,
    help="CRM and help-desk metrics (CAC, CLV, close rate, renewal rate, support times) from any export.",
    pretty_exceptions_show_locals=False,
    no_args_is_help=True,
    add_completion=False,
    # The callback's docstring is hidden by help=, so the exit codes go in the epilog cron users see.
    epilog="Exit codes: 0 ok, 1 runtime error, 2 usage or config error, 3 a target missed "
           "(report --fail-on-target), 4 data problems found (validate, report --strict).",
)


def _version(value: bool) -> None:
    if value:
        from crm_metrics import __version__

        typer.echo(f"crm-metrics {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show the Python traceback of an internal error "
                                        "(or set CRM_METRICS_DEBUG=1).")] = False,
) -> None:
    """CRM and help-desk metrics from any CRM export."""
    common.set_debug(debug)
    # A terminal or pipe whose encoding lacks a character (PYTHONIOENCODING=ascii and a € amount)
    # shows it as "?" rather than ending the report in an encoding error (README, "Output").
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")


app.command("report", cls=common.Command)(report_command.report)
app.command("history", cls=common.Command)(history_command.history)
app.command("metrics", cls=common.Command)(metrics_command.metrics)
app.command("explain", cls=common.Command)(explain_command.explain)
app.command("init", cls=common.Command)(init_command.init)
app.command("validate", cls=common.Command)(validate_command.validate)


def main() -> None:
    app(prog_name="crm-metrics")


if __name__ == "__main__":  # pragma: no cover
    main()
