"""The project's exceptions, and the exit code each one stands for.

Every error a user can cause is one of these; cli/common.py `user_errors` turns them into stderr
lines and the exit code, so no other module prints errors or calls sys.exit.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crm_metrics.checks import Validation
    from crm_metrics.report import TableQuality


class ExitCode(IntEnum):
    OK = 0
    RUNTIME_ERROR = 1
    USAGE = 2
    TARGET_MISSED = 3
    DATA_PROBLEMS = 4


class CrmMetricsError(Exception):
    """Base class: a problem the user can fix, with a message that says how.

    `problems` is one line per problem (by default the message); `details` are lines of context
    shown before them (the data problems behind a --strict stop)."""

    exit_code: ExitCode = ExitCode.RUNTIME_ERROR

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or [" ".join(message.split())]
        self.details: list[str] = []
        super().__init__(message)


class ConfigError(CrmMetricsError):
    """The YAML config (or a command-line option) is wrong."""

    exit_code = ExitCode.USAGE

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message, problems)
        # The config's own problem lists are shown as written, one per line.
        self.problems = problems or [message]


class InputError(CrmMetricsError):
    """An export file is missing, unreadable or lacks a required column."""

    exit_code = ExitCode.USAGE


class DataProblemsError(CrmMetricsError):
    """Strict mode (`report --strict`, api.report(strict=True)) found data problems: no metrics.

    `validation` is the checks' full result; `quality` what reading each table did (its column
    map, for --verbose); `details` has one line per problem kind."""

    exit_code = ExitCode.DATA_PROBLEMS

    def __init__(self, validation: Validation, quality: dict[str, TableQuality] | None = None,
                 command: str = "crm-metrics validate") -> None:
        super().__init__(f"--strict: data problems found, no metrics printed; run `{command}` for the rows")
        self.validation = validation
        self.quality = quality or {}
        self.details = [f"{p.table}: {p.count:,} {p.message}" for p in validation.problems]
