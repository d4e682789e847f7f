"""One self-contained HTML page: the table (one tbody per part of the catalogue, headed by the part
and its groups), an inline SVG line chart per metric under the same part headings, and the notes.

Nothing is fetched: the CSS is inline and the charts are SVG drawn here, so the file works offline,
attached to an e-mail or behind a strict content security policy.
"""

from __future__ import annotations

from html import escape
from math import ceil
from typing import IO

from crm_metrics.metrics.registry import Unit
from crm_metrics.render.values import format_value
from crm_metrics.render.view import MetricView, Tone, ValueView, View, build_view
from crm_metrics.report import Report

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1f2328;
  max-width:1300px}
h1{font-size:1.4rem;margin-bottom:.2rem} p.caption{color:#59636e;margin-top:0}
.scroll{overflow-x:auto;width:fit-content;max-width:100%;margin:1rem 0;border:1px solid #d1d9e0;border-radius:6px}
table{border-collapse:collapse}
th,td{padding:.35rem .8rem;border-bottom:1px solid #d1d9e0;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left;position:sticky;left:0;background:#fff}
thead th{border-bottom:2px solid #1f2328}
tr.group th{font-weight:normal;padding-left:1.8rem;color:#59636e} tr.group td{color:#424a53}
tr.split th{font-weight:600}
tr.part th{text-align:left;font-size:1.05rem;padding-top:.9rem;border-bottom:2px solid #1f2328}
tr.section th{text-align:left;font-style:italic;font-weight:600;color:#59636e}
.fn{font-size:.8em;color:#59636e;margin-left:.2em}
h3{font-size:1.05rem;margin:1rem 0 .5rem}
td.na,tr.group td.na{color:#8c959f} td.met{background:#dafbe1} td.missed{background:#ffebe9;font-weight:600}
.chg{font-size:.85em;margin-left:.4em;color:#59636e} .chg.better{color:#1a7f37} .chg.worse{color:#cf222e}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(400px,1fr));gap:1rem}
figure{margin:0;border:1px solid #d1d9e0;border-radius:6px;padding:.5rem}
figcaption{font-weight:600;margin-bottom:.3rem}
svg{max-width:100%;height:auto} svg text{font-size:11px;fill:#59636e} .notes{color:#59636e;font-size:.9rem}
details{color:#59636e;font-size:.9rem;margin-top:1rem} summary{cursor:pointer}
@page{size:landscape;margin:12mm}
@media print{
  body{margin:0;max-width:none;font-size:9pt}
  .scroll{overflow:visible;border:none}
  th,td{padding:.15rem .35rem} th:first-child,td:first-child{position:static}
  .chg{display:block;margin-left:0}
  tr{break-inside:avoid} h2{break-after:avoid}
  .charts{grid-template-columns:repeat(3,1fr);gap:.5rem} figure{break-inside:avoid}
  details{display:none}
}
"""

WIDTH, HEIGHT = 400, 180
LEFT, RIGHT, TOP, BOTTOM = 70, 30, 12, 28
LINE = "#0969da"
TARGET = "#cf222e"
# x-axis labels: 11px text is at most this wide per character, and labels keep this gap between them.
CHAR_PX, LABEL_GAP_PX = 6.5, 10
TONE_CLASSES = {Tone.BETTER: " better", Tone.WORSE: " worse", Tone.NEUTRAL: ""}
CHANGE_LEGEND = ("Changes: ↑ up, ↓ down, → unchanged, in % of the earlier value or in percentage points "
                 "(pp); green is better, red is worse")


def render_html(report: Report, out: IO[str]) -> None:
    """Write the report as one self-contained HTML page."""
    render_view(build_view(report), out)


def render_view(view: View, out: IO[str]) -> None:
    """Write the page for an already built View."""
    heading = escape(view.title)
    out.write(f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{heading}</title>\n'
              f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
              f"<style>{CSS}</style>\n</head>\n<body>\n<h1>{heading}</h1>\n"
              f'<p class="caption">{escape(view.caption)}</p>\n')
    out.write(_table(view))
    out.write("<h2>Trends</h2>\n")
    for part in view.sections:
        out.write(f'<h3>{escape(part.title)}</h3>\n<div class="charts">\n')
        for group in part.groups:
            for metric in group.metrics:
                out.write(_chart(view, metric))
        out.write("</div>\n")
    out.write(_notes(view))
    out.write("</body>\n</html>\n")


def _table(view: View) -> str:
    header = ["Metric", *view.columns] + (["Target"] if view.has_targets else [])
    parts = ['<div class="scroll">\n<table>\n<thead><tr>', *(f'<th scope="col">{escape(h)}</th>' for h in header),
             "</tr></thead>\n"]
    span = len(header)
    for part in view.sections:
        parts.append(f'<tbody>\n<tr class="part"><th scope="rowgroup" colspan="{span}">'
                     f"{escape(part.title)}</th></tr>\n")
        for group in part.groups:
            parts.append(f'<tr class="section"><th colspan="{span}">{escape(group.title)}</th></tr>\n')
            for metric in group.metrics:
                parts += _metric_rows(view, metric)
        parts.append("</tbody>\n")
    parts.append("</table>\n</div>\n")
    return "".join(parts)


def _metric_rows(view: View, metric: MetricView) -> list[str]:
    parts = []
    for row in metric.rows:
        css = ' class="group"' if row.group else ' class="split"' if metric.groups else ""
        parts.append(f'<tr{css}><th scope="row">{escape(row.label)}</th>')
        parts += [_cell(value) for value in row.values]
        if view.has_targets:
            shown = metric.target if metric.target and not row.group else ""
            parts.append(f"<td>{escape(shown)}</td>")
        parts.append("</tr>\n")
    return parts


def _cell(value: ValueView) -> str:
    if value.value is None:
        return f'<td class="na" title="{escape(value.reason or "")}">n/a [{value.footnote}]{_change(value)}</td>'
    css = "" if value.met is None else f' class="{"met" if value.met else "missed"}"'
    mark = "" if value.met is None else (" ✓" if value.met else " ✗")
    # The note of a value some inputs were left out of, marked as the n/a reasons are.
    note = ("" if value.footnote is None
            else f'<span class="fn" title="{escape(value.reason or "")}">{value.marker}</span>')
    return f"<td{css}>{escape(value.text)}{note}{mark}{_change(value)}</td>"


def _change(value: ValueView) -> str:
    change = value.change
    if change is None:
        return ""
    if change.delta is None:
        return f'<span class="chg" title="{escape(change.explained)}">·</span>'
    return (f'<span class="chg{TONE_CLASSES[change.tone]}" title="{escape(change.explained)}">'
            f"{escape(change.arrow + change.magnitude)}</span>")


def label_indexes(labels: list[str], plot_width: float) -> list[int]:
    """Which x-axis labels to draw so that none overlaps the next: evenly spaced, counted back from
    the latest period, which is always labelled."""
    if not labels:
        return []
    room = max(len(label) for label in labels) * CHAR_PX + LABEL_GAP_PX
    step = plot_width / max(len(labels) - 1, 1)
    every = max(1, ceil(room / step)) if len(labels) > 1 else 1
    last = len(labels) - 1
    return [i for i in range(len(labels)) if (last - i) % every == 0]


def _chart(view: View, metric: MetricView) -> str:
    """A line over the periods; n/a breaks the line, a target is a dashed red line."""
    unit = metric.unit
    values = [value.value for value in metric.total.values]
    known = [v for v in values if v is not None]
    figure = f'<figure>\n<figcaption>{escape(metric.label)}</figcaption>\n'
    if not known:
        return figure + '<p class="notes">n/a in every period shown</p>\n</figure>\n'
    bounds = known + [b for b in metric.bounds if b is not None]
    low, high = min(bounds), max(bounds)
    if unit is not Unit.SCORE:
        low = min(low, 0.0)  # amounts, counts and durations read best from zero
    if high == low:
        high = low + (abs(low) or 1.0)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(values) - 1, 1)

    def x(i: int) -> float:
        return LEFT + (i * step if len(values) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return TOP + plot_h * (high - v) / (high - low)

    svg = [f'<svg role="img" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
           f'aria-label="{escape(metric.label)} by {view.period}">']
    svg.append(f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="#d1d9e0"/>')
    for tick in (low, high):
        svg.append(f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">'
                   f"{escape(format_value(tick, unit, view.currency))}</text>")
        svg.append(f'<line x1="{LEFT}" y1="{y(tick):.1f}" x2="{WIDTH - RIGHT}" y2="{y(tick):.1f}" '
                   f'stroke="#eaeef2"/>')
    for bound in metric.bounds:
        if bound is not None:
            svg.append(f'<line class="target" x1="{LEFT}" y1="{y(bound):.1f}" x2="{WIDTH - RIGHT}" '
                       f'y2="{y(bound):.1f}" stroke="{TARGET}" stroke-dasharray="4 3"/>')
    for segment in _segments(values):
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in segment)
        svg.append(f'<polyline points="{points}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    for i, value in enumerate(metric.total.values):
        if value.value is not None:
            svg.append(f'<circle cx="{x(i):.1f}" cy="{y(value.value):.1f}" r="3" fill="{LINE}">'
                       f"<title>{escape(view.columns[i])}: {escape(value.text)}</title></circle>")
    for i in label_indexes(view.columns, plot_w):
        svg.append(f'<text class="x" x="{x(i):.1f}" y="{HEIGHT - 8}" text-anchor="middle">'
                   f"{escape(view.columns[i])}</text>")
    svg.append("</svg>")
    return figure + "".join(svg) + "\n</figure>\n"


def _segments(values: list[float | None]) -> list[list[tuple[int, float]]]:
    """Runs of consecutive known values; a single point still gets its circle."""
    segments: list[list[tuple[int, float]]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            if segments[-1]:
                segments.append([])
        else:
            segments[-1].append((i, value))
    return [s for s in segments if len(s) > 1]


def _notes(view: View) -> str:
    lines = [view.not_split] if view.not_split else []
    lines += [f"[{f.number}] {f.text}" for f in view.footnotes]
    if view.has_targets:
        lines.append("Targets: ✓ met (green), ✗ missed (red); dashed red lines in the charts")
    if view.compare:
        lines.append(CHANGE_LEGEND)
    lines += [f"Note: {notice}" for notice in view.notices]
    lines += view.quality
    items = "".join(f"<li>{escape(line)}</li>\n" for line in lines)
    how = [f"<p>{escape(view.computed_from)}</p>\n<ul>\n"]
    for mapping in view.how:
        fields = "".join(f"<li>{escape(line)}</li>" for line in mapping.lines)
        how.append(f"<li>{escape(mapping.heading)}<ul>{fields}</ul></li>\n")
    how.append("</ul>\n")
    return (f'<h2>Notes and data quality</h2>\n<ul class="notes">\n{items}</ul>\n'
            f'<details>\n<summary>How this was computed</summary>\n{"".join(how)}</details>\n')
