"""Survey answers off their scale are left out and said on the metric (../shared/metrics.md section
1, "Answers on a scale must be on it"; top section: "the note says how many rows were left out"): NPS,
CES and CSAT carry "k of n ... left out", and a period whose answers are all off the scale is n/a
with that reason rather than "no answers". A blank score is no answer and is in no count."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.build import values

Q1 = "2025-Q1"
JAN, MAR = date(2025, 1, 1), date(2025, 3, 31)


def _answers(column: str, scores: list[object]) -> list[dict[str, Any]]:
    return [{"answered_at": f"2025-03-{i + 1:02d}", column: s} for i, s in enumerate(scores)]


def test_nps_says_the_answers_off_the_scale(tmp_path: Path) -> None:
    # 10, 9, 6.5, 8.5, 3, 8: on the scale 10, 9, 3, 8 -> promoters 2, detractors 1 of 4:
    # 50 % - 25 % = 25; 6.5 and 8.5 left out, and the note says so.
    got = values(tmp_path, {"surveys": _answers("nps", [10, 9, 6.5, 8.5, 3, 8])}, ["nps"], JAN, MAR)
    assert got["nps"][Q1].value == pytest.approx(25.0)
    assert got["nps"][Q1].note == "2 of 6 NPS answers unreadable (nps, off the scale), left out"


def test_csat_and_ces_say_the_answers_off_the_scale(tmp_path: Path) -> None:
    # CSAT 5, 4.5, 2: 1 satisfied of 2 on the scale = 0.5, "1 of 3". CES 8 alone (off 1-7): n/a,
    # not "no CES answers". A blank CSAT is no answer and in no count.
    surveys = [{"answered_at": "2025-03-01", "csat": 5, "ces": 8},
               {"answered_at": "2025-03-02", "csat": 4.5, "ces": None},
               {"answered_at": "2025-03-03", "csat": 2, "ces": None},
               {"answered_at": "2025-03-04", "csat": None, "ces": None}]
    got = values(tmp_path, {"surveys": surveys}, ["csat_pct", "ces"], JAN, MAR)
    assert got["csat_pct"][Q1].value == pytest.approx(0.5)
    assert got["csat_pct"][Q1].note == "1 of 3 ratings unreadable (csat, off the scale), left out"
    assert got["ces"][Q1].value is None
    assert got["ces"][Q1].note == "the one CES answer unreadable (ces, off the scale)"
