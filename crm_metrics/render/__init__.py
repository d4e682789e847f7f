"""Renderers: each turns one Report into one output format, registered by format name."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from crm_metrics.report import Report

Renderer = Callable[[Report, IO[str]], None]

FORMATS = ("table", "json", "csv")


def get_renderer(fmt: str) -> Renderer:
    match fmt:
        case "table":
            from crm_metrics.render.table import render_table

            return render_table
        case "json":
            from crm_metrics.render.machine import render_json

            return render_json
        case "csv":
            from crm_metrics.render.machine import render_csv

            return render_csv
    raise ValueError(f"unknown format {fmt!r}")
