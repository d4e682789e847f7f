"""Dates with month names in the export's language (clean/month_names.py via parsers.parse_dates),
and the promise that plain ISO and numeric dates never take that path."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from crm_metrics.clean import month_names
from crm_metrics.clean.parsers import parse_dates
from tests.fixtures.build import values


@pytest.mark.parametrize(("text", "expected"), [
    ("15. März 2024", "2024-03-15"),             # German, the day with its dot
    ("5 Mrz 2025", "2025-03-05"),                # German DIN 5008 abbreviation
    ("15. Mär. 2024", "2024-03-15"),
    ("1. Okt. 2024 14:30", "2024-10-01 14:30"),
    ("15 mars 2024", "2024-03-15"),              # French
    ("3 févr. 2025", "2025-02-03"),
    ("31 août 2024", "2024-08-31"),
    ("2 janv 2025", "2025-01-02"),
    ("1 fevrier 2024", "2024-02-01"),           # accents stripped by the export
    ("15 de marzo de 2024", "2024-03-15"),       # Spanish
    ("12 dic 2024", "2024-12-12"),
    ("15 de março de 2024", "2024-03-15"),       # Portuguese
    ("15 marco 2024", "2024-03-15"),
    ("7 set. 2024", "2024-09-07"),
    ("15 maart 2024", "2024-03-15"),             # Dutch
    ("5 mrt 2024", "2024-03-05"),
    ("3 mei 2024", "2024-05-03"),
    ("9 giugno 2024", "2024-06-09"),             # Italian
    ("Mar 7, 2025", "2025-03-07"),               # English, as before
])
def test_month_names_are_read(text: str, expected: str) -> None:
    parsed = parse_dates(pd.Series([text], dtype="string"), "UTC")
    assert parsed.bad == 0
    assert parsed.values[0] == pd.Timestamp(expected)


def test_a_month_word_without_day_and_year_is_no_date() -> None:
    # "ago" is Spanish for August: "3 days ago" must not become August 3 of this year.
    parsed = parse_dates(pd.Series(["3 days ago", "mars"], dtype="string"), "UTC")
    assert parsed.bad == 2


def test_iso_and_numeric_dates_never_reach_the_month_names(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(_: pd.Series) -> pd.Series:
        raise AssertionError("month-name path taken")

    monkeypatch.setattr(month_names, "has_month_word", fail)
    monkeypatch.setattr(month_names, "to_english", fail)
    cells = pd.Series(["2024-03-15", "2024-03-15 10:00", "15/03/2024", "15.03.2024", "15-03-2024 9:30 PM"],
                      dtype="string")
    assert parse_dates(cells, "UTC").bad == 0


def test_no_word_means_two_months() -> None:
    # The CLDR words of six languages: each word, with and without accents, is one month only.
    assert len(month_names._month_of()) > 70
    assert month_names._month_of()["mar"] == 3 and month_names._month_of()["mai"] == 5


def test_leads_created_from_german_dates(tmp_path: Path) -> None:
    leads = [{"lead_id": "L1", "created_at": "15. Januar 2025"},
             {"lead_id": "L2", "created_at": "3. Feb. 2025"},
             {"lead_id": "L3", "created_at": "28. Februar 2025"},
             {"lead_id": "L4", "created_at": "1. März 2025"}]
    found = values(tmp_path, {"leads": leads}, ["leads_created"], date(2025, 1, 1), date(2025, 3, 31),
                   period="month")
    # January: L1; February: L2, L3; March: L4.
    assert [found["leads_created"][m].value for m in ("2025-01", "2025-02", "2025-03")] == [1, 2, 1]
