"""Parsing the text cells of real exports: amounts with symbols and separators, dates in any of the
formats CRMs write, booleans. Each parser returns the parsed column and how many non-blank cells it
could not read, so normalise.py can report them instead of guessing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Concatenate, ParamSpec

import numpy as np
import pandas as pd

from crm_metrics.clean import fast_parsers as fast
from crm_metrics.clean.categoricals import blank_cells, distinct_values, is_categorical, per_value, spread

_SYMBOLS = {"€": "EUR", "£": "GBP", "₹": "INR", "₩": "KRW", "₽": "RUB", "R$": "BRL", "CHF": "CHF",
            "zł": "PLN"}
# Symbols several currencies write (metrics.md section 1): currency_in_text returns the symbol
# itself, and normalise resolves it from the source's `currency` or the report currency.
SHARED_SYMBOLS = {"$": ("USD", "CAD", "AUD", "NZD", "MXN", "SGD", "HKD"), "kr": ("SEK", "NOK", "DKK", "ISK"),
                  "¥": ("JPY", "CNY")}
_CURRENCY_RE = re.compile(r"R\$|[$€£¥₹₩₽]|\b[A-Z]{3}\b|\bkr\b|zł")
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


@dataclass(frozen=True)
class Parsed:
    values: pd.Series
    bad: int  # non-blank cells that could not be parsed
    bad_mask: pd.Series


_P = ParamSpec("_P")


def once_per_value(parse: Callable[Concatenate[pd.Series, _P], Parsed]) -> Callable[Concatenate[pd.Series, _P], Parsed]:
    """`parse` run on a categorical column's distinct values only, its result spread to the rows.

    Every parser here reads each cell on its own, or decides a column-wide reading (day-first,
    decimal comma) from which values occur, never from how often: the distinct values give the
    same cells, bad counts included.
    """

    @functools.wraps(parse)
    def per_distinct(values: pd.Series, *args: _P.args, **kwargs: _P.kwargs) -> Parsed:
        if not is_categorical(values):
            return parse(values, *args, **kwargs)
        distinct, positions = distinct_values(values)
        parsed = parse(distinct, *args, **kwargs)
        bad_mask = spread(parsed.bad_mask, positions, values.index)
        return Parsed(spread(parsed.values, positions, values.index), int(bad_mask.sum()), bad_mask)

    return per_distinct


def _flag(mask: pd.Series) -> pd.Series:
    """A plain numpy-backed boolean mask (string methods return nullable or arrow booleans)."""
    return pd.Series(mask.fillna(False).to_numpy(dtype=bool), index=mask.index)


def _blank(values: pd.Series) -> pd.Series:
    return pd.Series(blank_cells(values), index=values.index)


def currency_in_text(values: pd.Series) -> pd.Series:
    """The currency named inside amount cells ("EUR 1.200,50", "1.200 €": "EUR"), or <NA>; a
    symbol several currencies use ("$", "kr", "¥") as itself, for the caller to resolve
    (SHARED_SYMBOLS)."""
    return per_value(values, _currency_in_text)


def _currency_in_text(values: pd.Series) -> pd.Series:
    if _is_text(values) and not fast.any_match(values, _CURRENCY_RE.pattern):
        return pd.Series(pd.NA, index=values.index, dtype="string")
    if values.dtype == object and (typed := fast.number_cells(values)) is not None:
        values = values.mask(typed[0], None)  # a number's text names no currency: skip making it
    found = values.astype("string").str.extract(f"({_CURRENCY_RE.pattern})", expand=False)
    names = {s: _SYMBOLS.get(s, s) for s in found.dropna().unique()}  # per distinct match, not per row
    return found.map(names).astype("string")


@once_per_value
def parse_amounts(values: pd.Series, decimal: str | None = None) -> Parsed:
    """Amounts such as 1234.5, "$1,234.50", "1.234,50 €", "EUR 1.200,50", "(300)", "1'234".

    A value with both separators, or a decimal part of one or two digits, says itself which
    separator is the decimal one. Ambiguous values ("1.500", "1,500") follow `decimal` ("," or
    "."), the source's layout decided from all its amount columns (layout_evidence), else the
    column's own values."""
    if pd.api.types.is_numeric_dtype(values.dtype):
        out = pd.to_numeric(values, errors="coerce").astype("float64")
        infinite = pd.Series(np.isinf(out.to_numpy()), index=values.index)
        return Parsed(out.where(~infinite), int(infinite.sum()), infinite)
    if _is_text(values) and decimal != ",":  # in a decimal-comma source "1.500" is 1500
        plain = fast.plain_numbers(values)
        if plain is not None and not np.isinf(plain.to_numpy()).any():
            return Parsed(plain, 0, pd.Series(False, index=values.index))
    if values.dtype == object and (typed := fast.number_cells(values)) is not None:
        out, bad_mask = fast.typed_and_rest(values, *typed, fast.numbers_as_amounts,
                                            lambda v: _parse_amounts_flexible(v, decimal), "float64")
        return Parsed(out, int(bad_mask.sum()), bad_mask)
    return _parse_amounts_flexible(values, decimal)


def _amount_text(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The cells as bare number text (currency, spaces, quotes and parentheses gone, U+2212 as
    "-") and the mask of parenthesised (negative) ones."""
    # U+2212 is the minus sign of Swedish, Finnish and Norwegian number formats ("−1 234,50").
    text = values.astype("string").str.strip().str.replace("\u2212", "-", regex=False)
    negative = _flag(text.str.startswith("(") & text.str.endswith(")"))
    text = text.str.replace(_CURRENCY_RE.pattern, "", regex=True)
    # The characters themselves, not \u escapes: Arrow's regex engine rejects those before pandas 3.1.
    text = text.str.replace("[\\s\u00a0\u202f'’()]", "", regex=True)
    return text, negative


def _parse_amounts_flexible(values: pd.Series, decimal: str | None = None) -> Parsed:
    blank = _blank(values)
    text, negative = _amount_text(values)
    trailing_minus = _flag(text.str.endswith("-") & ~text.str.startswith("-"))
    negative |= trailing_minus
    text = text.str.replace(r"(?<=\d)-$", "", regex=True)
    # A value with both separators says itself which is the decimal one ("1.234,50" vs "1,234.50"),
    # so a column mixing "$1,234.50" and "1.234,50 €" reads both right; only the ambiguous values
    # ("1,234", "12,5") follow the column's majority style.
    comma_decimal = _flag(text.str.contains(r"\.\d{3},\d*$", regex=True))
    dot_decimal = _flag(text.str.contains(r",\d{3}\.\d*$", regex=True))
    column_comma = _decimal_comma(text) if decimal is None else decimal == ","
    use_comma = comma_decimal | (~dot_decimal & column_comma)
    as_comma = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    as_dot = text.str.replace(",", "", regex=False)
    text = as_comma.where(use_comma, as_dot)
    valid = _flag(text.str.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)"))
    out = pd.Series(pd.to_numeric(text.where(valid), errors="coerce").to_numpy(dtype="float64", na_value=np.nan),
                    index=values.index)
    out = out.where(~negative, -out.abs())
    # 400 digits read as inf: a sum with it would print inf, so it is an unreadable cell instead.
    out = out.where(np.isfinite(out.to_numpy()))
    bad_mask = ~blank & out.isna()
    return Parsed(out, int(bad_mask.sum()), bad_mask)


def _decimal_comma(text: pd.Series) -> bool:
    """Whether a column writes decimals with a comma, judged from all its values at once.

    "1,234" alone is ambiguous; a column is decimal-comma when some value ends in ",d" or ",dd" or
    has a dot before a comma ("1.234,50"), and no value ends in ".d" or ".dd".
    """
    comma = _flag(text.str.contains(r",\d{1,2}$|\.\d{3},", regex=True)).any()
    dot = _flag(text.str.contains(r"\.\d{1,2}$|,\d{3}\.", regex=True)).any()
    return bool(comma and not dot)


_AMPM = r"\s*[AaPp]\.?[Mm]\.?"
_ISO_RE = (r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
           rf"(?:[ T]\d{{1,2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?(?:{_AMPM})?|\s+\d{{1,2}}{_AMPM})?"
           r"\s*(?:Z|[+-]\d{2}:?\d{2}|UTC)?")
_TZ_RE = r"(?:Z|[+-]\d{2}:?\d{2}|UTC)$"
# The 12-hour clock after an ISO date ("2025-03-01 9:00 AM", "2025-03-01 9 pm"): hour, the rest of
# the time, and a or p.
_CLOCK12_RE = re.compile(r"(?<=[ T])(\d{1,2})((?::\d{2}){0,2}(?:\.\d+)?)\s*([AaPp])\.?[Mm]\.?")
_NUMERIC_DATE_RE = re.compile(
    r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})"
    r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)
_SERIAL_RE = r"\d{5}(?:\.\d+)?"
# How every _NUMERIC_DATE_RE match begins (before the strip). Spelled without \s and \d, which
# make pandas match in Python rather than with Arrow's RE2 (0.45 s instead of 0.07 s a 1M column).
_NUMERIC_START = r"^[ \t]*[0-9]{1,2}[/.-]"


@once_per_value
def parse_dates(values: pd.Series, timezone: str, dayfirst: bool | None = None) -> Parsed:
    """Dates and timestamps to naive wall time in `timezone` (datetime64[ns]).

    ISO, US (M/D/Y) and day-first (D.M.Y, D-M-Y) text, Excel serial numbers, datetime cells from
    xlsx, and offsets/UTC: aware values are converted to `timezone`; naive ones are taken as
    already in it. Whether D/M/Y or M/D/Y is decided per column from the values (a first part over
    12 means day-first), unless the source config says `dayfirst`.
    """
    index = values.index
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        local = _to_local(values, timezone)
        out_of_range = _flag(values.notna() & local.isna())
        return Parsed(local, int(out_of_range.sum()), out_of_range)
    if _is_text(values):
        found = fast.iso_dates(values)
        if found is not None:
            # Rows in one plain ISO layout are final; only the others take the flexible parser,
            # which never looks at ISO rows when it decides day-first, so the result is the same.
            out, taken = found
            rest = ~taken
            if not rest.any():
                return Parsed(out, 0, pd.Series(False, index=index))
            slow = _parse_dates_flexible(values[rest], timezone, dayfirst)
            out[rest] = slow.values
            bad_mask = pd.Series(False, index=index)
            bad_mask[rest] = slow.bad_mask
            return Parsed(out, slow.bad, bad_mask)
    if values.dtype == object and (typed := fast.datetime_cells(values)) is not None:  # xlsx date cells
        out, bad_mask = fast.typed_and_rest(values, *typed, lambda v: _stamps(v, timezone),
                                            lambda v: _parse_dates_flexible(v, timezone, dayfirst), "datetime64[ns]")
        return Parsed(out, int(bad_mask.sum()), bad_mask)
    return _parse_dates_flexible(values, timezone, dayfirst)


def _is_text(values: pd.Series) -> bool:
    """A pandas text column (str or string dtype): no datetime or number cells can hide in it."""
    return isinstance(values.dtype, pd.StringDtype)


def _parse_dates_flexible(values: pd.Series, timezone: str, dayfirst: bool | None) -> Parsed:
    index = values.index
    out = pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    blank = _blank(values)
    if _is_text(values):  # no per-cell type test needed: every cell is text
        is_datetime = is_number = pd.Series(False, index=index)
    else:
        is_datetime = _flag(values.map(lambda v: isinstance(v, (pd.Timestamp, np.datetime64))
                                       or hasattr(v, "isoformat")).astype(bool))
        is_number = _flag(values.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))
                          .astype(bool)) & ~blank
    if is_datetime.any():
        out[is_datetime] = _stamps(values[is_datetime], timezone)
    text = values.astype("string").str.strip().where(~is_datetime & ~is_number)
    serial = _flag(text.str.fullmatch(_SERIAL_RE)) | is_number
    if serial.any():
        days = pd.to_numeric(values.where(is_number, text)[serial].astype(object), errors="coerce")
        days = days.where((days > 0) & (days < 2_958_465))
        out[serial] = _EXCEL_EPOCH + pd.to_timedelta(days, unit="D")
    iso = _flag(text.str.fullmatch(_ISO_RE)) & ~serial
    if iso.any():
        out[iso] = _parse_iso(text[iso], timezone)
    rest = ~blank & ~is_datetime & ~serial & ~iso
    if rest.any():
        out[rest] = _parse_numeric_or_free(text[rest], timezone, dayfirst)
    bad_mask = ~blank & out.isna()
    return Parsed(out, int(bad_mask.sum()), bad_mask)


def _to_local(values: pd.Series, timezone: str) -> pd.Series:
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert(timezone).dt.tz_localize(None)
    return _as_ns(values)


def _as_ns(values: pd.Series) -> pd.Series:
    """datetime64[ns], with dates nanoseconds cannot hold (before 1677-09-21, after 2262-04-11) as
    NaT: pandas would raise OutOfBoundsDatetime, and such a date ("3000-01-01", "1200-01-01") is a
    placeholder or a typo, counted as unparseable like any other bad date."""
    fits = _flag(values.isna() | ((values >= pd.Timestamp.min) & (values <= pd.Timestamp.max)))
    return values.where(fits).astype("datetime64[ns]")


def _stamps(values: pd.Series, timezone: str) -> pd.Series:
    """Datetime objects from xlsx cells as local wall time; a value pandas cannot convert in one go
    (mixed offsets, year 1 or 9999, a bare time of day: how calamine returns an xlsx date before
    1900) is converted alone, or becomes NaT instead of an error."""
    try:
        return _to_local(pd.to_datetime(values, utc=False), timezone)
    except (ValueError, OverflowError, TypeError):
        stamps = [_stamp_or_nat(v, timezone) for v in values]
        return pd.Series([pd.NaT if v is None else v.as_unit("ns") for v in stamps], index=values.index,
                         dtype="datetime64[ns]")


def _stamp_or_nat(value: object, timezone: str) -> pd.Timestamp | None:
    try:
        stamp = pd.Timestamp(value)  # type: ignore[arg-type]
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert(timezone).tz_localize(None)
    except (ValueError, OverflowError, TypeError):  # TypeError: a bare time of day, no date
        return None
    return stamp if pd.Timestamp.min <= stamp <= pd.Timestamp.max else None


def _to_24h(match: re.Match[str]) -> str:
    hour, rest, half = int(match[1]), match[2] or ":00", match[3].lower()
    if not 1 <= hour <= 12:
        return f"99{rest}"  # "13:00 PM" or "0:30 AM": no such time, so the value stays unparsed
    return f"{hour % 12 + (12 if half == 'p' else 0):02d}{rest}"


def _parse_iso(text: pd.Series, timezone: str) -> pd.Series:
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    # Year-first with slashes or dots (2025/03/07, 2025.03.07) is ISO order with other separators.
    text = text.str.replace(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})", r"\1-\2-\3", regex=True)
    text = text.str.replace(_CLOCK12_RE.pattern, _to_24h, regex=True)
    aware = _flag(text.str.contains(_TZ_RE, regex=True))
    if (~aware).any():
        naive = pd.to_datetime(text[~aware].str.replace("T", " ", regex=False), format="ISO8601",
                               errors="coerce")
        out[~aware] = _as_ns(naive)
    if aware.any():
        cleaned = text[aware].str.replace(r"\s*UTC$", "Z", regex=True)
        parsed = pd.to_datetime(cleaned, format="ISO8601", utc=True, errors="coerce")
        out[aware] = _to_local(parsed, timezone)
    return out


def _parse_numeric_or_free(text: pd.Series, timezone: str, dayfirst: bool | None) -> pd.Series:
    parts = text.str.extract(_NUMERIC_DATE_RE.pattern)
    numeric = _flag(parts[0].notna())
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    if numeric.any():
        p = parts[numeric]
        first, second = p[0].astype(int), p[1].astype(int)
        if dayfirst is None:
            if (first > 12).any():
                dayfirst = True
            elif (second > 12).any():
                dayfirst = False
            else:
                # No value tells: dotted dates are European, slashes American (the usual exports).
                dayfirst = bool(_flag(text[numeric].str.contains(".", regex=False)).all())
        day, month = (first, second) if dayfirst else (second, first)
        year = p[2].astype(int)
        year = year.where(year >= 100, year + 2000)
        hour = p[3].fillna("0").astype(int)
        ampm = p[6].fillna("").str.lower()
        hour = hour.where(~((ampm == "pm") & (hour < 12)), hour + 12)
        hour = hour.where(~((ampm == "am") & (hour == 12)), 0)
        stamp = pd.to_datetime(
            pd.DataFrame({"year": year, "month": month, "day": day, "hour": hour,
                          "minute": p[4].fillna("0").astype(int),
                          "second": p[5].fillna("0").astype(int)}),
            errors="coerce",
        )
        out[numeric] = _as_ns(stamp)
    free = ~numeric
    if free.any():
        english = _english_months(text[free])
        found = _named_month_formats(english)
        out[free] = found
        rest = found.isna().to_numpy(dtype=bool)
        if rest.any():
            parsed = [_parse_free(str(v), timezone, bool(dayfirst)) for v in english[rest]]
            out[english.index[rest]] = pd.Series([pd.NaT if p is None else p.as_unit("ns") for p in parsed],
                                                 index=english.index[rest], dtype="datetime64[ns]")
    return out


# The usual layouts of a date with its month named (in English by then), read a whole column at a
# time: on 200k German timestamps the value-by-value parser below took 70 s. What none of these
# reads (offsets, weekday names, other orders) still goes to _parse_free.
_NAMED_MONTH_FORMATS = [f"{date}{time}" for date in ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y",
                                                     "%B %d %Y", "%b %d %Y", "%d-%b-%Y", "%d %b. %Y")
                        for time in ("", " %H:%M", " %H:%M:%S")]


def _named_month_formats(text: pd.Series) -> pd.Series:
    """Dates with a named month in one of _NAMED_MONTH_FORMATS (datetime64[ns], NaT for the rest)."""
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    todo = text.str.strip()
    for layout in _NAMED_MONTH_FORMATS:
        if todo.empty:
            break
        stamps = pd.to_datetime(todo, format=layout, errors="coerce")
        hit = stamps.notna().to_numpy(dtype=bool)
        if hit.any():
            out[todo.index[hit]] = _as_ns(stamps[hit])
            todo = todo[~hit]
    return out


def _english_months(text: pd.Series) -> pd.Series:
    """Free-text dates with their month names in English ("15 mars 2024" -> "15 March 2024"); only
    text no faster reading took comes here, so ISO and numeric dates never pay for it."""
    from crm_metrics.clean.month_names import has_month_word, to_english

    named = has_month_word(text)
    if not named.any():
        return text
    return text.where(~named, to_english(text[named]))


def _parse_free(value: str, timezone: str, dayfirst: bool) -> pd.Timestamp | None:
    """Last resort for text such as "Mar 7, 2025" or "7 March 2025 14:00 +01:00"."""
    if not re.search(r"\d", value) or not re.search(r"[A-Za-z]{3}", value):
        return None
    if re.search(r"(?<![\d.:])00\d\d(?![\d:])", value) and not re.search(r"(?<!\d)[1-9]\d{3}(?!\d)", value):
        return None  # "Dec 1, 0001": dateutil reads the year 0001 as 2001 and 0099 as 1999
    try:
        stamp = pd.Timestamp(pd.to_datetime(value, dayfirst=dayfirst))
    except (ValueError, OverflowError):
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert(timezone).tz_localize(None)
    if not pd.Timestamp.min <= stamp <= pd.Timestamp.max:
        return None  # "Mar 7, 3000": outside what datetime64[ns] holds, see _as_ns
    return stamp


_TRUE = {"true", "yes", "y", "1", "answered", "t", "x"}
_FALSE = {"false", "no", "n", "0", "abandoned", "unanswered", "missed", "f"}


@once_per_value
def parse_bools(values: pd.Series) -> Parsed:
    blank = _blank(values)
    text = values.astype("string").str.strip().str.lower()
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[_flag(text.isin(_TRUE))] = True
    out[_flag(text.isin(_FALSE))] = False
    bad_mask = ~blank & out.isna()
    return Parsed(out, int(bad_mask.sum()), bad_mask)


def on_scale(parsed: Parsed, low: int, high: int) -> Parsed:
    """`parsed` numbers (float64) with every value that is not an integer from `low` to `high`
    turned unparseable: NaN, counted in `bad` and marked in `bad_mask` (metrics.md section 1,
    "Answers on a scale must be on it"). An NPS of 6.5 is in no group, so it cannot be in the
    denominator either; leaving it out and reporting it is the only honest reading."""
    values = parsed.values.astype("float64")
    off = values.notna() & ~((values == values.round()) & values.between(low, high))
    off = off.fillna(False)
    return Parsed(values.where(~off), parsed.bad + int(off.sum()), parsed.bad_mask | off)


# Evidence of a source's number and date layout (metrics.md section 1, "Number and date layout is
# decided per source"): values that prove a reading, and values whose reading depends on it.
_COMMA_PROOF = r",\d{1,2}$|\.\d{3},|\.\d{3}\.\d{3}"  # 12,5  1.234,50  1.234.567
_DOT_PROOF = r"\.\d{1,2}$|,\d{3}\.|,\d{3},\d{3}"  # 12.5  1,234.50  1,234,567
_DECIMAL_AMBIGUOUS = r"-?\d{1,3}[.,]\d{3}"  # 1.500 or 1,500: 1.5 or 1500?
_PLAIN_NUMBER = r"-?\d+(\.\d{1,2})?"  # 15222.44, 300: no thousands separator, no currency


@dataclass
class LayoutEvidence:
    """What one column's distinct values say about its source's layout: proofs of a decimal
    comma / point and of day-first / month-first dates, and the mask of cells whose reading
    depends on the layout (aligned on the column's index)."""

    proofs: set[str]  # of "decimal ,", "decimal .", "dayfirst", "monthfirst"
    ambiguous: pd.Series


def amount_layout_evidence(values: pd.Series) -> LayoutEvidence:
    """LayoutEvidence of an amount column; numbers typed as such (xlsx) prove and hide nothing."""
    if _typed(values):
        return LayoutEvidence(set(), pd.Series(False, index=values.index))
    # Plain numbers ("15222.44", "300"), the bulk of a machine-written export, are settled by one
    # vectorised match over the cells (an Arrow kernel for Arrow text), before any distinct values
    # are collected: with at most two decimals they can only prove a decimal point and are never
    # ambiguous. The costly clean-up and patterns below run on the other cells only.
    try:
        plain = _flag(values.str.fullmatch(_PLAIN_NUMBER))
        dotted = _flag(values.str.contains(".", regex=False))
    except AttributeError:  # an object column of typed cells only (no text): .str refuses it
        plain = dotted = pd.Series(False, index=values.index)
    proofs = {"decimal ."} if (plain & dotted).any() else set()
    if plain.all():
        return LayoutEvidence(proofs, pd.Series(False, index=values.index))
    rest = _distinct_text(values[~plain.to_numpy()])
    text, _ = _amount_text(rest)
    text = text.str.replace(r"(?<=\d)-$", "", regex=True)
    proofs |= {name for name, pattern in (("decimal ,", _COMMA_PROOF), ("decimal .", _DOT_PROOF))
               if _flag(text.str.contains(pattern, regex=True)).any()}
    return LayoutEvidence(proofs, _cells_among(values, rest[_flag(text.str.fullmatch(_DECIMAL_AMBIGUOUS))]))


def date_layout_evidence(values: pd.Series) -> LayoutEvidence:
    """LayoutEvidence of a date column: a numeric date whose first part is over 12 proves
    day-first, whose second part is over 12 month-first; one with both parts 12 or less and
    slashes or dashes ("05/03/2025") is ambiguous (dotted dates are European, read day-first by
    convention)."""
    if _typed(values):
        return LayoutEvidence(set(), pd.Series(False, index=values.index))
    # Only a cell starting with a one- or two-digit part can be a numeric D/M or M/D date: found by
    # one vectorised match over the cells (an Arrow kernel on Arrow text), so an ISO export's million
    # distinct timestamps are never collected and run through the date pattern.
    try:
        numeric = _flag(values.str.contains(_NUMERIC_START, regex=True))
    except AttributeError:  # an object column of typed cells only (no text): .str refuses it
        numeric = pd.Series(False, index=values.index)
    if not numeric.any():
        return LayoutEvidence(set(), pd.Series(False, index=values.index))
    distinct = _distinct_text(values[numeric.to_numpy()])
    text = distinct.astype("string").str.strip()
    parts = text.str.extract(_NUMERIC_DATE_RE.pattern)
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce")
    proofs = {name for name, proof in (("dayfirst", first > 12), ("monthfirst", second > 12)) if proof.any()}
    ambiguous = _flag((first <= 12) & (second <= 12)) & ~_flag(text.str.contains(".", regex=False))
    return LayoutEvidence(proofs, _cells_among(values, distinct[ambiguous]))


def _distinct_text(values: pd.Series) -> pd.Series:
    """The distinct text cells of a column (numbers and dates typed as such from xlsx left out):
    evidence is decided from which values occur, never how often."""
    if _typed(values):
        return pd.Series([], dtype="string")
    unique = pd.Series(values.dropna().unique())
    if unique.dtype == object:
        unique = unique[unique.map(lambda v: isinstance(v, str)).astype(bool)]
    return unique.astype("string").reset_index(drop=True)


def _typed(values: pd.Series) -> bool:
    """Whether a column holds numbers or dates typed as such (xlsx cells), not text."""
    return pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_datetime64_any_dtype(values.dtype)


def _cells_among(values: pd.Series, distinct: pd.Series) -> pd.Series:
    """Mask (bool, on values' index) of the cells equal to one of `distinct`."""
    if not len(distinct):
        return pd.Series(False, index=values.index)
    return pd.Series(_flag(values.astype(object).isin(set(distinct.tolist()))).to_numpy(dtype=bool),
                     index=values.index)
