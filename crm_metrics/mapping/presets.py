"""The vendor presets: YAML data files in crm_metrics/presets/, read once and checked against the schema.

A preset says, per canonical table, which export headers hold which field (most specific first) and
the vendor's own words for won / lost stages, deal types and scores. The code never names a vendor;
adding a CRM means adding a YAML file.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from crm_metrics.errors import ConfigError
from crm_metrics.schema import TABLES

DURATION_UNITS = ("minutes", "hours", "seconds", "hhmmss")


def word_key(value: str) -> str:
    """Case, space and punctuation blind: "Closed Won" == "closed-won" == "ClosedWon"."""
    return re.sub(r"[^0-9a-z]", "", value.casefold())


@dataclass(frozen=True)
class Duration:
    header: str
    unit: str


@dataclass(frozen=True)
class Vocabulary:
    """The words one vendor uses in one table; empty for a table read without a preset."""

    preset: str | None = None
    won_stages: tuple[str, ...] = ()
    lost_stages: tuple[str, ...] = ()
    open_stages: tuple[str, ...] = ()  # known open stages, so validate does not flag them as typos
    deal_types: dict[str, tuple[str, ...]] = field(default_factory=dict)
    value_maps: dict[str, dict[str, Any]] = field(default_factory=dict)
    coalesce: dict[str, tuple[str, ...]] = field(default_factory=dict)
    durations: dict[str, Duration] = field(default_factory=dict)


@dataclass(frozen=True)
class PresetTable:
    columns: dict[str, tuple[str, ...]]  # canonical field -> headers, most specific first
    vocabulary: Vocabulary
    # Field -> headers that may hold it but whose name does not say so (Olist's
    # declared_monthly_revenue is a seller's declared revenue, not a deal amount): read only as a
    # guess (columns.GUESSED), which init writes under guessed_columns: and every report flags.
    loose: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    tables: dict[str, PresetTable]


def preset_names() -> list[str]:
    folder = resources.files("crm_metrics") / "presets"
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))


@cache
def get_preset(name: str) -> Preset:
    names = preset_names()
    if name not in names:
        hint = difflib.get_close_matches(name, names, n=1)
        tip = f"did you mean '{hint[0]}'? " if hint else ""
        raise ConfigError(f"unknown preset '{name}'; {tip}presets: {', '.join(names)}")
    import yaml

    text = (resources.files("crm_metrics") / "presets" / f"{name}.yaml").read_text(encoding="utf-8")
    return _parse(name, yaml.safe_load(text))


def all_presets() -> list[Preset]:
    return [get_preset(name) for name in preset_names()]


def vocabulary_for(preset: str | None, table: str) -> Vocabulary:
    if preset is None:
        return Vocabulary()
    found = get_preset(preset).tables.get(table)
    return found.vocabulary if found else Vocabulary(preset=preset)


def with_values(vocabulary: Vocabulary, values: dict[str, dict[str, Any]]) -> Vocabulary:
    """The vocabulary with a source's own `values:` words added to its value maps (field -> export
    word -> canonical value); the source's words win over the preset's for the same word. Keys are
    matched case, space and punctuation blind, as the presets' value_maps are."""
    if not values:
        return vocabulary
    from dataclasses import replace

    maps = {f: dict(m) for f, m in vocabulary.value_maps.items()}
    for fld, words in values.items():
        maps.setdefault(fld, {}).update({word_key(str(k)): v for k, v in words.items()})
    return replace(vocabulary, value_maps=maps)


def _parse(name: str, data: Any) -> Preset:
    # A malformed preset is a packaging bug, but say which file and key so it is fixed in one go.
    where = f"crm_metrics/presets/{name}.yaml"
    if not isinstance(data, dict) or not isinstance(data.get("tables"), dict):
        raise ConfigError(f"{where}: a preset needs a 'tables:' mapping")
    tables: dict[str, PresetTable] = {}
    for table, spec in data["tables"].items():
        if table not in TABLES:
            raise ConfigError(f"{where}: tables.{table}: not a canonical table ({', '.join(TABLES)})")
        schema = TABLES[table]
        columns = {f: tuple(_strings(h)) for f, h in (spec.get("columns") or {}).items()}
        loose = {f: tuple(_strings(h)) for f, h in (spec.get("guessed_columns") or {}).items()}
        for key, fields in (("columns", columns), ("guessed_columns", loose)):
            for fld in fields:
                if fld not in schema.fields:
                    raise ConfigError(f"{where}: tables.{table}.{key}.{fld}: not a field of {table}")
        durations = {
            f: Duration(str(d["header"]), str(d["unit"])) for f, d in (spec.get("durations") or {}).items()
        }
        for fld, duration in durations.items():
            if duration.unit not in DURATION_UNITS:
                raise ConfigError(f"{where}: tables.{table}.durations.{fld}.unit: one of {', '.join(DURATION_UNITS)}")
        vocabulary = Vocabulary(
            preset=name,
            won_stages=tuple(_strings(spec.get("won_stages"))),
            lost_stages=tuple(_strings(spec.get("lost_stages"))),
            open_stages=tuple(_strings(spec.get("open_stages"))),
            deal_types={k: tuple(_strings(v)) for k, v in (spec.get("deal_types") or {}).items()},
            value_maps={f: {word_key(str(k)): v for k, v in m.items()}
                        for f, m in (spec.get("value_maps") or {}).items()},
            coalesce={f: tuple(_strings(h)) for f, h in (spec.get("coalesce") or {}).items()},
            durations=durations,
        )
        tables[table] = PresetTable(columns, vocabulary, loose)
    return Preset(name, str(data.get("label", name)), tables)


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]
