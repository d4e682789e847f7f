"""Data-quality checks on the configured exports, before any metric is trusted.

validate(config) reads every source the way the report does (load.read_table, the same parsers and
stage rules as normalise.py) and returns a plain Validation: rows read, the columns found, blanks per
column and a list of Problems, each with a count and up to five examples as (file row, value), where
the header is row 1. `crm-metrics validate` renders it; `report` shows the same counts in its footer.
"""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from crm_metrics.clean.categoricals import blank_cells, concat_rows
from crm_metrics.clean.normalise import (
    LOST_STAGES,
    WON_STAGES,
    _outcomes,
    amounts,
    dates,
    id_cells,
    map_values,
    text_cells,
    word_key,
    word_keys,
)
from crm_metrics.clean.parsers import parse_bools
from crm_metrics.config.model import Config
from crm_metrics.io.files import expand_paths, expand_sheets
from crm_metrics.io.read_source import read_mapped
from crm_metrics.mapping.columns import header_key, map_columns
from crm_metrics.mapping.presets import Vocabulary, vocabulary_for
from crm_metrics.schema import TABLES, FieldKind, TableSchema

MAX_EXAMPLES = 5

# Open stages of the major CRMs' default pipelines (Salesforce, HubSpot internal ids, Pipedrive,
# Dynamics, Zoho), compared as word keys. Anything else that is neither won nor lost is reported, so
# a typo such as "Closed Wno" is not silently counted as an open deal.
OPEN_STAGES = {word_key(s) for s in (
    "Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
    "Perception Analysis", "Proposal", "Proposal/Price Quote", "Negotiation", "Negotiation/Review",
    "Demo", "Discovery", "Lead", "New", "Open", "Qualified", "Develop", "Propose", "Close",
    "appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin",
    "contractsent", "Lead In", "Contact Made", "Demo Scheduled", "Proposal Made",
    "Negotiations Started", "Needs Identified", "Identify Decision Makers", "Value Proposition",
)}


@dataclass
class Problem:
    """One kind of problem in one source: what, how many rows, and a few examples."""

    table: str
    check: str  # a stable id: missing_column, unparseable, duplicate_exact, ...
    count: int
    message: str
    examples: list[tuple[str, int, str]] = field(default_factory=list)  # (file, row, value)


@dataclass
class SourceCheck:
    table: str
    files: list[str]
    rows: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # canonical field -> export header
    blanks: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def add(self, check: str, mask: Any, frame: pd.DataFrame, column: str | None, message: str) -> None:
        """Record a problem for the rows where `mask` is true, showing `column`'s raw value."""
        flags = pd.Series(mask).fillna(False).to_numpy(dtype=bool)
        count = int(flags.sum())
        if not count:
            return
        # Positions first: filtering every column of a million-row frame for five examples is slow.
        hits = frame.iloc[np.flatnonzero(flags)[:MAX_EXAMPLES]]
        examples = [(str(r["_file"]), int(r["_row"]), _show(r[column]) if column else "")
                    for _, r in hits.iterrows()]
        self.problems.append(Problem(self.table, check, count, message, examples))


@dataclass
class Validation:
    sources: list[SourceCheck]

    @property
    def problems(self) -> list[Problem]:
        return [p for s in self.sources for p in s.problems]

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self, table: str) -> str:
        """The counts of one table's problems on one line, as the report footer shows them."""
        parts = [f"{p.count:,} {p.message}" for s in self.sources if s.table == table for p in s.problems]
        return "; ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "problems": len(self.problems),
                "sources": [asdict(s) for s in self.sources]}


def validate(config: Config, today: date | None = None, tables: set[str] | None = None) -> Validation:
    """Check every source of the config, or only those in `tables`."""
    today = today or date.today()
    checks = []
    for name, source in config.sources.items():
        if tables is not None and name not in tables:
            continue
        paths = expand_paths(source.paths, config.resolve)
        raws = []
        for path, sheet in expand_sheets(paths, source.sheet):
            raw, _ = read_mapped(path, sheet, name, config, strict=False)
            raw = raw.copy(deep=False)  # a new frame for _file and _row; the cells are shared
            # One category, not a copy of the path per row.
            raw["_file"] = pd.Categorical.from_codes(np.zeros(len(raw), dtype=np.int8),
                                                     categories=pd.Index([str(path)]))
            raw["_row"] = range(2, len(raw) + 2)
            raws.append(raw)
        check = SourceCheck(name, [str(p) for p in paths])
        combined = concat_rows(raws)
        # init's unconfirmed guesses are read like columns: validate checks what the report reads.
        explicit = {**source.guessed_columns, **source.columns}
        check_source(check, TABLES[name], combined, explicit, config, today, preset=source.preset)
        checks.append(check)
    return Validation(checks)


def check_source(check: SourceCheck, schema: TableSchema, raw: pd.DataFrame, explicit: dict[str, str],
                 config: Config, today: date, preset: str | None = None) -> None:
    """Every check on one table; `raw` has the export's headers plus _file and _row."""
    check.rows = len(raw)
    headers = [h for h in raw.columns if h not in ("_file", "_row")]
    # The same mapping as the report (map, preset, detection), so the two never disagree on a column.
    column_map = map_columns(schema, headers, explicit, config.origin, ", ".join(check.files), preset=preset,
                             strict=False)
    # "=Won" in the map is a value for every row (init writes it for a list of won deals), not a header.
    check.columns = {f: h for f, h in column_map.fields.items() if h in headers or h.startswith("=")}
    vocabulary = vocabulary_for(column_map.preset, schema.name)
    for name in schema.required:
        if name not in check.columns:
            wanted = explicit.get(name, name)
            close = difflib.get_close_matches(header_key(wanted), [header_key(h) for h in headers], n=3, cutoff=0.4)
            by_key = {header_key(h): h for h in headers}
            hint = f" (closest: {', '.join(repr(by_key[c]) for c in close)})" if close else ""
            check.problems.append(Problem(check.table, "missing_column", 1,
                                          f"required column '{wanted}' for {name} is missing{hint}"))
    frame = pd.DataFrame({f: raw[h] if h in headers else h[1:] for f, h in check.columns.items()}, index=raw.index)
    frame["_file"], frame["_row"] = raw["_file"].array, raw["_row"].to_numpy()
    parsed = _parse_columns(check, schema, frame, config, vocabulary)
    repeated_ids = None
    if schema.id_field and schema.id_field in frame.columns:
        repeated_ids = _duplicates(check, frame, schema.id_field)
    for name_field in ("account_name", "customer_name"):
        if name_field in frame.columns:
            _name_variants(check, frame, name_field)
    _future_dates(check, schema, frame, parsed, today)
    if "amount" in parsed and check.table == "deals":
        check.add("negative_amount", parsed["amount"] < 0, frame, "amount", "negative amounts")
    if check.table == "deals" and "stage" in frame.columns:
        _deal_checks(check, frame, parsed, config, vocabulary, repeated_ids)
    if check.table == "tickets" and {"created_at", "resolved_at"} <= set(parsed):
        check.add("resolved_before_created", parsed["resolved_at"] < parsed["created_at"], frame,
                  "resolved_at", "tickets resolved before they were created")
    cleaned = frame.copy(deep=False)
    for name, values in parsed.items():
        cleaned[name] = values
    source = getattr(config.sources, check.table)
    implausible_distributions(check, cleaned, set(source.guessed_columns) if source is not None else set())


def _parse_columns(check: SourceCheck, schema: TableSchema, frame: pd.DataFrame,
                   config: Config, vocabulary: Vocabulary) -> dict[str, pd.Series]:
    source = getattr(config.sources, check.table)
    dayfirst = None if source is None else source.dayfirst
    parsed = {}
    for name in check.columns:
        values = frame[name]
        blank = pd.Series(blank_cells(values), index=values.index)
        check.blanks[name] = int(blank.sum())
        # An open deal often has no amount yet; a won deal without one is checked in _deal_checks.
        if name in schema.required and name != schema.id_field and (check.table, name) != ("deals", "amount"):
            check.add("blank_required", blank, frame, name, f"blank {name}")
        if name in vocabulary.value_maps:
            # A desk's words for a score (Zendesk's "good" / "bad") are values, as normalise reads them.
            values = map_values(values, vocabulary.value_maps[name])
        kind = schema.kind(name)
        if kind is FieldKind.DATE:
            result = dates(values, config.timezone, dayfirst)
        elif kind in (FieldKind.AMOUNT, FieldKind.NUMBER):
            result = amounts(values)
        elif kind is FieldKind.BOOL:
            result = parse_bools(values)
        else:
            continue
        parsed[name] = result.values
        check.add("unparseable", result.bad_mask, frame, name, f"unparseable {name}")
    return parsed


def _duplicates(check: SourceCheck, frame: pd.DataFrame, id_field: str) -> np.ndarray:
    """Report missing and repeated ids; the rows whose id another row has too."""
    ids, repeated = id_cells(frame[id_field])
    has_id = ids.notna().to_numpy(dtype=bool)
    check.add("missing_id", ~has_id, frame, id_field, f"rows without {id_field}")
    if not repeated.any():
        return repeated
    content = frame.drop(columns=["_file", "_row"]).astype("string").fillna("")
    # Every row after the first of an id; an exact copy repeats all mapped cells of the first.
    later = ids.duplicated(keep="first").to_numpy(dtype=bool) & has_id
    exact = content.assign(_id=ids).duplicated(keep="first").to_numpy(dtype=bool) & later
    check.add("duplicate_exact", pd.Series(exact), frame, id_field, f"exact copies of a row with the same {id_field}")
    check.add("duplicate_conflict", pd.Series(later & ~exact), frame, id_field,
              f"rows that repeat a {id_field} with different values (the last one is kept)")
    return repeated


def _name_variants(check: SourceCheck, frame: pd.DataFrame, column: str) -> None:
    """Flag the first row of each spelling of a name whose word key another, earlier spelling has
    ("ACME Inc." after "Acme Inc"); the earliest spelling of a key is the one the others differ from."""
    # Worked on the distinct spellings: an export has millions of rows but thousands of names.
    codes, spellings = pd.factorize(text_cells(frame[column]))
    # factorize numbers spellings in order of appearance: a row is a spelling's first exactly when
    # its code is above every code before it.
    before = np.maximum.accumulate(np.concatenate(([-1], codes[:-1])))
    first_rows = np.flatnonzero(codes > before)
    table = pd.DataFrame({"key": word_keys(pd.Series(spellings)).to_numpy(), "row": first_rows})
    table = table[table["key"] != ""]
    table = table[table.groupby("key")["row"].transform("size").to_numpy() > 1]
    earliest = table.groupby("key")["row"].transform("min").to_numpy()
    flagged = np.zeros(len(frame), dtype=bool)
    flagged[table["row"].to_numpy()[table["row"].to_numpy() != earliest]] = True
    check.add("name_variants", pd.Series(flagged), frame, column,
              f"{column} spellings that differ only in case, spacing or punctuation from another")


def _future_dates(check: SourceCheck, schema: TableSchema, frame: pd.DataFrame,
                  parsed: dict[str, pd.Series], today: date) -> None:
    tomorrow = pd.Timestamp(today) + pd.Timedelta(days=1)
    for name, values in parsed.items():
        # A CRM keeps an expected close date on open deals and due dates ahead; those may be future.
        if schema.kind(name) is not FieldKind.DATE or name in ("closed_at", "sla_due_at"):
            continue
        check.add("future_date", values >= tomorrow, frame, name, f"{name} dates in the future")


def _deal_checks(check: SourceCheck, frame: pd.DataFrame, parsed: dict[str, pd.Series], config: Config,
                 vocabulary: Vocabulary, repeated_ids: np.ndarray | None) -> None:
    outcome = _outcomes(frame, config, vocabulary)
    closed = (outcome != "open").to_numpy(dtype=bool)
    closed_at = parsed.get("closed_at")
    if closed_at is None:
        closed_at = pd.Series(pd.NaT, index=frame.index)
        no_date = closed_at.isna().to_numpy(dtype=bool)
    else:
        # Only blank cells: a date that cannot be read is already counted as unparseable closed_at,
        # and each bad row is counted once, under its most specific reason.
        no_date = blank_cells(frame["closed_at"])
    check.add("closed_without_date", pd.Series(closed & no_date), frame, "stage",
              "won or lost deals without a close date")
    if "amount" in frame.columns:
        blank = blank_cells(frame["amount"])
        check.add("won_without_amount", pd.Series(blank & (outcome == "won").to_numpy(dtype=bool)), frame,
                  "stage", "won deals without an amount")
    if "created_at" in parsed:
        before = (closed_at < parsed["created_at"]).fillna(False).to_numpy(dtype=bool) & closed
        check.add("closed_before_created", pd.Series(before), frame, "closed_at",
                  "deals closed before they were created")
    known = WON_STAGES | LOST_STAGES | OPEN_STAGES | {
        word_key(s) for s in (*config.won_stages, *config.lost_stages, *config.open_stages,
                              *vocabulary.won_stages, *vocabulary.lost_stages, *vocabulary.open_stages)}
    keys = word_keys(frame["stage"])
    unknown = ~keys.isin(known).to_numpy(dtype=bool) & (keys != "").to_numpy(dtype=bool)
    if "status" in frame.columns:
        # Pipedrive's status column decides the outcome; its stage names are the user's own.
        status = word_keys(frame["status"])
        unknown &= ~status.isin({"won", "lost", "open"}).to_numpy(dtype=bool)
    check.add("unknown_stage", pd.Series(unknown), frame, "stage",
              "stages that are neither won, lost nor a known open stage (add them to won_stages, "
              "lost_stages or open_stages)")
    _lost_duplicates(check, frame, parsed, outcome, repeated_ids)


def _lost_duplicates(check: SourceCheck, frame: pd.DataFrame, parsed: dict[str, pd.Series],
                     outcome: pd.Series, repeated_ids: np.ndarray | None) -> None:
    account = "account_id" if "account_id" in frame.columns else "account_name"
    if account not in frame.columns or not {"amount", "created_at"} <= set(parsed):
        return
    amount = parsed["amount"].to_numpy()
    # The create day as a number (days since 1970); NaT becomes the smallest int64.
    day = parsed["created_at"].to_numpy().astype("datetime64[D]").view(np.int64)
    # Lost deals are often zeroed; two zero-amount deals of one account and day are not a duplicate.
    complete = ~np.isnan(amount) & parsed["created_at"].notna().to_numpy(dtype=bool) & (amount != 0)
    # Only rows sharing an amount and a day with another row can be twins; account keys (text, slow
    # on millions of rows) are built for those alone. Rows are first narrowed by one integer mixing
    # the amount's bits and the day (equal pairs give equal integers; a rare collision only lets an
    # extra row through), then compared exactly. Worked in place: these are millions of rows.
    mixed = day[complete].view(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    mixed ^= amount[complete].view(np.uint64)
    candidates = np.zeros(len(frame), dtype=bool)
    candidates[complete] = _repeated(mixed)
    del mixed
    numbers = pd.DataFrame({"amount": amount[candidates], "created": day[candidates]})
    candidates[candidates] = numbers.duplicated(keep=False).to_numpy(dtype=bool)
    lost = (outcome == "lost").to_numpy(dtype=bool)
    if not (candidates & lost).any():
        return
    if repeated_ids is not None and repeated_ids.any():
        # Rows that repeat an id are duplicate ids, reported above; count each deal once here (its
        # last row, the one the report keeps). Only rows whose id repeats can be an earlier copy.
        repeats = np.flatnonzero(repeated_ids)
        ids = frame["deal_id"].iloc[repeats].astype("string").str.strip()
        candidates[repeats[ids.duplicated(keep="last").to_numpy(dtype=bool)]] = False
    positions = np.flatnonzero(candidates)
    key = pd.DataFrame({
        "account": word_keys(frame[account].iloc[positions]).to_numpy(),
        "amount": amount[positions],
        "created": day[positions],
    })
    named = (key["account"] != "").to_numpy(dtype=bool)
    twins = np.zeros(len(frame), dtype=bool)
    twins[positions[named]] = key[named].duplicated(keep=False).to_numpy(dtype=bool)
    check.add("lost_duplicate", pd.Series(twins & lost), frame, account,
              "lost deals that duplicate another deal (same account, amount and create date)")


def _repeated(values: np.ndarray) -> np.ndarray:
    """Rows whose value another row has too: found by sorting, which on millions of integers is
    quicker than a hash table and needs a fraction of its memory."""
    order = np.argsort(values)  # equal values end up side by side; their order does not matter
    in_sorted_order = values[order]
    same = in_sorted_order[1:] == in_sorted_order[:-1]
    del in_sorted_order
    in_order = np.zeros(len(values), dtype=bool)
    in_order[1:] |= same
    in_order[:-1] |= same
    repeated = np.empty(len(values), dtype=bool)
    repeated[order] = in_order
    return repeated


def _show(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


# Distributions that cannot be right: each cell parses, yet the column as a whole says it was
# mapped wrong (issue "No plausible wrong number", kind 9). A table needs more rows than this before
# one stage on all of them is suspicious: a small team's month can close only won deals.
CONSTANT_STAGE_MIN_ROWS = 20
YEAR = pd.Timedelta(days=365)


def implausible_distributions(check: SourceCheck, cleaned: pd.DataFrame, guessed: set[str]) -> None:
    """Add to `check` the problems no single cell shows: two date fields equal on every row, support
    times over a year, one stage across a whole deals export (or a stage only guessed for all).

    `cleaned` has the table's canonical fields as the report reads them (dates as datetime64,
    stage as its text, "Won" for a `=Won` constant) plus `_file` and `_row` for the examples;
    `guessed` names the fields read from the source's `guessed_columns:`. The entry point for
    validate.check_source, and for any later code that checks the cleaned tables."""
    _identical_dates(check, cleaned)
    if check.table == "tickets":
        _year_long_times(check, cleaned)
    if check.table == "deals" and "stage" in cleaned.columns:
        _constant_stage(check, cleaned, "stage" in guessed)


# Date pairs that are equal on every row of honest data: with no reopened ticket the first solve
# is the last one.
_EQUAL_BY_NATURE = [{"first_resolved_at", "resolved_at"}]


def _identical_dates(check: SourceCheck, cleaned: pd.DataFrame) -> None:
    """Two date fields equal on every row that has both (at least two rows): most likely one
    export column read for both, which makes every duration between them 0."""
    schema = TABLES[check.table]
    fields = [f for f in schema.fields if f in cleaned.columns and schema.kind(f) is FieldKind.DATE]
    for i, first in enumerate(fields):
        for second in fields[i + 1:]:
            if {first, second} in _EQUAL_BY_NATURE:
                continue
            a, b = cleaned[first], cleaned[second]
            both = (a.notna() & b.notna()).to_numpy(dtype=bool)
            if both.sum() >= 2 and bool((a[both] == b[both]).all()):
                check.add("identical_dates", both, cleaned, second,
                          f"rows whose {second} equals their {first}, on every row with both (one column read twice?)")


def _year_long_times(check: SourceCheck, cleaned: pd.DataFrame) -> None:
    """Resolutions and first responses more than a year after the ticket was created: no help desk
    works so, a created_at read from another date (Kaggle's "Date of Purchase") does."""
    if "created_at" not in cleaned.columns:
        return
    words = {"resolved_at": "resolved", "first_response_at": "first answered"}
    for name, word in words.items():
        if name in cleaned.columns:
            late = ((cleaned[name] - cleaned["created_at"]) > YEAR).fillna(False)
            check.add(f"year_long_{name}", late, cleaned, name,
                      f"tickets {word} more than a year after they were created (is created_at the right column?)")


def _constant_stage(check: SourceCheck, cleaned: pd.DataFrame, guessed: bool) -> None:
    """A stage init guessed for every row, or one stage on every row of a big export: the close
    rate is then 0 or 100 % by construction, not by the data."""
    stages = cleaned["stage"]
    rows = np.ones(len(cleaned), dtype=bool)
    if guessed:
        shown = str(stages.iloc[0]) if len(stages) else ""
        check.add("constant_stage", rows, cleaned, None,
                  f"{check.table} all given stage {shown!r} by a guess (close rate 100 % by construction): confirm "
                  f"it by moving it from sources.{check.table}.guessed_columns to sources.{check.table}.columns")
        return
    if check.columns.get("stage", "").startswith("="):
        return  # a constant the user confirmed under columns: (a list of won deals), not the file's column
    values = stages.dropna().astype("string").str.strip()
    values = values[values != ""]
    if len(cleaned) > CONSTANT_STAGE_MIN_ROWS and len(values) == len(cleaned) and values.nunique() == 1:
        check.add("constant_stage", rows, cleaned, None,
                  f"{check.table} all in stage {values.iloc[0]!r} (an export of one outcome gives a close rate of "
                  "0 or 100 %: export every stage)")
