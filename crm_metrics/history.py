"""The run history: every report run appends its metric values to a SQLite database, so a number
that was restated when late data arrived can be seen changing from one run to the next.

Two cron jobs may write at once: WAL mode lets readers carry on while one writes, the busy timeout
makes a second writer wait instead of failing, and each run is one BEGIN IMMEDIATE transaction.
A schema_version table lets a later release migrate an older database in place.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from crm_metrics.errors import ConfigError, CrmMetricsError

if TYPE_CHECKING:
    from crm_metrics.config.model import Config
    from crm_metrics.report import Report

BUSY_TIMEOUT_SECONDS = 30.0

# Each entry migrates the schema from version (index) to version (index + 1); append, never edit.
MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            run_at TEXT NOT NULL,            -- ISO 8601, UTC
            config_hash TEXT NOT NULL,
            config_origin TEXT NOT NULL,
            period_kind TEXT NOT NULL,       -- month | quarter | year
            fiscal_year_start INTEGER NOT NULL,
            currency TEXT NOT NULL
        )""",
        """CREATE TABLE metric_values (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            metric TEXT NOT NULL,
            period TEXT NOT NULL,            -- the period label, e.g. 2025-Q1 or FY2026-Q1
            unit TEXT NOT NULL,
            value REAL,                      -- NULL when n/a
            note TEXT,
            PRIMARY KEY (run_id, metric, period)
        )""",
        "CREATE INDEX metric_values_by_metric ON metric_values (metric, period, run_id)",
    ],
]
SCHEMA_VERSION = len(MIGRATIONS)


class HistoryError(CrmMetricsError):
    """The history database cannot be opened, read or written."""


@dataclass(frozen=True)
class HistoryRow:
    run_id: int
    run_at: str
    config_hash: str
    period_kind: str
    currency: str
    metric: str
    period: str
    unit: str
    value: float | None
    note: str | None


def config_hash(config: Config) -> str:
    """A short fingerprint of what the config asks for, so a changed definition explains a jump."""
    canonical = json.dumps(config.model_dump(mode="json", by_alias=True), sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def check_path(path: Path) -> None:
    """Fail before the (possibly long) run when the history could not be written anyway."""
    if path.is_dir():
        raise ConfigError(f"history database {path}: is a folder; give a file name such as "
                          f"{path / 'history.sqlite'}")
    if not path.parent.is_dir():
        raise ConfigError(f"history database {path}: folder {path.parent} does not exist")


@contextmanager
def _database(path: Path) -> Iterator[sqlite3.Connection]:
    check_path(path)
    try:
        # isolation_level=None: transactions are begun explicitly (BEGIN IMMEDIATE) below.
        with closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)) as db:
            db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
            _use_wal(db)
            _migrate(db, path)
            yield db
    except sqlite3.DatabaseError as exc:
        raise HistoryError(f"history database {path}: {exc}") from None


def _use_wal(db: sqlite3.Connection) -> None:
    """Switch the database to WAL once; it stays WAL for every later connection.

    SQLite does not call the busy handler for a journal-mode change, so a second cron job opening
    the database while the first switches it (or checkpoints on close) gets "database is locked" at
    once; retry until the busy timeout instead.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = db.execute("SELECT max(version) FROM schema_version").fetchone()
        current = row[0] or 0
        if current > SCHEMA_VERSION:
            raise HistoryError(f"history database {path}: schema version {current} is newer than this "
                               f"crm-metrics understands ({SCHEMA_VERSION}); upgrade crm-metrics")
        for version in range(current, SCHEMA_VERSION):
            for statement in MIGRATIONS[version]:
                db.execute(statement)
            db.execute("INSERT INTO schema_version (version) VALUES (?)", (version + 1,))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def record_run(path: Path, report: Report, config_digest: str, run_at: datetime | None = None) -> int:
    """Append one run's values (every metric, every period shown); return the run's id."""
    moment = (run_at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    with _database(path) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            cursor = db.execute(
                "INSERT INTO runs (run_at, config_hash, config_origin, period_kind, fiscal_year_start, currency)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (moment, config_digest, report.config_origin, report.period.value, report.fiscal_year_start,
                 report.currency),
            )
            run_id = cursor.lastrowid
            assert run_id is not None
            db.executemany(
                "INSERT INTO metric_values (run_id, metric, period, unit, value, note) VALUES (?, ?, ?, ?, ?, ?)",
                [(run_id, result.metric.id, label, result.metric.unit.value, cell.value, cell.note)
                 for result in report.metrics for label, cell in result.cells.items()],
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return run_id


def read_history(path: Path, metric: str | None = None) -> list[HistoryRow]:
    """Every recorded value, by metric, period kind, period and run order."""
    if not path.exists():
        # A wrong path (or no run yet) is the user's to fix: exit 2, like any usage error.
        raise ConfigError(f"history database {path} does not exist yet: run `crm-metrics report "
                           f"--history {path}` first")
    query = ("SELECT r.id, r.run_at, r.config_hash, r.period_kind, r.currency, v.metric, v.period, v.unit,"
             " v.value, v.note FROM metric_values v JOIN runs r ON r.id = v.run_id")
    params: tuple[str, ...] = ()
    if metric is not None:
        query += " WHERE v.metric = ?"
        params = (metric,)
    query += " ORDER BY v.metric, r.period_kind, v.period, r.id"
    with _database(path) as db:
        return [HistoryRow(*row) for row in db.execute(query, params)]


@dataclass(frozen=True)
class Stint:
    """A value a (metric, period) held over consecutive runs, from `since` for `runs` runs."""

    metric: str
    period_kind: str
    period: str
    unit: str
    currency: str
    value: float | None
    note: str | None
    since: str
    runs: int
    previous: float | None  # the value it replaced; None for the first
    restated: bool


def stints(rows: list[HistoryRow]) -> list[Stint]:
    """Collapse runs that reported the same value, so each restatement is one visible line."""
    out: list[Stint] = []
    for row in rows:
        last = out[-1] if out else None
        same_key = last is not None and (last.metric, last.period_kind, last.period) == (
            row.metric, row.period_kind, row.period)
        if last is not None and same_key and _same(last.value, row.value):
            out[-1] = Stint(**{**last.__dict__, "runs": last.runs + 1})
            continue
        out.append(Stint(row.metric, row.period_kind, row.period, row.unit, row.currency, row.value, row.note,
                         row.run_at, 1, last.value if same_key and last else None, bool(same_key)))
    return out


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
