"""click's own usage errors (a missing argument, an unknown option or command, a bad option value)
are one `crm-metrics: error:` line with exit 2 that says where the help is, not a boxed usage screen;
the help itself and --version still work."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from crm_metrics.cli.app import app

runner = CliRunner()


@pytest.mark.parametrize(("args", "expected"), [
    (["explain"], "Missing argument 'ID'; see `crm-metrics explain --help`"),
    (["init"], "Missing argument 'EXPORT'; see `crm-metrics init --help`"),
    (["nope"], "No such command 'nope'; see `crm-metrics --help`"),
    (["report", "--top", "0"], "Invalid value for '--top'"),
    (["report", "--forma", "json"], "No such option: --forma"),
    (["explain", "close_rate", "extra"], "Got unexpected extra argument(s) (extra)"),
])
def test_usage_error_is_one_line_exit_2(args: list[str], expected: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("crm-metrics: error: ") and expected in lines[0], lines[0]
    assert lines[0].endswith("--help`")
    assert result.stdout == ""


def test_help_and_version_are_unchanged() -> None:
    result = runner.invoke(app, ["report", "--help"])
    assert result.exit_code == 0 and "--output" in result.stdout
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("crm-metrics ")
    # No command at all shows the help (no_args_is_help), not a one-line error.
    result = runner.invoke(app, [])
    assert "Commands" in result.output and "crm-metrics: error" not in result.output


def test_a_command_error_keeps_its_own_exit_code() -> None:
    # typer.Exit from inside a command (here: exit 2 of a config error) passes through unchanged.
    result = runner.invoke(app, ["report", "--period", "week"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "crm-metrics: error: --period 'week': choose month, quarter or year"


def test_init_usage_names_the_exports_once() -> None:
    # typer writes a required argument as {NAME} and adds "..." for several; a metavar that had its
    # own "..." read `{EXPORT...}...`.
    result = runner.invoke(app, ["init", "--help"])
    assert result.exit_code == 0
    # typer 0.28 (the declared minimum) leaves out the trailing "..." that later versions add.
    assert result.stdout.splitlines()[0] in ("Usage: crm-metrics init [OPTIONS] {EXPORT}...",
                                             "Usage: crm-metrics init [OPTIONS] {EXPORT}")
