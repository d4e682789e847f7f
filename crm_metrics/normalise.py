"""From mapped raw frames to clean canonical tables, counting everything that was changed or dropped.

Stages become won / lost / open, deal types new / renewal / expansion, amounts floats in the report
currency, dates naive wall time in the config's time zone; duplicate ids keep their last row.
"""

from __future__ import annotations

import re

import pandas as pd

from crm_metrics.config import Config
from crm_metrics.errors import ConfigError
from crm_metrics.mapping import ColumnMap
from crm_metrics.parsing import currency_in_text, parse_amounts, parse_bools, parse_dates
from crm_metrics.report import TableQuality
from crm_metrics.schema import TABLES, FieldKind

WON_STAGES = {"closedwon", "won", "dealwon", "win", "closedwonpaid", "wonclosed"}
LOST_STAGES = {"closedlost", "lost", "deallost", "closedlostnodecision", "lostclosed",
               "closeddisqualified", "disqualified"}
RENEWAL_WORDS = ("renewal", "renew")
EXPANSION_WORDS = ("upsell", "crosssell", "addon", "upgrade", "expansion", "expand", "upsale")
PRIORITY_ALIASES = {"medium": "normal", "critical": "urgent", "p1": "urgent", "p2": "high",
                    "p3": "normal", "p4": "low"}


def word_key(value: str) -> str:
    return re.sub(r"[^0-9a-z]", "", value.casefold())


def word_keys(values: pd.Series) -> pd.Series:
    """word_key of every cell, computed once per distinct value (a column repeats a few stages)."""
    keys = {value: word_key(value) for value in values.unique()}
    return values.map(keys)


# Python's \s on ASCII text, spelled for Arrow's RE2 (whose \s lacks \v and \x1c-\x1f).
_ASCII_SPACE = r"[\t\n\x0b\x0c\r\x1c-\x1f ]+"


def name_key(values: pd.Series) -> pd.Series:
    """An account name as a customer key: trimmed, case-folded, inner spaces collapsed."""
    text = values.astype("string")
    if text.str.isascii().all():
        # For ASCII text casefold is lower(), which Arrow does in bulk.
        return text.str.strip().str.lower().str.replace(_ASCII_SPACE, " ", regex=True)
    codes, uniques = pd.factorize(values.astype("string"))
    # casefold has no Arrow kernel, so it runs in Python: once per distinct name, not per row.
    keys = pd.Series(uniques).str.strip().str.casefold().str.replace(r"\s+", " ", regex=True)
    return pd.Series(keys.astype("string").array.take(codes, allow_fill=True), index=values.index)


def normalise(
    table: str, raw: pd.DataFrame, column_map: ColumnMap, config: Config, quality: TableQuality
) -> pd.DataFrame:
    schema = TABLES[table]
    frame = pd.DataFrame({name: raw[header] for name, header in column_map.fields.items()})
    frame.index = pd.RangeIndex(len(frame))
    quality.rows = len(frame)
    quality.columns = dict(column_map.fields)
    dayfirst = _dayfirst(config, table)
    for name in list(frame.columns):
        kind = schema.kind(name)
        if kind is FieldKind.DATE:
            parsed = parse_dates(frame[name], config.timezone, dayfirst)
        elif kind in (FieldKind.AMOUNT, FieldKind.NUMBER):
            if kind is FieldKind.AMOUNT:
                frame["_text_currency"] = currency_in_text(frame[name])
            parsed = parse_amounts(frame[name])
        elif kind is FieldKind.BOOL:
            parsed = parse_bools(frame[name])
        else:
            frame[name] = frame[name].astype("string").str.strip()
            continue
        frame[name] = parsed.values
        quality.unparseable[name] = parsed.bad
    if schema.id_field:
        frame = _drop_duplicates(frame, schema.id_field, quality)
    if "amount" in frame.columns:
        frame = _convert_currency(frame, config, quality, table)
    frame = frame.drop(columns=["_text_currency"], errors="ignore")
    match table:
        case "deals":
            return _deals(frame, config, quality)
        case "tickets":
            return _tickets(frame, quality)
        case "spend":
            return _spend(frame, quality)
        case "customers":
            return _customers(frame)
        case _:
            return frame


def _dayfirst(config: Config, table: str) -> bool | None:
    source = getattr(config.sources, table)
    return None if source is None else source.dayfirst


def _drop_duplicates(frame: pd.DataFrame, id_field: str, quality: TableQuality) -> pd.DataFrame:
    missing_id = frame[id_field].isna()
    quality.leave_out(f"no {id_field}", int(missing_id.sum()))
    frame = frame[~missing_id]
    if frame[id_field].nunique() == len(frame):
        # Most exports have no duplicate ids; counting distinct ids is cheaper than dropping none.
        quality.duplicates_dropped = 0
        return frame.reset_index(drop=True)
    deduped = frame.drop_duplicates(subset=id_field, keep="last")
    quality.duplicates_dropped = len(frame) - len(deduped)
    return deduped.reset_index(drop=True)


def _convert_currency(frame: pd.DataFrame, config: Config, quality: TableQuality, table: str) -> pd.DataFrame:
    if "currency" in frame.columns:
        currency = frame["currency"].astype("string").str.strip().str.upper()
        currency = currency.fillna(frame["_text_currency"])
    else:
        currency = frame["_text_currency"]
    currency = currency.fillna(config.currency)
    foreign = sorted(set(currency.unique()) - {config.currency})
    missing = [c for c in foreign if c not in config.fx]
    if missing:
        files = ", ".join(quality.files)
        raise ConfigError(
            f"{files}: {table} amounts in {', '.join(missing)} but the config has no fx rate for "
            f"{'it' if len(missing) == 1 else 'them'}; add fx: {{{missing[0]}: <value of 1 {missing[0]} "
            f"in {config.currency}>}}"
        )
    rates = currency.map({c: 1.0 if c == config.currency else config.fx[c] for c in currency.unique()}).astype(
        "float64")
    frame["amount"] = frame["amount"] * rates.to_numpy()
    frame["currency"] = config.currency
    return frame


def _deals(frame: pd.DataFrame, config: Config, quality: TableQuality) -> pd.DataFrame:
    frame["outcome"] = _outcomes(frame, config)
    frame["deal_type"] = _deal_types(frame, config)
    # A CRM keeps the expected close date on open deals; only won and lost deals have closed.
    closed = frame["outcome"] != "open"
    if "closed_at" in frame.columns:
        frame["closed_at"] = frame["closed_at"].where(closed)
    else:
        frame["closed_at"] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    quality.leave_out("won or lost deals without a close date", int((closed & frame["closed_at"].isna()).sum()))
    quality.leave_out("deals without a create date", int(frame["created_at"].isna().sum()))
    quality.leave_out("deals without an amount", int(frame["amount"].isna().sum()))
    if "account_id" in frame.columns:
        key = frame["account_id"].astype("string")
        if "account_name" in frame.columns:
            key = key.fillna(name_key(frame["account_name"]))
    elif "account_name" in frame.columns:
        key = name_key(frame["account_name"])
    else:
        key = pd.Series(pd.NA, index=frame.index, dtype="string")
    # A deal with no account at all still stands for one customer: itself.
    frame["account_key"] = key.fillna("deal:" + frame["deal_id"].astype("string"))
    for column in ("owner", "source", "region", "product", "campaign"):
        if column not in frame.columns:
            frame[column] = pd.Series(pd.NA, index=frame.index, dtype="string")
    return frame


def _outcomes(frame: pd.DataFrame, config: Config) -> pd.Series:
    won = WON_STAGES | {word_key(s) for s in config.won_stages}
    lost = LOST_STAGES | {word_key(s) for s in config.lost_stages}
    keys = word_keys(frame["stage"].fillna(""))
    outcome = pd.Series("open", index=frame.index, dtype="string")
    outcome[keys.isin(won).to_numpy(dtype=bool)] = "won"
    outcome[keys.isin(lost).to_numpy(dtype=bool)] = "lost"
    if "status" in frame.columns:
        status = word_keys(frame["status"].fillna(""))
        for value in ("won", "lost", "open"):
            outcome[(status == value).to_numpy(dtype=bool)] = value
    return outcome


def _deal_types(frame: pd.DataFrame, config: Config) -> pd.Series:
    if "deal_type" not in frame.columns:
        return pd.Series("new", index=frame.index, dtype="string")
    own = {word_key(w): kind for kind in ("new", "renewal", "expansion")
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

    values = frame["deal_type"]
    mapping = {v: classify(v) for v in values.dropna().unique()}
    return values.map(mapping).fillna("new").astype("string")


def _tickets(frame: pd.DataFrame, quality: TableQuality) -> pd.DataFrame:
    if "priority" in frame.columns:
        priority = frame["priority"].str.casefold()
        frame["priority_key"] = priority.replace(PRIORITY_ALIASES)
    for column in ("priority", "channel", "agent"):
        if column not in frame.columns:
            frame[column] = pd.Series(pd.NA, index=frame.index, dtype="string")
    quality.leave_out("tickets without a create date", int(frame["created_at"].isna().sum()))
    if "resolved_at" in frame.columns:
        backwards = (frame["resolved_at"] < frame["created_at"]).fillna(False)
        quality.leave_out("tickets resolved before they were created (left out of times)", int(backwards.sum()))
    return frame


def _spend(frame: pd.DataFrame, quality: TableQuality) -> pd.DataFrame:
    if "category" not in frame.columns:
        frame["category"] = pd.Series(pd.NA, index=frame.index, dtype="string")
    frame["category_key"] = word_keys(frame["category"].fillna(""))
    quality.leave_out("spend rows without a date", int(frame["date"].isna().sum()))
    quality.leave_out("spend rows without an amount", int(frame["amount"].isna().sum()))
    return frame


def _customers(frame: pd.DataFrame) -> pd.DataFrame:
    frame["customer_key"] = frame["customer_id"].astype("string")
    if "customer_name" in frame.columns:
        frame["name_key"] = name_key(frame["customer_name"])
    return frame
