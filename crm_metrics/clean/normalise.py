"""From mapped raw frames to clean canonical tables, counting everything that was changed or dropped.

Each file is cleaned alone with its own vendor's words (clean_file): stages become won / lost /
open, deal types new / renewal / expansion, amounts floats, dates naive wall time in the config's
time zone, and every unreadable or blank cell is recorded with its file and row. The files' frames
are then put one under the other and finished once (finish): duplicate ids keep their last row,
amounts are converted to the report currency, account keys are built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd

from crm_metrics.business_hours import from_config
from crm_metrics.clean.categoricals import blank_cells, per_value, recode, stripped_text
from crm_metrics.clean.durations import (
    DurationUnit,
    add_elapsed,
    elapsed_seconds,
    is_seconds_field,
    parse_durations,
    parse_seconds,
)
from crm_metrics.clean.fast_parsers import all_distinct
from crm_metrics.clean.fx_rates import DatedRates, rate_dates, unconverted
from crm_metrics.clean.parsers import (
    SHARED_SYMBOLS,
    LayoutEvidence,
    amount_layout_evidence,
    currency_in_text,
    date_layout_evidence,
    on_scale,
    parse_amounts,
    parse_bools,
    parse_dates,
)
from crm_metrics.clean.problems import FileRows, SourceCheck, file_rows
from crm_metrics.config.model import Config
from crm_metrics.errors import ConfigError
from crm_metrics.mapping.presets import Vocabulary, word_key
from crm_metrics.report import TableQuality
from crm_metrics.schema import TABLES, FieldKind

_T = TypeVar("_T")

WON_STAGES = {"closedwon", "won", "dealwon", "win", "closedwonpaid", "wonclosed"}
LOST_STAGES = {"closedlost", "lost", "deallost", "closedlostnodecision", "lostclosed",
               "closeddisqualified", "disqualified"}
RENEWAL_WORDS = ("renewal", "renew")
EXPANSION_WORDS = ("upsell", "crosssell", "addon", "upgrade", "expansion", "expand", "upsale")
PRIORITY_ALIASES = {"medium": "normal", "critical": "urgent", "p1": "urgent", "p2": "high",
                    "p3": "normal", "p4": "low"}


def word_keys(values: pd.Series) -> pd.Series:
    """word_key of every cell ("" for a missing one), computed once per distinct value (a column
    repeats a few stages); a categorical for a categorical column."""
    return recode(values, _word_keys)


def _word_keys(values: pd.Series) -> pd.Series:
    # factorize + take: a dict .map() over millions of rows costs several times more.
    codes, uniques = pd.factorize(values)
    keys = pd.array([*_unique_word_keys(pd.Series(uniques)), ""], dtype="str")
    return pd.Series(keys.take(np.where(codes < 0, len(uniques), codes)), index=values.index)


def _unique_word_keys(uniques: pd.Series) -> list[str]:
    """word_key of each value; for ASCII text in bulk in Arrow, where casefold is lower()."""
    if not len(uniques) or uniques.dtype != "str" and not isinstance(uniques.dtype, pd.StringDtype):
        return [word_key(str(u)) for u in uniques]
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.array(uniques.array)
    ascii_text = pc.string_is_ascii(text).to_numpy(zero_copy_only=False)
    keys = pc.replace_substring_regex(pc.ascii_lower(text), "[^0-9a-z]", "").to_pylist()
    if ascii_text.all():
        return keys
    # casefold turns a few other letters into ASCII ones ("ß" into "ss"): those go through word_key.
    return [key if is_ascii else word_key(str(value))
            for key, is_ascii, value in zip(keys, ascii_text, uniques, strict=True)]


# Python's \s on ASCII text, spelled for Arrow's RE2 (whose \s lacks \v and \x1c-\x1f).
_ASCII_SPACE = r"[\t\n\x0b\x0c\r\x1c-\x1f ]+"


def name_key(values: pd.Series) -> pd.Series:
    """An account name as a customer key: trimmed, case-folded, inner spaces collapsed."""
    return recode(values, _name_key)


def _name_key(values: pd.Series) -> pd.Series:
    text = values.astype("string")
    if text.str.isascii().all():
        # For ASCII text casefold is lower(), which Arrow does in bulk.
        return text.str.strip().str.lower().str.replace(_ASCII_SPACE, " ", regex=True)
    codes, uniques = pd.factorize(values.astype("string"))
    # casefold has no Arrow kernel, so it runs in Python: once per distinct name, not per row.
    keys = pd.Series(uniques).str.strip().str.casefold().str.replace(r"\s+", " ", regex=True)
    return pd.Series(keys.astype("string").array.take(codes, allow_fill=True), index=values.index)


@dataclass(frozen=True)
class Layout:
    """How a source writes numbers and dates, decided once from all its files (source_layout):
    `decimal` "," or "." (None: each column decides), `dayfirst` (None: each column decides)."""

    decimal: str | None = None
    dayfirst: bool | None = None


def source_layout(table: str, frames: list[pd.DataFrame], config: Config,
                  check: SourceCheck | None = None, rows: FileRows | None = None) -> Layout:
    """The number and date layout of one source from all its mapped files' amount and date columns
    together (metrics.md section 1, "Number and date layout is decided per source"): the source's
    `decimal` / `dayfirst` keys when set; else what its values prove ("1.234,50" or "12,5": decimal
    comma; "15/01/2025": day-first), when they prove one reading only. Evidence is per source, as
    the contract says, not across the config's sources: a deals file from the CRM and a spend file
    from an ad platform are written by different systems. When nothing decides and some cells read
    differently under the two layouts ("1.500 €", "05/03/2025"), the default reading stays and
    `check` gets an ambiguous_layout problem naming the columns and the key to set (`rows`: the
    frames' FileRows, for examples)."""
    source = getattr(config.sources, table)
    schema = TABLES[table]
    # (file number, column, evidence)
    amounts: list[tuple[int, str, LayoutEvidence]] = []
    dates: list[tuple[int, str, LayoutEvidence]] = []
    for number, frame in enumerate(frames):
        for name in [c for c in frame.columns if not c.startswith("_")]:
            kind = schema.kind(name)
            if kind is FieldKind.AMOUNT:
                amounts.append((number, name, amount_layout_evidence(frame[name])))
            elif kind is FieldKind.DATE:
                dates.append((number, name, date_layout_evidence(frame[name])))
    decimal = None if source is None else source.decimal
    if decimal is None:
        decimal = _decided(amounts, {"decimal ,": ",", "decimal .": "."})
        if decimal is None:
            _ambiguous(check, rows, frames, amounts, "amounts such as '1.500' read with a decimal point (1.5)",
                       f'set decimal: "," or "." on sources.{table}')
    dayfirst = None if source is None else source.dayfirst
    if dayfirst is None:
        dayfirst = _decided(dates, {"dayfirst": True, "monthfirst": False})
        if dayfirst is None:
            _ambiguous(check, rows, frames, dates, "dates such as '05/03/2025' read month-first (May 3)",
                       f"set dayfirst: true or false on sources.{table}")
    return Layout(decimal, dayfirst)


def _decided(found: list[tuple[int, str, LayoutEvidence]], readings: dict[str, _T]) -> _T | None:
    proofs = {p for _, _, evidence in found for p in evidence.proofs}
    proven = {readings[p] for p in proofs if p in readings}
    return proven.pop() if len(proven) == 1 else None


def _ambiguous(check: SourceCheck | None, rows: FileRows | None, frames: list[pd.DataFrame],
               found: list[tuple[int, str, LayoutEvidence]], what: str, advice: str) -> None:
    if check is None or rows is None:
        return
    for name in sorted({name for _, name, evidence in found if evidence.ambiguous.any()}):
        # The files are one under the other in `rows`; a file without the column adds no rows.
        # A file's column that proves its own layout reads its own way (parse_dates, parse_amounts).
        masks = {number: evidence.ambiguous.to_numpy(dtype=bool) for number, column, evidence in found
                 if column == name and not evidence.proofs}
        mask = np.concatenate([masks.get(number, np.zeros(len(frame), dtype=bool))
                               for number, frame in enumerate(frames)])
        check.add("ambiguous_layout", mask, f"{name}: {what}, nothing in the source decides; {advice}",
                  rows, name)


def clean_file(
    table: str, raw: pd.DataFrame, vocabulary: Vocabulary, config: Config, quality: TableQuality,
    check: SourceCheck, file: str, layout: Layout | None = None,
) -> pd.DataFrame:
    """One file's cells as canonical values, with the problems found in them recorded on `check`.

    `raw` is the file's mapped frame (mapping.select_columns: canonical column names, cells as read,
    `_duration_<field>` columns for the preset's durations). Returns one row per raw row, in order:
    dates datetime64[ns] (naive, config.timezone), amounts and numbers float64, booleans boolean,
    text stripped (string or categorical); for deals `outcome` (categorical lost/open/won) and
    `deal_type` (new/renewal/expansion) read with this file's words; for tickets the exported
    durations as `first_response_seconds` / `resolution_seconds` (float64); `_file` (categorical,
    `file`) and `_row` (int32: 2 for the first data row, 3 for the next, as validate numbers rows;
    title rows above the header are not counted); `_unparseable_<field>` masks for finish() and
    the checks, and `_unknown_stage` for deals.
    Everything that depends on the file's vendor words (value maps, stage and deal-type words,
    duration units) is done here, so files of different CRMs combine.
    Counts go to `quality` (unparseable cells) and `check` (blanks, blank required fields,
    unparseable cells with examples: metrics.md "No plausible wrong number"). `layout` is the
    source's (source_layout); without it each column decides its own, or the source's keys.
    """
    schema = TABLES[table]
    index = pd.RangeIndex(len(raw))
    if not raw.index.equals(index):
        raw = raw.set_axis(index)
    rows = FileRows([file], [raw])
    columns: dict[str, object] = {}
    durations: dict[str, pd.Series] = {}
    layout = layout or Layout(decimal=_source_key(config, table, "decimal"), dayfirst=_dayfirst(config, table))
    for name in [c for c in raw.columns if not c.startswith("_")]:
        values = raw[name]
        blank = blank_cells(values)
        check.count_blanks(name, int(blank.sum()))
        # An open deal often has no amount yet; a won deal without one is a check of its own.
        if name in schema.required and name != schema.id_field and (table, name) != ("deals", "amount"):
            check.add("blank_required", blank, f"blank {name}", rows, name)
        if name in vocabulary.value_maps:
            # A desk's words for a score (Zendesk's "good" / "bad") are values, not unreadable cells.
            values = map_values(values, vocabulary.value_maps[name])
        kind = schema.kind(name)
        if is_seconds_field(table, name):
            parsed = parse_seconds(values)
        elif kind is FieldKind.DATE:
            parsed = parse_dates(values, config.timezone, layout.dayfirst)
        elif kind in (FieldKind.AMOUNT, FieldKind.NUMBER):
            if kind is FieldKind.AMOUNT:
                text_currency = currency_in_text(values)
            parsed = parse_amounts(values, layout.decimal if kind is FieldKind.AMOUNT else None)
            if name in _SCALES:
                parsed = on_scale(parsed, *_scale(name, config))
            if kind is FieldKind.AMOUNT:
                # "TBD" in an amount cell is an unparseable amount, not a currency needing an fx rate.
                columns["_text_currency"] = _resolved_symbols(
                    text_currency.mask(parsed.bad_mask.to_numpy(dtype=bool)), config, table)
        elif kind is FieldKind.BOOL:
            parsed = parse_bools(values)
        elif name in _DURATION_FIELDS:
            durations[name] = _exported_durations(name, values, config, quality, check, rows)
            continue
        else:
            columns[name] = stripped_text(values)  # the id too: " D1" and "D1" are one deal
            continue
        columns[name] = parsed.values
        quality.unparseable[name] = quality.unparseable.get(name, 0) + parsed.bad
        bad = parsed.bad_mask.to_numpy(dtype=bool)
        check.add("unparseable", bad, f"unparseable {name}", rows, name)
        if kind is FieldKind.AMOUNT:
            columns[name] = _without_implausible(name, parsed.values, quality, check, rows)
        # Kept through de-duplication so "without a date" counts only the blank cells: a row whose
        # value could not be read is already counted once, as unparseable.
        columns[_BAD + name] = bad
    for name, (seconds_column, _) in _DURATION_FIELDS.items():
        # Both a duration and a minutes column for one time: the first in this order wins.
        if name in durations:
            known = columns.get(seconds_column)
            columns[seconds_column] = durations[name] if known is None else known.fillna(durations[name])  # type: ignore[attr-defined]
    for name, duration in vocabulary.durations.items():
        column = f"_duration_{name}"
        if column in raw.columns and name not in columns and "created_at" in columns:
            after = _durations(raw[column], duration.unit)
            # Added on the clock of the world, so a reply time lands right across a clock change.
            columns[name] = add_elapsed(columns["created_at"], after.dt.total_seconds(),  # type: ignore[arg-type]
                                        config.timezone)
            bad = (after.isna() & raw[column].notna()).to_numpy(dtype=bool)
            quality.unparseable[name] = quality.unparseable.get(name, 0) + int(bad.sum())
            # Recorded as a problem too, so validate, the footer and --strict count the same cells.
            check.add("unparseable", bad, f"unparseable {name}", rows, column)
    frame = pd.DataFrame(columns, index=index, copy=False)  # the parsed columns are new already
    if table == "deals" and "stage" in frame.columns:
        frame["outcome"] = _outcomes(frame, config, vocabulary)
        frame["deal_type"] = _deal_types(frame, config, vocabulary)
        frame[_UNKNOWN_STAGE] = _unknown_stages(frame, config, vocabulary)
    # One category, not a copy of the path per row.
    frame["_file"] = pd.Categorical.from_codes(np.zeros(len(frame), dtype=np.int8),
                                               categories=pd.Index([file]))
    frame["_row"] = file_rows(raw)
    return frame


_UNKNOWN_STAGE = "_unknown_stage"

# Survey answers and the scales they must be on (CES from support.ces_scale).
_SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": None}


def _scale(name: str, config: Config) -> tuple[int, int]:
    return _SCALES[name] or config.support.ces_scale

# Fields cleaning and the checks read whatever the metrics need: the status that decides a deal's
# outcome, the currency its amount is converted from, the account that makes its customer key
# (and lost-duplicate check), and the close date whose absence on a closed deal is a problem.
CLEANING_FIELDS = {
    "deals": {"status", "currency", "account_id", "account_name", "closed_at"},
    "spend": {"currency"},
}


def needed_to_clean(table: str) -> set[str]:
    """The fields read for `table` whatever the metrics need: its id, its required fields, the
    CLEANING_FIELDS, and every date and amount field, since the source's number and date layout is
    decided from all of them (source_layout; metrics.md section 1): a report of some metrics must
    read "05/03/2025" as the full report does."""
    schema = TABLES[table]
    ids = {schema.id_field} if schema.id_field else set()
    layout = {name for name, kind in schema.kinds.items() if kind in (FieldKind.DATE, FieldKind.AMOUNT)}
    return {*schema.required, *ids, *CLEANING_FIELDS.get(table, set()), *layout}

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


def _unknown_stages(frame: pd.DataFrame, config: Config, vocabulary: Vocabulary) -> np.ndarray:
    """Rows whose stage is neither won, lost nor a known open stage in this file's words."""
    known = WON_STAGES | LOST_STAGES | OPEN_STAGES | {
        word_key(s) for s in (*config.won_stages, *config.lost_stages, *config.open_stages,
                              *vocabulary.won_stages, *vocabulary.lost_stages, *vocabulary.open_stages)}
    keys = word_keys(frame["stage"])
    unknown = ~keys.isin(known).to_numpy(dtype=bool) & (keys != "").to_numpy(dtype=bool)
    if "status" in frame.columns:
        # Pipedrive's status column decides the outcome; its stage names are the user's own.
        status = word_keys(frame["status"])
        unknown &= ~status.isin({"won", "lost", "open"}).to_numpy(dtype=bool)
    return unknown


def repeated_ids(ids: pd.Series) -> np.ndarray:
    """Rows whose (stripped) id another row has too; rows without an id are never repeated. On
    millions of ids this is the costly part of de-duplication, so it is found once per table and
    handed to both the checks and finish()."""
    present = ids.notna().to_numpy(dtype=bool)
    # The usual export has no repeated id: proving that is cheaper than finding the repeats.
    if all_distinct(ids) or ids.nunique() == present.sum():
        return np.zeros(len(ids), dtype=bool)
    return ids.duplicated(keep=False).to_numpy(dtype=bool) & present


def finish(table: str, frame: pd.DataFrame, config: Config, quality: TableQuality,
           repeated: np.ndarray | None, rates: DatedRates | None = None) -> pd.DataFrame:
    """The cross-file steps on a table's files' clean_file frames one under the other: rows without
    an id dropped and repeated ids de-duplicated keeping the last row (`repeated` from
    repeated_ids), amounts converted to the report currency, then per table the account keys
    (deals), ticket times from exported durations (tickets), category keys (spend). Raises
    ConfigError when an amount's currency has no fx rate (`rates`: the config's dated rates, which
    win for the currencies they list; fx_rates.py). The `_unparseable_` and `_unknown_stage`
    helper columns are dropped, but that of a KEEP_UNREADABLE field is kept as `_unreadable_<field>`;
    `_file` and `_row` stay as each row's provenance."""
    schema = TABLES[table]
    quality.rows = len(frame)
    if schema.id_field:
        frame = _drop_duplicates(frame, schema.id_field, quality, repeated)
    if "amount" in frame.columns:
        frame = _convert_currency(frame, config, quality, table, rates)
    frame = frame.drop(columns=["_text_currency", _UNKNOWN_STAGE], errors="ignore")
    match table:
        case "deals":
            frame = _deals(frame, quality, config.timezone)
        case "tickets":
            frame = _tickets(_ticket_times(frame, config, quality), quality, config.timezone)
        case "spend":
            frame = _spend(frame, quality)
        case "customers":
            frame = _customers(frame)
        case "activities":
            frame = _activities(frame, config, quality)
        case "leads":
            quality.leave_out("leads without a create date", int(_blank(frame, "created_at").sum()))
    # A score off its scale is an answer the metric leaves out and must say so per period (metrics.md
    # section 1); a blank score is no answer at all. A ticket end date that no cell gives readably
    # is "resolution unknown" when cells were unreadable, "none resolved" when all are blank. Only
    # this mask tells the two apart.
    kept = {_BAD + name: UNREADABLE + name for name in KEEP_UNREADABLE if _BAD + name in frame.columns}
    frame = frame.rename(columns=kept)
    return frame.drop(columns=[c for c in frame.columns if c.startswith(_BAD)])


_BAD = "_unparseable_"
# The mask (bool) of the cells of a KEEP_UNREADABLE field that could not be read (a score off its
# scale is one).
UNREADABLE = "_unreadable_"
KEEP_UNREADABLE = (*_SCALES, "resolved_at", "first_response_at", "converted_at", "churned_at", "proposal_at")


def _blank(frame: pd.DataFrame, name: str) -> pd.Series:
    """Rows with no value in `name` that are not already counted as unparseable."""
    missing = frame[name].isna()
    if _BAD + name in frame.columns:
        missing &= ~frame[_BAD + name].to_numpy(dtype=bool)
    return missing


def _resolved_symbols(currency: pd.Series, config: Config, table: str) -> pd.Series:
    """Text currencies with the shared symbols resolved (metrics.md section 1): the source's
    `currency` when set, else the report currency when it uses the symbol; a symbol still
    unresolved stays, and finish() stops asking for the source's currency. Cells that name no
    currency take the source's `currency` when set."""
    source_currency = _source_key(config, table, "currency")
    meaning = {}
    for symbol, users in SHARED_SYMBOLS.items():
        if source_currency is not None:
            meaning[symbol] = source_currency
        elif config.currency in users:
            meaning[symbol] = config.currency
    if meaning and currency.isin(list(meaning)).any():
        currency = currency.replace(meaning)
    return currency if source_currency is None else currency.fillna(source_currency)


def _source_key(config: Config, table: str, key: str) -> str | None:
    source = getattr(config.sources, table)
    return None if source is None else getattr(source, key)


def _dayfirst(config: Config, table: str) -> bool | None:
    source = getattr(config.sources, table)
    return None if source is None else source.dayfirst


def _drop_duplicates(frame: pd.DataFrame, id_field: str, quality: TableQuality,
                     repeated: np.ndarray | None) -> pd.DataFrame:
    missing_id = frame[id_field].isna().to_numpy(dtype=bool)
    quality.leave_out(f"no {id_field}", int(missing_id.sum()))
    if missing_id.any():  # a filter copies every column, even when it keeps every row
        frame = frame[~missing_id]
        if repeated is not None:
            repeated = repeated[~missing_id]
    if repeated is not None and not repeated.any():
        # Most exports have no duplicate ids; then there is nothing to drop.
        quality.duplicates_dropped = 0
        return frame.reset_index(drop=True)
    deduped = frame.drop_duplicates(subset=id_field, keep="last")
    quality.duplicates_dropped = len(frame) - len(deduped)
    return deduped.reset_index(drop=True)


def _row_currency(frame: pd.DataFrame) -> pd.Series:
    """Each row's currency: its `currency` cell, else the one its amount's text names (NaN: none)."""
    if "currency" in frame.columns:
        currency = per_value(frame["currency"], lambda cells: cells.astype("string").str.strip().str.upper())
        return currency.fillna(frame["_text_currency"])
    return frame["_text_currency"]


def _convert_currency(frame: pd.DataFrame, config: Config, quality: TableQuality, table: str,
                      rates: DatedRates | None = None) -> pd.DataFrame:
    currency = _row_currency(frame)
    # Rates per distinct currency, spread by code: a few currencies over millions of rows.
    codes, found = pd.factorize(currency)
    found = found.fillna(config.currency) if found.hasnans else found
    shared = sorted(set(found) & set(SHARED_SYMBOLS))
    if shared:
        raise ConfigError(f"{', '.join(quality.files)}: {_shared_advice(shared[0], table)}")
    foreign = sorted(set(found) - {config.currency})
    dated = set() if rates is None else rates.currencies
    missing = [c for c in foreign if c not in config.fx and c not in dated]
    if missing:
        files = ", ".join(quality.files)
        raise ConfigError(
            f"{files}: {table} amounts in {', '.join(missing)} but the config has no fx rate for "
            f"{'it' if len(missing) == 1 else 'them'}; add fx: {{{missing[0]}: <value of 1 {missing[0]} "
            f"in {config.currency}>}}" + (f" or its rates to {rates.file}" if rates is not None else "")
        )
    if foreign:
        # A dated currency's static rate is never used (NaN here), so no amount takes it by mistake.
        factors = np.array([1.0 if c == config.currency else np.nan if c in dated else config.fx[c]
                            for c in found] + [1.0])[codes]  # code -1, no currency: the report's own
        if rates is not None and dated & set(foreign):
            factors = _dated_factors(frame, table, currency, factors, rates, quality)
        frame["amount"] = frame["amount"] * factors
    frame["currency"] = pd.Categorical.from_codes(np.zeros(len(frame), dtype=np.int8),
                                                  categories=pd.Index([config.currency], dtype="string"))
    return frame


def _dated_factors(frame: pd.DataFrame, table: str, currency: pd.Series, factors: np.ndarray,
                   rates: DatedRates, quality: TableQuality) -> np.ndarray:
    """`factors` with each dated currency's row at the rate in force on its date (fx_rates.py).
    Rows dated before their currency's first rate lose their amount, counted here and recorded by
    currency_problems; rows with no date to pick a rate lose it too, already counted under their
    missing date. Both are marked unparseable so "without an amount" does not count them again."""
    dated = currency.isin(list(rates.currencies)).fillna(False).to_numpy(dtype=bool)
    factors = factors.copy()
    factors[dated] = rates.at(currency[dated], rate_dates(table, frame)[dated]).to_numpy()
    left = unconverted(table, frame, currency, rates)
    for code, rows in left.before_first.items():
        quality.leave_out(_before_first_reason(code, rates), int(rows.sum()))
    lost = dated & np.isnan(factors) & frame["amount"].notna().to_numpy(dtype=bool)
    frame[_BAD + "amount"] = frame[_BAD + "amount"].to_numpy(dtype=bool) | lost
    return factors


def _before_first_reason(code: str, rates: DatedRates) -> str:
    return (f"amounts in {code} dated before the first {code} rate in {rates.file} "
            f"({rates.first(code):%Y-%m-%d}), left out: add an earlier {code} rate")


def _shared_advice(symbol: str, table: str) -> str:
    users = SHARED_SYMBOLS[symbol]
    return (f"{table} amounts are written with '{symbol}', which {', '.join(users)} all use; set "
            f"currency: on sources.{table} (e.g. currency: {users[0]})")


def currency_problems(check: SourceCheck, frame: pd.DataFrame, config: Config, rows: FileRows,
                      rates: DatedRates | None = None) -> None:
    """What finish() would refuse or leave out, as validate problems, so validate never passes a
    file the report stops on: amounts in a shared symbol nothing resolves, amounts in a currency
    without an fx rate, and amounts dated before their currency's first dated rate (`rates`)
    (`frame`: clean_file frames one under the other)."""
    if "amount" not in frame.columns or "_text_currency" not in frame.columns:
        return
    currency = _row_currency(frame)
    for symbol in SHARED_SYMBOLS:
        check.add("ambiguous_currency", (currency == symbol).fillna(False), _shared_advice(symbol, check.table),
                  rows, "amount")
    dated = set() if rates is None else rates.currencies
    if rates is not None:
        when = "date" if check.table == "spend" else "closed_at"
        for code, early in unconverted(check.table, frame, currency, rates).before_first.items():
            check.add("before_first_rate", early, _before_first_reason(code, rates), rows, when)
    for code in sorted(set(currency.dropna().unique()) - set(SHARED_SYMBOLS) - {config.currency} - set(config.fx)
                       - dated):
        check.add("no_fx_rate", (currency == code).fillna(False),
                  f"amounts in {code} without an fx rate: add fx: {{{code}: <value of 1 {code} in "
                  f"{config.currency}>}}", rows, "amount")


def map_values(values: pd.Series, words: dict[str, object]) -> pd.Series:
    """A vendor's words for a score ("good" / "bad") as numbers; other cells are left as they are."""

    def one(value: object) -> object:
        if isinstance(value, str) and word_key(value) in words:
            mapped = words[word_key(value)]
            return pd.NA if mapped is None else mapped
        return value

    return recode(values, lambda cells: cells.astype(object).map(one), text=False)


def _durations(values: pd.Series, unit: str) -> pd.Series:
    """A "time after creation" column (minutes, hours, seconds or H:MM:SS) as timedeltas."""
    if unit == "hhmmss":
        text = values.astype("string").str.strip()
        return pd.Series(pd.to_timedelta(text.where(_flag_mask(text.str.fullmatch(r"\d+:\d{2}(:\d{2})?"))),
                                         errors="coerce"), index=values.index)
    factor = {"minutes": 60.0, "hours": 3600.0, "seconds": 1.0}[unit]
    return pd.to_timedelta(parse_amounts(values).values * factor, unit="s")


def no_values(index: pd.Index) -> pd.Series:
    """An unmapped text field: every cell missing, one byte per row (a text column of millions of
    missing cells takes eight)."""
    return pd.Series(pd.Categorical.from_codes(np.full(len(index), -1, dtype=np.int8),
                                               categories=pd.Index([], dtype="string")), index=index)


# No deal, spend or ticket amount reaches a trillion: such a cell is a paste or a unit error, and
# summed it would swamp every real figure without a word (issue "No plausible wrong number").
IMPLAUSIBLE_AMOUNT = 1e12


def _without_implausible(name: str, values: pd.Series, quality: TableQuality, check: SourceCheck,
                         rows: FileRows) -> pd.Series:
    """`values` with amounts beyond IMPLAUSIBLE_AMOUNT (either sign) left out (NaN), counted in
    `quality` and recorded as a data problem in `check` (validate and the report footer)."""
    implausible = (values.abs() > IMPLAUSIBLE_AMOUNT).fillna(False).to_numpy(dtype=bool)
    if not implausible.any():
        return values
    check.add("implausible_amount", implausible, f"{name} above 10^12, left out as no plausible amount",
              rows, name)
    quality.leave_out(f"{name} above 10^12", int(implausible.sum()))
    return values.mask(implausible)


def _flag_mask(mask: pd.Series) -> pd.Series:
    return pd.Series(mask.fillna(False).to_numpy(dtype=bool), index=mask.index)


def _deals(frame: pd.DataFrame, quality: TableQuality, timezone: str) -> pd.DataFrame:
    # A CRM keeps the expected close date on open deals; only won and lost deals have closed.
    closed = frame["outcome"] != "open"
    if "closed_at" in frame.columns:
        frame["closed_at"] = frame["closed_at"].where(closed)
    else:
        frame["closed_at"] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    quality.leave_out("won or lost deals without a close date", int((closed & _blank(frame, "closed_at")).sum()))
    quality.leave_out("deals without a create date", int(_blank(frame, "created_at").sum()))
    if "created_at" in frame.columns:
        backwards = (elapsed_seconds(frame["created_at"], frame["closed_at"], timezone) < 0).fillna(False)
        quality.leave_out("won deals closed before they were created (left out of sales cycles)",
                          int((backwards & (frame["outcome"] == "won")).sum()))
    quality.leave_out("deals without an amount", int(_blank(frame, "amount").sum()))
    if "account_id" in frame.columns:
        key = frame["account_id"]
        if "account_name" in frame.columns:
            key = _filled(key, name_key(frame["account_name"]))
    elif "account_name" in frame.columns:
        key = name_key(frame["account_name"])
    else:
        key = pd.Series(pd.NA, index=frame.index, dtype="string")
    # A deal with no account at all still stands for one customer: itself.
    frame["account_key"] = _filled(key, "deal:" + frame["deal_id"].astype("string"))
    for column in ("owner", "source", "region", "product", "campaign"):
        if column not in frame.columns:
            frame[column] = no_values(frame.index)
    return frame


def _filled(values: pd.Series, fallback: pd.Series) -> pd.Series:
    """values, with fallback's cell where one is missing (as text once anything needs filling)."""
    if not values.isna().any():
        return values
    return values.astype("string").fillna(fallback.astype("string"))


def _outcomes(frame: pd.DataFrame, config: Config, vocabulary: Vocabulary) -> pd.Series:
    # The config's own words come last so a stage it names wins over a preset's reading of it.
    lost = (LOST_STAGES | {word_key(s) for s in vocabulary.lost_stages}) - {word_key(s) for s in config.won_stages}
    won = (WON_STAGES | {word_key(s) for s in vocabulary.won_stages}) - {word_key(s) for s in config.lost_stages}
    won |= {word_key(s) for s in config.won_stages}
    lost |= {word_key(s) for s in config.lost_stages}
    keys = word_keys(frame["stage"])
    codes = np.full(len(frame), _OUTCOMES.index("open"), dtype=np.int8)
    codes[keys.isin(won).to_numpy(dtype=bool)] = _OUTCOMES.index("won")
    codes[keys.isin(lost).to_numpy(dtype=bool)] = _OUTCOMES.index("lost")
    if "status" in frame.columns:
        status = word_keys(frame["status"])
        for value in _OUTCOMES:
            codes[(status == value).to_numpy(dtype=bool)] = _OUTCOMES.index(value)
    # A categorical: three values over millions of deals, compared and filtered as small integers.
    return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(_OUTCOMES, dtype="string")),
                     index=frame.index)


_OUTCOMES = ("lost", "open", "won")  # sorted, as recode orders categories


def _deal_types(frame: pd.DataFrame, config: Config, vocabulary: Vocabulary) -> pd.Series:
    if "deal_type" not in frame.columns:
        return pd.Series("new", index=frame.index, dtype="string")
    own = {word_key(w): kind for kind, words in vocabulary.deal_types.items() for w in words}
    own |= {word_key(w): kind for kind in ("new", "renewal", "expansion")
            for w in getattr(config.deal_types, kind)}

    def classify(raw: object) -> str:
        if not isinstance(raw, str) or not raw.strip():
            return "new"
        key = word_key(raw)
        if key in own:
            return own[key]
        if any(word in key for word in RENEWAL_WORDS):
            return "renewal"
        if any(word in key for word in EXPANSION_WORDS):
            return "expansion"
        return "new"

    def classify_cells(values: pd.Series) -> pd.Series:
        mapping = {v: classify(v) for v in values.dropna().unique()}
        # Built as plain strings: mapping an all-blank column gives a float column that cannot take "new".
        return pd.Series([mapping.get(v, "new") for v in values.astype(object)], index=values.index, dtype="string")

    return recode(frame["deal_type"], classify_cells)


def _tickets(frame: pd.DataFrame, quality: TableQuality, timezone: str) -> pd.DataFrame:
    if "priority" in frame.columns:
        priority = frame["priority"].str.casefold()
        frame["priority_key"] = priority.replace(PRIORITY_ALIASES)
    for column in ("priority", "channel", "agent"):
        if column not in frame.columns:
            frame[column] = no_values(frame.index)
    quality.leave_out("tickets without a create date", int(_blank(frame, "created_at").sum()))
    if "resolved_at" in frame.columns:
        backwards = (elapsed_seconds(frame["created_at"], frame["resolved_at"], timezone) < 0).fillna(False)
        quality.leave_out("tickets resolved before they were created (left out of times)", int(backwards.sum()))
    return frame


# Duration fields -> (the seconds column kept for validate, unit or None for the config's
# support.durations.unit).
_DURATION_FIELDS = {
    "first_response_duration": ("first_response_seconds", None),
    "first_response_minutes": ("first_response_seconds", DurationUnit.MINUTES),
    "resolution_duration": ("resolution_seconds", None),
    "resolution_minutes": ("resolution_seconds", DurationUnit.MINUTES),
}


def _exported_durations(name: str, values: pd.Series, config: Config, quality: TableQuality,
                        check: SourceCheck, rows: FileRows) -> pd.Series:
    """A desk's exported duration column (HH:MM:SS, Excel time cells, or numbers in its unit) as
    seconds (float64, NaN where blank or unreadable), with the unreadable cells recorded."""
    unit = _DURATION_FIELDS[name][1] or DurationUnit(config.support.durations.unit)
    parsed = parse_durations(values, unit)
    quality.unparseable[name] = quality.unparseable.get(name, 0) + parsed.bad
    check.add("unparseable", parsed.bad_mask.to_numpy(dtype=bool), f"unparseable {name}", rows, name)
    return parsed.values


def _ticket_times(frame: pd.DataFrame, config: Config, quality: TableQuality) -> pd.DataFrame:
    """Timestamps filled from the desk's exported durations (clean_file's seconds columns) where
    missing, then first or full resolution chosen for reopened tickets (support.resolution)."""
    settings = config.support.durations
    hours = from_config(config) if settings.clock == "business" else None
    for seconds_column, stamp in (("first_response_seconds", "first_response_at"),
                                  ("resolution_seconds", "resolved_at")):
        if seconds_column not in frame.columns:
            continue
        if stamp not in frame.columns:
            frame[stamp] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
        if hours is None:
            derived = add_elapsed(frame["created_at"], frame[seconds_column], config.timezone)
        else:
            derived = hours.add(frame["created_at"], frame[seconds_column]).set_axis(frame.index)
        quality.leave_out(f"{stamp} taken from the exported duration",
                          int((frame[stamp].isna() & derived.notna()).sum()))
        frame[stamp] = frame[stamp].fillna(derived)
    # Full resolution (the default) keeps resolved_at, the last solve: a reopened ticket that is
    # open again has no resolved_at and is not resolved. First resolution counts the first solve.
    if "first_resolved_at" in frame.columns and config.support.resolution == "first":
        if "resolved_at" in frame.columns:
            frame["full_resolved_at"] = frame["resolved_at"]
            frame["resolved_at"] = frame["first_resolved_at"].fillna(frame["resolved_at"])
        else:
            frame["resolved_at"] = frame["first_resolved_at"]
    return frame


def _spend(frame: pd.DataFrame, quality: TableQuality) -> pd.DataFrame:
    if "category" not in frame.columns:
        frame["category"] = no_values(frame.index)
    frame["category_key"] = word_keys(frame["category"])
    quality.leave_out("spend rows without a date", int(_blank(frame, "date").sum()))
    quality.leave_out("spend rows without an amount", int(_blank(frame, "amount").sum()))
    return frame


def _customers(frame: pd.DataFrame) -> pd.DataFrame:
    frame["customer_key"] = frame["customer_id"].astype("string")
    if "customer_name" in frame.columns:
        frame["name_key"] = name_key(frame["customer_name"])
    return frame


# Built-in activity words, matched inside the word key of the export's type ("Outbound call",
# "Logged meeting", "Site visit"): the first type whose word a key contains wins.
ACTIVITY_WORDS = (
    ("call", ("call", "phone")),
    ("meeting", ("meeting", "visit", "appointment", "demo", "event")),
    ("email", ("email", "mail")),
    ("task", ("task", "todo")),
)


def activity_types(values: pd.Series, config: Config) -> pd.Series:
    """A vendor's activity types as call / meeting / email / task / other (metrics.md section 1):
    the config's activity_types words first (whole word keys), then the built-in words; blank and
    unknown types are "other". Decided once per distinct value; returns a string Series."""
    own = {word_key(w): kind for kind in ("call", "meeting", "email", "task", "other")
           for w in getattr(config.activity_types, kind)}

    def classify(raw: object) -> str:
        key = word_key(raw) if isinstance(raw, str) else ""
        if key in own:
            return own[key]
        return next((kind for kind, words in ACTIVITY_WORDS if any(w in key for w in words)), "other")

    codes, uniques = pd.factorize(values)
    kinds = pd.array([*(classify(u) for u in uniques), "other"], dtype="string")
    return pd.Series(kinds.take(np.where(codes < 0, len(uniques), codes)), index=values.index)


def _activities(frame: pd.DataFrame, config: Config, quality: TableQuality) -> pd.DataFrame:
    # The vendor's own word stays for --verbose and explain; metrics read the five types.
    frame["type_label"] = frame["type"]
    frame["type"] = activity_types(frame["type"].astype("string"), config)
    quality.leave_out("activities without a date", int(_blank(frame, "at").sum()))
    if "owner" not in frame.columns:
        frame["owner"] = no_values(frame.index)
    return frame
