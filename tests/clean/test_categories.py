"""Columns read as categoricals (categories.py) give the same cells, counts and reports as the same
columns read as text: only the work is done once per distinct value instead of once per row."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from crm_metrics.clean.categoricals import blank_cells, concat_rows, stripped_text
from crm_metrics.clean.durations import DurationUnit, parse_durations
from crm_metrics.clean.normalise import map_values, name_key, word_keys
from crm_metrics.clean.parsers import Parsed, currency_in_text, parse_amounts, parse_bools, parse_dates
from crm_metrics.cli.app import app
from crm_metrics.io import read_source
from crm_metrics.mapping.presets import word_key

ROOT = Path(__file__).resolve().parents[2]
EXPORTS = ROOT / "tests" / "fixtures" / "exports"
runner = CliRunner()

# Cells that make the parsers decide something for the whole column (day-first from "13/02/2025",
# decimal comma from "1.234,50") or take their slow paths, mixed with blanks and junk.
DATE_CELLS = ["2025-02-13", "2025-02-13 09:30:00", "02/13/2025", "13/02/2025", "03/04/2025", "4.5.2025",
              "Mar 7, 2025", "45000", "2025-02-30", "tbd", "", "  ", "2025-03-01 9:00 AM",
              "2025-01-01T10:00:00+01:00"]
AMOUNT_CELLS = ["1234.5", "$1,234.50", "1.234,50 €", "EUR 1.200,50", "(300)", "1'234", "12,5", "-7",
                "abc", "", " ", "1e400", "−1 234,50"]
BOOL_CELLS = ["yes", "No", "TRUE", "0", "answered", "maybe", "", " x "]
DURATION_CELLS = ["01:30:00", "5", "2,5", "-3", "00:90", "n/a", "", "12:00"]


def _both(cells: list[str | None]) -> tuple[pd.Series, pd.Series]:
    text = pd.Series(cells, dtype="str")
    return text, text.astype("category")


def _same(plain: Parsed, categorical: Parsed) -> None:
    pd.testing.assert_series_equal(categorical.values, plain.values)
    pd.testing.assert_series_equal(categorical.bad_mask, plain.bad_mask)
    assert categorical.bad == plain.bad


def _cells(pool: list[str]) -> st.SearchStrategy[list[str | None]]:
    return st.lists(st.one_of(st.sampled_from(pool), st.none()), min_size=1, max_size=30)


@settings(max_examples=60, deadline=None)
@given(_cells(DATE_CELLS), st.sampled_from([None, True, False]))
def test_dates_parse_the_same_per_distinct_value(cells: list[str | None], dayfirst: bool | None) -> None:
    text, categorical = _both(cells)
    _same(parse_dates(text, "Europe/Berlin", dayfirst), parse_dates(categorical, "Europe/Berlin", dayfirst))


@settings(max_examples=60, deadline=None)
@given(_cells(AMOUNT_CELLS))
def test_amounts_and_their_currency_parse_the_same_per_distinct_value(cells: list[str | None]) -> None:
    text, categorical = _both(cells)
    _same(parse_amounts(text), parse_amounts(categorical))
    pd.testing.assert_series_equal(currency_in_text(categorical), currency_in_text(text))


@settings(max_examples=40, deadline=None)
@given(_cells(BOOL_CELLS), _cells(DURATION_CELLS))
def test_bools_and_durations_parse_the_same_per_distinct_value(bools: list[str | None],
                                                               durations: list[str | None]) -> None:
    text, categorical = _both(bools)
    _same(parse_bools(text), parse_bools(categorical))
    text, categorical = _both(durations)
    _same(parse_durations(text, DurationUnit.MINUTES), parse_durations(categorical, DurationUnit.MINUTES))


def test_a_column_decision_is_taken_from_the_distinct_values_as_from_the_rows() -> None:
    # "13/02/2025" makes the whole column day-first, so "03/04/2025" is 3 April, however rarely
    # the deciding value occurs: 3 April in both readings.
    cells = ["03/04/2025"] * 5 + ["13/02/2025"]
    text, categorical = _both(cells)
    assert parse_dates(categorical, "UTC").values.iloc[0] == pd.Timestamp("2025-04-03")
    _same(parse_dates(text, "UTC"), parse_dates(categorical, "UTC"))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=12), st.sampled_from(["Straße", "ﬁne", "K", "ÉCOLE", "Closed-Won"]),
                          st.none()), min_size=1, max_size=20))
def test_word_keys_in_bulk_are_word_key_of_each_cell(cells: list[str | None]) -> None:
    # ASCII text is keyed in Arrow; casefold makes ASCII of a few other letters ("ß" -> "ss").
    expected = ["" if cell is None else word_key(cell) for cell in cells]
    assert word_keys(pd.Series(cells, dtype="str")).tolist() == expected
    assert word_keys(pd.Series(cells, dtype="str").astype("category")).astype(str).tolist() == expected
    assert word_keys(pd.Series(cells, dtype=object)).tolist() == expected


def test_text_keys_are_the_same_and_categories_sort_like_the_text() -> None:
    cells = ["  Acme Inc ", "ACME  inc", None, "beta", "Beta", "acme inc", ""]
    text, categorical = _both(cells)
    stripped = stripped_text(categorical)
    assert stripped.astype(object).tolist() == stripped_text(text).astype(object).tolist()
    assert list(stripped.cat.categories) == ["", "ACME  inc", "Acme Inc", "Beta", "acme inc", "beta"]
    assert name_key(categorical).astype(object).tolist() == name_key(text).astype(object).tolist()
    # A missing cell has the empty key, as a blank one does.
    assert word_keys(categorical).tolist() == word_keys(text).tolist() == [
        "acmeinc", "acmeinc", "", "beta", "beta", "acmeinc", ""]
    assert blank_cells(categorical).tolist() == [False, False, True, False, False, False, True]


def test_a_filtered_column_is_worked_on_for_the_values_it_still_has() -> None:
    # A filter keeps every category of the whole column; the work is done for the rows left only.
    from crm_metrics.clean.categoricals import per_value

    whole = pd.Series(["a", "b", "c", None, "d", "b"], dtype="str").astype("category")
    part = whole.iloc[[1, 3, 5, 4]]
    seen: list[list[object]] = []

    def upper(cells: pd.Series) -> pd.Series:
        seen.append(cells.tolist())
        return cells.str.upper()

    result = per_value(part, upper)
    assert result.index.tolist() == [1, 3, 5, 4]
    assert result.fillna("<missing>").tolist() == ["B", "<missing>", "B", "D"]
    assert seen[0][:2] == ["b", "d"] and len(seen[0]) == 3  # b, d and the missing cell; not a nor c


def test_blank_cells_know_the_spaces_strip_knows() -> None:
    # Arrow text is tested in place (utf8_is_space), other columns by stripping: the same cells.
    cells = ["", " ", "\xa0", "\u2003", "\x1c", "\t\n", None, " a ", "x", "\u200b", "\x85", "\u3000", "\ufeff"]
    text = pd.Series(cells, dtype="str")
    by_strip = (text.isna() | (text.str.strip() == "")).to_numpy(dtype=bool)
    assert blank_cells(text).tolist() == by_strip.tolist()
    assert blank_cells(pd.Series(cells, dtype=object)).tolist() == by_strip.tolist()
    assert blank_cells(text.astype("category")).tolist() == by_strip.tolist()
    assert by_strip.tolist() == [True] * 7 + [False, False, False, True, True, False]


def test_value_maps_apply_per_distinct_value() -> None:
    text, categorical = _both(["good", "bad", "5", None, "offered", "good"])
    words: dict[str, object] = {"good": 5, "bad": 1, "offered": None}
    mapped = map_values(categorical, words)
    assert mapped.astype(object).where(mapped.notna(), None).tolist() == [5, 1, "5", None, None, 5]
    _same(parse_amounts(map_values(text, words)), parse_amounts(mapped))


def test_files_with_different_categories_stay_categorical_when_combined() -> None:
    first = pd.DataFrame({"stage": pd.Categorical(["Won", "Lost"]), "id": ["1", "2"]})
    second = pd.DataFrame({"stage": pd.Categorical(["Open", "Won"]), "id": ["3", "4"]})
    combined = concat_rows([first, second])
    assert isinstance(combined["stage"].dtype, pd.CategoricalDtype)
    assert combined["stage"].tolist() == ["Won", "Lost", "Open", "Won"]
    assert combined["id"].tolist() == ["1", "2", "3", "4"]
    assert list(combined.columns) == ["stage", "id"]


def _report_and_validate(config: Path, options: list[str]) -> tuple[int, str, int, str]:
    """Exit codes and output of report and validate: the same JSON, or the same one-line error."""
    report = runner.invoke(app, ["report", "--config", str(config), *options, "--format", "json"],
                           catch_exceptions=False)
    check = runner.invoke(app, ["validate", "--config", str(config), "--format", "json"], catch_exceptions=False)
    return report.exit_code, report.output, check.exit_code, check.output


CONFIGS = [ROOT / "sample_data" / "sample-config.yaml"]
EXPORT_FILES = sorted(p for p in EXPORTS.glob("*.csv")) + [EXPORTS / "real" / "maven_sales_pipeline.csv",
                                                           EXPORTS / "real" / "ravenstack_support_tickets.csv"]


@pytest.mark.parametrize("export", EXPORT_FILES, ids=lambda p: p.name)
def test_every_export_reports_the_same_with_and_without_categoricals(
        export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "crm-metrics.yaml"
    made = runner.invoke(app, ["init", str(export), "-o", str(config)])
    if made.exit_code != 0:
        pytest.skip(f"init does not take {export.name}: {made.output.strip()}")
    options = ["--period", "quarter", "--from", "2015-01-01", "--to", "2026-06-30"]
    with_categories = _report_and_validate(config, options)
    monkeypatch.setattr(read_source, "repeating_headers", lambda column_map, table: set())
    assert _report_and_validate(config, options) == with_categories


@pytest.mark.parametrize("period", ["quarter", "month"])
def test_the_sample_report_is_the_same_with_and_without_categoricals(
        period: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    options = ["--period", period, "--by", "owner"]
    with_categories = _report_and_validate(CONFIGS[0], options)
    assert with_categories[0] == 0, with_categories[1]
    # The sample really is read as categoricals, or this test would compare text with text.
    frame, column_map, _ = read_source.read_mapped(ROOT / "sample_data" / "deals.csv", None, "deals",
                                                _sample_config())
    assert isinstance(frame[column_map.fields["stage"]].dtype, pd.CategoricalDtype)
    monkeypatch.setattr(read_source, "repeating_headers", lambda column_map, table: set())
    assert _report_and_validate(CONFIGS[0], options) == with_categories


def _sample_config():  # type: ignore[no-untyped-def]
    from crm_metrics.config.model import load_config

    return load_config(CONFIGS[0])


def test_a_column_of_distinct_values_stays_text() -> None:
    # Ids or timestamps to the second hardly repeat: as categories they would cost more, not less.
    from crm_metrics.clean.categoricals import categorise

    frame = pd.DataFrame({"id": [str(i) for i in range(10)], "stage": ["Won", "Lost"] * 5})
    categorise(frame, ["id", "stage"])
    assert not isinstance(frame["id"].dtype, pd.CategoricalDtype)
    assert isinstance(frame["stage"].dtype, pd.CategoricalDtype)
    assert np.array_equal(frame["stage"].astype(object).to_numpy(), np.array(["Won", "Lost"] * 5, dtype=object))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.text(alphabet="AD01\x00 -", max_size=17), st.text(max_size=3), st.none()),
                max_size=30))
def test_ids_are_proved_distinct_only_when_they_are(cells: list[str | None]) -> None:
    # The id check's fast path (sorted integers from padded ids) may only say "all different" when
    # they are; when it cannot tell, a hash of the text decides (normalise.repeated_ids).
    from crm_metrics.clean.fast_parsers import all_distinct

    present = [c for c in cells if c is not None]
    distinct = len(set(present)) == len(present)
    proved = all_distinct(pd.Series(cells, dtype="str"))
    assert not proved or distinct
    # Padding makes "" and "\x00" alike: ids with NUL characters may go to the hash instead.
    if distinct and all(c.isascii() and len(c) <= 16 and "\x00" not in c for c in present):
        assert proved


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.text(alphabet=" \t\xa0\u2003\x1cab", max_size=5), st.none()), min_size=1, max_size=12))
def test_stripped_text_is_strip(cells: list[str | None]) -> None:
    # A column with no space around any cell keeps its data (no copy); either way the cells are strip()'s.
    text = pd.Series(cells, dtype="str")
    expected = text.astype("string").str.strip()
    for column in (text, text.astype("category"), pd.Series(cells, dtype=object)):
        got = stripped_text(column).astype("string")
        assert got.fillna("<missing>").tolist() == expected.fillna("<missing>").tolist()
