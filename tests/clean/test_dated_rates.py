"""Dated exchange rates (../shared/metrics.md section 1, "Rates may be dated"; clean/fx_rates.py):
a deal's amount takes the rate in force on its close date (the last one dated on or before it), a
spend row's on its date; an amount dated before its currency's first rate is left out and counted,
never converted at the static `fx` rate; a bad rates file is one line naming file, row and column."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from crm_metrics.checks import validate
from crm_metrics.errors import InputError
from tests.fixtures.build import make_config, run_report

TODAY = date(2026, 1, 15)
Q1 = "2025-Q1"
# Two EUR rates in Q1 2025: 1.10 from 10 January, 1.20 from 15 February.
RATES = [["date", "currency", "rate"], ["2025-01-10", "EUR", "1.10"], ["2025-02-15", "EUR", "1.20"]]
DEALS = [
    {"deal_id": "D1", "stage": "Closed Won", "amount": "1000", "currency": "EUR", "created_at": "2025-01-02",
     "closed_at": "2025-02-14", "account_id": "A1"},  # the day before the change: 1.10
    {"deal_id": "D2", "stage": "Closed Won", "amount": "1000", "currency": "EUR", "created_at": "2025-01-02",
     "closed_at": "2025-02-15", "account_id": "A2"},  # on the day of the change: 1.20
    {"deal_id": "D3", "stage": "Closed Won", "amount": "500", "currency": "EUR", "created_at": "2025-01-02",
     "closed_at": "2025-03-20", "account_id": "A3"},  # after it: 1.20
    {"deal_id": "D4", "stage": "Closed Won", "amount": "300", "currency": "USD", "created_at": "2025-01-02",
     "closed_at": "2025-03-01", "account_id": "A4"},  # the report currency: no rate
    {"deal_id": "D5", "stage": "Closed Won", "amount": "400", "currency": "EUR", "created_at": "2025-01-02",
     "closed_at": "2025-01-05", "account_id": "A5"},  # before the first EUR rate: left out
]
SPEND = [
    {"date": "2025-02-01", "category": "Ads", "amount": "100", "currency": "EUR"},  # 1.10
    {"date": "2025-03-01", "category": "Ads", "amount": "100", "currency": "EUR"},  # 1.20
    {"date": "2025-03-02", "category": "Ads", "amount": "50", "currency": "USD"},
    {"date": "2025-01-03", "category": "Ads", "amount": "70", "currency": "EUR"},  # before the first rate
]


def _rates(tmp_path: Path, rows: list[list[str]] = RATES) -> str:
    with (tmp_path / "rates.csv").open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return "rates.csv"


def test_each_amount_takes_the_rate_of_its_date(tmp_path: Path) -> None:
    # The static fx rate 1.0 must not be used for EUR: the dated file lists EUR.
    report = run_report(tmp_path, {"deals": DEALS, "spend": SPEND}, ["new_revenue", "new_customers", "cac"],
                        date(2025, 1, 1), date(2025, 3, 31), fx={"EUR": 1.0}, fx_dated=_rates(tmp_path))
    found = {m.metric.id: m.cells[Q1] for m in report.metrics}
    # Revenue: 1,000 x 1.10 + 1,000 x 1.20 + 500 x 1.20 + 300 = 1,100 + 1,200 + 600 + 300 = 3,200;
    # D5 (400 EUR closed 5 January, before the first rate) is left out, not 400 x 1.0.
    assert found["new_revenue"].value == pytest.approx(3200)
    assert found["new_revenue"].note == "1 of 5 won new deals unreadable (amount), left out"
    # D5 is still a won deal: 5 new customers. Spend: 100 x 1.10 + 100 x 1.20 + 50 = 280 (the 70 EUR
    # of 3 January left out); CAC = 280 / 5 = 56.
    assert found["new_customers"].value == 5
    assert found["cac"].value == pytest.approx(56)
    reason = (f"amounts in EUR dated before the first EUR rate in {tmp_path / 'rates.csv'} (2025-01-10), "
              "left out: add an earlier EUR rate")
    assert report.quality["deals"].left_out == {reason: 1}
    assert report.quality["spend"].left_out == {reason: 1}


def test_validate_reports_the_rows_before_the_first_rate(tmp_path: Path) -> None:
    config = make_config(tmp_path, {"deals": DEALS, "spend": SPEND}, fx_dated=_rates(tmp_path))
    problems = [(p.table, p.check, p.count, p.examples) for p in validate(config, today=TODAY).problems]
    assert problems == [
        ("deals", "before_first_rate", 1, [(str(tmp_path / "deals.csv"), 6, "2025-01-05")]),
        ("spend", "before_first_rate", 1, [(str(tmp_path / "spend.csv"), 5, "2025-01-03")]),
    ]


def test_an_open_deal_takes_the_rate_of_its_create_date(tmp_path: Path) -> None:
    # Open since 20 February (1.20): 1,000 EUR x 1.20 = 1,200 USD of open pipeline at the end of Q1.
    deals = [{**DEALS[0], "stage": "Negotiation", "created_at": "2025-02-20", "closed_at": "2025-06-30"}]
    report = run_report(tmp_path, {"deals": deals}, ["open_pipeline_value"], date(2025, 1, 1), date(2025, 3, 31),
                        fx_dated=_rates(tmp_path))
    assert report.metrics[0].cells[Q1].value == pytest.approx(1200)


def test_the_report_currency_at_1_is_no_rate(tmp_path: Path) -> None:
    # Salesforce's rate table lists the corporate currency at 1: D4's 300 USD stays 300, and
    # D1's 1,000 EUR x 1.10 = 1,100: 1,400.
    rates = [*RATES, ["2025-01-01", "USD", "1"]]
    report = run_report(tmp_path, {"deals": [DEALS[0], DEALS[3]]}, ["new_revenue"], date(2025, 1, 1),
                        date(2025, 3, 31), fx_dated=_rates(tmp_path, rates))
    assert report.metrics[0].cells[Q1].value == pytest.approx(1400)


def test_static_rates_still_convert_the_other_currencies(tmp_path: Path) -> None:
    # GBP is not in the dated file: 200 GBP x 1.25 = 250, + D1's 1,000 EUR x 1.10 = 1,100: 1,350.
    deals = [DEALS[0], {**DEALS[3], "amount": "200", "currency": "GBP"}]
    report = run_report(tmp_path, {"deals": deals}, ["new_revenue"], date(2025, 1, 1), date(2025, 3, 31),
                        fx={"GBP": 1.25}, fx_dated=_rates(tmp_path))
    assert report.metrics[0].cells[Q1].value == pytest.approx(1350)


@pytest.mark.parametrize("rows, message", [
    ([["date", "currency", "value"], ["2025-01-10", "EUR", "1.1"]],
     r"rates.csv: no 'rate' column \(headers: date, currency, value\); a rates file has the columns date, "
     r"currency, rate \(value of 1 unit in USD\)"),
    ([*RATES, ["2025-03-01", "EUR", "abc"]],
     r"rates.csv: row 4, column rate: 'abc' is not a rate above 0; write the value of 1 unit in USD, e.g. 1.08$"),
    ([*RATES, ["2025-03-01", "EUR", "-1"]], r"rates.csv: row 4, column rate: '-1' is not a rate above 0"),
    ([*RATES, ["2025-13-01", "EUR", "1.3"]],
     r"rates.csv: row 4, column date: '2025-13-01' is not a date; write it as YYYY-MM-DD$"),
    ([*RATES, ["2025-03-01", "", "1.3"]], r"rates.csv: row 4, column currency: blank; write the currency's ISO"),
    ([*RATES, ["2025-02-15", "eur", "1.3"]],
     r"rates.csv: rows 3 and 4, column date: two EUR rates for 2025-02-15; keep the one in force and delete "
     r"the other$"),
    ([RATES[0]], r"rates.csv: a header row and no rates; add one row per date and currency or remove fx_dated"),
    ([*RATES, ["2025-01-01", "USD", "0.9"]],
     r"rates.csv: row 4, column rate: '0.9' is a rate for USD, the report currency, whose rate is 1"),
    # 01/02/2025 and 03/02/2025: 1 or 2 February, 3 February or 2 March? Nothing in the file says.
    ([["date", "currency", "rate"], ["01/02/2025", "EUR", "1.08"], ["03/02/2025", "EUR", "1.20"]],
     r"rates.csv: row 2, column date: '01/02/2025' is ambiguous \(day-first or month-first\?\) and no date in "
     r"the file says which; write dates as YYYY-MM-DD$"),
], ids=["missing-column", "non-numeric-rate", "negative-rate", "bad-date", "blank-currency", "duplicate-date",
        "no-rates", "report-currency", "ambiguous-dates"])
def test_a_bad_rates_file_is_one_line(tmp_path: Path, rows: list[list[str]], message: str) -> None:
    config = make_config(tmp_path, {"deals": DEALS}, fx_dated=_rates(tmp_path, rows))
    for run in (lambda: run_report(tmp_path, {"deals": DEALS}, ["new_revenue"], date(2025, 1, 1),
                                   date(2025, 3, 31), fx_dated="rates.csv"),
                lambda: validate(config, today=TODAY)):
        with pytest.raises(InputError, match=message) as caught:
            run()
        assert "\n" not in str(caught.value)


def test_a_day_first_rates_file_is_read_day_first(tmp_path: Path) -> None:
    # 15/02/2025 proves day-first, so 10/01/2025 is 10 January: the same rates as RATES, and the
    # same revenue as test_each_amount_takes_the_rate_of_its_date (3,200).
    rows = [["date", "currency", "rate"], ["10/01/2025", "EUR", "1.10"], ["15/02/2025", "EUR", "1.20"]]
    report = run_report(tmp_path, {"deals": DEALS}, ["new_revenue"], date(2025, 1, 1), date(2025, 3, 31),
                        fx_dated=_rates(tmp_path, rows))
    assert report.metrics[0].cells[Q1].value == pytest.approx(3200)
