"""One self-contained HTML page: the table, an inline SVG line chart per metric and the notes.

Nothing is fetched: the CSS is inline and the charts are SVG drawn here, so the file works offline,
attached to an e-mail or behind a strict content security policy.
"""

from __future__ import annotations

from html import escape
from typing import IO

from crm_metrics.metrics.registry import Unit
from crm_metrics.metrics.targets import Target, status, target_of
from crm_metrics.render.shared import caption, footnotes, quality_lines, title
from crm_metrics.render.values import format_value
from crm_metrics.report import MetricResult, Report

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1f2328;
  max-width:1300px}
h1{font-size:1.4rem;margin-bottom:.2rem} p.caption{color:#59636e;margin-top:0}
table{border-collapse:collapse;margin:1rem 0}
th,td{padding:.35rem .8rem;border-bottom:1px solid #d1d9e0;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left} thead th{border-bottom:2px solid #1f2328}
td.na{color:#8c959f} td.met{background:#dafbe1} td.missed{background:#ffebe9;font-weight:600}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(400px,1fr));gap:1rem}
figure{margin:0;border:1px solid #d1d9e0;border-radius:6px;padding:.5rem}
figcaption{font-weight:600;margin-bottom:.3rem}
svg text{font-size:11px;fill:#59636e} .notes{color:#59636e;font-size:.9rem}
"""

WIDTH, HEIGHT = 400, 180
LEFT, RIGHT, TOP, BOTTOM = 70, 30, 12, 28
LINE = "#0969da"
TARGET = "#cf222e"


def render_html(report: Report, out: IO[str]) -> None:
    heading = escape(title(report))
    out.write(f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{heading}</title>\n'
              f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
              f"<style>{CSS}</style>\n</head>\n<body>\n<h1>{heading}</h1>\n"
              f'<p class="caption">{escape(caption(report))}</p>\n')
    out.write(_table(report))
    out.write('<h2>Trends</h2>\n<div class="charts">\n')
    for result in report.metrics:
        out.write(_chart(report, result))
    out.write("</div>\n")
    out.write(_notes(report))
    out.write("</body>\n</html>\n")


def _table(report: Report) -> str:
    notes = footnotes(report)
    has_targets = any(target_of(report, r) for r in report.metrics)
    header = ["Metric", *report.labels] + (["Target"] if has_targets else [])
    parts = ["<table>\n<thead><tr>", *(f'<th scope="col">{escape(h)}</th>' for h in header), "</tr></thead>\n<tbody>\n"]
    for result in report.metrics:
        unit = result.metric.unit
        parts.append(f'<tr><th scope="row">{escape(result.metric.label)}</th>')
        for label in report.labels:
            cell = result.cells[label]
            if cell.value is None:
                reason = cell.note or "not computable"
                parts.append(f'<td class="na" title="{escape(reason)}">n/a [{notes[reason]}]</td>')
                continue
            met = status(report, result, label)
            css = "" if met is None else f' class="{"met" if met else "missed"}"'
            mark = "" if met is None else (" ✓" if met else " ✗")
            parts.append(f"<td{css}>{escape(format_value(cell.value, unit, report.currency))}{mark}</td>")
        target = target_of(report, result)
        if has_targets:
            parts.append(f"<td>{escape(target.describe(unit, report.currency)) if target else ''}</td>")
        parts.append("</tr>\n")
    parts.append("</tbody>\n</table>\n")
    return "".join(parts)


def _chart(report: Report, result: MetricResult) -> str:
    """A line over the periods; n/a breaks the line, a target is a dashed red line."""
    unit = result.metric.unit
    values = [result.cells[label].value for label in report.labels]
    target = target_of(report, result)
    known = [v for v in values if v is not None]
    figure = f'<figure>\n<figcaption>{escape(result.metric.label)}</figcaption>\n'
    if not known:
        return figure + '<p class="notes">n/a in every period shown</p>\n</figure>\n'
    bounds = known + [b for b in _bounds(target) if b is not None]
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
           f'aria-label="{escape(result.metric.label)} by {report.period.value}">']
    svg.append(f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="#d1d9e0"/>')
    for tick in (low, high):
        svg.append(f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">'
                   f"{escape(format_value(tick, unit, report.currency))}</text>")
        svg.append(f'<line x1="{LEFT}" y1="{y(tick):.1f}" x2="{WIDTH - RIGHT}" y2="{y(tick):.1f}" '
                   f'stroke="#eaeef2"/>')
    for bound in _bounds(target):
        if bound is not None:
            svg.append(f'<line class="target" x1="{LEFT}" y1="{y(bound):.1f}" x2="{WIDTH - RIGHT}" '
                       f'y2="{y(bound):.1f}" stroke="{TARGET}" stroke-dasharray="4 3"/>')
    for segment in _segments(values):
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in segment)
        svg.append(f'<polyline points="{points}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    for i, value in enumerate(values):
        if value is not None:
            shown = escape(format_value(value, unit, report.currency))
            svg.append(f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="3" fill="{LINE}">'
                       f"<title>{escape(report.labels[i])}: {shown}</title></circle>")
    label_every = max(1, len(values) // 8)  # keep month labels from overlapping on long ranges
    for i, label in enumerate(report.labels):
        if i % label_every == 0 or i == len(values) - 1:
            svg.append(f'<text x="{x(i):.1f}" y="{HEIGHT - 8}" text-anchor="middle">{escape(label)}</text>')
    svg.append("</svg>")
    return figure + "".join(svg) + "\n</figure>\n"


def _bounds(target: Target | None) -> tuple[float | None, float | None]:
    return (None, None) if target is None else (target.min, target.max)


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


def _notes(report: Report) -> str:
    lines = [f"[{number}] {note}" for note, number in footnotes(report).items()]
    if any(target_of(report, r) for r in report.metrics):
        lines.append("Targets: ✓ met (green), ✗ missed (red); dashed red lines in the charts")
    lines += [f"Note: {notice}" for notice in report.notices]
    lines += quality_lines(report)
    items = "".join(f"<li>{escape(line)}</li>\n" for line in lines)
    return f'<h2>Notes and data quality</h2>\n<ul class="notes">\n{items}</ul>\n'
