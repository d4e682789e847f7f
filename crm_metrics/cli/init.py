"""`crm-metrics init EXPORT...`: look at each export and write a commented config that runs as is.

Each file is sniffed (encoding, delimiter, header row, rows around the table), matched to the canonical
table it resembles and to the preset that fits it best. A vendor preset that finds every required
field is used as `preset:`; otherwise the detected header map is written out under `columns:` so the
user sees and can correct every choice. A required field no header names is guessed from the values
(a date column for a date, a number column for an amount) and marked GUESS in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from crm_metrics.cli.common import user_errors

if TYPE_CHECKING:
    import pandas as pd

_MAIN_TABLES = ("deals", "tickets", "customers")


@dataclass
class Plan:
    """What init decided for one table, and the comments that explain it."""

    table: str
    paths: list[Path]
    sheet: str | None
    preset: str | None
    columns: dict[str, str]
    notes: list[str] = field(default_factory=list)
    dates: list[Any] = field(default_factory=list)
    currencies: dict[str, int] = field(default_factory=dict)  # code -> rows
    headers: list[str] = field(default_factory=list)


def init(
    # No dir_okay=False: a folder is refused in one line (_check_paths) instead of a usage box.
    exports: Annotated[list[Path], typer.Argument(help="Export files (CSV or xlsx) from your CRM or help desk.",
                                                  metavar="EXPORT...")],
    output: Annotated[Path, typer.Option("--output", "-o",
                                         help="Where to write the config.")] = Path("crm-metrics.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite the output file if it exists.")] = False,
) -> None:
    """Sniff exports and write a commented crm-metrics.yaml that runs at once."""
    with user_errors():
        from crm_metrics.errors import ConfigError, ExitCode
        from crm_metrics.render.output import atomic_write

        exports = _expand(exports)
        _check_paths(exports, output)
        if output.exists() and not force:
            raise ConfigError(f"{output}: already exists; pass --force to overwrite it or --output another file")
        plans, skipped = plan_config(exports)
        if not plans:
            for reason in skipped:
                typer.echo(f"crm-metrics: error: {reason}", err=True)
            raise typer.Exit(int(ExitCode.USAGE))
        text = render_config(plans, output.resolve().parent, skipped)
        _check_runs(text, output)
        atomic_write(output, lambda handle: handle.write(text.encode("utf-8")))
        for plan in plans:
            how = f"{len(plan.columns)} detected columns" if plan.columns else f"preset {plan.preset}"
            typer.echo(f"{plan.table}: {', '.join(p.name for p in plan.paths)} ({how})")
        for reason in skipped:
            typer.echo(f"crm-metrics: skipped {reason}", err=True)
        typer.echo(f"wrote {output}; run: crm-metrics report --config {output}")


def _expand(exports: list[Path]) -> list[Path]:
    """A quoted pattern ("exports/*.csv", or any pattern on Windows, whose shell does not expand it)
    names the files it matches."""
    import glob

    from crm_metrics.errors import InputError

    out: list[Path] = []
    for path in exports:
        if path.exists() or not glob.has_magic(str(path)):
            out.append(path)
            continue
        matches = sorted(Path(m) for m in glob.glob(str(path)) if Path(m).is_file())
        if not matches:
            raise InputError(f"{path}: no file matches this pattern; check the folder and the pattern")
        out += matches
    return out


def _check_paths(exports: list[Path], output: Path) -> None:
    """Typos in paths stop init before any file is read; a file that is read but not recognised is
    only skipped (plan_config)."""
    from crm_metrics.errors import ConfigError, InputError
    from crm_metrics.render.output import check_output_path

    for path in exports:
        if path.is_dir():
            raise InputError(f"{path}: is a folder; give the export files in it, e.g. crm-metrics init "
                             f"{path / '*.csv'}")
        if not path.exists():
            raise InputError(f"{path}: file not found; check the path")
    if output.is_dir():
        raise ConfigError(f"--output {output}: is a folder; give a file name such as "
                          f"{output / 'crm-metrics.yaml'}")
    check_output_path(output)


def plan_config(exports: list[Path]) -> tuple[list[Plan], list[str]]:
    """A plan per table, and for each file init could not use, why (naming the file)."""
    from crm_metrics.errors import InputError

    plans: dict[str, Plan] = {}
    skipped: list[str] = []
    for path in dict.fromkeys(exports):  # the same file named twice is read once
        try:
            plan = _plan_file(path)
        except InputError as exc:
            # One unrecognised file must not cost the user the config for the others.
            skipped.append(" ".join(str(exc).split()))
            continue
        if plan.table in plans:
            known = plans[plan.table]
            # Same headers, not just the same map: RavenStack's accounts, subscriptions and churn
            # events all map customer_id <- account_id with one preset, but are three tables.
            if known.columns != plan.columns or known.preset != plan.preset or known.headers != plan.headers:
                skipped.append(f"{path}: looks like a second {plan.table} export with different columns from "
                               f"{known.paths[0]}; run init on it alone with another --output")
                continue
            known.paths.append(path)
            known.dates += plan.dates
            continue
        plans[plan.table] = plan
    return list(plans.values()), skipped


def _plan_file(path: Path) -> Plan:
    from crm_metrics.errors import InputError
    from crm_metrics.io.files import read_table, sheet_names
    from crm_metrics.io.sniff import fit_presets, guess_tables
    from crm_metrics.mapping.columns import map_columns
    from crm_metrics.schema import TABLES, FieldKind

    candidates = []
    sheets: list[str | None] = list(sheet_names(path)) or [None]
    for sheet in sheets:
        raw = read_table(path, sheet)
        headers = [str(h) for h in raw.columns]
        guesses = [g for g in guess_tables(headers) if g.table in _MAIN_TABLES]
        candidates.append((guesses[0], sheet, raw, headers))
    best, sheet, raw, headers = max(candidates, key=lambda c: (c[0].required_found / c[0].required, c[0].matched))
    table = best.table
    if best.required_found == 0:
        raise InputError(f"{path}: no header names a required field of a deals, tickets or customers table; "
                         "it does not look like a CRM or help-desk export init knows; add it under sources: by "
                         "hand (see configs/example.yaml)")
    notes = [f"{path.name}{f' [sheet {sheet}]' if sheet else ''}: {len(raw):,} rows; header on line "
             f"{raw.attrs.get('header_row', 1)}; {raw.attrs.get('skipped_rows', 0)} title/blank/total rows skipped",
             f"looks like a {table} table ({best.matched} headers name {table} fields)"]
    fits = fit_presets(table, headers)
    notes.append("preset fit: " + ", ".join(f"{f.preset} {f.matched}/{f.listed}" for f in fits[:4]))
    preset: str | None = None
    columns: dict[str, str] = {}
    read: dict[str, str] = {}
    top = fits[0] if fits else None
    # A vendor preset that lists few columns can fit "2/2" while header detection reads more (Zoho's
    # customers list only the id and name; RavenStack's accounts also have signup_date): use the
    # preset only when no other reads more headers. A preset that finds only the required fields
    # ("Customer ID" in IBM Telco's file) is no sign of that vendor, so the caption would mislead.
    most = max((f.matched for f in fits), default=0)
    if (top is not None and top.required_ok and top.preset != "generic" and top.matched >= most
            and top.matched > len(TABLES[table].required)):
        try:
            column_map = map_columns(TABLES[table], headers, {}, "init", str(path), preset=top.preset)
            preset, read = top.preset, dict(column_map.fields)
            notes.append("headers read: " + ", ".join(f"{k} <- {v}" for k, v in read.items()))
        except InputError:
            preset = None
    if preset is None:
        columns, preset = _detected(table, headers, raw, path, notes)
        read = columns
    plan = Plan(table, [path], sheet, preset, columns, notes, headers=sorted(headers))
    for name, header in read.items():
        if TABLES[table].kind(name) is FieldKind.DATE and not header.startswith("="):
            plan.dates += _dates(raw[header])
    plan.currencies = _currencies(raw, read)
    return plan


def _currencies(raw: pd.DataFrame, read: dict[str, str]) -> dict[str, int]:
    """Rows per currency, from a currency column or codes inside the amount cells ("EUR 1.200,50")."""
    from crm_metrics.clean.parsers import currency_in_text

    if "currency" in read and read["currency"] in raw.columns:
        codes = raw[read["currency"]].astype("string").str.strip().str.upper()
    elif "amount" in read and read["amount"] in raw.columns:
        codes = currency_in_text(raw[read["amount"]])
    else:
        return {}
    return {str(k): int(v) for k, v in codes.dropna().value_counts().items()}


def _detected(table: str, headers: list[str], raw: pd.DataFrame, path: Path,
              notes: list[str]) -> tuple[dict[str, str], str | None]:
    from crm_metrics.errors import InputError
    from crm_metrics.mapping.columns import detect_columns, header_key
    from crm_metrics.schema import TABLES, FieldKind

    schema = TABLES[table]
    by_name = {f: h for f in schema.fields for h in headers if header_key(h) == header_key(f)}
    try:
        found, words = detect_columns(table, [h for h in headers if h not in by_name.values()], str(path), by_name)
    except InputError as exc:
        raise InputError(f"{exc}; then map it in the config by hand") from None
    columns = {**found, **by_name}
    for name, found_header in list(columns.items()):
        if not _values_fit(raw[found_header], schema.kind(name)):
            del columns[name]
            notes.append(f"ignored '{found_header}' for {name}: most of its values are not "
                         f"{'dates' if schema.kind(name) is FieldKind.DATE else 'numbers'}")
    for name in schema.required:
        if name in columns:
            continue
        header = _guess_by_values(raw, schema.kind(name), set(columns.values()), unique=name == schema.id_field)
        if header is None and name == "created_at" and "closed_at" in columns:
            # Only a close date (Olist's won_date): the deal counts from its close; sales cycles read 0.
            header = columns["closed_at"]
        if header is None:
            if name == "stage" and any(header_key(h).startswith("won") for h in headers):
                # A "won_date" and no stage: a list of closed-won deals (Olist's closed deals).
                columns[name] = "=Won"
                notes.append("GUESS: stage = Won for every row (no stage column; the file lists won deals)")
                continue
            raise InputError(f"{path}: no column can be {table}.{name}; map it under sources.{table}.columns")
        columns[name] = header
        notes.append(f"GUESS: {name} <- '{header}' (no header named like it; chosen from the values, check it)")
    return columns, words


def _values_fit(values: pd.Series, kind: Any) -> bool:
    """Whether a column found by its header holds what the field needs (a "Resolved" Y/N is no date)."""
    from crm_metrics.clean.parsers import parse_amounts, parse_dates
    from crm_metrics.schema import FieldKind

    sample = values.dropna().head(200)
    if sample.empty or kind not in (FieldKind.DATE, FieldKind.AMOUNT, FieldKind.NUMBER):
        return True
    parsed = parse_dates(sample, "UTC") if kind is FieldKind.DATE else parse_amounts(sample)
    return parsed.bad <= len(sample) / 2


def _guess_by_values(raw: pd.DataFrame, kind: Any, used: set[str], unique: bool) -> str | None:
    from crm_metrics.clean.parsers import parse_amounts, parse_dates
    from crm_metrics.schema import FieldKind

    for header in raw.columns:
        if header in used:
            continue
        values = raw[header].dropna()
        if values.empty:
            continue
        if unique:
            if values.is_unique:
                return str(header)
            continue
        sample = values.head(200)
        # Only columns that look like dates are parsed: free text such as hex ids is not a date.
        looks_dated = sample.astype("string").str.match(r"\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}").fillna(False).all()
        if kind is FieldKind.DATE and looks_dated and parse_dates(sample, "UTC").bad == 0:
            return str(header)
        if kind is FieldKind.AMOUNT and parse_amounts(sample).bad == 0:
            return str(header)
    return None


def _dates(values: pd.Series) -> list[Any]:
    from crm_metrics.clean.parsers import parse_dates

    parsed = parse_dates(values, "UTC").values.dropna()
    return [] if parsed.empty else [parsed.min().date(), parsed.max().date()]


def render_config(plans: list[Plan], base: Path, skipped: list[str] | None = None) -> str:
    import yaml

    lines = ["# crm-metrics config written by `crm-metrics init`. Check the GUESS lines, then run:",
             "#   crm-metrics report --config <this file> [--verbose]",
             "# Definitions of every metric: crm-metrics metrics; keys: configs/example.yaml."]
    lines += [f"# Not included: {reason}" for reason in skipped or []]
    dates = [d for plan in plans for d in plan.dates]
    period, first, last = _period(dates)
    counts: dict[str, int] = {}
    for plan in plans:
        for code, rows in plan.currencies.items():
            counts[code] = counts.get(code, 0) + rows
    currency = max(sorted(counts), key=lambda c: counts[c]) if counts else "USD"
    lines += [f"period: {period}", f"currency: {currency}  # the report currency"]
    others = [c for c in sorted(counts) if c != currency]
    if others:
        # Rates are the user's to give: a made-up rate would be a silently wrong number.
        lines.append(f"# The exports also hold amounts in {', '.join(others)}: the report stops until you add")
        lines.append(f"# fx: {{{', '.join(f'{c}: <value of 1 {c} in {currency}>' for c in others)}}}")
    if first is not None:
        lines.append(f"range: {{from: {first.isoformat()}, to: {last.isoformat()}}}  # the data's first and last"
                     " create dates")
    metrics = [m for plan in plans for m in _init_metrics(plan.table)]
    lines.append(f"metrics: [{', '.join(dict.fromkeys(metrics))}]")
    lines.append("sources:")
    for plan in plans:
        lines.append(f"  {plan.table}:")
        lines += [f"    # {note}" for note in plan.notes]
        paths = [_relative(p, base) for p in plan.paths]
        path_text = _scalar(paths[0]) if len(paths) == 1 else "[" + ", ".join(_scalar(p) for p in paths) + "]"
        lines.append(f"    path: {path_text}")
        if plan.sheet is not None:
            lines.append(f"    sheet: {_scalar(plan.sheet)}")
        if plan.preset and not plan.columns:
            lines.append(f"    preset: {plan.preset}")
        elif plan.preset:
            lines.append(f"    preset: {plan.preset}  # only for its stage, deal-type and score words")
        if plan.columns:
            lines.append("    columns:  # canonical field: header in the export")
            for name, header in plan.columns.items():
                lines.append(f"      {name}: {_scalar(header)}")
    text = "\n".join(lines) + "\n"
    yaml.safe_load(text)  # what we write must at least be YAML
    return text


def _period(dates: list[Any]) -> tuple[str, Any, Any]:
    if not dates:
        return "quarter", None, None
    first, last = min(dates), max(dates)
    days = (last - first).days
    period = "month" if days <= 400 else "quarter" if days <= 3 * 366 else "year"
    return period, first, last


def _scalar(value: str) -> str:
    import json

    # JSON strings are valid YAML scalars and quote every awkward character.
    return json.dumps(value, ensure_ascii=False)


def _relative(path: Path, base: Path) -> str:
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(base))
    except ValueError:
        return str(resolved)


def _check_runs(text: str, output: Path) -> None:
    """Validate the config we are about to write, so init never leaves a file that fails to load."""
    import yaml

    from crm_metrics.config.model import parse_config

    parse_config(yaml.safe_load(text), origin=str(output), base_dir=output.resolve().parent)


def _init_metrics(table: str) -> list[str]:
    """The metrics init writes for an export of `table`: those spec.py marks in_init_config that the
    table alone can compute, in the spec's order."""
    from crm_metrics.metrics.spec import allowed_by

    return [m.id for m in allowed_by({table}) if m.in_init_config]
