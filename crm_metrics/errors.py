"""The project's exceptions, and the exit code each one stands for.

Every error a user can cause is one of these; cli.py turns them into a single stderr line and the
exit code, so no other module prints errors or calls sys.exit.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    RUNTIME_ERROR = 1
    USAGE = 2
    TARGET_MISSED = 3
    DATA_PROBLEMS = 4


class CrmMetricsError(Exception):
    """Base class: a problem the user can fix, with a message that says how."""

    exit_code: ExitCode = ExitCode.RUNTIME_ERROR


class ConfigError(CrmMetricsError):
    """The YAML config (or a command-line option) is wrong."""

    exit_code = ExitCode.USAGE

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or [message]
        super().__init__(message)


class InputError(CrmMetricsError):
    """An export file is missing, unreadable or lacks a required column."""

    exit_code = ExitCode.USAGE
