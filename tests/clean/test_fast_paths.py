"""The fast readers and parsers must give exactly what the plain pandas reader and the flexible
parsers give, cell for cell, on messy input; and the CLI module must not import pandas."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crm_metrics.clean import parsers as parsing
from crm_metrics.io import files as load

MESSY_DATES = [
    "2025-01-03", " 2025-01-04 ", "2025-02-30", "2025-1-5", "2025-01-03 14:05:09", "2025-01-03T14:05:09",
    "2025-01-03 14:05:09.250", "2025-01-03T10:00:00Z", "2025-01-03 10:00:00+02:00", "2025-01-03 UTC",
    "2025-01-03x", "45123", "3/7/2025", "12/31/2024 5:30 PM", "Mar 7, 2025", "", "   ",
    None, "not a date", "2025-13-01", "2024-02-29",
]


def _text(cells: list[str | None]) -> pd.Series:
    return pd.Series(cells, dtype="str")


def _same(fast: parsing.Parsed, slow: parsing.Parsed) -> None:
    pd.testing.assert_series_equal(fast.values, slow.values, check_names=False)
    assert fast.bad == slow.bad
    assert fast.bad_mask.tolist() == slow.bad_mask.tolist()


@pytest.mark.parametrize("timezone", ["UTC", "America/New_York"])
def test_iso_fast_path_matches_the_flexible_parser_on_messy_dates(timezone: str) -> None:
    values = _text(MESSY_DATES)
    # The fast path takes the plain ISO rows, so this exercises the split into fast and flexible rows.
    assert parsing.fast.iso_dates(values) is not None
    _same(parsing.parse_dates(values, timezone), parsing._parse_dates_flexible(values, timezone, None))


def test_us_dates_mixed_with_iso_keep_the_column_wide_day_first_decision() -> None:
    # 13/1/2025 makes the numeric rows day-first; the ISO rows must not change that decision.
    values = _text(["2025-01-02", "13/1/2025", "3/4/2025", "2025-05-06"])
    fast, slow = parsing.parse_dates(values, "UTC"), parsing._parse_dates_flexible(values, "UTC", None)
    _same(fast, slow)
    assert fast.values[2] == pd.Timestamp("2025-04-03")


def test_many_random_iso_cells_match() -> None:
    rng = np.random.default_rng(7)
    days = pd.Timestamp("1990-01-01") + pd.to_timedelta(rng.integers(0, 20000, 2000), unit="D")
    seconds = pd.to_timedelta(rng.integers(0, 86400, 2000), unit="s")
    cells = [d.strftime("%Y-%m-%d") for d in days[:1000]] + [(d + s).strftime("%Y-%m-%d %H:%M:%S")
                                                             for d, s in zip(days[1000:], seconds[1000:], strict=True)]
    values = _text(cells)
    _same(parsing.parse_dates(values, "UTC"), parsing._parse_dates_flexible(values, "UTC", None))


MESSY_AMOUNTS = [
    ["1234.5", "-20", " 7 ", "", None, "0.10", "123456789.123456789", "00012"],  # all plain: fast
    ["1234.5", "$1,200.00", "(300)", "1e5", "abc"],  # not all plain: flexible
    ["1.234,50", "10,5", "7"],
    ["+5", "5-", ".5", "5."],
]


@pytest.mark.parametrize("cells", MESSY_AMOUNTS)
def test_amount_fast_path_matches_the_flexible_parser(cells: list[str | None]) -> None:
    values = _text(cells)
    _same(parsing.parse_amounts(values), parsing._parse_amounts_flexible(values))


def test_many_random_plain_amounts_parse_to_the_same_floats() -> None:
    rng = np.random.default_rng(11)
    cells = [f"{v:.{d}f}" for v, d in zip(rng.lognormal(9, 3, 5000), rng.integers(0, 12, 5000), strict=True)]
    values = _text(cells)
    assert parsing.fast.plain_numbers(values) is not None
    _same(parsing.parse_amounts(values), parsing._parse_amounts_flexible(values))


def test_currency_fast_path_matches() -> None:
    for cells in (["12.5", "7", None], ["$12", "EUR 5", "7", None]):
        values = _text(cells)
        expected = values.astype("string").str.extract(f"({parsing._CURRENCY_RE.pattern})", expand=False)
        expected = expected.map(lambda s: parsing._SYMBOLS.get(s, s) if isinstance(s, str) else pd.NA)
        pd.testing.assert_series_equal(parsing.currency_in_text(values), expected.astype("string"))


MESSY_CSV = (
    'Deal ID,"Amount", Stage ,Notes,Close Date\n'
    '1, $1,"Closed Won","a ""quoted"", multi\nline note",2025-01-03\n'
    '2,,  Open,,\n'
    '3,  ,"","  lead",3/4/2025\n'
    '4,"(5)", Lost ,é ü,\n'
)


# No cell starts with a space, so Arrow reads this one itself (quoted blanks, line breaks, quotes).
ARROW_CSV = (
    'Deal ID,"Amount",Stage,Notes,Close Date\n'
    '1,"$1,200","Closed Won","a ""quoted"", multi\nline note",2025-01-03\n'
    '2,,Open,,\n'
    '3,"","","lead ",3/4/2025\n'
    '4,(5),Lost,é ü,\n'
)


def test_arrow_path_is_taken_and_matches_pandas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(ARROW_CSV, encoding="utf-8")
    assert _arrow_reads(path)
    fast = load.read_table(path)
    pd.testing.assert_frame_equal(fast, _plain_only(monkeypatch, path))
    assert fast["Amount"].isna().tolist() == [False, True, True, False]
    wanted = {"Deal ID", "Close Date"}
    pd.testing.assert_frame_equal(load.read_table(path, usecols=wanted), _plain_only(monkeypatch, path, wanted))


def _arrow_reads(path: Path) -> bool:
    head = path.read_bytes()[:65536]
    layout = load._csv_layout(path, head, load.detect_encoding(head), fast_only=True)
    return layout is not None and load.read_csv_arrow(path, layout) is not None


def _plain_only(monkeypatch: pytest.MonkeyPatch, path: Path, usecols: object = None,
                categorical: tuple[str, ...] = ()) -> pd.DataFrame:
    with monkeypatch.context() as patch:
        patch.setattr(load, "read_csv_arrow", lambda *args, **kwargs: None)
        return load.read_table(path, usecols=usecols, categorical=categorical)  # type: ignore[arg-type]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_arrow_reader_gives_the_pandas_frame(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str) -> None:
    path = tmp_path / "deals.csv"
    path.write_bytes(MESSY_CSV.replace(",", ";").encode(encoding))
    fast = load.read_table(path)
    pd.testing.assert_frame_equal(fast, _plain_only(monkeypatch, path))
    assert fast["Stage"].tolist()[1] == "Open"  # the leading spaces after the delimiter are gone


def test_arrow_reader_reads_only_the_columns_asked_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(MESSY_CSV, encoding="utf-8")
    # Cells starting with a space send this file to pandas; usecols must work there too, on the
    # trimmed header " Stage ".
    wanted = {"Deal ID", "Stage", "Close Date"}
    fast = load.read_table(path, usecols=wanted)
    assert list(fast.columns) == ["Deal ID", "Stage", "Close Date"]
    pd.testing.assert_frame_equal(fast, _plain_only(monkeypatch, path, wanted))


def test_ragged_rows_still_get_the_pandas_message(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n3,4,5\n", encoding="utf-8")
    with pytest.raises(load.InputError, match="rows do not have the same number of columns"):
        load.read_table(path)


def test_importing_the_cli_does_not_import_pandas() -> None:
    code = "import crm_metrics.cli.app, sys; assert 'pandas' not in sys.modules, 'pandas imported'"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_progress_stays_silent_when_stderr_is_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    from crm_metrics.progress import loading

    with loading("Reading deals.csv", delay=0.0):
        pass
    assert capsys.readouterr().err == ""


def test_name_keys_per_distinct_value_match_the_row_by_row_formula() -> None:
    from crm_metrics.clean.normalise import name_key, word_keys

    names = pd.Series(["  Acme  Corp", "acme corp", None, "STRASSE", "Straße", "", "Acme\tCorp "], dtype="str")
    expected = names.astype("string").str.strip().str.casefold().str.replace(r"\s+", " ", regex=True)
    pd.testing.assert_series_equal(name_key(names), expected)
    stages = pd.Series(["Closed Won", "closed-won", "", "Open"], dtype="str")
    assert word_keys(stages).tolist() == ["closedwon", "closedwon", "", "open"]


def test_ascii_name_keys_match_the_python_formula() -> None:
    from crm_metrics.clean.normalise import name_key

    # \v and \x1c are whitespace to Python's \s but not to RE2's; ASCII takes the Arrow path.
    names = pd.Series(["  Acme \v Corp", "ACME\x1cCORP", None, "a\t\tb ", ""], dtype="str")
    expected = pd.Series([None if v is pd.NA else re.sub(r"\s+", " ", v.strip().casefold())
                          for v in names.astype("string")], dtype="string")
    pd.testing.assert_series_equal(name_key(names), expected)


ROOT = Path(__file__).resolve().parents[1]
EVERY_CSV = sorted(p for p in ROOT.rglob("*.csv") if p.is_file())


@pytest.mark.parametrize("path", EVERY_CSV, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_csv_fixture_reads_the_same_with_and_without_arrow(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Either both readers refuse the file with the same message, or they give the same frame, with
    # the same title and footer rows cut off.
    try:
        fast = load.read_table(path)
    except load.InputError as exc:
        with pytest.raises(load.InputError) as plain_error:
            _plain_only(monkeypatch, path)
        assert str(plain_error.value) == str(exc)
        return
    plain = _plain_only(monkeypatch, path)
    pd.testing.assert_frame_equal(fast, plain)
    assert fast.attrs == plain.attrs
    # Asked for categoricals, Arrow dictionary-encodes while reading and the plain reader factorizes
    # afterwards: the same columns become categoricals, with the same categories in the same order.
    every = tuple(plain.columns)
    fast_categories = load.read_table(path, categorical=every)
    pd.testing.assert_frame_equal(fast_categories, _plain_only(monkeypatch, path, categorical=every))
    pd.testing.assert_frame_equal(fast_categories.astype(object), plain.astype(object))


REPORT_EXPORT = (
    '"Opportunity Report"\n'
    '"Filtered By: Close Date = this year"\n'
    '\n'
    'Opportunity ID,Amount,Stage,Close Date\n'
    '{rows}'
    ',,,\n'
    'Total,,,\n'
    '"Grand Totals (3 records)"\n'
    '"Generated by Salesforce"\n'
)


@pytest.mark.parametrize("body_rows", [3, 5000])  # 5,000 rows: the footer is found in the tail block
def test_arrow_cuts_title_and_footer_rows_like_the_plain_reader(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body_rows: int) -> None:
    rows = "".join(f"00{i},{i * 10},Closed Won,2025-01-{1 + i % 28:02d}\n" for i in range(body_rows))
    path = tmp_path / "report.csv"
    path.write_text(REPORT_EXPORT.format(rows=rows), encoding="utf-8-sig")
    assert (path.stat().st_size > 65536) == (body_rows > 3)
    assert _arrow_reads(path)
    fast = load.read_table(path)
    plain = _plain_only(monkeypatch, path)
    pd.testing.assert_frame_equal(fast, plain)
    assert len(fast) == body_rows
    # 2 title rows above the header; ",,,", "Total", "Grand Totals" and "Generated by" below.
    assert fast.attrs == plain.attrs == {"skipped_rows": 2 + 4, "header_row": 4}
    assert fast["Opportunity ID"].iloc[0] == "000"  # text as exported: leading zeros kept


def test_a_short_row_inside_the_table_goes_to_the_plain_reader(tmp_path: Path) -> None:
    # The plain reader pads a short row with blanks; Arrow would drop it, so it must not read this.
    path = tmp_path / "deals.csv"
    path.write_text("a,b,c\n1,2,3\n4,5\n6,7,8\n", encoding="utf-8")
    assert not _arrow_reads(path)
    assert load.read_table(path)["c"].isna().tolist() == [False, True, False]


def test_usecols_reads_only_those_columns(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text("Deal ID,Notes,Amount\n1,x,10\n2,y,20\n", encoding="utf-8")
    assert load.csv_headers(path) == ["Deal ID", "Notes", "Amount"]
    frame = load.read_table(path, usecols={"Deal ID", "Amount"})
    assert list(frame.columns) == ["Deal ID", "Amount"]
    assert frame["Amount"].tolist() == ["10", "20"]


def test_report_reads_each_export_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # The data-quality footer is made from the problems found while the report's tables were
    # cleaned: nothing is read a second time.
    from typer.testing import CliRunner

    from crm_metrics.cli.app import app
    from crm_metrics.io import read_source

    reads: list[str] = []
    real = read_source.read_table

    def counting(path: Path, *args: object, **kwargs: object) -> pd.DataFrame:
        reads.append(path.name)
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(read_source, "read_table", counting)
    config = ROOT.parent / "sample_data" / "sample-config.yaml"
    result = CliRunner().invoke(app, ["report", "--config", str(config), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert sorted(reads) == ["deals.csv", "spend.csv", "tickets.csv"]  # each once, not twice


def test_report_parses_the_amounts_and_dates_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # One pipeline: the cells are parsed while cleaning, and the checks behind the footer and
    # --strict read the parsed columns instead of parsing the raw ones again.
    from typer.testing import CliRunner

    from crm_metrics.clean import normalise
    from crm_metrics.cli.app import app

    calls: list[str] = []
    real_amounts, real_dates = normalise.parse_amounts, normalise.parse_dates

    def amounts(values: pd.Series, *args: object) -> object:
        calls.append(f"amounts of {len(values)}")
        return real_amounts(values, *args)  # type: ignore[arg-type]

    def dates(values: pd.Series, *args: object) -> object:
        calls.append(f"dates of {len(values)}")
        return real_dates(values, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(normalise, "parse_amounts", amounts)
    monkeypatch.setattr(normalise, "parse_dates", dates)
    config = ROOT.parent / "sample_data" / "sample-config.yaml"
    runner = CliRunner()
    # close_rate needs only deals: one amount column and two date columns (created, closed).
    result = runner.invoke(app, ["report", "--config", str(config), "--format", "json", "--metrics", "close_rate",
                                 "--strict"])
    assert result.exit_code == 4, result.output  # the sample's deals have problems: they were checked
    deals = len(load.read_table(ROOT.parent / "sample_data" / "deals.csv"))
    assert sorted(calls) == [f"amounts of {deals}", f"dates of {deals}", f"dates of {deals}"]


def test_a_column_that_never_repeats_is_read_as_text_not_a_dictionary(tmp_path: Path) -> None:
    # Ticket timestamps to the second: dictionary-encoding them cost several times the plain read,
    # only to be cast back to text. Arrow guesses from the first rows; the cells are the same.
    rows = "".join(f"T{i},2025-01-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:{i % 59:02d}.{i},"
                   f"{['Open', 'Solved'][i % 2]}\n" for i in range(3000))
    path = tmp_path / "tickets.csv"
    path.write_text("ID,Created at,Status\n" + rows, encoding="utf-8")
    frame = load.read_table(path, categorical=["Created at", "Status"])
    assert not isinstance(frame["Created at"].dtype, pd.CategoricalDtype)
    assert isinstance(frame["Status"].dtype, pd.CategoricalDtype)
    plain = load.read_table(path)
    assert frame.astype(object).equals(plain.astype(object))
