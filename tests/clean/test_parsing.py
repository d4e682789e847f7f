"""Amounts and dates as real exports write them (../shared/metrics.md section 1)."""

from __future__ import annotations

import pandas as pd
import pytest

from crm_metrics.clean.parsers import parse_amounts, parse_bools, parse_dates


def _amounts(*cells: object) -> list[float]:
    return [float(v) for v in parse_amounts(pd.Series(list(cells), dtype=object)).values]


@pytest.mark.parametrize(("cell", "expected"), [
    ("$1,234.50", 1234.5),
    ("1.234,50 €", 1234.5),
    ("EUR 1.200,50", 1200.5),
    ("(300)", -300.0),
    ("1 234,5", 1234.5),
    ("-42", -42.0),
    ("250-", -250.0),
])
def test_single_amounts(cell: str, expected: float) -> None:
    assert _amounts(cell) == [pytest.approx(expected)]


def test_a_column_mixing_decimal_styles() -> None:
    # Each value with both separators decides its own decimal mark.
    assert _amounts("$1,234.50", "1.234,50 €", "2,000,000.5") == [1234.5, 1234.5, 2000000.5]


def test_decimal_comma_column_decides_ambiguous_values() -> None:
    # "12,50" shows the column writes decimal commas, so "1,5" is one and a half.
    assert _amounts("12,50", "1,5") == [12.5, 1.5]


def test_unparseable_amounts_are_counted_not_guessed() -> None:
    parsed = parse_amounts(pd.Series(["abc", "10", "", None], dtype=object))
    assert parsed.bad == 1
    assert list(parsed.bad_mask) == [True, False, False, False]
    assert parsed.values.isna().tolist() == [True, False, True, True]


def _dates(*cells: object, timezone: str = "UTC") -> list[pd.Timestamp]:
    return list(parse_dates(pd.Series(list(cells), dtype=object), timezone).values)


@pytest.mark.parametrize(("cell", "expected"), [
    ("2025-03-07", "2025-03-07"),
    ("2025-03-07 14:30:00", "2025-03-07 14:30"),
    ("3/7/2025", "2025-03-07"),            # US month first
    ("7.3.2025", "2025-03-07"),            # dotted: day first
    ("25-03-2025", "2025-03-25"),          # day > 12 tells: day first
    (45000, "2023-03-15"),                 # Excel serial number: 1899-12-30 + 45,000 days
    ("45000", "2023-03-15"),
    ("Mar 7, 2025", "2025-03-07"),
    ("2025/03/07", "2025-03-07"),          # year first with slashes
    ("17-7-2018", "2018-07-17"),           # Salesforce D-M-YYYY
])
def test_date_formats(cell: object, expected: str) -> None:
    assert _dates(cell) == [pd.Timestamp(expected)]


def test_day_first_decided_by_the_column() -> None:
    # 13/01 can only be day-first, so 02/03/2025 in the same column is 2 March.
    assert _dates("13/01/2025", "02/03/2025") == [pd.Timestamp("2025-01-13"), pd.Timestamp("2025-03-02")]


def test_aware_timestamps_convert_to_the_config_timezone() -> None:
    # 23:30 UTC on the last day of March is 01:30 on 1 April in Berlin (UTC+2 in summer time).
    assert _dates("2025-03-31T23:30:00Z", timezone="Europe/Berlin") == [pd.Timestamp("2025-04-01 01:30")]
    assert _dates("2025-03-31T23:30:00Z", timezone="UTC") == [pd.Timestamp("2025-03-31 23:30")]
    # An offset is honoured too: 10:00 at +05:00 is 05:00 UTC.
    assert _dates("2025-03-31T10:00:00+05:00") == [pd.Timestamp("2025-03-31 05:00")]


def test_unparseable_dates_are_counted() -> None:
    parsed = parse_dates(pd.Series(["garbage", "2025-01-01", ""], dtype=object), "UTC")
    assert parsed.bad == 1
    assert pd.isna(parsed.values[0]) and pd.isna(parsed.values[2])


def test_bools() -> None:
    parsed = parse_bools(pd.Series(["Yes", "no", "answered", "maybe", None], dtype=object))
    assert parsed.values.tolist()[:3] == [True, False, True]
    assert parsed.bad == 1
