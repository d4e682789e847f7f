"""The SQLite run history: runs appended, restatements visible, two writers at once, migrations."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crm_metrics.cli.app import app
from crm_metrics.history import SCHEMA_VERSION, HistoryError, read_history, record_run, stints
from tests.conftest import ROOT
from tests.export_fixture import fixture_report

runner = CliRunner()
EXAMPLE = str(ROOT / "configs" / "example.yaml")


def _at(day: int) -> datetime:
    return datetime(2025, 7, day, 2, 0, tzinfo=UTC)


def test_a_restated_value_shows_as_a_change(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    record_run(db, fixture_report(close_rate_q2=0.2), "aaa", run_at=_at(1))
    record_run(db, fixture_report(close_rate_q2=0.2), "aaa", run_at=_at(2))
    record_run(db, fixture_report(close_rate_q2=0.3), "bbb", run_at=_at(3))  # late deals arrived
    rows = read_history(db, "close_rate")
    assert len(rows) == 3 * 2  # 3 runs x 2 quarters
    shown = [(s.period, s.value, s.runs, s.restated, s.previous, s.since[:10]) for s in stints(rows)]
    assert shown == [
        ("2025-Q1", 0.25, 3, False, None, "2025-07-01"),  # never changed: one line for 3 runs
        ("2025-Q2", 0.2, 2, False, None, "2025-07-01"),
        ("2025-Q2", 0.3, 1, True, 0.2, "2025-07-03"),     # restated by the third run
    ]


def test_n_a_values_are_kept_with_their_reason(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    record_run(db, fixture_report(), "aaa")
    cac = {r.period: (r.value, r.note) for r in read_history(db, "cac")}
    assert cac["2025-Q1"] == (5000.0, None)
    assert cac["2025-Q2"][0] is None and cac["2025-Q2"][1]


def test_the_database_is_wal_with_a_schema_version(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    record_run(db, fixture_report(), "aaa")
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_a_newer_schema_is_refused_with_advice(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    record_run(db, fixture_report(), "aaa")
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION + 1,))
    conn.close()
    with pytest.raises(HistoryError, match="newer than this crm-metrics understands"):
        record_run(db, fixture_report(), "aaa")


def test_a_file_that_is_not_a_database_is_one_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    db.write_text("owner,amount\n")
    result = runner.invoke(app, ["report", "-c", EXAMPLE, "--metrics", "close_rate", "--history", str(db)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"crm-metrics: error: history database {db}: file is not a database"


WRITER = """
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
sys.path.insert(0, {root!r})
from crm_metrics.history import record_run
from tests.export_fixture import fixture_report
report = fixture_report()
import time
Path(sys.argv[3] + "." + sys.argv[2]).touch()  # ready
while not Path(sys.argv[3]).exists():  # start together: the test creates this once both are ready
    time.sleep(0.002)
for i in range({runs}):
    record_run(Path(sys.argv[1]), report, sys.argv[2])
"""


def test_two_writers_at_once_both_succeed(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    script = WRITER.format(root=str(ROOT), runs=40)
    go = tmp_path / "go"
    writers = [subprocess.Popen([sys.executable, "-c", script, str(db), name, str(go)], stderr=subprocess.PIPE)
               for name in ("job-a", "job-b")]
    while not all(Path(f"{go}.{name}").exists() for name in ("job-a", "job-b")):
        assert all(w.poll() is None for w in writers), "a writer died before it was ready"
        time.sleep(0.01)
    go.touch()
    for writer in writers:
        _, err = writer.communicate(timeout=60)
        assert writer.returncode == 0, err.decode()
    with sqlite3.connect(db) as conn:
        counts = dict(conn.execute("SELECT config_hash, count(*) FROM runs GROUP BY config_hash").fetchall())
        values = conn.execute("SELECT count(*) FROM metric_values").fetchone()[0]
    conn.close()
    assert counts == {"job-a": 40, "job-b": 40}
    assert values == 80 * 4 * 2  # 80 runs x 4 metrics x 2 quarters


def test_history_command_shows_restatements(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    record_run(db, fixture_report(close_rate_q2=0.2), "aaa", run_at=_at(1))
    record_run(db, fixture_report(close_rate_q2=0.3), "aaa", run_at=_at(2))
    result = runner.invoke(app, ["history", "--history", str(db), "--metric", "close_rate"])
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.stdout.splitlines() if line.startswith("close_rate")]
    assert lines == [
        ["close_rate", "2025-Q1", "2025-07-01", "02:00:00", "2", "25.0", "%"],
        ["close_rate", "2025-Q2", "2025-07-01", "02:00:00", "1", "20.0", "%"],
        ["close_rate", "2025-Q2", "2025-07-02", "02:00:00", "1", "30.0", "%", "restated", "+10.0", "pp"],
    ]


def test_report_records_into_the_history_named_in_the_config(tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load(Path(EXAMPLE).read_text(encoding="utf-8"))
    for source in data["sources"].values():
        source["path"] = str((ROOT / "configs" / source["path"]).resolve())
    data["history"] = {"path": "runs.db"}  # relative to the config file
    config = tmp_path / "c.yaml"
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    for _ in range(2):
        result = runner.invoke(app, ["report", "-c", str(config), "--metrics", "cac", "-q"])
        assert result.exit_code == 0, result.output
    rows = read_history(tmp_path / "runs.db")
    assert {r.run_id for r in rows} == {1, 2}
    shown = runner.invoke(app, ["history", "-c", str(config)])
    assert shown.exit_code == 0
    assert "restated" not in shown.stdout  # the same data twice: no restatement


def test_history_without_a_database_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["history"])
    assert result.exit_code == 2
    assert "no history database: pass --history PATH" in result.stderr


def test_config_hash_follows_the_definition_not_the_file_location(tmp_path: Path) -> None:
    from crm_metrics.config.model import parse_config
    from crm_metrics.history import config_hash

    base = {"period": "quarter", "gross_margin": 0.8}
    here = parse_config(base, origin="a.yaml", base_dir=tmp_path)
    there = parse_config(base, origin="b/a.yaml", base_dir=tmp_path / "b")
    changed = parse_config({**base, "gross_margin": 0.7}, origin="a.yaml", base_dir=tmp_path)
    assert config_hash(here) == config_hash(there)
    assert config_hash(here) != config_hash(changed)
