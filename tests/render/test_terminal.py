"""The terminal rule (render/console.py): colour only on a terminal and never with NO_COLOR set
(https://no-color.org); box drawing and arrows on any terminal; plain ASCII when piped. And the
history table fits the terminal too."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest

from crm_metrics.history import Stint
from crm_metrics.render.console import terminal
from crm_metrics.render.history import render_history
from crm_metrics.render.table import render_table
from tests.export_fixture import full_report

COLOUR = re.compile(r"\x1b\[(3\d|9\d)(;\d+)*m")  # a foreground colour, not bold/dim/italic


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("tty", "no_color", "fancy", "colour"), [
    (True, None, True, True),
    (True, "", True, True),  # no-color.org: an empty NO_COLOR does not count
    (True, "1", True, False),
    (False, None, False, False),
])
def test_the_rule(monkeypatch: pytest.MonkeyPatch, tty: bool, no_color: str | None, fancy: bool,
                  colour: bool) -> None:
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    term = terminal(Terminal() if tty else io.StringIO())
    assert (term.fancy, term.colour) == (fancy, colour)


def test_no_color_keeps_the_box_and_arrows_and_drops_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    out = Terminal()
    render_table(full_report(), out)
    text = out.getvalue()
    assert "━" in text and "↓5.0 pp" in text
    assert not COLOUR.search(text)
    monkeypatch.delenv("NO_COLOR")
    coloured = Terminal()
    render_table(full_report(), coloured)
    assert COLOUR.search(coloured.getvalue())


def test_piped_table_is_plain_ascii_apart_from_the_data() -> None:
    out = io.StringIO()
    render_table(full_report(), out)
    text = out.getvalue()
    assert "\x1b" not in text and "━" not in text and "↓" not in text
    assert "-5.0 pp" in text


def _stints() -> list[Stint]:
    since = datetime(2025, 7, 1, 2, tzinfo=UTC).isoformat()
    rows = []
    for metric, unit, value in (("marketing_sourced_revenue_pct", "ratio", 0.25),
                                ("customer_lifetime_years", "years", 4.5), ("cac", "currency", 123_456.0)):
        for quarter in ("2025-Q1", "2025-Q2"):
            rows.append(Stint(metric, "quarter", quarter, unit, "USD", value, None, since, 3, None, False))
            rows.append(Stint(metric, "quarter", quarter, unit, "USD", value * 1.1, None, since, 1, value, True))
    rows.append(Stint("cac", "quarter", "2025-Q3", "currency", "USD", None,
                      "no new customers in the quarter, so the spend has nothing to divide by", since, 2, None,
                      False))
    return rows


@pytest.mark.parametrize("width", [80, 100, 200])
def test_history_fits_and_cuts_no_value(width: int) -> None:
    out = io.StringIO()
    render_history(_stints(), "/var/lib/crm/history.db", out, width=width)
    lines = out.getvalue().splitlines()
    assert max(len(line) for line in lines) <= width
    text = out.getvalue()
    # every value whole: 123,456 restated by +10 % to 135,801.60 and its change
    assert "$123,456" in text and "$135,802" in text and "restated +$12,346" in text
    assert "restated +2.5 pp" in text and "n/a [1]" in text
    assert "[1] no new customers in the quarter" in " ".join(text.split())


def test_history_piped_keeps_the_metric_on_every_line() -> None:
    out = io.StringIO()
    render_history(_stints(), "h.db", out)
    rows = [line for line in out.getvalue().splitlines() if line.startswith("cac ")]
    assert len(rows) == 5
    assert rows[-1].split()[-2:] == ["n/a", "[1]"]


def test_history_without_restatements_has_no_change_column() -> None:
    out = io.StringIO()
    render_history([s for s in _stints() if not s.restated], "h.db", out)
    header = out.getvalue().splitlines()[1]
    assert header.split() == ["Metric", "Period", "Since", "(UTC)", "Runs", "Value"]
