"""Number and date layout decided per source, from all its amount and date columns and files
(../shared/metrics.md section 1): a column whose values are all ambiguous ("1.500 €",
"05/03/2025") reads the way the rest of its source proves; when nothing in the source decides, the
default reading stays and the report and validate name the columns and the key to set."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from crm_metrics.api import report
from crm_metrics.checks import validate
from crm_metrics.periods import PeriodKind
from crm_metrics.pipeline import RunOptions
from tests.fixtures.build import make_config, write_csv

TODAY = date(2026, 1, 15)
DEALS = [{"deal_id": "D1", "stage": "Closed Won", "amount": "3.000,00", "created_at": "2025-01-02",
          "closed_at": "2025-02-01", "account_id": "A1"}]


def _config(tmp_path: Path, spend_files: list[list[dict]], **spend_keys: object):
    paths = [str(write_csv(tmp_path, f"spend{i}", rows)) for i, rows in enumerate(spend_files)]
    return make_config(tmp_path, {"deals": DEALS}, currency="EUR",
                       sources={"spend": {"path": paths, **spend_keys}})


def _cac(config) -> float | None:
    options = RunOptions(period=PeriodKind.QUARTER, date_from=date(2025, 1, 1), date_to=date(2025, 3, 31),
                         metrics=("cac",), today=TODAY)
    return report(config, options).metrics[0].cells["2025-Q1"].value


ONE_FIVE_HUNDRED = [{"date": "2025-01-10", "amount": "1.500 €"}]
PROVES_COMMA = [{"date": "2025-01-20", "amount": "250,50 €"}]


def test_a_file_reads_as_its_source_proves(tmp_path: Path) -> None:
    # The second spend file proves a decimal comma (",50"), so "1.500 €" is 1,500:
    # spend 1,500 + 250.50 = 1,750.50 for 1 new customer (D1, won Feb 1): CAC 1,750.50.
    config = _config(tmp_path, [ONE_FIVE_HUNDRED, PROVES_COMMA])
    assert _cac(config) == pytest.approx(1750.5)
    assert not [p for p in validate(config, today=TODAY).problems if p.check == "ambiguous_layout"]


def test_the_source_key_decides(tmp_path: Path) -> None:
    # decimal: "," on sources.spend: "1.500 €" is 1,500; CAC 1,500 / 1 = 1,500.
    assert _cac(_config(tmp_path, [ONE_FIVE_HUNDRED], decimal=",")) == pytest.approx(1500)


def test_nothing_decides_says_so(tmp_path: Path) -> None:
    # Only "1.500 €" in the source: the default decimal point reads 1.5 (CAC 1.5 / 1), and both
    # validate and the report's footer name the column and the key. The deals source proves a
    # decimal comma, but layout is decided per source (metrics.md), so it does not decide spend's.
    config = _config(tmp_path, [ONE_FIVE_HUNDRED])
    assert _cac(config) == pytest.approx(1.5)
    problems = [p for p in validate(config, today=TODAY).problems if p.check == "ambiguous_layout"]
    assert [(p.table, p.count) for p in problems] == [("spend", 1)]
    assert 'set decimal: "," or "." on sources.spend' in problems[0].message
    assert problems[0].examples[0][2] == "1.500 €"
    options = RunOptions(period=PeriodKind.QUARTER, date_from=date(2025, 1, 1), date_to=date(2025, 3, 31),
                         metrics=("cac",), today=TODAY)
    assert any("sources.spend" in n for n in report(config, options).notices)


TICKETS = [
    # created_at alone is ambiguous (days 12 or less); resolved_at's "15/03" proves day-first, so
    # created is 5 March 09:00 and resolved 15 March 09:00: 240 h (month-first: 3 May, negative).
    {"ticket_id": "T1", "created_at": "05/03/2025 09:00", "resolved_at": "15/03/2025 09:00"},
]


def test_a_date_column_reads_as_its_file_proves(tmp_path: Path) -> None:
    config = make_config(tmp_path, {"tickets": TICKETS})
    options = RunOptions(period=PeriodKind.MONTH, date_from=date(2025, 3, 1), date_to=date(2025, 3, 31),
                         metrics=("resolution_time_hours", "tickets_created"), today=TODAY)
    cells = {r.metric.id: r.cells for r in report(config, options).metrics}
    assert cells["resolution_time_hours"]["2025-03"].value == pytest.approx(240)
    assert cells["tickets_created"]["2025-03"].value == 1
    assert validate(config, today=TODAY).ok


def test_ambiguous_dates_are_named(tmp_path: Path) -> None:
    # Nothing proves either reading: month-first (May 3 to May 4, 24 h) and validate says so.
    tickets = [{"ticket_id": "T1", "created_at": "05/03/2025 09:00", "resolved_at": "05/04/2025 09:00"}]
    problems = [p for p in validate(make_config(tmp_path, {"tickets": tickets}), today=TODAY).problems
                if p.check == "ambiguous_layout"]
    assert [p.count for p in problems] == [1, 1]
    assert all("set dayfirst: true or false on sources.tickets" in p.message for p in problems)


def test_date_evidence_reads_only_cells_that_can_be_numeric_dates() -> None:
    from crm_metrics.clean.parsers import date_layout_evidence

    # ISO cells prove nothing and are never ambiguous; " 15/01/2025" (a leading space) proves
    # day-first; "05/03/2025" alone would be ambiguous; "05.03.2025" is dotted (day-first by convention).
    values = pd.Series(["2025-01-15 08:00:00", " 15/01/2025", "05/03/2025", "05.03.2025", None], dtype="str")
    evidence = date_layout_evidence(values)
    assert evidence.proofs == {"dayfirst"}
    assert evidence.ambiguous.tolist() == [False, False, True, False, False]
    iso = date_layout_evidence(pd.Series(["2025-01-15", "2025-03-05"], dtype="str"))
    assert iso.proofs == set() and not iso.ambiguous.any()
