"""Writing a report file is atomic: a crash mid-write leaves the old report intact and no temp file;
the format comes from the --output extension."""

from __future__ import annotations

import os
import stat
import tempfile
import threading
from pathlib import Path
from typing import IO

import pytest
from typer.testing import CliRunner

import crm_metrics.render.markdown
import crm_metrics.render.xlsx
from crm_metrics.cli.app import app
from crm_metrics.errors import ConfigError
from crm_metrics.render.output import infer_format, write_report
from crm_metrics.report import Report
from tests.conftest import ROOT
from tests.export_fixture import fixture_report

runner = CliRunner()
EXAMPLE = str(ROOT / "configs" / "example.yaml")


class Crash(Exception):
    pass


def _half_text(report: Report, out: IO[str]) -> None:
    out.write("| Metric | 2025-Q1 |\n" * 500)
    out.flush()
    raise Crash("disk pulled out mid-write")


def _half_bytes(report: Report, out: IO[bytes]) -> None:
    out.write(b"PK\x03\x04" + b"\0" * 4096)
    raise Crash("killed mid-write")


@pytest.mark.parametrize(("fmt", "module", "name", "broken"), [
    ("md", crm_metrics.render.markdown, "render_markdown", _half_text),
    ("xlsx", crm_metrics.render.xlsx, "render_xlsx", _half_bytes),
])
def test_a_crash_mid_write_leaves_the_old_report_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, module: object, name: str, broken: object,
) -> None:
    target = tmp_path / f"report.{fmt}"
    target.write_bytes(b"yesterday's complete report")
    monkeypatch.setattr(module, name, broken)
    with pytest.raises(Crash):
        write_report(fixture_report(), fmt, target)
    assert target.read_bytes() == b"yesterday's complete report"
    assert os.listdir(tmp_path) == [f"report.{fmt}"]


def test_a_crash_on_a_first_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crm_metrics.render.markdown, "render_markdown", _half_text)
    with pytest.raises(Crash):
        write_report(fixture_report(), "md", tmp_path / "new.md")
    assert os.listdir(tmp_path) == []


def test_a_complete_write_replaces_the_report_and_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("old")
    target.chmod(0o640)
    size = write_report(fixture_report(), "md", target)
    assert target.read_text(encoding="utf-8").startswith("## CRM metrics by quarter")
    assert size == target.stat().st_size
    assert target.stat().st_mode & 0o777 == 0o640
    assert os.listdir(tmp_path) == ["report.md"]


@pytest.mark.parametrize(("name", "fmt"), [("a.xlsx", "xlsx"), ("a.MD", "md"), ("a.htm", "html"),
                                            ("a.csv", "csv"), ("a.json", "json"), ("a.txt", "table")])
def test_format_from_extension(name: str, fmt: str) -> None:
    assert infer_format(Path(name)) == fmt


def test_unknown_extension_is_a_usage_error() -> None:
    with pytest.raises(ConfigError, match="cannot tell the format from '.pdf'"):
        infer_format(Path("report.pdf"))


def test_cli_infers_the_format_and_reports_on_stderr(tmp_path: Path) -> None:
    target = tmp_path / "r.md"
    result = runner.invoke(app, ["report", "-c", EXAMPLE, "--metrics", "close_rate", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"crm-metrics: wrote {target} (md, ")
    assert target.read_text(encoding="utf-8").count("| Close rate |") == 1


def test_cli_missing_output_folder_is_one_line_exit_2(tmp_path: Path) -> None:
    target = tmp_path / "nope" / "r.html"
    result = runner.invoke(app, ["report", "-c", EXAMPLE, "-o", str(target)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"crm-metrics: error: --output {target}: folder {target.parent} does not exist"


def test_quiet_prints_nothing(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "-c", EXAMPLE, "--quiet", "-o", str(tmp_path / "r.xlsx"),
                                 "--history", str(tmp_path / "h.db")])
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr == ""
    assert (tmp_path / "r.xlsx").stat().st_size > 0


@pytest.mark.usefixtures("on_terminal")
def test_quiet_silences_the_sample_data_notice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    loud = runner.invoke(app, ["report", "-o", "r.csv"])
    quiet = runner.invoke(app, ["report", "-q", "-o", "r.csv"])
    assert loud.exit_code == quiet.exit_code == 0
    assert "bundled sample data" in loud.stderr
    assert quiet.stderr == ""


def test_piped_table_has_no_colour_codes() -> None:
    result = runner.invoke(app, ["report", "-c", EXAMPLE, "--metrics", "close_rate"], env={"NO_COLOR": ""})
    assert result.exit_code == 0
    assert "\x1b[" not in result.stdout


def test_xlsx_can_be_piped_to_stdout() -> None:
    import io

    from openpyxl import load_workbook

    result = runner.invoke(app, ["report", "-c", EXAMPLE, "--metrics", "close_rate", "-f", "xlsx"])
    assert result.exit_code == 0, result.output
    book = load_workbook(io.BytesIO(result.stdout_bytes))
    assert book.sheetnames == ["Report", "Data"]
    assert [book["Report"][f"A{row}"].value for row in (2, 3, 4)] == ["Business performance", "Sales", "Close rate"]


def test_an_explicit_format_wins_over_the_extension(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    result = runner.invoke(app, ["report", "-c", EXAMPLE, "--metrics", "close_rate", "-f", "md", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("## CRM metrics by quarter")


def _read_fifo(path: Path, into: list[bytes]) -> threading.Thread:
    """A reader on the other end of the FIFO, so the writer's open() returns."""
    def read() -> None:
        with open(path, "rb") as fifo:
            into.append(fifo.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_written_into_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = _read_fifo(fifo, received)
    size = write_report(fixture_report(), "md", fifo)
    reader.join(timeout=10)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received[0].decode("utf-8").startswith("## CRM metrics by quarter")
    assert size == len(received[0])
    assert os.listdir(tmp_path) == ["pipe.md"]  # no temp file left beside it


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_cli_report_into_a_fifo_without_extension_is_a_table(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = _read_fifo(fifo, received)
    result = runner.invoke(app, ["report", "-c", EXAMPLE, "--metrics", "close_rate", "-o", str(fifo)])
    reader.join(timeout=10)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert "Close rate" in received[0].decode("utf-8")
    assert result.stderr == f"crm-metrics: wrote {fifo} (table, {len(received[0]):,} bytes)\n"


def _never_replace(monkeypatch: pytest.MonkeyPatch) -> None:
    """A regression must fail these tests, not replace the real /dev/null with a regular file (as
    root, for the whole machine): no temp file, no rename."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a device was about to be replaced by a renamed temp file")

    monkeypatch.setattr(os, "replace", refuse)
    monkeypatch.setattr(tempfile, "mkstemp", refuse)


@pytest.mark.skipif(not Path(os.devnull).is_char_device(), reason="no character device /dev/null")
@pytest.mark.parametrize("fmt", ["xlsx", "md"])
def test_dev_null_stays_a_character_device(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _never_replace(monkeypatch)
    devnull = Path(os.devnull)
    size = write_report(fixture_report(), fmt, devnull)
    assert size > 0  # what was written, not the device's size (0)
    assert stat.S_ISCHR(devnull.stat().st_mode)


@pytest.mark.skipif(not Path(os.devnull).is_char_device(), reason="no character device /dev/null")
def test_cli_report_and_init_into_dev_null(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _never_replace(monkeypatch)
    report = runner.invoke(app, ["report", "-c", EXAMPLE, "--metrics", "close_rate", "-o", os.devnull])
    assert report.exit_code == 0, report.output
    assert report.stderr.startswith(f"crm-metrics: wrote {os.devnull} (table, ")
    export = tmp_path / "deals.csv"
    export.write_text("deal_id,stage,amount,created_at\nD1,Won,100,2025-01-05\n", encoding="utf-8")
    # No --force needed: writing into a device replaces nothing.
    init = runner.invoke(app, ["init", str(export), "-o", os.devnull])
    assert init.exit_code == 0, init.output
    assert stat.S_ISCHR(Path(os.devnull).stat().st_mode)


def test_a_crash_while_rendering_into_a_stream_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    monkeypatch.setattr(crm_metrics.render.markdown, "render_markdown", _half_text)
    # Rendered in memory first: the crash comes before the FIFO is opened, so no reader is needed.
    with pytest.raises(Crash):
        write_report(fixture_report(), "md", fifo)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
