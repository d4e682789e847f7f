"""docs/metrics.md documents every metric the catalogue declares."""

from __future__ import annotations

import re

from crm_metrics.metrics.catalogue import CATALOGUE
from tests.conftest import ROOT


def test_every_catalogue_id_is_documented() -> None:
    text = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", text, flags=re.MULTILINE))
    assert {m.id for m in CATALOGUE} - documented == set()
    assert documented - {m.id for m in CATALOGUE} == set()


def test_documented_units_match_the_catalogue() -> None:
    text = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    for metric in CATALOGUE:
        row = re.search(rf"^\| `{metric.id}` \|.*$", text, flags=re.MULTILINE)
        assert row is not None
        cells = [c.strip() for c in row.group(0).strip("|").split(" | ")]
        assert cells[2] == metric.unit.value, metric.id
