"""What `crm-metrics init` decides from a few exports: which canonical table each file is, and which
header (or, failing that, which column's values) gives each field.

Each file is sniffed (encoding, delimiter, header row, rows around the table), matched to the canonical
table it resembles and to the preset that fits it best. A vendor preset that finds every required
field is used as `preset:`; otherwise the detected header map is kept, so the written config shows
the user every choice. A required field no header names is guessed from the values (a date column
for a date, a number column for an amount), and a header only loosely named like a field (a preset's
guessed_columns: Olist's declared_monthly_revenue) is a guess too: both go under `guessed_columns:`,
apart from the fields read by their headers, so every report marks them until the user confirms them.
One header is never read for two fields: a required field whose only candidate another field already
reads is left unmapped (TablePlan.missing) for the user to map.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crm_metrics.clean.durations import is_seconds_field
from crm_metrics.clean.parsers import currency_in_text, parse_amounts, parse_dates
from crm_metrics.errors import InputError
from crm_metrics.io.files import read_table, sheet_names
from crm_metrics.io.sniff import fit_presets, guess_tables
from crm_metrics.mapping.columns import detect_columns, header_key, is_loose, map_columns, values_fit
from crm_metrics.schema import TABLES, FieldKind

# The seed catalogue's tables are taken only when a file names every required field: their few
# fields share words with the main tables (Olist's closed deals have an mql_id and a won_date).
_CATALOGUE_TABLES = ("leads", "activities", "stage_changes")


@dataclass
class TablePlan:
    """What init decided for one table, and the comments that explain it."""

    table: str
    paths: list[Path]
    sheet: str | None
    preset: str | None
    columns: dict[str, str]  # canonical field -> export header; empty when the preset reads them
    notes: list[str] = field(default_factory=list)  # written as comments above the source
    dates: list[Any] = field(default_factory=list)  # first and last date (datetime.date) of each column
    # Each file's date and amount columns under their field names, until _date_range has dated them.
    frames: list[pd.DataFrame] = field(default_factory=list, repr=False)
    currencies: dict[str, int] = field(default_factory=dict)  # code -> rows
    headers: list[str] = field(default_factory=list)
    # Field -> header (or "=value" for every row) guessed from the values or a loose name, not read
    # from a header that says what it is: written under guessed_columns: for the user to confirm.
    guessed: dict[str, str] = field(default_factory=dict)
    # Required fields with no column of their own: field -> why, written as comments to fill in.
    missing: dict[str, str] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)  # spend category -> rows, most rows first
    # Optional fields most of the table's metrics cannot do without (_IMPORTANT) that no column
    # gives: field -> what that costs, said on screen and as a comment so the gap is not silent.
    unread: dict[str, str] = field(default_factory=dict)
    # Every field the file gives (mapped, guessed, or from the preset's durations), and those the
    # joins add: what decides the metrics list (config.init_writer._init_metrics).
    given: set[str] = field(default_factory=set)
    unused: list[str] = field(default_factory=list)  # headers no field reads
    joins: list[JoinPlan] = field(default_factory=list)  # files joined on this table's id (sources.X.join)


@dataclass
class JoinPlan:
    """A file init joins onto a table's rows by key (config.model.JoinConfig) instead of stacking it."""

    path: Path
    sheet: str | None
    key: str  # the key's header in the joined file
    columns: dict[str, str]  # canonical field of the target table -> header in the joined file
    note: str  # why, for the comment and the screen


def expand_exports(exports: list[Path]) -> list[Path]:
    """The paths, with a quoted pattern ("exports/*.csv", or any pattern on Windows, whose shell does
    not expand it) replaced by the files it matches; InputError when a pattern matches none."""
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


def check_exports(exports: list[Path]) -> tuple[list[Path], list[str]]:
    """The exports that are files, and one line for each path that is not (missing, a folder):
    a typo in one path must not cost the user the config for the others. InputError (every line
    in its problems) when no path is a file."""
    usable: list[Path] = []
    skipped: list[str] = []
    for path in exports:
        if path.is_dir():
            skipped.append(f"{path}: is a folder; give the export files in it, e.g. crm-metrics init "
                           f"{path / '*.csv'}")
        elif not path.exists():
            skipped.append(f"{path}: file not found; check the path")
        else:
            usable.append(path)
    if not usable:
        raise InputError(skipped[0], problems=skipped)
    return usable, skipped


def plan_config(exports: list[Path]) -> tuple[list[TablePlan], list[str]]:
    """A plan per table, and for each file init could not use, why (one line naming the file).

    A file that shares its key column with a table's id column and gives that table a field it
    lacks is joined onto it (TablePlan.joins, propose_join) instead of being skipped as a second
    export of the table or written as a table that cannot run. Reads every file whole
    (io.files.read_table); raises nothing for an unrecognised file."""
    plans: dict[str, TablePlan] = {}
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
                joined = propose_join(known, plan)
                if joined is not None:
                    known.joins.append(joined)
                    known.given |= set(joined.columns)
                    continue
                skipped.append(f"{path}: looks like a second {plan.table} export with different columns from "
                               f"{known.paths[0]}; run init on it alone with another --output")
                continue
            known.paths.append(path)
            known.frames += plan.frames
            continue
        plans[plan.table] = plan
    for table, plan in list(plans.items()):
        # A file that cannot be a table of its own (Olist's closed deals: no create date) may still
        # give another table a field on a shared key (the leads' conversion date).
        if not plan.missing:
            continue
        for target in [t for t in plans.values() if t is not plan]:
            joined = propose_join(target, plan)
            if joined is not None:
                joined.note += f"; not a {table} table of its own ({', '.join(plan.missing)} not found)"
                target.joins.append(joined)
                target.given |= set(joined.columns)
                del plans[table]
                break
    for plan in plans.values():
        _date_range(plan)
    return list(plans.values()), skipped


# A field of one table that another table's field stands for, in a file listing only won deals:
# the won deal's close date is its lead's conversion date (metrics.md section 1, leads).
_TRANSLATED = {("leads", "deals"): {"converted_at": "closed_at"}}
# Share of the joined file's keys that must be ids of the target: two exports that merely both
# have an "id" column are not one table.
_MIN_KEY_MATCH = 0.5


def propose_join(target: TablePlan, other: TablePlan) -> JoinPlan | None:
    """`other` joined onto `target`'s rows when it has a column named as `target`'s id column, at
    least half its keys are ids of `target`, and it gives `target` a field `target` lacks (its
    own map for the same table, or _TRANSLATED's for another: Olist's closed deals give leads
    converted_at); None when nothing fits. Reads both key columns."""
    schema = TABLES[target.table]
    mapped = {**target.columns, **target.guessed}
    id_header = mapped.get(schema.id_field or "")
    if id_header is None or id_header.startswith("="):
        return None
    key = next((h for h in other.headers if header_key(h) == header_key(id_header)), None)
    if key is None:
        return None
    theirs = {**other.columns, **other.guessed}
    if other.table == target.table:
        gives = {name: theirs[name] for name in theirs if name != schema.id_field}
    else:
        won_only = theirs.get("stage") == "=Won"
        gives = {name: theirs[via] for name, via in _TRANSLATED.get((target.table, other.table), {}).items()
                 if won_only and via in theirs}
    gives = {name: header for name, header in gives.items()
             if name not in mapped and not header.startswith("=") and header != key}
    if not gives:
        return None
    ids = _keys(target.paths[0], target.sheet, id_header)
    theirs_keys = _keys(other.paths[0], other.sheet, key)
    if not len(theirs_keys) or theirs_keys.isin(ids).mean() < _MIN_KEY_MATCH:
        return None
    repeats = int(theirs_keys.duplicated().sum())
    several = f"; {repeats:,} repeated {key} rows: the latest date is kept" if repeats else ""
    joined = JoinPlan(other.paths[0], other.sheet, key, gives,
                      f"{other.paths[0].name} joined on {key} ({', '.join(f'{n} <- {h}' for n, h in gives.items())})"
                      f"{several}")
    return joined


def _keys(path: Path, sheet: str | None, header: str) -> pd.Series:
    """The trimmed, non-blank cells of one column."""
    # Only that column: init compares every pair of files, and a wide export read whole for one
    # key column each time is most of its run.
    values = read_table(path, sheet, usecols=[header])[header].dropna().astype("string").str.strip()
    return values[values != ""]


def _plan_file(path: Path) -> TablePlan:
    candidates = []
    sheets: list[str | None] = list(sheet_names(path)) or [None]
    for sheet in sheets:
        raw = read_table(path, sheet)
        headers = [str(h) for h in raw.columns]
        guesses = [g for g in guess_tables(headers) if _evidence(g.table, headers)
                   and (g.table not in _CATALOGUE_TABLES or g.required_found == g.required)]
        if guesses:
            candidates.append((guesses[0], sheet, raw, headers))
    if not candidates:
        raise InputError(_unplaced(path, sheets))
    best, sheet, raw, headers = max(candidates, key=lambda c: (c[0].required_found / c[0].required, c[0].matched))
    table = best.table
    if best.required_found == 0:
        raise InputError(_unplaced(path, sheets))
    notes = [f"{path.name}{f' [sheet {sheet}]' if sheet else ''}: {len(raw):,} rows; header on line "
             f"{raw.attrs.get('header_row', 1)}; {raw.attrs.get('skipped_rows', 0)} title/blank/total rows skipped",
             f"looks like a {table} table ({best.matched} headers name {table} fields)"]
    fits = fit_presets(table, headers)
    notes.append("preset fit: " + ", ".join(f"{f.preset} {f.matched}/{f.listed}" for f in fits[:4]))
    preset: str | None = None
    columns: dict[str, str] = {}
    found_by_values = Guesses()
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
            # A loose name the generic synonyms read beside the preset is a guess: written under
            # guessed_columns: and said as one, like any other (metrics.md: no guess shown as fact).
            for name, header in column_map.guessed.items():
                found_by_values.fields[name] = header
                notes.append(f"GUESS: {name} <- '{header}' (a loose name for it; check it)")
            notes.append("headers read: " + ", ".join(f"{k} <- {v}" for k, v in read.items()
                                                        if k not in column_map.guessed))
        except InputError:
            preset = None
    if preset is None:
        columns, preset = _detected(table, headers, raw, path, notes, found_by_values)
        read = {**columns, **found_by_values.fields}
    plan = TablePlan(table, [path], sheet, preset, columns, notes, headers=sorted(headers),
                     guessed=found_by_values.fields, missing=found_by_values.missing)
    # The date and amount columns under their fields, and the stage and status that tell an open
    # deal's expected close date from a real one: the range is dated once the table's files are
    # known, with the layout the report decides from all of them (_date_range).
    plan.frames = [pd.DataFrame({name: raw[header] for name, header in read.items()
                                 if not header.startswith("=") and header in raw.columns
                                 and (TABLES[table].kind(name) in (FieldKind.DATE, FieldKind.AMOUNT)
                                      or name in ("stage", "status"))},
                                index=raw.index)]
    plan.given = _given(table, read, preset, headers)
    # account_id gives what account_name would: either one is the customer key.
    given = plan.given | ({"account_name"} if "account_id" in plan.given else set())
    plan.unread = {name: f"no column found; {why}; map it under sources.{table}.columns.{name}"
                   for name, why in _IMPORTANT.get(table, {}).items() if name not in given}
    notes += [f"NOT READ: {name}: {why}" for name, why in plan.unread.items()]
    # Headers no field took: said, so a column the user meant as one (a "Client" or "Kind") is not
    # dropped without a word.
    taken = {header_key(h) for h in read.values()}
    plan.unused = [h for h in headers if header_key(h) not in taken]
    if plan.unused:
        notes.append(f"columns not read: {', '.join(plan.unused)}")
    plan.currencies = _currencies(raw, read)
    if table == "spend" and "category" in read and read["category"] in raw.columns:
        plan.categories = _categories(raw[read["category"]])
    return plan


# Dates no metric counts an event by (metrics.md section 2): a first response counts in its ticket's
# creation period, and a deadline is no event. Read into the range, the replies and deadlines after
# the last ticket would add a period of n/a.
_NOT_PERIOD_DATES = {("tickets", "first_response_at"), ("tickets", "sla_due_at")}


# Optional fields without which a table's main metrics are n/a (metrics.md sections 1-3): a deal is
# won or lost in the period of its closed_at (close rate, new revenue, new customers, sales cycle),
# a ticket resolved in that of its resolved_at (every resolution metric and the backlog).
_IMPORTANT = {"deals": {"closed_at": "a deal is won or lost in the period of its close date, so close rate, "
                                    "new revenue, new customers and sales cycle read n/a",
                        "deal_type": "every deal reads as new: a won renewal counts as a new customer and new "
                                     "revenue, and renewal and expansion metrics read n/a",
                        "account_name": "without an account (account_id or account_name) each deal is a customer "
                                        "of its own"},
              "tickets": {"resolved_at": "a ticket is resolved in the period of its resolved date, so "
                                         "resolution times, tickets resolved and the backlog read n/a"}}


def _given(table: str, read: dict[str, str], preset: str | None, headers: list[str]) -> set[str]:
    """The fields of `table` the file gives: its mapped headers (guesses included) and the preset's
    durations and coalesced columns present in it (Zendesk's "Full resolution time in minutes")."""
    from crm_metrics.mapping.presets import vocabulary_for

    words = vocabulary_for(preset, table)
    keys = {header_key(h) for h in headers}
    given = set(read) | {name for name, d in words.durations.items() if header_key(d.header) in keys}
    return given | {name for name, names in words.coalesce.items() if any(header_key(h) in keys for h in names)}


# Spend categories that are the cost of keeping customers rather than winning them (metrics.md
# section 3: retention_cost_per_customer reads retention.categories, CAC the rest by default).
RETENTION_WORDS = ("retention", "customer success", "account management", "loyalty", "renewal", "churn")


def propose_spend_split(categories: list[str]) -> tuple[list[str], list[str]]:
    """The spend categories split into (acquisition, retention): a category whose name contains one
    of RETENTION_WORDS (case, space and punctuation blind) is retention, every other acquisition."""
    from crm_metrics.mapping.presets import word_key

    words = [word_key(w) for w in RETENTION_WORDS]
    retention = [c for c in categories if any(w in word_key(c) for w in words)]
    return [c for c in categories if c not in retention], retention


def _categories(values: pd.Series) -> dict[str, int]:
    """Rows per spend category (trimmed; blanks left out), most rows first."""
    names = values.dropna().astype("string").str.strip()
    counts = names[names != ""].value_counts()
    return {str(k): int(v) for k, v in counts.items()}


def _fields_named(table: str, headers: list[str]) -> set[str]:
    """The fields of `table` that one of `headers` names: by the field's own name or any preset's synonym."""
    from crm_metrics.mapping.columns import synonyms

    keys = {header_key(h) for h in headers}
    index = synonyms(table)
    found = {s.field for k in keys for s in index.get(k, [])}
    return found | {f for f in TABLES[table].fields if header_key(f) in keys}


def _evidence(table: str, headers: list[str]) -> bool:
    """Whether a header names a field of `table` that is not a date.

    Spend, calls and surveys need only a date, and nearly every export has a "Date" column: a date
    alone says nothing of what a row is. An amount, an answered flag, a score or an id does."""
    return any(TABLES[table].kind(f) is not FieldKind.DATE for f in _fields_named(table, headers))


def _unplaced(path: Path, sheets: list[str | None]) -> str:
    """The one line for a file no table fits: why, and the headers init saw (of each sheet)."""
    seen = []
    for sheet in sheets:
        try:
            headers = [str(h) for h in read_table(path, sheet).columns]
        except InputError:
            continue
        seen.append(f"{f'sheet {sheet}: ' if sheet else ''}{_shown(headers)}")
    return (f"{path}: no header names a required field of any table init knows ({', '.join(TABLES)}); its headers: "
            f"{'; '.join(seen)}; add it under sources: by hand (see configs/example.yaml)")


def _shown(headers: list[str]) -> str:
    """The first 12 headers of a file, for a skip line (the rest as "...")."""
    return ", ".join(headers[:12]) + (", ..." if len(headers) > 12 else "")


def _currencies(raw: pd.DataFrame, read: dict[str, str]) -> dict[str, int]:
    """Rows per currency, from a currency column or codes inside the amount cells ("EUR 1.200,50")."""
    if "currency" in read and read["currency"] in raw.columns:
        codes = raw[read["currency"]].astype("string").str.strip().str.upper()
    elif "amount" in read and read["amount"] in raw.columns:
        codes = currency_in_text(raw[read["amount"]])
    else:
        return {}
    return {str(k): int(v) for k, v in codes.dropna().value_counts().items()}


@dataclass
class Guesses:
    """What init could not read from a header's name: fields guessed from the values, and required
    fields left for the user because their only candidate column is another field's."""

    fields: dict[str, str] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)


def _detected(table: str, headers: list[str], raw: pd.DataFrame, path: Path,
              notes: list[str], guesses: Guesses) -> tuple[dict[str, str], str | None]:
    """The fields found by header (returned, with the preset whose synonyms explain most of them);
    value-based guesses and unmappable required fields go into `guesses`. InputError when a
    required field has no candidate column at all."""
    schema = TABLES[table]
    by_name = {f: h for f in schema.fields for h in headers if header_key(h) == header_key(f)}
    try:
        found, words = detect_columns(table, [h for h in headers if h not in by_name.values()], str(path), by_name)
    except InputError as exc:
        raise InputError(f"{exc}; then map it in the config by hand; its headers: {_shown(headers)}") from None
    columns = {**found, **by_name}
    for name, found_header in list(columns.items()):
        if is_seconds_field(table, name):
            continue  # numbers, "h:mm:ss" and time cells are all durations (clean.durations)
        if not values_fit(raw[found_header], schema.kind(name)):
            del columns[name]
            notes.append(f"ignored '{found_header}' for {name}: most of its values are not "
                         f"{'dates' if schema.kind(name) is FieldKind.DATE else 'numbers'}")
    for name, found_header in list(columns.items()):
        if is_loose(table, name, found_header):
            # A loose name (presets' guessed_columns): read, but as a guess for the user to confirm.
            guesses.fields[name] = columns.pop(name)
            notes.append(f"GUESS: {name} <- '{found_header}' (a loose name for it; check it)")
    for name in schema.required:
        if name not in columns and name not in guesses.fields:
            _guess_required(name, table, headers, raw, path, columns, notes, guesses)
    return columns, words


def _guess_required(name: str, table: str, headers: list[str], raw: pd.DataFrame, path: Path,
                    columns: dict[str, str], notes: list[str], guesses: Guesses) -> None:
    """Guess required field `name` from the values of a column no other field reads."""
    schema = TABLES[table]
    used = {*columns.values(), *guesses.fields.values()}
    header = _guess_by_values(raw, schema.kind(name), used, unique=name == schema.id_field)
    if header is not None:
        guesses.fields[name] = header
        notes.append(f"GUESS: {name} <- '{header}' (no header named like it; chosen from the values, check it)")
        return
    if name == "stage" and any(header_key(h).startswith("won") for h in headers):
        # A "won_date" and no stage: a list of closed-won deals (Olist's closed deals).
        guesses.fields[name] = "=Won"
        notes.append("GUESS: stage = Won for every row (no stage column; the file lists won deals)")
        return
    taken = _guess_by_values(raw, schema.kind(name), set(), unique=name == schema.id_field)
    if taken is None:
        # The skip line says what the file looked like to init (README), so the user sees at once
        # whether the column is there under another name.
        raise InputError(f"{path}: looks like a {table} table but no column can be {table}.{name}; its headers: "
                         f"{_shown(headers)}; map it under sources.{table}.columns.{name}")
    # Olist's won_date is the only date: read as closed_at it cannot also be created_at, or every
    # sales cycle would read 0 days (a plausible wrong number). The user maps the field, or knows.
    owner = next(f for f, h in {**columns, **guesses.fields}.items() if h == taken)
    guesses.missing[name] = (f"the only column that could be {name}, '{taken}', is read as {owner}; "
                             f"map the export's own {name} column here")
    notes.append(f"NOT FOUND: {name}: {guesses.missing[name]}")


def _guess_by_values(raw: pd.DataFrame, kind: Any, used: set[str], unique: bool) -> str | None:
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


def _date_range(plan: TablePlan) -> None:
    """plan.dates from its files' date columns (not _NOT_PERIOD_DATES), read with the layout the
    report decides for the source from all of them: clean.normalise.source_layout (a "17-7-2018"
    close date in one file makes every "3-5-2018" of the source 3 May, not 5 March). Notes the dates
    after today it leaves out; frees plan.frames."""
    from crm_metrics.clean.normalise import source_layout
    from crm_metrics.config.model import parse_config

    # The config init is about to write for this table, as far as the layout reads it: no keys set.
    path = plan.paths[0]
    config = parse_config({"sources": {plan.table: {"path": str(path)}}}, origin="init", base_dir=path.parent)
    dayfirst = source_layout(plan.table, plan.frames, config).dayfirst
    ahead: dict[str, int] = {}
    expected = 0
    for frame in plan.frames:
        for name in frame.columns:
            if TABLES[plan.table].kind(name) is FieldKind.DATE and (plan.table, name) not in _NOT_PERIOD_DATES:
                values = frame[name]
                if (plan.table, name) == ("deals", "closed_at") and (closed := _closed_deals(frame)) is not None:
                    # An open deal's close date is its expected one: no period the data has yet.
                    expected += int(values[~closed].notna().sum())
                    values = values[closed]
                dates, later = _dates(values, dayfirst)
                plan.dates += dates
                ahead[name] = ahead.get(name, 0) + later
    plan.notes += [f"{later:,} {name} dates after today (expected, not happened) left out of the range"
                   for name, later in ahead.items() if later]
    if expected:
        plan.notes.append(f"{expected:,} open deals' closed_at (expected close dates) left out of the range")
    plan.frames = []


def _closed_deals(frame: pd.DataFrame) -> np.ndarray | None:
    """Mask of a mapped deals frame's won or lost rows by the usual stage words (clean.normalise
    WON_STAGES / LOST_STAGES) or a won/lost status; None when the frame has no stage or no row reads
    as closed (the user's own stage words: then every close date counts)."""
    from crm_metrics.clean.normalise import LOST_STAGES, WON_STAGES, word_keys

    if "stage" not in frame.columns:
        return None
    stages = word_keys(frame["stage"].astype("string").fillna(""))
    closed = np.array(stages.isin(WON_STAGES | LOST_STAGES), dtype=bool)
    if "status" in frame.columns:
        closed |= word_keys(frame["status"].astype("string").fillna("")).isin({"won", "lost"}).to_numpy(dtype=bool)
    return closed if closed.any() else None


def _dates(values: pd.Series, dayfirst: bool | None = None) -> tuple[list[Any], int]:
    """The first and last date (datetime.date) the column covers up to today, and how many of its
    dates are later: an open deal's expected close years ahead is no period the data has.
    `dayfirst`: the source's layout (_date_range)."""
    from datetime import date

    parsed = parse_dates(values, "UTC", dayfirst=dayfirst).values.dropna()
    if parsed.empty:
        return [], 0
    days = parsed.dt.date
    past = days[days <= date.today()]
    return ([] if past.empty else [past.min(), past.max()]), int(len(days) - len(past))
