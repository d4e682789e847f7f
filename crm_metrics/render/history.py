"""The `crm-metrics history` table: each value a metric held for a period, and the run it came from.

Piped, one table with the metric on every line (so `grep close_rate` keeps whole rows). On a
terminal too narrow for that, the metric becomes a heading over its own rows, which keeps every
value whole at 80 columns. n/a reasons are footnotes, so a long reason never widens the table.
"""

from __future__ import annotations

from typing import IO

from rich.console import Group
from rich.table import Table
from rich.text import Text

from crm_metrics.history import Stint
from crm_metrics.metrics.registry import Unit
from crm_metrics.render.console import (
    STYLE_HEADER,
    STYLE_METRIC,
    STYLE_NA,
    STYLE_RESTATED,
    Terminal,
    natural_width,
    note,
    print_page,
    terminal,
)
from crm_metrics.render.values import format_value

COLUMNS = ("Metric", "Period", "Since (UTC)", "Runs", "Value", "Change")
RIGHT_ALIGNED = frozenset({"Runs", "Value", "Change"})


def render_history(rows: list[Stint], source: str, out: IO[str], width: int | None = None) -> None:
    """Print `rows` (from history.stints) read from the database `source`, fitting `width` (default:
    the terminal's; piped: unlimited)."""
    term = terminal(out, width)
    footnotes: dict[str, int] = {}
    cells = [_cells(stint, footnotes) for stint in rows]
    columns: tuple[str, ...] = COLUMNS
    if not any(stint.restated for stint in rows):
        # Nothing restated: an empty Change column would only widen the table.
        columns, cells = COLUMNS[:-1], [row[:-1] for row in cells]
    title = f"Run history: {source}"
    body: Table | Group = _table(title, cells, columns, term)
    if term.width is not None and natural_width(body) > term.width:
        body = _by_metric(title, cells, columns, term)
    notes = [note(f"[{number}] {reason}") for reason, number in footnotes.items()]
    print_page(out, term, body, notes)


def _cells(stint: Stint, footnotes: dict[str, int]) -> list[Text]:
    unit = Unit(stint.unit)
    if stint.value is None:
        number = footnotes.setdefault(stint.note or "not computable", len(footnotes) + 1)
        value = Text(f"n/a [{number}]", style=STYLE_NA)
    else:
        value = Text(format_value(stint.value, unit, stint.currency))
    change = Text(restated(stint.previous, stint.value, unit, stint.currency) if stint.restated else "",
                  style=STYLE_RESTATED)
    return [Text(stint.metric), Text(stint.period), Text(stint.since.replace("T", " ")[:19]),
            Text(str(stint.runs)), value, change]


def _table(title: str | None, rows: list[list[Text]], columns: tuple[str, ...], term: Terminal) -> Table:
    table = Table(title=title, title_justify="left", header_style=STYLE_HEADER, box=None, pad_edge=False)
    for name in columns:
        table.add_column(name, justify="right" if name in RIGHT_ALIGNED else "left", no_wrap=True)
    for row in rows:
        table.add_row(*row)
    return table


def _by_metric(title: str, rows: list[list[Text]], columns: tuple[str, ...], term: Terminal) -> Group:
    """One heading per metric over a table of its rows, the columns as wide in every table."""
    parts: list[Table | Text] = [Text(title)]
    header = [Text(c) for c in columns]
    widths = [max(len(row[i].plain) for row in [header, *rows]) for i in range(1, len(columns))]
    metrics = list(dict.fromkeys(row[0].plain for row in rows))
    for metric in metrics:
        table = _table(None, [row[1:] for row in rows if row[0].plain == metric], columns[1:], term)
        for column, width in zip(table.columns, widths, strict=True):
            column.min_width = width
        parts += [Text(metric, style=STYLE_METRIC if term.fancy else ""), table]
    return Group(*parts)


def restated(before: float | None, after: float | None, unit: Unit, currency: str) -> str:
    """How a restated value moved: "restated +1.2 pp", or from what when one side is n/a."""
    if before is None or after is None:
        return f"restated from {format_value(before, unit, currency)}"
    delta = after - before
    sign = "+" if delta >= 0 else "-"
    if unit is Unit.RATIO:
        return f"restated {sign}{abs(delta) * 100:.1f} pp"
    return f"restated {sign}{format_value(abs(delta), unit, currency)}"
