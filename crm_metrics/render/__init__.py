"""Renderers: each turns one Report into one output format, registered by format name.

Text formats write to a text stream; xlsx is binary and writes to a byte stream (get_binary_renderer).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from crm_metrics.report import Report

Renderer = Callable[[Report, IO[str]], None]
BinaryRenderer = Callable[[Report, IO[bytes]], None]

FORMATS = ("table", "json", "csv", "xlsx", "md", "html")
BINARY_FORMATS = frozenset({"xlsx"})


def get_renderer(fmt: str) -> Renderer:
    """The renderer of a text format (table, json, csv, md, html), imported on first use."""
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
        case "md":
            from crm_metrics.render.markdown import render_markdown

            return render_markdown
        case "html":
            from crm_metrics.render.html import render_html

            return render_html
    raise ValueError(f"unknown text format {fmt!r}")


def get_binary_renderer(fmt: str) -> BinaryRenderer:
    """The renderer of a binary format (xlsx), imported on first use."""
    match fmt:
        case "xlsx":
            from crm_metrics.render.xlsx import render_xlsx

            return render_xlsx
    raise ValueError(f"unknown binary format {fmt!r}")
