"""The bad-input corpus through `report` and `validate`: exit code 2, exactly one stderr line that
names the file, and never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from crm_metrics.cli.app import app
from tests.conftest import ROOT

runner = CliRunner()
CORPUS = ROOT / "tests" / "bad_inputs"

# file -> words the one-line message must contain (what is wrong, so the user knows what to do)
DEAL_FILES = {
    "empty.csv": "empty",
    "blank_lines_only.csv": "empty",
    "binary.csv": "binary",
    "ragged_rows.csv": "same number of columns",
    "unterminated_quote.csv": "check",
    "latin1_as_utf8.csv": "UTF-8",
    "corrupt.xlsx": "not a valid .xlsx",
    "not_a_workbook.xlsx": "not a valid .xlsx",
    "password_protected.xlsx": "password-protected",
    "missing_sheet.xlsx": "no sheet named 'Deals'",
    "wrong_type.pdf": "unsupported file type",
    "directory_not_file.csv": "is a directory",
    "does_not_exist.csv": "file not found",
}
CONFIG_FILES = {
    "not_a_mapping.yaml": "must be a mapping",
    "yaml_syntax_error.yaml": "YAML syntax error at line 5, column",
    "code_in_yaml.yaml": "YAML syntax error",
}


def _config_for(tmp_path: Path, deals: Path, extra: str = "") -> Path:
    config = tmp_path / "crm-metrics.yaml"
    sheet = "    sheet: Deals\n" if deals.suffix == ".xlsx" else ""
    config.write_text(f"metrics: [close_rate]\n{extra}sources:\n  deals:\n    path: '{deals}'\n{sheet}")
    return config


def _assert_one_clean_line(args: list[str], names: str, words: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert names in lines[0] and words in lines[0], lines[0]
    assert lines[0].startswith("crm-metrics: error: ")
    assert "Traceback" not in result.output
    assert result.stdout == ""


@pytest.mark.parametrize("command", ["report", "validate"])
@pytest.mark.parametrize(("name", "words"), DEAL_FILES.items())
def test_bad_export_is_one_line_naming_the_file(tmp_path: Path, command: str, name: str, words: str) -> None:
    config = _config_for(tmp_path, CORPUS / name)
    _assert_one_clean_line([command, "--config", str(config)], name, words)


@pytest.mark.parametrize("command", ["report", "validate"])
@pytest.mark.parametrize(("name", "words"), CONFIG_FILES.items())
def test_bad_config_is_one_line_naming_the_file(command: str, name: str, words: str) -> None:
    _assert_one_clean_line([command, "--config", str(CORPUS / name)], name, words)


@pytest.mark.parametrize("command", ["report", "validate"])
def test_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path, command: str) -> None:
    # zip_bomb.xlsx is 8 KB on disk and 8 MB unpacked; the limit is set to 1 MB.
    config = _config_for(tmp_path, CORPUS / "zip_bomb.xlsx", "limits: {max_xlsx_uncompressed_mb: 1}\n")
    _assert_one_clean_line([command, "--config", str(config)], "zip_bomb.xlsx", "over limits.max_xlsx_uncompressed_mb")


@pytest.mark.parametrize("command", ["report", "validate"])
def test_csv_too_big_says_how_big_and_suggests_from(tmp_path: Path, command: str) -> None:
    big = tmp_path / "big.csv"
    big.write_text("Deal ID,Stage,Amount,Created Date\n" + "D1,Won,1,2025-01-01\n" * 60_000)  # ~1.2 MB
    config = _config_for(tmp_path, big, "limits: {max_csv_mb: 1}\n")
    _assert_one_clean_line([command, "--config", str(config)], "big.csv", "is 1.1 MB")
    assert "--from" in runner.invoke(app, [command, "--config", str(config)]).stderr


def test_missing_required_column_is_exit_2_for_report_and_a_problem_for_validate(tmp_path: Path) -> None:
    config = _config_for(tmp_path, CORPUS / "missing_required_column.csv")
    _assert_one_clean_line(["report", "--config", str(config)], "missing_required_column.csv",
                           "closest: 'Create Dt'")
    checked = runner.invoke(app, ["validate", "--config", str(config)])
    assert checked.exit_code == 4
    assert "required column 'created_at' for created_at is missing (closest: 'Create Dt'" in checked.stdout


def test_unexpected_exception_is_one_line_unless_debug(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import crm_metrics.checks

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(crm_metrics.checks, "validate", broken)
    config = str(ROOT / "configs" / "example.yaml")
    result = runner.invoke(app, ["validate", "--config", config])
    assert result.exit_code == 1
    assert result.stderr.strip() == ("crm-metrics: internal error: KeyError: 'boom' "
                                     "(run with --debug for details)")
    debug = runner.invoke(app, ["--debug", "validate", "--config", config])
    assert isinstance(debug.exception, KeyError)
    monkeypatch.setenv("CRM_METRICS_DEBUG", "1")
    assert isinstance(runner.invoke(app, ["validate", "--config", config]).exception, KeyError)


def test_csv_bigger_than_free_memory_is_refused_without_a_limit(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import crm_metrics.io.files

    # 100 KB free: a 40 KB CSV needs about 5 x 40 KB = 200 KB once loaded, so it is refused up front.
    monkeypatch.setattr(crm_metrics.io.files, "_available_memory", lambda: 100 * 1024)
    big = tmp_path / "export.csv"
    big.write_text("Deal ID,Stage,Amount,Created Date\n" + "D1,Won,1,2025-01-01\n" * 2_000)
    config = _config_for(tmp_path, big)
    _assert_one_clean_line(["validate", "--config", str(config)], "export.csv", "too big for the")
    monkeypatch.setattr(crm_metrics.io.files, "_available_memory", lambda: 10 * 1024 * 1024)
    assert runner.invoke(app, ["validate", "--config", str(config)]).exit_code in (0, 4)


def test_a_permission_denied_file_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import crm_metrics.io.files

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    # Patched rather than chmod-ed, because the tests may run as root, who can read anything.
    monkeypatch.setattr(crm_metrics.io.files, "_read_csv", denied)
    config = _config_for(tmp_path, ROOT / "sample_data" / "deals.csv")
    _assert_one_clean_line(["report", "--config", str(config)], "deals.csv", "permission denied")


@pytest.mark.parametrize("command", ["report", "validate"])
def test_config_that_is_a_directory_is_one_line(command: str) -> None:
    _assert_one_clean_line([command, "--config", str(CORPUS / "directory_not_file.csv")],
                           "directory_not_file.csv", "is a directory")


def test_repeated_headers_become_distinct_columns(tmp_path: Path) -> None:
    import openpyxl

    from crm_metrics.io.files import read_table

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Deal ID", "Stage", "Stage "])  # "Stage " is "Stage" once trimmed
    sheet.append(["D1", "Closed Won", "x"])
    book.save(tmp_path / "dup.xlsx")
    frame = read_table(tmp_path / "dup.xlsx")
    assert list(frame.columns) == ["Deal ID", "Stage", "Stage.1"]
    assert frame["Stage"].tolist() == ["Closed Won"]
