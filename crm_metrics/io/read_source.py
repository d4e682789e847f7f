"""Reading one file of a configured source: its header first, then only the columns the mapping
uses (a CRM export often has dozens), so the report and `validate` read the same frame."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from crm_metrics.clean.categoricals import categorise
from crm_metrics.config.model import Config, JoinConfig
from crm_metrics.errors import InputError
from crm_metrics.io.files import csv_headers, read_table
from crm_metrics.io.stage_history import entered_columns
from crm_metrics.mapping.columns import ColumnMap, keep_fields, map_columns, needed_headers
from crm_metrics.mapping.presets import Vocabulary, vocabulary_for, with_values
from crm_metrics.schema import TABLES, FieldKind


def read_mapped(path: Path, sheet: str | int | None, table: str, config: Config, where: str | None = None,
                strict: bool = True, keep: set[str] | None = None) -> tuple[pd.DataFrame, ColumnMap, Vocabulary]:
    """The file's raw frame (export headers), its column map and its vendor's words (the preset's
    vocabulary for the table), the last two cut to the fields in `keep` (None: every mapped field).

    A CSV whose header maps every required field is read for the mapped columns only. Anything else
    (a workbook, a missing column, a header the first block shows differently) is read whole, so a
    broken file's own error comes before a mapping error and a missing column's message can suggest
    the closest of all headers. strict=False maps what it can instead of raising (for validate).
    """
    schema = TABLES[table]
    source = getattr(config.sources, table)
    where = where or str(path)
    headers = csv_headers(path)
    if table == "stage_changes" and (headers is None or entered_columns(headers)):
        wide = _wide_stage_history(path, sheet, config, source.columns.get("deal_id"))
        if wide is not None:
            path_map = map_columns(schema, list(wide.columns), {}, config.origin, where, strict=strict)
            return wide, path_map, vocabulary_for(None, table)
    if headers is not None:
        try:
            column_map = map_columns(schema, headers, source.columns, config.origin, where, preset=source.preset,
                                     strict=strict, guessed=source.guessed_columns)
        except InputError:
            column_map = None
        if column_map is not None and all(name in column_map.fields for name in schema.required):
            column_map, vocabulary = keep_fields(column_map, with_values(vocabulary_for(column_map.preset, table),
                                                                source.values), keep)
            usecols = needed_headers(column_map, vocabulary, headers)
            raw = read_table(path, sheet, limits=config.limits, usecols=usecols,
                             categorical=repeating_headers(column_map, table))
            if set(usecols) <= set(raw.columns):
                return raw, column_map, vocabulary
    raw = read_table(path, sheet, limits=config.limits)
    column_map = map_columns(schema, list(raw.columns), source.columns, config.origin, where, preset=source.preset,
                             strict=strict, guessed=source.guessed_columns, raw=raw)
    column_map, vocabulary = keep_fields(column_map, with_values(vocabulary_for(column_map.preset, table),
                                                                source.values), keep)
    categorise(raw, repeating_headers(column_map, table))
    return raw, column_map, vocabulary


def join_files(parts: list[tuple[pd.DataFrame, ColumnMap]], table: str, config: Config,
               keep: set[str] | None = None) -> list[tuple[pd.DataFrame, ColumnMap]]:
    """The source's files (raw frame with export headers, column map; read_mapped) with the
    source's `join:` files' columns added on its id (config.model.JoinConfig), and the column maps
    reading them. load_tables calls it once per source, after reading all its files and before
    cleaning, so validate, report and explain see one table.

    Each joined file's row goes to the rows whose id header (trimmed) equals its `key` cell (trimmed);
    its mapped cells are added as they were read (no parsing: cleaning reads them with the source's
    own, so the date layout is decided from all the source's columns). Several rows of one key: the
    `several` rule (latest / earliest date of the first date field the join maps, else the last row).
    A source row without a match gets blanks: "no churn event" is no churn, as in a customers export
    with an empty churn date. Joined rows left out are counted in the first frame's
    attrs["left_out"] (reason -> rows; load_tables reports them): a blank key, a key no file of the
    source has, an event the rule passed over. Only the fields in `keep` (None: all) are joined. A
    problem in a joined cell is shown at the source row it was joined to. A joined file with a header
    and no rows adds no field (absence of evidence is not "none churned") and is named in
    attrs["empty_joined"]. A file whose id is not mapped (validate's lenient mapping) gets nothing.

    Raises InputError naming the file and the config key when the file lacks the key or a mapped
    header, or when a joined field is already read from the source's own file.
    """
    source = getattr(config.sources, table)
    id_field = TABLES[table].id_field or ""
    joins = [] if source is None else source.join
    if not joins or not parts:
        return parts
    keys = [raw[m.fields[id_field]].astype("string").str.strip() if id_field in m.fields else None
            for raw, m in parts]
    present = [column for column in keys if column is not None]
    # The source's ids, each once: a million-row accounts file holds a million keys, so the set is
    # built from pandas' unique values, not by a Python loop over the rows.
    known = set(pd.concat(present).dropna().unique()) if present else set()
    fields = [dict(m.fields) for _, m in parts]
    how = [dict(m.how) for _, m in parts]
    first = parts[0][0]
    left_out: dict[str, int] = dict(first.attrs.get("left_out", {}))
    for number, joined in enumerate(joins):
        wanted = {name: header for name, header in joined.columns.items() if keep is None or name in keep}
        if not wanted:
            continue
        path = config.resolve(joined.path)
        where = f"sources.{table}.join.{number}"
        for name in wanted:
            for own in fields:
                if name in own:
                    raise InputError(f"{path}: {table}.{name} is read from both '{own[name]}' of the source's "
                                     f"own file and this joined file; drop one ({where}.columns.{name})")
        other = read_table(path, joined.sheet, limits=config.limits)
        key_header = _header_in(other, joined.key, path, f"{where}.key", "the key to join on")
        headers = {name: _header_in(other, header, path, f"{where}.columns.{name}", f"{table}.{name}")
                   for name, header in wanted.items()}
        if other.empty:
            # A header and no rows is no evidence: the fields stay unread (churn: "no churn data"),
            # never blanks that would read as "nobody churned".
            first.attrs["empty_joined"] = [*first.attrs.get("empty_joined", []), str(path)]
            continue
        chosen, counts = _one_per_key(other, key_header, headers, joined, known, table, config,
                                      _dayfirst(parts, other, headers, table, config))
        for reason, count in counts.items():
            if count:
                reason = f"rows of {path.name} {reason}"
                left_out[reason] = left_out.get(reason, 0) + count
        for (raw, _), own_keys, own_fields, own_how in zip(parts, keys, fields, how, strict=True):
            if own_keys is None:
                continue
            for name, header in headers.items():
                column = header if header not in raw.columns else f"{header} ({path.name})"
                # Object cells as read; a key without a row gets a blank.
                raw[column] = own_keys.map(chosen[header]).astype(object).to_numpy()
                own_fields[name], own_how[name] = column, f"joined from {path.name} on {joined.key}"
    first.attrs["left_out"] = left_out
    return [(raw, ColumnMap(m.table, f, h, m.preset)) for (raw, m), f, h in zip(parts, fields, how, strict=True)]


def _header_in(frame: pd.DataFrame, header: str, path: Path, key: str, what: str) -> str:
    """The frame's header `header` names (exactly, else case, space and punctuation blind)."""
    from crm_metrics.mapping.columns import header_key

    if header in frame.columns:
        return header
    found = [str(h) for h in frame.columns if header_key(str(h)) == header_key(header)]
    if found:
        return found[0]
    shown = ", ".join(str(h) for h in list(frame.columns)[:12])
    raise InputError(f"{path}: no column '{header}' for {what} ({key}); its headers: {shown}; "
                     "fix the header name in the config")


def _dayfirst(parts: list[tuple[pd.DataFrame, ColumnMap]], other: pd.DataFrame, headers: dict[str, str],
              table: str, config: Config) -> bool | None:
    """How to read the joined file's dates to order a key's rows: the source's `dayfirst`, else
    what the date columns of the source's files and the joined file prove together (the rule
    clean.normalise.source_layout applies to the joined table later; metrics.md section 1), else
    None (each column decides)."""
    from crm_metrics.clean.parsers import date_layout_evidence

    source = getattr(config.sources, table)
    if source is not None and source.dayfirst is not None:
        return bool(source.dayfirst)
    schema = TABLES[table]
    columns = [raw[header] for raw, mapped in parts for name, header in mapped.fields.items()
               if schema.kind(name) is FieldKind.DATE and header in raw.columns]
    columns += [other[header] for name, header in headers.items() if schema.kind(name) is FieldKind.DATE]
    proofs = {p for column in columns for p in date_layout_evidence(column).proofs}
    return proofs == {"dayfirst"} if len(proofs) == 1 else None


def _one_per_key(other: pd.DataFrame, key_header: str, headers: dict[str, str], joined: JoinConfig,
                 known: set[str], table: str, config: Config,
                 dayfirst: bool | None = None) -> tuple[pd.DataFrame, dict[str, int]]:
    """The joined file's mapped columns indexed by trimmed key, one row per key of `known` by the
    `several` rule, and how many rows were left out why."""
    from crm_metrics.clean.parsers import parse_dates

    keys = other[key_header].astype("string").str.strip()
    blank = keys.isna() | (keys == "")
    matched = ~blank & keys.isin(known)
    rows = other.loc[matched.to_numpy(dtype=bool), list(dict.fromkeys(headers.values()))]
    rows.index = pd.Index(keys[matched].to_numpy(), name=None)
    dated = [h for name, h in headers.items() if TABLES[table].kind(name) is FieldKind.DATE]
    if joined.several != "last" and dated:
        # Parsed only to order a key's rows; the kept cells are still cleaned with the source.
        when = parse_dates(rows[dated[0]].reset_index(drop=True), config.timezone, dayfirst).values
        # Undated rows sort first, so a dated one wins under either rule.
        order = when.rank(method="first", ascending=joined.several == "latest", na_option="top")
        rows = rows.iloc[order.to_numpy().argsort(kind="stable")]
    chosen = rows[~rows.index.duplicated(keep="last")]
    rule = ("the last in the file kept" if joined.several == "last" or not dated
            else f"the {joined.several} {dated[0]} kept")
    return chosen, {
        f"with a blank {joined.key}": int(blank.sum()),
        f"whose {joined.key} matches no {table} row": int((~blank & ~matched).sum()),
        f"passed over: several per {joined.key}, {rule}": int(len(rows) - len(chosen)),
    }


def repeating_headers(column_map: ColumnMap, table: str) -> set[str]:
    """Headers whose values repeat down a long export (stages, owners, dates, scores), read as
    categoricals: all mapped fields but the id and the amounts, which are nearly all distinct."""
    schema = TABLES[table]
    return {header for name, header in column_map.fields.items()
            if name != schema.id_field and schema.kind(name) is not FieldKind.AMOUNT}


def _wide_stage_history(path: Path, sheet: str | int | None, config: Config,
                        id_header: str | None) -> pd.DataFrame | None:
    """A HubSpot deals export with "Date entered '<stage>'" columns, as stage_changes rows."""
    from crm_metrics.io.stage_history import long_form

    return long_form(read_table(path, sheet, limits=config.limits), id_header)
