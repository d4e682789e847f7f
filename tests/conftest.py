"""Shared test set-up: a fixed terminal width so rich output is stable, and the repo paths."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _stable_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)


@pytest.fixture
def on_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Act as if stdout were a terminal: the only place a command falls back to the bundled sample
    data without a config (CliRunner's stdout is not a tty)."""
    monkeypatch.setattr("crm_metrics.cli.common.stdout_is_terminal", lambda: True)
