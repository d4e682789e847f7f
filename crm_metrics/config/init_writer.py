"""The YAML text `crm-metrics init` writes from its table plans: commented, and checked to load."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from crm_metrics.config.model import parse_config
from crm_metrics.mapping.init_plan import RETENTION_WORDS, TablePlan, propose_spend_split


def render_config(plans: list[TablePlan], base: Path, skipped: list[str] | None = None) -> str:
    """The config text: paths relative to `base` (the config's folder), each table's notes as
    comments, the skipped files' reasons at the top."""
    lines = ["# crm-metrics config written by `crm-metrics init`. Check the guessed_columns (every report",
             "# marks them until you move them under columns:), then run:",
             "#   crm-metrics report --config <this file> [--verbose]",
             "# Definitions of every metric: crm-metrics metrics; keys: configs/example.yaml."]
    lines += [f"# Not included: {reason}" for reason in skipped or []]
    dates = [d for plan in plans for d in plan.dates]
    period, first, last = _period(dates)
    counts, symbols = _currency_counts(plans)
    currency = max(sorted(counts), key=lambda c: counts[c]) if counts else "USD"
    lines += [f"period: {period}", f"currency: {currency}  # the report currency"]
    for symbol, codes in symbols.items():
        # A "$" amount means the report currency when that currency writes "$" (metrics.md section
        # 1): which one is the user's to say, so the assumption is written where they will see it.
        lines.append(f"# Amounts written with {symbol!r} only are read as {currency}; if they are "
                     f"{' or '.join(c for c in codes if c != currency)}, set currency: to that code.")
    others = [c for c in sorted(counts) if c != currency]
    if others:
        # Rates are the user's to give: a made-up rate would be a silently wrong number.
        lines.append(f"# The exports also hold amounts in {', '.join(others)}: the report stops until you add")
        lines.append(f"# fx: {{{', '.join(f'{c}: <value of 1 {c} in {currency}>' for c in others)}}}")
    if first is not None:
        lines.append(f"range: {{from: {first.isoformat()}, to: {last.isoformat()}}}  # the first and last dates"
                     " in the exports, up to today")
    lines.append(f"metrics: [{', '.join(_init_metrics({plan.table: plan.given for plan in plans}))}]")
    lines += _spend_split(plans)
    lines.append("sources:")
    for plan in plans:
        lines.append(f"  {plan.table}:")
        lines += [f"    # {note}" for note in plan.notes]
        paths = [_relative(p, base) for p in plan.paths]
        path_text = _scalar(paths[0]) if len(paths) == 1 else "[" + ", ".join(_scalar(p) for p in paths) + "]"
        lines.append(f"    path: {path_text}")
        if plan.sheet is not None:
            lines.append(f"    sheet: {_scalar(plan.sheet)}")
        # Without columns: the preset reads the headers (guesses and gaps are listed beside it).
        if plan.preset and not plan.columns:
            lines.append(f"    preset: {plan.preset}")
        elif plan.preset:
            lines.append(f"    preset: {plan.preset}  # only for its stage, deal-type and score words")
        lines += _column_lines(plan)
        lines += _join_lines(plan, base)
    text = "\n".join(lines) + "\n"
    yaml.safe_load(text)  # what we write must at least be YAML
    return text


def _currency_counts(plans: list[TablePlan]) -> tuple[dict[str, int], dict[str, tuple[str, ...]]]:
    """Rows per currency code over the plans, and the shared symbols found ("$", "kr", "¥":
    parsers.SHARED_SYMBOLS, symbol -> the codes writing it). A symbol's rows count for a code of
    the exports that writes it, else for the symbol's first code (USD for "$"), so init never
    writes a symbol where the config wants a code."""
    from crm_metrics.clean.parsers import SHARED_SYMBOLS

    counts: dict[str, int] = {}
    for plan in plans:
        for code, rows in plan.currencies.items():
            counts[code] = counts.get(code, 0) + rows
    symbols = {s: SHARED_SYMBOLS[s] for s in counts if s in SHARED_SYMBOLS}
    for symbol, codes in symbols.items():
        rows = counts.pop(symbol)
        code = next((c for c in codes if c in counts), codes[0])
        counts[code] = counts.get(code, 0) + rows
    return counts, symbols


def _column_lines(plan: TablePlan) -> list[str]:
    """`columns:` (read by header name), the required fields init could not map as comments to fill
    in, and `guessed_columns:` (read from the values), which the user confirms by moving them."""
    lines = []
    if plan.columns or plan.missing:
        lines.append("    columns:  # canonical field: header in the export")
        lines += [f"      {name}: {_scalar(header)}" for name, header in plan.columns.items()]
        lines += [f"      # {name}: REQUIRED, not found: {why}" for name, why in plan.missing.items()]
    if plan.guessed:
        lines.append("    guessed_columns:  # guessed (values, a loose name): check each, then move it under columns:")
        lines += [f"      {name}: {_scalar(header)}" for name, header in plan.guessed.items()]
    return lines


def _join_lines(plan: TablePlan, base: Path) -> list[str]:
    """`join:`: the files init joins on the table's id (config.model.JoinConfig), each with why."""
    if not plan.joins:
        return []
    lines = ["    join:  # files joined on the id, not stacked: key is the header in the joined file"]
    for joined in plan.joins:
        lines.append(f"      # {joined.note}")
        lines.append(f"      - path: {_scalar(_relative(joined.path, base))}")
        if joined.sheet is not None:
            lines.append(f"        sheet: {_scalar(joined.sheet)}")
        lines.append(f"        key: {_scalar(joined.key)}")
        columns = ", ".join(f"{name}: {_scalar(header)}" for name, header in joined.columns.items())
        lines.append(f"        columns: {{{columns}}}")
        lines.append("        several: latest  # several rows of one key: the one with the latest date")
    return lines


def _spend_split(plans: list[TablePlan]) -> list[str]:
    """The spend categories found and the proposed acquisition / retention split: retention.categories
    written (CAC's default is every category but those, so a new category counts as acquisition),
    cac.categories as a comment to pin the acquisition list down."""
    categories: dict[str, int] = {}
    for plan in plans:
        for name, rows in plan.categories.items():
            categories[name] = categories.get(name, 0) + rows
    if not categories:
        return []
    acquisition, retention = propose_spend_split(list(categories))
    found = ", ".join(f"{name} ({rows:,} row{'' if rows == 1 else 's'})" for name, rows in categories.items())
    lines = [f"# Spend categories found: {found}.",
             f"# Proposed split (edit it): a category naming {', '.join(RETENTION_WORDS)} is retention",
             "# (retention_cost_per_customer); every other one is acquisition (CAC).",
             f"# cac: {{categories: [{', '.join(_scalar(c) for c in acquisition)}]}}"]
    if retention:
        lines.append(f"retention: {{categories: [{', '.join(_scalar(c) for c in retention)}]}}")
    else:
        lines.append("retention: {categories: []}  # no category reads as retention")
    return lines


def _period(dates: list[Any]) -> tuple[str, Any, Any]:
    # Periods that give a readable table for the data's span: at most ~13 months, 12 quarters.
    if not dates:
        return "quarter", None, None
    first, last = min(dates), max(dates)
    days = (last - first).days
    period = "month" if days <= 400 else "quarter" if days <= 3 * 366 else "year"
    return period, first, last


def _scalar(value: str) -> str:
    # JSON strings are valid YAML scalars and quote every awkward character.
    return json.dumps(value, ensure_ascii=False)


def _relative(path: Path, base: Path) -> str:
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(base))
    except ValueError:
        return str(resolved)


def check_runs(text: str, output: Path) -> None:
    """Validate the config we are about to write, so init never leaves a file that fails to load
    (ConfigError naming the problem: a bug in init, not the user's)."""
    parse_config(yaml.safe_load(text), origin=str(output), base_dir=output.resolve().parent)


def _init_metrics(given: dict[str, set[str]]) -> list[str]:
    """The metrics init writes for tables whose fields `given` (table -> the fields init maps, guessed
    ones and those the preset's durations give included; TablePlan.given): those the mapped columns
    allow (metrics.spec.allowed_by), the headline six of metrics.md section 3
    (config.model.DEFAULT_METRICS) first, then the rest in the spec's order. A metric that could
    only read n/a ("needs tickets.nps") is left out, so the list promises no number."""
    from crm_metrics.config.model import DEFAULT_METRICS
    from crm_metrics.metrics.spec import allowed_by

    allowed = [m.id for m in allowed_by(given)]
    return [m for m in DEFAULT_METRICS if m in allowed] + [m for m in allowed if m not in DEFAULT_METRICS]
