"""Amount cells that used to slip through as inf (a 400-digit number) or be refused (the Unicode minus
sign of Nordic number formats)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crm_metrics.clean.parsers import parse_amounts


def test_an_amount_too_big_for_a_float_is_unparseable_not_inf() -> None:
    parsed = parse_amounts(pd.Series(["9" * 400, "5"], dtype=object))
    assert parsed.bad == 1
    assert parsed.bad_mask.tolist() == [True, False]
    assert np.isnan(parsed.values.iloc[0]) and parsed.values.iloc[1] == 5.0


def test_an_infinite_number_cell_is_unparseable() -> None:
    parsed = parse_amounts(pd.Series([np.inf, 1.0, np.nan]))
    assert parsed.bad == 1
    assert parsed.bad_mask.tolist() == [True, False, False]
    assert parsed.values.iloc[1] == 1.0


def test_unicode_minus_sign() -> None:
    # "−1 234,50" (U+2212, space thousands, decimal comma) is minus one thousand two hundred thirty-four and a half.
    parsed = parse_amounts(pd.Series(["\u22125", "\u22121 234,50"], dtype=object))
    assert parsed.bad == 0
    assert parsed.values.tolist() == [-5.0, -1234.5]
