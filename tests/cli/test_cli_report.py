"""`crm-metrics report` through typer's CliRunner: every format, flags over config, sample fallback."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crm_metrics.cli.app import app
from tests.fixtures.build import deal, write_csv

runner = CliRunner()

DEALS = [
    deal("1", "Closed Won", "$1,000", "2025-01-05", "2025-02-10", "A"),
    deal("2", "Closed Won", "$3,000", "2025-01-05", "2025-03-10", "B"),
    deal("3", "Closed Lost", "$2,000", "2025-01-05", "2025-03-12", "C"),
    deal("3", "Closed Lost", "$2,000", "2025-01-05", "2025-03-12", "C"),  # duplicate: dropped
    deal("4", "Closed Won", "$500", "2025-02-05", "2025-04-10", "D"),
]
SPEND = [{"date": "2025-01-15", "amount": "4000", "category": "Ads"}]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    write_csv(data, "deals", DEALS)
    write_csv(data, "spend", SPEND)
    path = tmp_path / "crm-metrics.yaml"
    path.write_text(
        "period: quarter\n"
        "range: {from: 2025-01-01, to: 2025-06-30}\n"
        "metrics: [close_rate, new_revenue, cac]\n"
        "sources:\n  deals: {path: data/deals.csv}\n  spend: {path: data/spend.csv}\n",
        encoding="utf-8",
    )
    return path


def _invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["report", *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_shape_is_the_contract(config: Path) -> None:
    code, out, _ = _invoke("--config", str(config), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert {"period", "currency", "periods", "metrics", "data_quality"} <= set(data)
    assert data["period"] == "quarter"
    assert data["currency"] == "USD"
    assert data["periods"] == ["2025-Q1", "2025-Q2"]
    close = data["metrics"][0]
    assert set(close) == {"id", "label", "unit", "values", "notes"}
    assert (close["id"], close["label"], close["unit"]) == ("close_rate", "Close rate", "ratio")
    # Q1: won 2 / (won 2 + lost 1) = 0.6667 (the duplicate lost deal counts once); Q2: 1 / 1 = 1.
    assert close["values"]["2025-Q1"] == pytest.approx(2 / 3)
    assert close["values"]["2025-Q2"] == 1.0
    assert close["notes"] == {}
    # CAC Q2: no acquisition spend: null with its reason. Q1: 4,000 / 2 new customers = 2,000.
    cac = data["metrics"][2]
    assert cac["values"] == {"2025-Q1": 2000.0, "2025-Q2": None}
    assert cac["notes"] == {"2025-Q2": "no acquisition spend recorded"}
    quality = data["data_quality"]["deals"]
    assert quality["rows"] == 5
    assert quality["duplicates_dropped"] == 1
    assert quality["unparseable"]["closed_at"] == 0


def test_csv_columns_and_rows(config: Path) -> None:
    code, out, _ = _invoke("--config", str(config), "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["metric", "period", "group", "value", "unit", "note"]
    # 3 metrics x 2 quarters.
    assert len(rows) == 6
    by_key = {(r["metric"], r["period"]): r for r in rows}
    # Q1 won 1,000 + 3,000 new revenue = 4,000.
    assert float(by_key[("new_revenue", "2025-Q1")]["value"]) == 4000
    assert by_key[("new_revenue", "2025-Q1")]["unit"] == "currency"
    assert by_key[("cac", "2025-Q2")]["value"] == ""
    assert by_key[("cac", "2025-Q2")]["note"] == "no acquisition spend recorded"
    assert by_key[("close_rate", "2025-Q1")]["group"] == ""


def test_table_output_is_plain_when_not_a_terminal(config: Path) -> None:
    code, out, _ = _invoke("--config", str(config))
    assert code == 0
    assert "\x1b" not in out
    assert not set("─│┃━") & set(out)
    assert "2025-Q1" in out and "2025-Q2" in out
    # 0.6667 shown as a percentage with one decimal; currency with the config's currency.
    assert "66.7" in out
    assert "Close rate" in out
    assert "n/a [1]" in out
    assert "[1] no acquisition spend recorded" in out
    assert "Data quality, deals: 5 rows read; 1 duplicate dropped" in out


def test_flags_override_the_config(config: Path) -> None:
    code, out, _ = _invoke("--config", str(config), "--format", "json", "--period", "month",
                           "--from", "2025-02-01", "--to", "2025-03-31", "--metrics", "new_revenue")
    assert code == 0
    data = json.loads(out)
    assert data["period"] == "month"
    assert data["periods"] == ["2025-02", "2025-03"]
    assert [m["id"] for m in data["metrics"]] == ["new_revenue"]
    # February: deal 1 1,000; March: deal 2 3,000.
    assert data["metrics"][0]["values"] == {"2025-02": 1000.0, "2025-03": 3000.0}


def test_bad_flags_are_one_line_errors(config: Path) -> None:
    code, out, err = _invoke("--config", str(config), "--period", "week")
    assert code == 2
    assert err.strip() == "crm-metrics: error: --period 'week': choose month, quarter or year"
    code, _, err = _invoke("--config", str(config), "--from", "2025-05-01", "--to", "2025-01-01")
    assert code == 2
    assert err.strip() == "crm-metrics: error: --from 2025-05-01 is after --to 2025-01-01"
    code, _, err = _invoke("--config", str(config), "--format", "xml")
    assert code == 2
    assert "--format 'xml'" in err


@pytest.mark.parametrize(("text", "message"), [
    ("perod: quarter\n", "unknown key 'perod'; did you mean 'period'?"),
    # An empty config is an error, not a report of n/a.
    ("# nothing yet\n", "no sources:"),
])
def test_config_error_is_one_stderr_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "crm-metrics.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = _invoke("--config", str(path))
    assert code == 2
    assert out == ""
    assert err.startswith(f"crm-metrics: error: {path}: {message}") and err.count("\n") == 1


def test_local_config_is_found(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(config.parent)
    code, out, err = _invoke("--format", "json")
    assert code == 0
    assert err == ""
    assert json.loads(out)["periods"] == ["2025-Q1", "2025-Q2"]


@pytest.mark.usefixtures("on_terminal")
def test_without_config_falls_back_to_sample_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = _invoke("--format", "json", "--metrics", "close_rate", "--from", "2025-01-01",
                             "--to", "2025-06-30")
    assert code == 0
    assert err == "crm-metrics: no --config and no ./crm-metrics.yaml: showing the bundled sample data.\n"
    data = json.loads(out)
    assert data["periods"] == ["2025-Q1", "2025-Q2"]
    assert data["sample_data"] is True
    assert 0 < data["metrics"][0]["values"]["2025-Q1"] < 1


def test_piped_caption_is_one_line_and_lines_have_no_trailing_spaces(config: Path) -> None:
    # A long caption used to wrap at the table's width when piped, splitting "amounts in | USD" etc.
    code, out, _ = _invoke("--config", str(config))
    assert code == 0
    caption = [line for line in out.splitlines() if line.startswith("2 quarters, ")]
    assert len(caption) == 1
    assert caption[0].startswith("2 quarters, 2025-01-01 to 2025-06-30; amounts in USD; data: deals.csv, spend.csv; ")
    # The generic preset's spend synonyms (Date, Amount, ...) found the spend headers: no vendor's own.
    assert caption[0].endswith("; spend columns by detected headers (no vendor)")
    assert all(line == line.rstrip() for line in out.splitlines())


def test_from_after_today_without_to_does_not_blame_to(config: Path, tmp_path: Path) -> None:
    # The user passed only --from; the message must not name a --to they never gave.
    bare = tmp_path / "bare.yaml"
    bare.write_text("sources:\n  deals: {path: data/deals.csv}\n", encoding="utf-8")
    code, _, err = _invoke("--config", str(bare), "--from", "2999-01-01")
    assert code == 2
    assert "--to" not in err
    assert "--from 2999-01-01 is after today" in err
    # A config range's end is named as such, not as --to.
    code, _, err = _invoke("--config", str(config), "--from", "2025-09-01")
    assert code == 2
    assert err.strip() == ("crm-metrics: error: --from 2025-09-01 is after the end of the config's "
                           "range (2025-06-30)")


def test_a_directory_as_config_is_one_line(tmp_path: Path) -> None:
    code, out, err = _invoke("--config", str(tmp_path))
    assert code == 2
    assert err.strip() == f"crm-metrics: error: {tmp_path}: is a directory, not a config file"


