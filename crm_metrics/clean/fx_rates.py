"""Dated exchange rates: a file of date, currency, rate, where the rate in force on an amount's date
converts it to the report currency (metrics.md section 1, "Rates may be dated").

As the CRMs do it: Salesforce's advanced currency management converts an opportunity's amounts at
the dated rate of its close date (DatedConversionRate, StartDate to NextStartDate:
https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_datedconversionrate.htm;
convertCurrency "uses the conversion rate that corresponds to ... CloseDate on opportunities":
https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_sosl_querying_currency_fields.htm),
and HubSpot fixes a closed deal's exchange rate at the rate in effect when it closed, each rate
having an `effectiveAt` (https://developers.hubspot.com/docs/api/settings/currencies). A rate here is
HubSpot's conversionRate and the config's `fx`: the value of 1 unit of the currency in the report
currency (Salesforce's ConversionRate is the inverse, units per 1 corporate unit: write 1 / it).

Unlike HubSpot, an amount dated before its currency's first rate takes no rate at all (not the
nearest, not the static `fx` one): it is left out and counted, as a guess is never shown as a fact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crm_metrics.clean.parsers import date_layout_evidence, parse_amounts, parse_dates
from crm_metrics.config.model import Config
from crm_metrics.errors import InputError

COLUMNS = ("date", "currency", "rate")


@dataclass(frozen=True)
class DatedRates:
    """The rates of a config's `fx_dated` file.

    `rates`: columns date (datetime64[ns], naive wall time in the config's zone; a date alone is its
    midnight), currency (string: upper-case ISO code), rate (float64 > 0: value of 1 unit in the
    report currency), sorted by date. `file`: the path as messages name it."""

    file: str
    rates: pd.DataFrame

    @property
    def currencies(self) -> set[str]:
        return set(self.rates["currency"])

    def first(self, currency: str) -> pd.Timestamp:
        """The date of `currency`'s first rate."""
        return pd.Timestamp(self.rates.loc[self.rates["currency"] == currency, "date"].min())

    def at(self, currency: pd.Series, when: pd.Series) -> pd.Series:
        """The rate in force for each row: that of its currency dated last on or before `when`
        (float64 aligned with `currency`; NaN where `when` is missing or before the first rate)."""
        rows = pd.DataFrame({"date": pd.to_datetime(when).astype("datetime64[ns]").to_numpy(),
                             "currency": currency.astype("string").to_numpy(dtype=object),
                             "position": np.arange(len(currency))})
        rows = rows.astype({"currency": "string"})
        rows = rows[rows["date"].notna()].sort_values("date", kind="stable")
        found = pd.merge_asof(rows, self.rates, on="date", by="currency", direction="backward")
        out = np.full(len(currency), np.nan)
        out[found["position"].to_numpy()] = found["rate"].to_numpy(dtype="float64")
        return pd.Series(out, index=currency.index)


def read_dated_rates(config: Config) -> DatedRates | None:
    """The config's `fx_dated` file read and checked (None when the key is not set).

    Raises InputError, one line naming the file, the row (the header is row 1) and the column and
    what to do, for: a missing, unreadable or header-only file, a missing date / currency / rate
    column, a blank currency, a date or rate that does not parse, a rate that is not above 0, and
    two rates of one currency on one date (which one applies would be a guess)."""
    if config.fx_dated is None:
        return None
    from crm_metrics.io.files import read_table

    path = config.resolve(config.fx_dated)
    if not path.is_file():
        # read_table's own message points at the sources, which are not where this path is set.
        raise InputError(f"{path}: rates file not found; check fx_dated in {config.origin}")
    raw = read_table(path)
    file = str(path)
    headers = {str(h).strip().casefold(): h for h in raw.columns}
    missing = [c for c in COLUMNS if c not in headers]
    if missing:
        raise InputError(f"{file}: no '{missing[0]}' column (headers: {', '.join(map(str, raw.columns))}); "
                         f"a rates file has the columns date, currency, rate (value of 1 unit in "
                         f"{config.currency}), one rate per row")
    if raw.empty:
        # Otherwise every currency would fall back to its static rate while the config says dated.
        raise InputError(f"{file}: a header row and no rates; add one row per date and currency or remove "
                         f"fx_dated from {config.origin}")
    first_row = int(raw.attrs.get("header_row", 1)) + 1
    rows = pd.Series(np.arange(first_row, first_row + len(raw)), index=raw.index)
    currency = raw[headers["currency"]].astype("string").str.strip().str.upper()
    _refuse(file, rows, currency.isna() | (currency == ""), raw[headers["currency"]], "currency",
            "blank; write the currency's ISO code, e.g. EUR")
    # A rate dated 01/02/2025 is 1 February or 2 January: its dates must say which (metrics.md
    # section 1, layout from the values), else the file is refused rather than read one way silently.
    evidence = date_layout_evidence(raw[headers["date"]])
    proofs = {p for p in evidence.proofs if p in ("dayfirst", "monthfirst")}
    if len(proofs) != 1 and evidence.ambiguous.any():
        _refuse(file, rows, evidence.ambiguous, raw[headers["date"]], "date",
                "ambiguous (day-first or month-first?) and no date in the file says which; write dates as YYYY-MM-DD")
    dates = parse_dates(raw[headers["date"]], config.timezone, "dayfirst" in proofs if len(proofs) == 1 else None)
    _refuse(file, rows, dates.values.isna(), raw[headers["date"]], "date",
            "not a date; write it as YYYY-MM-DD")
    rates = parse_amounts(raw[headers["rate"]])
    _refuse(file, rows, ~(rates.values > 0), raw[headers["rate"]], "rate",
            f"not a rate above 0; write the value of 1 unit in {config.currency}, e.g. 1.08")
    own = (currency == config.currency).fillna(False).to_numpy(dtype=bool)
    # A CRM's rate table lists its own currency at 1 (Salesforce's corporate currency): nothing to
    # convert. Another rate for it means the file is read the wrong way round.
    _refuse(file, rows, pd.Series(own & (rates.values != 1).to_numpy(dtype=bool), index=raw.index),
            raw[headers["rate"]], "rate", f"a rate for {config.currency}, the report currency, whose rate is 1; "
            f"give each rate as the value of 1 unit in {config.currency} and delete this row")
    keep, rows = ~own, rows[~own]
    # currency as "string" on both sides: merge_asof's `by` keys must be of one dtype.
    table = pd.DataFrame({"date": dates.values[keep].astype("datetime64[ns]").to_numpy(),
                          "currency": currency[keep].to_numpy(dtype=object),
                          "rate": rates.values[keep].astype("float64").to_numpy()}).astype({"currency": "string"})
    again = table.duplicated(["currency", "date"]).to_numpy(dtype=bool)
    if again.any():
        later = int(np.flatnonzero(again)[0])
        code, day = str(table["currency"].iloc[later]), pd.Timestamp(table["date"].iloc[later])
        first = int(np.flatnonzero(((table["currency"] == code) & (table["date"] == day)).to_numpy(dtype=bool))[0])
        raise InputError(f"{file}: rows {rows.iloc[first]} and {rows.iloc[later]}, column date: two {code} "
                         f"rates for {day:%Y-%m-%d}; keep the one in force and delete the other")
    return DatedRates(file, table.sort_values("date", kind="stable").reset_index(drop=True))


def _refuse(file: str, rows: pd.Series, bad: pd.Series, cells: pd.Series, column: str, advice: str) -> None:
    """An InputError on the first row where `bad` holds, naming its raw cell."""
    flags = bad.fillna(True).to_numpy(dtype=bool)
    if flags.any():
        first = int(np.flatnonzero(flags)[0])
        cell = cells.iloc[first]
        shown = "" if cell is None or (isinstance(cell, float) and cell != cell) else str(cell)
        raise InputError(f"{file}: row {rows.iloc[first]}, column {column}: {shown!r} is {advice}"
                         if shown.strip() else f"{file}: row {rows.iloc[first]}, column {column}: {advice}")


def rate_dates(table: str, frame: pd.DataFrame) -> pd.Series:
    """The date whose rate converts each row's amount (metrics.md section 1): a won or lost deal's
    close date, an open deal's create date, a spend row's date (NaT where the row has none)."""
    if table == "spend":
        return frame["date"] if "date" in frame.columns else pd.Series(pd.NaT, index=frame.index)
    empty = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    created = frame["created_at"] if "created_at" in frame.columns else empty
    closed = frame["closed_at"] if "closed_at" in frame.columns else empty
    if "outcome" not in frame.columns:
        return closed
    return closed.where((frame["outcome"] != "open").to_numpy(dtype=bool), created)


@dataclass(frozen=True)
class Unconverted:
    """Rows of a table whose amount a dated rate cannot convert (bool masks over the frame):
    `before_first` by currency (dated before its first rate). A row with no date to pick a rate
    by is not here: it is counted under its missing date already."""

    before_first: dict[str, np.ndarray]


def unconverted(table: str, frame: pd.DataFrame, currency: pd.Series, rates: DatedRates) -> Unconverted:
    """The rows with an amount, in a currency of `rates`, that no dated rate converts (`frame`: a
    deals or spend frame with its `amount`; `currency`: each row's currency, aligned with it)."""
    when = rate_dates(table, frame)
    has_amount = frame["amount"].notna().to_numpy(dtype=bool)
    before = {}
    for code in sorted(rates.currencies & set(currency.dropna().unique())):
        rows = (currency == code).fillna(False).to_numpy(dtype=bool) & has_amount
        early = rows & (when < rates.first(code)).fillna(False).to_numpy(dtype=bool)
        if early.any():
            before[code] = early
    return Unconverted(before)
