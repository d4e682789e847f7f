"""Period labels, fiscal years, empty periods and the default range (../shared/metrics.md section 2)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crm_metrics.config.model import parse_config
from crm_metrics.periods import Calendar, PeriodKind
from crm_metrics.pipeline import RunOptions, select_periods
from tests.fixtures.build import deal, values

M, Q, Y = PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR


@pytest.mark.parametrize(("kind", "day", "label", "start", "end"), [
    (M, date(2025, 3, 31), "2025-03", date(2025, 3, 1), date(2025, 3, 31)),
    (M, date(2024, 2, 10), "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    (Q, date(2025, 3, 31), "2025-Q1", date(2025, 1, 1), date(2025, 3, 31)),
    (Q, date(2025, 11, 5), "2025-Q4", date(2025, 10, 1), date(2025, 12, 31)),
    (Y, date(2025, 7, 1), "2025", date(2025, 1, 1), date(2025, 12, 31)),
])
def test_calendar_labels(kind: PeriodKind, day: date, label: str, start: date, end: date) -> None:
    period = Calendar(kind).period(Calendar(kind).ordinal_of(day))
    assert (period.label, period.start, period.end) == (label, start, end)


@pytest.mark.parametrize(("kind", "day", "label", "start", "end"), [
    # The fiscal year starting 2025-04-01 ends in 2026, so it is FY2026.
    (Q, date(2025, 4, 1), "FY2026-Q1", date(2025, 4, 1), date(2025, 6, 30)),
    (Q, date(2025, 3, 31), "FY2025-Q4", date(2025, 1, 1), date(2025, 3, 31)),
    (Q, date(2026, 1, 15), "FY2026-Q4", date(2026, 1, 1), date(2026, 3, 31)),
    (Y, date(2025, 4, 1), "FY2026", date(2025, 4, 1), date(2026, 3, 31)),
    (Y, date(2025, 3, 31), "FY2025", date(2024, 4, 1), date(2025, 3, 31)),
    # Months keep calendar labels.
    (M, date(2025, 4, 1), "2025-04", date(2025, 4, 1), date(2025, 4, 30)),
])
def test_fiscal_year_starting_in_april(kind: PeriodKind, day: date, label: str, start: date, end: date) -> None:
    calendar = Calendar(kind, fiscal_year_start=4)
    period = calendar.period(calendar.ordinal_of(day))
    assert (period.label, period.start, period.end) == (label, start, end)


def test_fiscal_year_starting_in_july() -> None:
    calendar = Calendar(Q, fiscal_year_start=7)
    # 2025-07-01 starts FY2026 (ends June 2026); 2025-06-30 is the last quarter of FY2025.
    assert calendar.period(calendar.ordinal_of(date(2025, 7, 1))).label == "FY2026-Q1"
    assert calendar.period(calendar.ordinal_of(date(2025, 6, 30))).label == "FY2025-Q4"


def test_periods_between_include_empty_ones(tmp_path: Path) -> None:
    deals = [deal("D1", "Won", 100, "2025-01-01", "2025-01-15", "A"),
             deal("D2", "Won", 200, "2025-01-01", "2025-04-20", "B")]
    got = values(tmp_path, {"deals": deals}, ["new_revenue"], date(2025, 1, 1), date(2025, 4, 30), period="month")
    # January 100, nothing in February or March (shown as 0, not skipped), April 200.
    assert {label: cell.value for label, cell in got["new_revenue"].items()} == {
        "2025-01": 100, "2025-02": 0, "2025-03": 0, "2025-04": 200}


def test_fiscal_bucketing_of_events(tmp_path: Path) -> None:
    deals = [deal("D1", "Won", 100, "2025-01-01", "2025-03-31", "A"),
             deal("D2", "Won", 200, "2025-01-01", "2025-04-01", "B")]
    got = values(tmp_path, {"deals": deals}, ["new_revenue"], date(2025, 1, 1), date(2025, 6, 30),
                 fiscal_year_start=4)
    # 2025-03-31 is in FY2025-Q4, 2025-04-01 in FY2026-Q1.
    assert {label: cell.value for label, cell in got["new_revenue"].items()} == {"FY2025-Q4": 100, "FY2026-Q1": 200}


def _labels(kind: PeriodKind, today: date, **settings: object) -> list[str]:
    config = parse_config(dict(settings), origin="test.yaml", base_dir=Path("."))
    calendar = Calendar(kind, config.fiscal_year_start)
    return [p.label for p in select_periods(calendar, config, RunOptions(today=today))]


def test_default_range_is_last_four_complete_plus_current() -> None:
    assert _labels(Q, date(2025, 5, 20)) == ["2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2"]
    assert _labels(M, date(2025, 2, 3)) == ["2024-10", "2024-11", "2024-12", "2025-01", "2025-02"]
    assert _labels(Y, date(2025, 2, 3)) == ["2021", "2022", "2023", "2024", "2025"]
    assert _labels(Q, date(2025, 5, 20), fiscal_year_start=4) == [
        "FY2025-Q1", "FY2025-Q2", "FY2025-Q3", "FY2025-Q4", "FY2026-Q1"]


def test_range_from_config_and_options() -> None:
    config = parse_config({"range": {"from": "2024-11-15", "to": "2025-02-01"}}, "test.yaml", Path("."))
    calendar = Calendar(Q)
    periods = select_periods(calendar, config, RunOptions(today=date(2026, 1, 1)))
    assert [p.label for p in periods] == ["2024-Q4", "2025-Q1"]
    # Options beat the config's range.
    periods = select_periods(calendar, config, RunOptions(date_from=date(2025, 4, 1), date_to=date(2025, 6, 1),
                                                          today=date(2026, 1, 1)))
    assert [p.label for p in periods] == ["2025-Q2"]
