"""Every config mistake is one clear line naming the file and the key (issue 2, config section)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crm_metrics.api import report as run
from crm_metrics.config.model import load_config
from crm_metrics.errors import ConfigError, ExitCode, InputError
from crm_metrics.pipeline import RunOptions
from tests.fixtures.build import write_csv


def _error(tmp_path: Path, text: str) -> tuple[str, Path]:
    path = tmp_path / "crm-metrics.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "\n" not in message
    assert caught.value.exit_code == ExitCode.USAGE
    return message, path


@pytest.mark.parametrize(("text", "expected"), [
    ("perod: quarter\n", "unknown key 'perod'; did you mean 'period'?"),
    ("sources:\n  deals:\n    path: d.csv\n    colums: {deal_id: Id}\n",
     "unknown key 'sources.deals.colums'; did you mean 'columns'?"),
    ("gross_margin: lots\n", "gross_margin: Input should be a valid number"),
    ("fiscal_year_start: 13\n", "fiscal_year_start: Input should be less than or equal to 12"),
    ("timezone: Mars/Olympus\n", "timezone: unknown time zone 'Mars/Olympus'"),
    ("metrics: [close_rate, cac_paybak]\n",
     "metrics: unknown metric 'cac_paybak': did you mean 'cac_payback_months'?"),
    ("period: quarter\nsources: [a\n  b: c\n", "YAML syntax error at line 3, column 4"),
    ("- period\n- quarter\n", "the config must be a mapping of keys"),
    ("range: {from: 2025-05-01, to: 2025-01-01}\n", "range: 'from' (2025-05-01) is after 'to' (2025-01-01)"),
    ("period: week\n", "period: must be one of month, quarter, year"),
    # YAML's own date parsing used to raise ValueError: a traceback with exit 1 and no key named.
    ("range: {from: 2025-13-01}\n", "range.from: Input should be a valid date"),
    ("sources: [deals.csv]\n", "sources: must be a mapping (key: value), not a list"),
    ("metrics: cac\n", "metrics: must be a list, e.g. [a, b]"),
    # A ratio target of 25 can never be met (ratios are fractions); it was accepted silently.
    ("targets: {close_rate: {min: 25}}\n",
     "targets: close_rate is a ratio: write 25 % as 0.25, not 25"),
])
def test_config_error_is_one_line_with_file_and_key(tmp_path: Path, text: str, expected: str) -> None:
    message, path = _error(tmp_path, text)
    assert message.startswith(f"{path}: ")
    assert expected in message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "crm-metrics.yaml"
    path.write_text("perod: quarter\nfiscal_year_start: 0\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert len(caught.value.problems) == 2
    assert all(p.startswith(f"{path}: ") for p in caught.value.problems)


def test_valid_config_resolves_paths_relative_to_its_file(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "crm-metrics.yaml"
    path.write_text("period: month\nfiscal_year_start: 4\ncurrency: eur\n"
                    "sources:\n  deals: {path: data/deals.csv}\n", encoding="utf-8")
    config = load_config(path)
    assert config.currency == "EUR"
    assert config.resolve("data/deals.csv") == tmp_path / "sub" / "data" / "deals.csv"


def _run_with_deals(tmp_path: Path, headers_row: dict, columns: dict) -> None:
    write_csv(tmp_path, "deals", [headers_row])
    path = tmp_path / "crm-metrics.yaml"
    mapping = "".join(f"        {k}: \"{v}\"\n" for k, v in columns.items())
    path.write_text("sources:\n  deals:\n    path: deals.csv\n" + ("    columns:\n" + mapping if mapping else ""),
                    encoding="utf-8")
    run(load_config(path), RunOptions(date_from=date(2025, 1, 1), date_to=date(2025, 3, 31),
                                       metrics=("close_rate",)))


def test_unknown_canonical_column(tmp_path: Path) -> None:
    row = {"deal_id": "1", "stage": "Won", "amount": "1", "created_at": "2025-01-01"}
    with pytest.raises(ConfigError) as caught:
        _run_with_deals(tmp_path, row, {"ammount": "Deal Value"})
    message = str(caught.value)
    assert message == (f"{tmp_path / 'crm-metrics.yaml'}: sources.deals.columns.ammount: not a field of deals; "
                       "did you mean 'amount'?")


def test_missing_required_column_lists_headers_and_closest(tmp_path: Path) -> None:
    # "Stages" is no vendor's header for a stage, so neither a preset nor detection can find it.
    row = {"Deal ID": "1", "Stages": "Won", "Amount": "1", "Create Date": "2025-01-01"}
    with pytest.raises(InputError) as caught:
        _run_with_deals(tmp_path, row, {"created_at": "Create Date"})
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{tmp_path / 'deals.csv'}: has no column for required field 'stage'")
    assert "closest: 'Stages'" in message
    assert "sources.deals.columns.stage" in message
    assert "'Deal ID', 'Stages', 'Amount', 'Create Date'" in message


def test_mapped_header_missing_from_export(tmp_path: Path) -> None:
    row = {"deal_id": "1", "stage": "Won", "amount": "1", "Created": "2025-01-01"}
    with pytest.raises(InputError) as caught:
        _run_with_deals(tmp_path, row, {"created_at": "Create Date"})
    message = str(caught.value)
    assert "has no column 'Create Date' (mapped to created_at)" in message
    assert "closest: 'Created'" in message
