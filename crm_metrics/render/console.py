"""The terminal: the one rule on colour and box drawing, the style constants, and fitting rich tables
into the terminal's width. Every rich import of the package is here, in table.py or in history.py.

The rule (README "Output" says the same):
- stdout a terminal: box drawing, arrows, block sparklines, bold and dim, and colour;
- NO_COLOR set to anything but "" (https://no-color.org): the same without colour; NO_COLOR is
  about colour only, so the box, the arrows, bold and dim stay;
- stdout a pipe or a file (cron mail, grep, diff): plain ASCII-aligned text, no escape codes at all.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from typing import IO

from rich.console import Console, RenderableType
from rich.measure import Measurement
from rich.text import Text

STYLE_NA = "dim"
STYLE_HEADER = "bold"
STYLE_METRIC = "cyan"
STYLE_GROUP_LABEL = ""
STYLE_PART = "bold"  # a part of the catalogue: BUSINESS PERFORMANCE
STYLE_SECTION = "italic"  # a group of metrics under it: Sales:
STYLE_NOTE = "dim"
STYLE_WARNING = "yellow"
STYLE_MET = "green"
STYLE_MISSED = "bold red"
STYLE_BETTER = "green"
STYLE_WORSE = "red"
STYLE_RESTATED = "yellow"

# Below this a table is not shrunk further: rich would squeeze numbers to "…", which hides them.
NARROWEST = 40


@dataclass(frozen=True)
class Terminal:
    """What the output stream can show."""

    fancy: bool  # box drawing, arrows, block sparklines, bold and dim: stdout is a terminal
    colour: bool  # ANSI colours: a terminal, and NO_COLOR unset or empty
    width: int | None  # columns to fit into; None when piped: lines are as long as their content


def terminal(out: IO[str], width: int | None = None) -> Terminal:
    """Decide, in one place, what `out` gets. An explicit `width` (tests, callers that know better)
    wins over the terminal's own (rich reads the terminal and $COLUMNS)."""
    tty = out.isatty()
    colour = tty and not os.environ.get("NO_COLOR")
    if width is None and tty:
        width = Console(file=out).width
    return Terminal(fancy=tty, colour=colour, width=None if width is None else max(width, NARROWEST))


def natural_width(renderable: RenderableType) -> int:
    """How many columns `renderable` takes when nothing limits it (a table's edge padding included,
    which trailing-space trimming would miss)."""
    console = Console(file=io.StringIO(), width=10_000, no_color=True, force_terminal=False, emoji=False,
                      highlight=False)
    return Measurement.get(console, console.options, renderable).maximum


def print_page(out: IO[str], term: Terminal, body: RenderableType, notes: list[Text]) -> None:
    """Print a table and its notes: on a terminal the notes wrap once, at the terminal's width; piped,
    each note stays one line and no line carries trailing spaces."""
    width = term.width if term.width is not None else max(natural_width(body), 1)
    target: IO[str] = out if term.fancy else io.StringIO()
    console = Console(file=target, width=width, no_color=not term.colour, force_terminal=term.fancy,
                      highlight=False, emoji=False, soft_wrap=False)
    console.print(body)
    for note in notes:
        console.print(note, soft_wrap=term.width is None)
    if not term.fancy:
        assert isinstance(target, io.StringIO)
        out.write("".join(line.rstrip() + "\n" for line in target.getvalue().splitlines()))


def note(text: str, style: str = STYLE_NOTE) -> Text:
    """One line below a table, dim unless told otherwise."""
    return Text(text, style=style)

