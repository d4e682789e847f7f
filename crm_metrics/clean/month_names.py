"""Month names in the export's language ("15. März 2024", "15 de marzo de 2024", "3 févr. 2025")
rewritten in English, which the date parser reads ("15 March 2024").

The words are CLDR's (Unicode Common Locale Data Repository, release 49, as shipped in babel 2.19:
`Locale.parse(lang).months[context][width]` for the format and stand-alone contexts, wide and
abbreviated widths), for German, French, Spanish, Portuguese, Dutch and Italian. They are copied
here rather than read from babel at run time: month names do not change, the table is 70 words,
and babel would add a 30 MB dependency imported on every date column. Trailing dots are matched
optionally ("févr." and "févr"), and so are the words without accents ("fevrier", "marco"), which
exports that strip accents write. No two languages use one word for different months.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import pandas as pd

_ENGLISH = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
            "October", "November", "December")

# Month number -> the words of every language above (lower case, trailing dots dropped); "mrz" is
# not CLDR's but DIN 5008's German abbreviation, common in German exports.
_CLDR_WORDS = {
    1: "januar jan janvier janv enero ene janeiro januari gennaio gen",
    2: "februar feb février févr febrero fevereiro fev februari febbraio",
    3: "märz mär mrz mars marzo mar março maart mrt",
    4: "april apr avril avr abril abr aprile",
    5: "mai mayo may maio mei maggio mag",
    6: "juni jun juin junio junho giugno giu",
    7: "juli jul juillet juil julio julho luglio lug",
    8: "august aug août agosto ago augustus",
    9: "september sep sept septembre septiembre setembro set settembre",
    10: "oktober okt octobre oct octubre outubro out ottobre ott",
    11: "november nov novembre noviembre novembro",
    12: "dezember dez décembre déc diciembre dic dezembro december dec dicembre",
}


def _plain(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


@cache
def _month_of() -> dict[str, int]:
    found: dict[str, int] = {}
    for month, words in _CLDR_WORDS.items():
        for word in words.split():
            for form in (word, _plain(word)):
                assert found.setdefault(form, month) == month, form  # one month per word
    return found


@cache
def _pattern() -> re.Pattern[str]:
    # Longest first, so "sept" is not read as "sep" + "t"; a word only where no letter touches it.
    words = sorted(_month_of(), key=len, reverse=True)
    return re.compile(r"(?<![^\W\d_])(" + "|".join(map(re.escape, words)) + r")\.?(?![^\W\d_])", re.IGNORECASE)


def has_month_word(values: pd.Series) -> pd.Series:
    """Which cells of a text column hold a month name of the table and two numbers (a day and a
    year): boolean, NA as False. One number is no date ("3 days ago" would read as August 3 of
    this year, "ago" being Spanish for August)."""
    named = values.str.count(_pattern().pattern, flags=re.IGNORECASE).fillna(0) > 0
    numbers = values.str.count(r"\d+").fillna(0)
    return named & (numbers >= 2)


def to_english(values: pd.Series) -> pd.Series:
    """The cells with each month name written in English and the words around a date that only
    other languages have dropped: Spanish and Portuguese "de" ("15 de marzo de 2024"), the dot of a
    German day ("15. März 2024"). Cells without a month name come back as they were. `values` is a
    string Series; the result has its index."""
    month_of = _month_of()

    def english(match: re.Match[str]) -> str:
        return _ENGLISH[month_of[match[1].lower()] - 1]

    out = values.str.replace(_pattern(), english, regex=True)
    out = out.str.replace(r"(?<=\d)\s+de\s+(?=[^\W\d_])|(?<=[^\W\d_])\s+de\s+(?=\d)", " ", regex=True,
                          flags=re.IGNORECASE)
    return out.str.replace(r"^(\d{1,2})\.\s+(?=[^\W\d_])", r"\1 ", regex=True)
