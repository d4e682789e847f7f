"""`crm-metrics metrics`: every metric id with its group, unit, the tables it needs and one line on
what it means. Reads only the pandas-free spec (metrics/spec.py), so it answers instantly."""

from __future__ import annotations

import typer


def metrics() -> None:
    """List every metric id, its group, unit, the tables it needs and what it means."""
    from crm_metrics.metrics.registry import all_metrics

    rows = [("id", "group", "unit", "needs", "meaning")]
    for m in all_metrics():
        rows.append((m.id, m.group.value, m.unit.value, m.needs_text, m.summary))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        typer.echo("  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True))
                   + "  " + row[4])
