"""Reading one file of a configured source: its header first, then only the columns the mapping
uses (a CRM export often has dozens), so the report and `validate` read the same frame."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from crm_metrics.clean.categoricals import categorise
from crm_metrics.config.model import Config
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
                             strict=strict, guessed=source.guessed_columns)
    column_map, vocabulary = keep_fields(column_map, with_values(vocabulary_for(column_map.preset, table),
                                                                source.values), keep)
    categorise(raw, repeating_headers(column_map, table))
    return raw, column_map, vocabulary


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
