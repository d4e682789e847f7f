"""A range that holds none of a table's rows says so (issue "No plausible wrong number", kind 11):
a config over data from 2021 shows, by default, the periods up to today, all n/a; one notice per
such table gives its first and last dates and the --from / --to that show them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from crm_metrics.api import report as run
from crm_metrics.periods import PeriodKind
from crm_metrics.pipeline import RunOptions
from tests.fixtures.build import deal, make_config

CALLS = [{"started_at": "2021-03-02 09:00", "answered": "yes"},
         {"started_at": "2021-11-30 16:30", "answered": "no"}]


def test_default_range_after_the_data_ends(tmp_path: Path) -> None:
    # today 2026-01-15: by default the last 4 complete quarters plus the current one, 2025-Q1 to
    # 2026-Q1, none of which holds a call of 2021. Deals of 2025 are in range: no notice for them.
    config = make_config(tmp_path, {"calls": CALLS,
                                    "deals": [deal("D1", "Closed Won", 10, "2025-01-01", "2025-02-01", "A")]},
                         period="quarter")
    report = run(config, RunOptions(metrics=("abandoned_call_pct", "close_rate"), today=date(2026, 1, 15)))
    assert [p.label for p in report.periods][0] == "2025-Q1"
    assert all(c.value is None for c in report.metrics[0].cells.values())
    assert [n for n in report.notices if n.startswith(("calls", "deals"))] == [
        "calls: none of its 2 rows is dated from 2025-01-01 to 2026-03-31; its dates run from 2021-03-02 "
        "to 2021-11-30: report on them with --from 2021-03-02 --to 2021-11-30"]


def test_no_notice_when_the_range_holds_rows(tmp_path: Path) -> None:
    config = make_config(tmp_path, {"calls": CALLS})
    report = run(config, RunOptions(period=PeriodKind.QUARTER, date_from=date(2021, 1, 1), date_to=date(2021, 12, 31),
                                    metrics=("abandoned_call_pct",), today=date(2026, 1, 15)))
    # 2021-Q4: 1 unanswered of 1 call = 100 %.
    assert report.metrics[0].cells["2021-Q4"].value == 1.0
    assert not [n for n in report.notices if n.startswith("calls")]
