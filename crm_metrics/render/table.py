"""The terminal table (rich), laid out from the report's View: the catalogue's part headings (in
capitals) with their group headings ("Sales:") under them, one row per metric (its --by groups
indented under it), one column per period, oldest left, each change beside its value, footnote
markers on n/a cells and on values computed without some inputs.

It fits the terminal: when every period does not fit, the latest ones that do are shown and a note
says how many are hidden and how to see them. Colour and box drawing follow render.console's rule.
"""

from __future__ import annotations

from typing import IO

from rich import box
from rich.table import Table
from rich.text import Text

from crm_metrics.render.console import (
    STYLE_BETTER,
    STYLE_GROUP_LABEL,
    STYLE_HEADER,
    STYLE_MET,
    STYLE_METRIC,
    STYLE_MISSED,
    STYLE_NA,
    STYLE_PART,
    STYLE_SECTION,
    STYLE_WARNING,
    STYLE_WORSE,
    Terminal,
    natural_width,
    note,
    print_page,
    terminal,
)
from crm_metrics.render.view import ChangeView, MetricView, Tone, ValueView, View, build_view
from crm_metrics.report import Report

SPARK_BLOCKS = "▁▂▃▄▅▆▇█"
SPARK_PLAIN = "_.,-=+*#"  # the same eight levels in ASCII, for pipes and files
MIN_TREND = 2
LABEL_MAX = 36
TONE_STYLES = {Tone.BETTER: STYLE_BETTER, Tone.WORSE: STYLE_WORSE, Tone.NEUTRAL: ""}


def render_table(report: Report, out: IO[str], width: int | None = None) -> None:
    """Print the report as a table that fits `width` (default: the terminal's; piped: unlimited)."""
    render_view(build_view(report), out, width)


def render_view(view: View, out: IO[str], width: int | None = None) -> None:
    """Print an already built View as a table that fits `width`."""
    term = terminal(out, width)
    shown, table = view, _table(view, term)
    if term.width is not None:
        # Widest first: all periods, then one fewer from the oldest end, down to the latest alone.
        for count in range(len(view.columns), 0, -1):
            shown = view.latest(count)
            table = _table(shown, term)
            if natural_width(table) <= term.width:
                break
    print_page(out, term, table, _notes(shown))


def _table(view: View, term: Terminal) -> Table:
    # A trend of one character says nothing the number beside it does not.
    trend = len(view.columns) >= MIN_TREND
    table = Table(
        title=view.title,
        min_width=len(view.title),  # one narrow column must not wrap the title
        box=box.SIMPLE_HEAVY if term.fancy else None,
        show_edge=False,
        collapse_padding=term.fancy,  # the box already puts a space between columns: a period more fits
        header_style=STYLE_HEADER,
        title_justify="center" if term.fancy else "left",
        pad_edge=False,
    )
    # Within a width, a long group name (an owner's team, a campaign) is cut with "…" rather than
    # letting rich squeeze the numbers.
    label_width = LABEL_MAX if term.width is not None else None
    table.add_column("Metric", style=STYLE_METRIC if term.fancy else None, no_wrap=True, overflow="ellipsis",
                     max_width=label_width)
    for label in view.columns:
        table.add_column(label, justify="right", no_wrap=True)
    if trend:
        table.add_column("Trend", no_wrap=True)
    blank = [""] * (len(view.columns) + (1 if trend else 0))
    for part in view.sections:
        if table.rows:
            table.rows[-1].end_section = True
        table.add_row(Text(part.title.upper(), style=STYLE_PART), *blank)
        for group in part.groups:
            table.add_row(Text(f"{group.title}:", style=STYLE_SECTION), *blank)
            for metric in group.metrics:
                _metric_rows(table, metric, term, trend)
    return table


def _metric_rows(table: Table, metric: MetricView, term: Terminal, trend: bool) -> None:
    for row in metric.rows:
        name = Text(f"  {row.label}", style=STYLE_GROUP_LABEL) if row.group else Text(row.label)
        cells: list[Text | str] = [name, *(_cell(value, term) for value in row.values)]
        if trend:
            cells.append(sparkline([value.value for value in row.values], term.fancy))
        table.add_row(*cells)
    if metric.groups:
        table.rows[len(table.rows) - len(metric.rows)].end_section = True  # the total row
        table.rows[-1].end_section = True


def _cell(value: ValueView, term: Terminal) -> Text:
    if value.value is None:
        text = Text(value.shown, style=STYLE_NA)
    elif value.met is None:
        text = Text(value.shown)
    else:
        # `+` met, `!` missed: ASCII, so it survives cron mail.
        text = Text(f"{value.shown} +", style=STYLE_MET) if value.met else Text(f"{value.shown} !", style=STYLE_MISSED)
    if value.change is not None:
        text.append(" ")
        text.append_text(change_text(value.change, term.fancy))
    return text


def change_text(change: ChangeView, fancy: bool) -> Text:
    """The change as an arrow (terminal) or a sign (plain) and a number, green when better."""
    if change.delta is None:
        return Text("·" if fancy else "", style=STYLE_NA)
    shown = change.arrow + change.magnitude if fancy else change.signed
    return Text(shown, style=TONE_STYLES[change.tone])


def _notes(view: View) -> list[Text]:
    notes = [note(view.caption)]
    if view.hidden_note:
        notes.append(note(view.hidden_note, STYLE_WARNING))
    if view.not_split:
        notes.append(note(view.not_split))
    notes += [note(f"[{f.number}] {f.text}") for f in view.footnotes]
    if view.targets:
        notes.append(note("Targets: " + "; ".join(view.targets) + " (+ met, ! missed)"))
    notes += [note(f"Note: {notice}", STYLE_WARNING) for notice in view.notices]
    notes += [note(line) for line in [*view.quality, *view.detected]]
    return notes


def sparkline(values: list[float | None], unicode: bool = True) -> str:
    """One character per period, scaled between the row's lowest and highest value; n/a is a space."""
    levels = SPARK_BLOCKS if unicode else SPARK_PLAIN
    known = [v for v in values if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    chars = []
    for value in values:
        if value is None:
            chars.append(" ")
        elif high == low:
            chars.append(levels[len(levels) // 2 - 1])
        else:
            chars.append(levels[round((value - low) / (high - low) * (len(levels) - 1))])
    return "".join(chars)
