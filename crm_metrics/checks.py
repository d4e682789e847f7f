"""Data-quality checks on the cleaned tables, before any metric is trusted.

There is one pipeline: pipeline.load_tables reads, maps and cleans each file (normalise.clean_file
records blank and unreadable cells there, with their file, row and raw value), puts a table's files
together, and calls check_rows on that frame before duplicates are dropped. check_tables(loaded)
turns what was recorded into a Validation; validate(config) loads the tables the same way first.
The report's footer and --strict read the same Validation, so they never disagree with `validate`.
Each Problem has a count and up to five examples (file, row, value), where the header is row 1.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from crm_metrics.clean.durations import elapsed_seconds
from crm_metrics.clean.normalise import OPEN_STAGES, word_keys
from crm_metrics.clean.problems import MAX_EXAMPLES, FileRows, Problem, SourceCheck, file_rows
from crm_metrics.config.model import Config
from crm_metrics.io.sniff import is_total_label
from crm_metrics.mapping.columns import ColumnMap, closest_headers
from crm_metrics.schema import FieldKind, TableSchema

if TYPE_CHECKING:
    from crm_metrics.pipeline import LoadedTables

_BAD = "_unparseable_"


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


def check_tables(loaded: LoadedTables) -> Validation:
    """The data problems of the loaded tables, in the order they were loaded: what cleaning
    recorded (missing columns, blank and unreadable cells) and what check_rows found."""
    return Validation(list(loaded.checks.values()))


def validate(config: Config, today: date | None = None, tables: set[str] | None = None,
             fields: dict[str, set[str]] | None = None) -> Validation:
    """Check every source of the config, or only those in `tables`, as the report loads them:
    every mapped column, or (`fields`: table -> fields, pipeline.fields_read) only those.

    Loaded leniently: a source without a required column is checked for what it has, with one
    missing_column problem per gap, instead of stopping at the first. `today` (default: today)
    is the day after which a create date is in the future. Raises InputError for a file that
    cannot be read at all.
    """
    from crm_metrics.pipeline import load_tables

    wanted = {name for name, _ in config.sources.items()} if tables is None else tables
    return check_tables(load_tables(config, wanted, fields, today=today or date.today(), lenient=True))


def check_frame(table: str, raw: pd.DataFrame, config: Config, today: date, columns: dict[str, str],
                preset: str | None = None, file: str = "x.csv") -> SourceCheck:
    """validate() on one raw frame (export headers, cells as read) instead of a file: the same
    mapping (strict=False), cleaning and checks, for tests and callers that hold the cells."""
    from crm_metrics.pipeline import check_raw_files

    return check_raw_files(table, [(file, raw)], config, today, columns, preset)


def missing_columns(check: SourceCheck, schema: TableSchema, column_map: ColumnMap, headers: list[str],
                    explicit: dict[str, str], raw: pd.DataFrame | None = None) -> None:
    """One missing_column problem per required field a file's (lenient) column map lacks, naming
    the closest of its headers by name (mapping.columns.closest_headers: for a date or number field
    only a header whose values in `raw` could be it)."""
    for name in schema.required:
        if name in column_map.fields:
            continue
        wanted = explicit.get(name, name)
        close = closest_headers(schema.name, name, wanted, headers, raw, n=3, cutoff=0.4)
        hint = f" (closest: {', '.join(map(repr, close))})" if close else ""
        message = f"required column '{wanted}' for {name} is missing{hint}"
        if not any(p.message == message for p in check.problems):
            check.problems.append(Problem(check.table, "missing_column", 1, message))


def leave_out_subtotals(check: SourceCheck, schema: TableSchema, mapped: pd.DataFrame, file: str) -> pd.DataFrame:
    """`mapped` (one file's select_columns frame) without its subtotal rows (io.files.subtotal_rows:
    a "Subtotal" / "Total" / "Summe" / "Gesamt" label, no id and no dates), each recorded once on
    `check` as a subtotal_row problem, instead of as a missing id, blank dates and an unknown stage.
    Rows keep their file row numbers in a `_row` column (int32) when any is left out."""
    from crm_metrics.io.files import subtotal_rows

    dates = [name for name in schema.fields if schema.kind(name) is FieldKind.DATE]
    found = subtotal_rows(mapped, dates, schema.id_field)
    if not found.any():
        return mapped
    first = mapped.iloc[int(np.flatnonzero(found)[0])]
    label = next(str(name) for name, cell in first.items() if is_total_label(cell))
    check.add("subtotal_row", found, "rows that look like a subtotal or total row (a total label, no id or date); "
              "left out", FileRows([file], [mapped]), label)
    rows = file_rows(mapped)
    return mapped[~found].assign(_row=rows[~found])


def check_rows(check: SourceCheck, schema: TableSchema, frame: pd.DataFrame, rows: FileRows, today: date,
               repeated: np.ndarray | None, timezone: str = "UTC",
               guessed: set[str] | frozenset[str] = frozenset()) -> None:
    """Every check across rows, on a table's cleaned files one under the other (clean_file frames,
    before de-duplication): missing and repeated ids, name spellings, future dates, negative
    amounts, the deal and ticket rules. `repeated` marks the rows whose id another row has
    (normalise.repeated_ids); `timezone` is the zone of the naive times, in which "before" is
    decided on instants (durations.elapsed_seconds), as the metrics decide it. Found problems are
    added to `check`, with raw values from `rows`."""
    check.rows = len(frame)
    if schema.id_field and schema.id_field in frame.columns and repeated is not None:
        _duplicates(check, frame, schema.id_field, rows, repeated)
    for name_field in ("account_name", "customer_name"):
        if name_field in frame.columns:
            _name_variants(check, frame, name_field, rows)
    # Cells parsed from a mapped column (not dates derived from an exported duration).
    parsed = {name: frame[name] for name in frame.columns if _BAD + name in frame.columns}
    _future_dates(check, schema, parsed, rows, today)
    if "amount" in parsed and check.table == "deals":
        check.add("negative_amount", parsed["amount"] < 0, "negative amounts", rows, "amount")
    if check.table == "deals" and "outcome" in frame.columns:
        _deal_checks(check, frame, parsed, rows, repeated, timezone)
    if check.table == "tickets" and {"created_at", "resolved_at"} <= set(parsed):
        check.add("resolved_before_created", _backwards(parsed["created_at"], parsed["resolved_at"], timezone),
                  "tickets resolved before they were created", rows, "resolved_at")
    # `guessed` names the fields read from the source's guessed_columns: (init's unconfirmed guesses).
    implausible_distributions(check, frame, rows, set(guessed))


def _backwards(start: pd.Series, end: pd.Series, timezone: str) -> np.ndarray:
    """Rows whose `end` instant is before their `start` one (False where either is missing)."""
    return (elapsed_seconds(start, end, timezone) < 0).fillna(False).to_numpy(dtype=bool)


def _duplicates(check: SourceCheck, frame: pd.DataFrame, id_field: str, rows: FileRows,
                repeated: np.ndarray) -> None:
    """Report missing and repeated ids."""
    ids = frame[id_field]
    has_id = ids.notna().to_numpy(dtype=bool)
    check.add("missing_id", ~has_id, f"rows without {id_field}", rows, id_field)
    if not repeated.any():
        return
    # Only rows whose id another row has can repeat one: the rest never take part.
    positions = np.flatnonzero(repeated)
    content = rows.cells(positions)
    same_id = ids.iloc[positions].reset_index(drop=True)
    # Every row after the first of an id; a repeat "with the same values" repeats all mapped cells
    # of the first. Only the columns read are compared (they are all that is read), so the message
    # says so: an event log's rows may differ in columns not read (ServiceNow's state, sys_mod_count).
    later = same_id.duplicated(keep="first").to_numpy(dtype=bool)
    exact = content.assign(_id=same_id).duplicated(keep="first").to_numpy(dtype=bool) & later
    flags = np.zeros(len(frame), dtype=bool)
    flags[positions[exact]] = True
    check.add("duplicate_exact", flags, f"rows that repeat a {id_field} with the same values in every column read",
              rows, id_field)
    flags = np.zeros(len(frame), dtype=bool)
    flags[positions[later & ~exact]] = True
    check.add("duplicate_conflict", flags,
              f"rows that repeat a {id_field} with different values (the last one is kept)", rows, id_field)


def _name_variants(check: SourceCheck, frame: pd.DataFrame, column: str, rows: FileRows) -> None:
    """Flag the first row of each spelling of a name whose word key another, earlier spelling has
    ("ACME Inc." after "Acme Inc"); the earliest spelling of a key is the one the others differ from."""
    # Worked on the distinct spellings (the cleaned, stripped names): an export has millions of
    # rows but thousands of names.
    codes, spellings = pd.factorize(frame[column])
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
    check.add("name_variants", flagged,
              f"{column} spellings that differ only in case, spacing or punctuation from another", rows, column)


def _future_dates(check: SourceCheck, schema: TableSchema, parsed: dict[str, pd.Series], rows: FileRows,
                  today: date) -> None:
    tomorrow = pd.Timestamp(today) + pd.Timedelta(days=1)
    for name, values in parsed.items():
        # A CRM keeps an expected close date on open deals and due dates ahead; those may be future.
        if schema.kind(name) is not FieldKind.DATE or name in ("closed_at", "sla_due_at"):
            continue
        check.add("future_date", values >= tomorrow, f"{name} dates in the future", rows, name)


def _blank(frame: pd.DataFrame, name: str) -> np.ndarray:
    """Rows whose cell was blank: missing after cleaning and not because it could not be read
    (each bad row is counted once, under its most specific reason: unparseable)."""
    return frame[name].isna().to_numpy(dtype=bool) & ~frame[_BAD + name].to_numpy(dtype=bool)


def _deal_checks(check: SourceCheck, frame: pd.DataFrame, parsed: dict[str, pd.Series], rows: FileRows,
                 repeated: np.ndarray | None, timezone: str) -> None:
    outcome = frame["outcome"]
    closed = (outcome != "open").to_numpy(dtype=bool)
    closed_at = parsed.get("closed_at")
    if closed_at is None:
        closed_at = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
        no_date = np.ones(len(frame), dtype=bool)
    else:
        no_date = _blank(frame, "closed_at")
    check.add("closed_without_date", closed & no_date, "won or lost deals without a close date", rows, "stage")
    if "amount" in parsed:
        won = (outcome == "won").to_numpy(dtype=bool)
        check.add("won_without_amount", _blank(frame, "amount") & won, "won deals without an amount", rows, "stage")
    if "created_at" in parsed:
        before = _backwards(parsed["created_at"], closed_at, timezone) & closed
        check.add("closed_before_created", before, "deals closed before they were created", rows, "closed_at")
    check.add("unknown_stage", frame["_unknown_stage"].to_numpy(dtype=bool),
              "stages that are neither won, lost nor a known open stage (add them to won_stages, "
              "lost_stages or open_stages)", rows, "stage")
    _lost_duplicates(check, frame, parsed, outcome, rows, repeated)


def _lost_duplicates(check: SourceCheck, frame: pd.DataFrame, parsed: dict[str, pd.Series],
                     outcome: pd.Series, rows: FileRows, repeated_ids: np.ndarray | None) -> None:
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
        ids = frame["deal_id"].iloc[repeats]
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
    check.add("lost_duplicate", twins & lost,
              "lost deals that duplicate another deal (same account, amount and create date)", rows, account)


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



__all__ = ["MAX_EXAMPLES", "OPEN_STAGES", "Problem", "SourceCheck", "Validation", "check_frame", "check_rows",
           "check_tables", "validate"]


# Distributions that cannot be right: each cell parses, yet the column as a whole says it was
# mapped wrong (issue "No plausible wrong number", kind 9). A table needs more rows than this before
# one stage on all of them is suspicious: a small team's month can close only won deals.
CONSTANT_STAGE_MIN_ROWS = 20
YEAR = pd.Timedelta(days=365)


def implausible_distributions(check: SourceCheck, cleaned: pd.DataFrame, rows: FileRows, guessed: set[str]) -> None:
    """Add to `check` the problems no single cell shows: two date fields equal on every row, support
    times over a year, one stage across a whole deals export (or a stage only guessed for all),
    every lost deal of a deals export at amount 0 (lost_without_value).

    `cleaned` has the table's canonical fields as the report reads them (dates as datetime64,
    stage as its text, "Won" for a `=Won` constant) plus `_file` and `_row` for the examples;
    `guessed` names the fields read from the source's `guessed_columns:`. The entry point for
    check_rows, on the cleaned table before de-duplication."""
    _identical_dates(check, cleaned, rows)
    if check.table == "tickets":
        _year_long_times(check, cleaned, rows)
        _dates_without_times(check, cleaned, rows)
    if check.table == "deals" and "stage" in cleaned.columns:
        _constant_stage(check, cleaned, rows, "stage" in guessed)
    if check.table == "deals" and {"outcome", "amount"} <= set(cleaned.columns):
        _lost_without_value(check, cleaned, rows)


# Fewer lost deals than this all at 0 may be chance (a few lost trials); this many is the export's
# convention (Maven's close_value is what was realised, 0 for every lost deal).
LOST_WITHOUT_VALUE_MIN = 5
LOST_WITHOUT_VALUE = ("every lost deal has amount 0 or blank (the export gives lost deals no value), so a rate "
                      "by value would count won value only and read 100 %")


def lost_without_value(outcome: pd.Series, amount: pd.Series) -> bool:
    """Whether a deals table (its `outcome` and `amount`, aligned) has at least
    LOST_WITHOUT_VALUE_MIN lost deals and every one of them has amount 0 or blank. The one rule for
    validate's notice and close_rate_value's n/a (metrics.md section 3, close_rate_value: "the same
    by amount" needs the lost amounts)."""
    lost = (outcome == "lost").fillna(False).to_numpy(dtype=bool)
    if lost.sum() < LOST_WITHOUT_VALUE_MIN:
        return False
    return bool((amount[lost].fillna(0) == 0).all())


def _lost_without_value(check: SourceCheck, cleaned: pd.DataFrame, rows: FileRows) -> None:
    if lost_without_value(cleaned["outcome"], cleaned["amount"]):
        check.add("lost_without_value", (cleaned["outcome"] == "lost").fillna(False).to_numpy(dtype=bool),
                  "lost deals, every one with amount 0 or blank (the export gives lost deals no value): close "
                  "rate (value) would count won value only, so it is n/a", rows, "amount")


# Date pairs that are equal on every row of honest data: with no reopened ticket the first solve
# is the last one.
_EQUAL_BY_NATURE = [{"first_resolved_at", "resolved_at"}]


def _identical_dates(check: SourceCheck, cleaned: pd.DataFrame, rows: FileRows) -> None:
    """Two date fields equal on every row that has both (at least two rows): most likely one
    export column read for both, which makes every duration between them 0."""
    from crm_metrics.schema import TABLES

    schema = TABLES[check.table]
    fields = [f for f in schema.fields if f in cleaned.columns and schema.kind(f) is FieldKind.DATE]
    for i, first in enumerate(fields):
        for second in fields[i + 1:]:
            if {first, second} in _EQUAL_BY_NATURE:
                continue
            a, b = cleaned[first], cleaned[second]
            both = (a.notna() & b.notna()).to_numpy(dtype=bool)
            if both.sum() >= 2 and bool((a[both] == b[both]).all()):
                check.add("identical_dates", both,
                          f"rows whose {second} equals their {first}, on every row with both (one column read twice?)",
                          rows, second)


def _year_long_times(check: SourceCheck, cleaned: pd.DataFrame, rows: FileRows) -> None:
    """Resolutions and first responses more than a year after the ticket was created: no help desk
    works so, a created_at read from another date (Kaggle's "Date of Purchase") does."""
    if "created_at" not in cleaned.columns:
        return
    words = {"resolved_at": "resolved", "first_response_at": "first answered"}
    for name, word in words.items():
        if name in cleaned.columns:
            late = ((cleaned[name] - cleaned["created_at"]) > YEAR).fillna(False)
            check.add(f"year_long_{name}", late,
                      f"tickets {word} more than a year after they were created (is created_at the right column?)",
                      rows, name)


# The support times and the two instants each is measured between.
_SUPPORT_TIMES = {"first_response_at": "first response", "resolved_at": "resolution"}


def _dates_without_times(check: SourceCheck, cleaned: pd.DataFrame, rows: FileRows) -> None:
    """Ticket date columns that hold no time of day in any row (at least two dates, every one at
    midnight), when a support time is measured from or to them: the hour figures are then whole
    calendar days x 24 (a ticket solved the next day took "24.0 h"), not response times
    (issue "No plausible wrong number", kind 12). One problem naming the columns, counting the rows
    that have such a date. `cleaned` as implausible_distributions takes it."""
    ends = [name for name in _SUPPORT_TIMES if name in cleaned.columns and _BAD + name in cleaned.columns]
    if "created_at" not in cleaned.columns or not ends:
        return  # no support time measured between two exported dates
    dateless = [name for name in ("created_at", *ends) if _no_time_of_day(cleaned[name])]
    if not dateless:
        return
    times = " and ".join(_SUPPORT_TIMES[name] for name in ends)
    dated = np.zeros(len(cleaned), dtype=bool)
    for name in dateless:
        dated |= cleaned[name].notna().to_numpy(dtype=bool)
    timed = [name for name in ("created_at", *ends) if name not in dateless]
    meaning = (f"{times} hours are whole calendar days x 24" if not timed else
               f"{times} hours count from or to midnight of those days ({' and '.join(timed)} have times)")
    check.add("dates_without_times", dated,
              f"tickets whose {' and '.join(dateless)} are dates without times (no time in any row): {meaning}, "
              "not response times; export the timestamps with their time", rows, dateless[0])


def _no_time_of_day(values: pd.Series) -> bool:
    dates = values.dropna()
    return len(dates) >= 2 and bool((dates == dates.dt.normalize()).all())


def _constant_stage(check: SourceCheck, cleaned: pd.DataFrame, file_rows: FileRows, guessed: bool) -> None:
    """A stage init guessed for every row, or one stage on every row of a big export: the close
    rate is then 0 or 100 % by construction, not by the data."""
    stages = cleaned["stage"]
    every = np.ones(len(cleaned), dtype=bool)
    if guessed:
        shown = str(stages.iloc[0]) if len(stages) else ""
        check.add("constant_stage", every,
                  f"{check.table} all given stage {shown!r} by a guess (close rate 100 % by construction): confirm "
                  f"it by moving it from sources.{check.table}.guessed_columns to sources.{check.table}.columns",
                  file_rows, None)
        return
    if check.columns.get("stage", "").startswith("="):
        return  # a constant the user confirmed under columns: (a list of won deals), not the file's column
    if len(cleaned) <= CONSTANT_STAGE_MIN_ROWS or stages.nunique() > 1:
        return  # the usual export: several stages, decided without stripping a million cells
    values = stages.dropna().astype("string").str.strip()
    values = values[values != ""]
    if len(cleaned) > CONSTANT_STAGE_MIN_ROWS and len(values) == len(cleaned) and values.nunique() == 1:
        check.add("constant_stage", every,
                  f"{check.table} all in stage {values.iloc[0]!r} (an export of one outcome gives a close rate of "
                  "0 or 100 %: export every stage)", file_rows, None)
