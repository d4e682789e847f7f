"""Mapping an export's headers onto the canonical fields of its table.

A source's `columns:` map wins; any field it does not name is matched by header, ignoring case,
spaces and punctuation ("Deal ID", "deal_id", "DealId"). A required field that cannot be found is an
error that lists the file's headers and the closest one, so the user can add it to the map.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from crm_metrics.errors import ConfigError, InputError
from crm_metrics.schema import TableSchema


def header_key(header: str) -> str:
    return re.sub(r"[^0-9a-z]", "", header.casefold())


@dataclass(frozen=True)
class ColumnMap:
    """Canonical field -> the export header it is read from."""

    table: str
    fields: dict[str, str]


def map_columns(
    schema: TableSchema, headers: list[str], explicit: dict[str, str], origin: str, file: str
) -> ColumnMap:
    unknown = [name for name in explicit if name not in schema.fields]
    if unknown:
        problems = []
        for name in unknown:
            hint = difflib.get_close_matches(name, schema.fields, n=1)
            tip = f"did you mean '{hint[0]}'?" if hint else f"fields: {', '.join(schema.fields)}"
            problems.append(f"{origin}: sources.{schema.name}.columns.{name}: not a field of "
                            f"{schema.name}; {tip}")
        raise ConfigError("\n".join(problems), problems)

    by_key = {header_key(h): h for h in headers}
    fields: dict[str, str] = {}
    for name, header in explicit.items():
        if header in headers:
            fields[name] = header
        elif header_key(header) in by_key:
            fields[name] = by_key[header_key(header)]
        else:
            raise InputError(_missing_message(file, schema.name, name, header, headers, mapped=True))
    for name in schema.fields:
        if name not in fields and header_key(name) in by_key:
            fields[name] = by_key[header_key(name)]
    for name in schema.required:
        if name not in fields:
            raise InputError(_missing_message(file, schema.name, name, name, headers, mapped=False))
    return ColumnMap(schema.name, fields)


def _missing_message(file: str, table: str, field: str, wanted: str, headers: list[str], mapped: bool) -> str:
    keys = {header_key(h): h for h in headers}
    close = difflib.get_close_matches(header_key(wanted), list(keys), n=1, cutoff=0.5)
    hint = f"closest: '{keys[close[0]]}'; " if close else ""
    shown = ", ".join(f"'{h}'" for h in headers[:30]) + (" ..." if len(headers) > 30 else "")
    what = f"has no column '{wanted}' (mapped to {field})" if mapped else f"has no column for required field '{field}'"
    return (f"{file}: {what}; {hint}map it under sources.{table}.columns.{field}. "
            f"The file's headers are: {shown}")
