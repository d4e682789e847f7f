"""Mapping an export's headers onto the canonical fields of its table.

A source's `columns:` map wins, with its `guessed_columns:` (what `init` guessed, read the same way
but flagged "guessed" until the user confirms it); then its `preset:` (the vendor's headers, first present wins); any
field still unnamed is matched by header, ignoring case, spaces and punctuation ("Deal ID", "deal_id",
"DealId"), against the field's own name and every preset's synonyms (with a preset: the generic
synonyms, so a plain "First reply at" is read beside the vendor's own headers). A header a preset
lists under guessed_columns (a loose name: "declared_monthly_revenue" for an amount) is read as a
guess, flagged like a guessed_columns entry. Two headers that both match one field are refused with
both named, since picking one would be a guess. A required field that cannot be found is an error
that lists the file's headers and, for a field whose values have no kind, the closest one by name.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crm_metrics.errors import ConfigError, InputError
from crm_metrics.mapping.presets import word_key
from crm_metrics.schema import TABLES, FieldKind, TableSchema

if TYPE_CHECKING:
    import pandas as pd

    from crm_metrics.mapping.presets import Vocabulary


GUESSED = "guessed"  # ColumnMap.how of a guessed_columns entry


def header_key(header: str) -> str:
    """Headers match as stage words do: case, space and punctuation blind."""
    return word_key(header)


@dataclass(frozen=True)
class ColumnMap:
    """Canonical field -> the export header it is read from."""

    table: str
    fields: dict[str, str]
    how: dict[str, str] = field(default_factory=dict)  # field -> "map" | "guessed" | "preset <name>" | "detected"
    preset: str | None = None  # the preset whose words (stages, deal types) apply to this file

    @property
    def guessed(self) -> dict[str, str]:
        """Field -> header of the entries read from `guessed_columns:`, not yet confirmed by the user."""
        return {name: self.fields[name] for name, way in self.how.items() if way == GUESSED}

    def describe(self) -> list[str]:
        """One line per field: which header it is read from and why, for --verbose and the caption."""
        return [f"{name} <- '{header}' ({self.how.get(name, 'name')})" for name, header in self.fields.items()]


def map_columns(
    schema: TableSchema, headers: list[str], explicit: dict[str, str], origin: str, file: str,
    preset: str | None = None, strict: bool = True, guessed: dict[str, str] | None = None,
    raw: pd.DataFrame | None = None,
) -> ColumnMap:
    """Canonical field -> header. With strict=False a field that cannot be found is left out instead of
    raising, so `validate` can list every gap at once.

    `explicit` is the source's `columns:`, `guessed` its `guessed_columns:` (how "guessed"); both
    are checked and read alike. Raises ConfigError for a key that is not a field of the table,
    InputError (strict) for a mapped header the file lacks or a required field not found; `raw`,
    the file's cells when read, lets that message suggest a date column for a date field."""
    guessed = {name: header for name, header in (guessed or {}).items() if name not in explicit}
    problems = []
    for key, entries in (("columns", explicit), ("guessed_columns", guessed)):
        for name in entries:
            if name in schema.fields:
                continue
            hint = difflib.get_close_matches(name, schema.fields, n=1)
            tip = f"did you mean '{hint[0]}'?" if hint else f"fields: {', '.join(schema.fields)}"
            problems.append(f"{origin}: sources.{schema.name}.{key}.{name}: not a field of "
                            f"{schema.name}; {tip}")
    if problems:
        raise ConfigError("\n".join(problems), problems)
    explicit = {**explicit, **guessed}

    by_key = {header_key(h): h for h in headers}
    fields: dict[str, str] = {}
    for name, header in explicit.items():
        if header.startswith("=") and header not in headers:
            # "=Won": the same value on every row, for a column the export leaves implicit.
            fields[name] = header
        elif header in headers:
            fields[name] = header
        elif header_key(header) in by_key:
            fields[name] = by_key[header_key(header)]
        elif strict:
            raise InputError(_missing_message(file, schema.name, name, header, headers, True, raw))
    how = {name: GUESSED if name in guessed else "map" for name in fields}
    used = set(fields.values())
    if preset is not None:
        from crm_metrics.mapping.presets import get_preset

        table = get_preset(preset).tables.get(schema.name)
        if table is None:
            raise ConfigError(f"{origin}: sources.{schema.name}.preset: '{preset}' has no {schema.name} table")
        for name, wanted in table.columns.items():
            # A preset may read one header twice (Dynamics: "Status" is the stage when there is none).
            found = [by_key[k] for k in map(header_key, wanted) if k in by_key]
            if name not in fields and found:
                fields[name], how[name] = found[0], f"preset {preset}"
                used.add(found[0])
    words = preset
    if preset is None:
        # Before exact names, so "amount" next to "Deal - Value" is caught as two amounts.
        detected, words = detect_columns(schema.name, [h for h in headers if h not in used], file, fields)
    else:
        # A vendor preset lists its vendor's headers only; a column the export also has under a
        # plain name ("First reply at" beside Zendesk's own) must not be lost because a preset was
        # chosen, or its metrics read n/a on a file that has what they need.
        detected = generic_columns(schema.name, [h for h in headers if h not in used], fields)
    for name, header in detected.items():
        if name not in fields:
            fields[name] = header
            how[name] = GUESSED if is_loose(schema.name, name, header) else "detected"
            used.add(header)
    for name in schema.fields:
        key = header_key(name)
        if name not in fields and key in by_key and by_key[key] not in used:
            fields[name], how[name] = by_key[key], "name"
            used.add(by_key[key])
    for name in schema.required:
        if name not in fields and strict:
            raise InputError(_missing_message(file, schema.name, name, name, headers, False, raw))
    return ColumnMap(schema.name, fields, how, words)


@dataclass(frozen=True)
class _Synonym:
    field: str
    preset: str
    rank: int  # position in the preset's list: 0 is the vendor's main header
    loose: bool = False  # from the preset's guessed_columns: a name that may be the field, a guess


def synonyms(table: str) -> dict[str, list[_Synonym]]:
    """header_key -> every (field, preset, rank, loose) that names it, across all presets. A loose
    name ranks after every plain name of its preset, so a header that plainly names a field is
    never taken for another one only loosely named like it."""
    from crm_metrics.mapping.presets import all_presets

    index: dict[str, list[_Synonym]] = {}
    for preset in all_presets():
        spec = preset.tables.get(table)
        if spec is None:
            continue
        for name, headers in spec.columns.items():
            for rank, header in enumerate(headers):
                index.setdefault(header_key(header), []).append(_Synonym(name, preset.name, rank))
        last = max((len(headers) for headers in spec.columns.values()), default=0)
        for name, headers in spec.loose.items():
            for rank, header in enumerate(headers, start=last):
                index.setdefault(header_key(header), []).append(_Synonym(name, preset.name, rank, loose=True))
    return index


def is_loose(table: str, name: str, header: str) -> bool:
    """Whether `header` names field `name` of `table` only loosely: every preset that lists it for
    that field lists it under guessed_columns (presets/generic.yaml), so reading it is a guess."""
    hits = [hit for hit in synonyms(table).get(header_key(header), []) if hit.field == name]
    return bool(hits) and all(hit.loose for hit in hits)


def generic_columns(table: str, headers: list[str], taken: dict[str, str]) -> dict[str, str]:
    """Fields not in `taken` that the generic synonyms (presets/generic.yaml) find among `headers`,
    for a file read with a vendor preset. A header goes to the field it names most directly; two
    headers for one field: the one generic lists first (one list, so no ambiguity to refuse)."""
    best: dict[str, tuple[int, str]] = {}
    for header in headers:
        hits = [hit for hit in synonyms(table).get(header_key(header), []) if hit.preset == "generic"]
        if not hits:
            continue
        hit = min(hits, key=lambda h: (h.rank, TABLES[table].fields.index(h.field)))
        if hit.field not in taken and (hit.field not in best or hit.rank < best[hit.field][0]):
            best[hit.field] = (hit.rank, header)
    return {name: header for name, (_, header) in best.items()}


def detect_columns(
    table: str, headers: list[str], file: str, taken: dict[str, str] | None = None
) -> tuple[dict[str, str], str | None]:
    """Fields found among `headers` by the presets' synonyms, and the preset that explains most of them.

    A header belongs to the field it names most directly (lowest rank in any preset). Two headers for
    one field are fine only when one preset lists both (its first present wins, e.g. Zendesk
    "Organization" before "Requester id"); otherwise they are ambiguous and refused.
    """
    index = synonyms(table)
    candidates: dict[str, list[tuple[str, list[_Synonym]]]] = {}
    for header in headers:
        hits = index.get(header_key(header))
        if not hits:
            continue
        best = min(hits, key=lambda h: (h.rank, TABLES[table].fields.index(h.field)))
        if best.field not in (taken or {}):
            candidates.setdefault(best.field, []).append((header, [h for h in hits if h.field == best.field]))
    fields: dict[str, str] = {}
    for name, found in candidates.items():
        if len(found) == 1:
            fields[name] = found[0][0]
            continue
        chosen = _listed_together(found)
        if chosen is None:
            listed = " and ".join(f"'{h}'" for h, _ in found)
            raise InputError(
                f"{file}: {listed} could both be {table}.{name}; say which one under "
                f"sources.{table}.columns.{name} (or pick a preset)"
            )
        fields[name] = chosen
    for name in TABLES[table].required:
        # A required field may share a header another field took first (Dynamics "Status" is both).
        shared = [h for h in [*fields.values(), *(taken or {}).values()]
                  if any(s.field == name for s in index.get(header_key(h), []))]
        if name not in fields and name not in (taken or {}) and shared:
            fields[name] = shared[0]
    votes: dict[str, int] = {}
    for header in [*fields.values(), *(taken or {}).values()]:
        for hit in index.get(header_key(header), []):
            votes[hit.preset] = votes.get(hit.preset, 0) + 1
    # Most headers explained wins; on a tie a named vendor beats the generic synonyms.
    guessed = max(sorted(votes), key=lambda p: (votes[p], p != "generic")) if votes else None
    return fields, guessed


def vendor_of(column_map: ColumnMap) -> str | None:
    """The vendor whose own headers were detected in this file, for the caption; None when none were.

    Only headers found by detection vote, not those the config maps. A header that is a field's own
    name ("deal_id", "Stage", "Created at") or one the generic preset lists says nothing about who
    exported the file, so it does not vote either. Most votes wins; a tie goes to the first name.
    """
    index = synonyms(column_map.table)
    plain = {header_key(name) for name in TABLES[column_map.table].fields}
    votes: dict[str, int] = {}
    for name, header in column_map.fields.items():
        if column_map.how.get(name) != "detected":
            continue
        key = header_key(header)
        hits = [hit for hit in index.get(key, []) if hit.field == name]
        if key in plain or any(hit.preset == "generic" for hit in hits):
            continue
        for hit in hits:
            votes[hit.preset] = votes.get(hit.preset, 0) + 1
    return max(sorted(votes), key=lambda preset: votes[preset]) if votes else None


def _listed_together(found: list[tuple[str, list[_Synonym]]]) -> str | None:
    """The header a single preset puts first when that preset lists every one of `found`."""
    presets = set.intersection(*({h.preset for h in hits} for _, hits in found))
    if not presets:
        return None
    preset = min(presets)
    return min(found, key=lambda item: min(h.rank for h in item[1] if h.preset == preset))[0]


def closest_headers(table: str, name: str, wanted: str, headers: list[str], raw: pd.DataFrame | None = None,
                    n: int = 1, cutoff: float = 0.5) -> list[str]:
    """Up to `n` headers named most like `wanted`, to suggest for field `name` of `table`. A name
    says nothing of a date's, amount's or number's values ('lead_type' is no created_at), so for
    such a field only headers whose values in `raw` could be it are suggested (values_fit), and
    none without `raw`: no suggestion rather than a nonsense one."""
    kind = TABLES[table].kind(name)
    keys = {header_key(h): h for h in headers}
    close = [keys[k] for k in difflib.get_close_matches(header_key(wanted), list(keys), n=len(keys), cutoff=cutoff)]
    if kind in (FieldKind.DATE, FieldKind.AMOUNT, FieldKind.NUMBER):
        close = [] if raw is None else [h for h in close if h in raw.columns and values_fit(raw[h], kind)]
    return close[:n]


def values_fit(values: pd.Series, kind: FieldKind) -> bool:
    """Whether a column holds what a field of `kind` needs: at most half of its first 200 filled
    cells fail to parse as dates (DATE) or numbers (AMOUNT, NUMBER); any column fits another kind."""
    from crm_metrics.clean.parsers import parse_amounts, parse_dates

    sample = values.dropna().head(200)
    if sample.empty or kind not in (FieldKind.DATE, FieldKind.AMOUNT, FieldKind.NUMBER):
        return True
    parsed = parse_dates(sample, "UTC") if kind is FieldKind.DATE else parse_amounts(sample)
    return parsed.bad <= len(sample) / 2


def _missing_message(file: str, table: str, field: str, wanted: str, headers: list[str], mapped: bool,
                     raw: pd.DataFrame | None) -> str:
    close = closest_headers(table, field, wanted, headers, raw)
    hint = f"closest: '{close[0]}'; " if close else ""
    shown = ", ".join(f"'{h}'" for h in headers[:30]) + (" ..." if len(headers) > 30 else "")
    what = f"has no column '{wanted}' (mapped to {field})" if mapped else f"has no column for required field '{field}'"
    return (f"{file}: {what}; {hint}map it under sources.{table}.columns.{field}. "
            f"The file's headers are: {shown}")


def keep_fields(column_map: ColumnMap, vocabulary: Vocabulary, keep: set[str] | None) -> tuple[ColumnMap, Vocabulary]:
    """The column map, and the vocabulary's coalesce and duration fields, cut to the fields in
    `keep` (None: all of them), so that only the columns a run needs are read."""
    if keep is None:
        return column_map, vocabulary
    from dataclasses import replace

    cut = ColumnMap(column_map.table, {f: h for f, h in column_map.fields.items() if f in keep},
                    {f: w for f, w in column_map.how.items() if f in keep}, column_map.preset)
    return cut, replace(vocabulary, coalesce={f: h for f, h in vocabulary.coalesce.items() if f in keep},
                        durations={f: d for f, d in vocabulary.durations.items() if f in keep})


def needed_headers(column_map: ColumnMap, vocabulary: Vocabulary, headers: list[str]) -> list[str]:
    """The headers select_columns reads: the mapped ones and the preset's coalesce and duration columns."""
    wanted = {header_key(h) for h in column_map.fields.values()}
    wanted |= {header_key(h) for names in vocabulary.coalesce.values() for h in names}
    wanted |= {header_key(d.header) for d in vocabulary.durations.values()}
    return [h for h in headers if header_key(h) in wanted]


def select_columns(raw: pd.DataFrame, column_map: ColumnMap, vocabulary: Vocabulary) -> pd.DataFrame:
    """The mapped columns under their canonical names, with the preset's row-wise fallbacks applied.

    `coalesce` fills a field from the first non-blank of several headers (Pipedrive writes a won deal's
    close in "Won time" and a lost one's in "Lost time"); `durations` keep a "minutes after creation"
    column as `_duration_<field>` for normalise to turn into a timestamp.
    """
    import pandas as pd

    frame = pd.DataFrame({name: raw[header] if header in raw.columns else header[1:]
                          for name, header in column_map.fields.items()}, index=raw.index)
    by_key = {header_key(str(h)): h for h in raw.columns}
    for name, headers in vocabulary.coalesce.items():
        present = [by_key[k] for k in map(header_key, headers) if k in by_key]
        if len(present) < 2:
            continue
        merged = raw[present[0]].astype(object)
        for header in present[1:]:
            blank = merged.isna() | (merged.astype("string").str.strip() == "").fillna(True)
            merged = merged.where(~blank.to_numpy(dtype=bool), raw[header].astype(object))
        frame[name] = merged
    for name, duration in vocabulary.durations.items():
        key = header_key(duration.header)
        if name not in frame.columns and key in by_key:
            frame[f"_duration_{name}"] = raw[by_key[key]]
    return frame
