"""Writing a report to a file atomically: rendered into a temporary file in the same folder, then
renamed over the target, so a crash or a full disk never leaves a half-written report and an
existing report is only ever replaced by a complete one.

A target that exists and is a stream, not a regular file (`/dev/null`, `/dev/stdout`, a FIFO), is
written straight into: renaming a temp file over it would replace the device or pipe with a regular
file (system-wide for `/dev/null` when run as root). The output is rendered whole in memory first,
so a crash mid-render still writes nothing into the stream."""

from __future__ import annotations

import contextlib
import io
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from crm_metrics.errors import ConfigError, CrmMetricsError
from crm_metrics.report import Report

SUFFIX_FORMATS = {
    ".csv": "csv",
    ".json": "json",
    ".xlsx": "xlsx",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".txt": "table",
}


def infer_format(path: Path) -> str:
    """The format named by `path`'s extension; a stream without one (`-o /dev/null`, a FIFO) gets the
    table, as stdout does. Raises ConfigError for any other unknown extension."""
    fmt = SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt is None and is_stream(path):
        return "table"
    if fmt is None:
        known = ", ".join(sorted(SUFFIX_FORMATS))
        raise ConfigError(f"--output {path}: cannot tell the format from {path.suffix or 'no extension'!r}; "
                          f"use one of {known} or add --format")
    return fmt


def is_stream(path: Path) -> bool:
    """True when `path` exists and is a character device or a FIFO: written into, never replaced."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def check_output_path(path: Path) -> None:
    """Fail before the (possibly long) run when the report could not be written anyway. A folder is
    refused, and so is a block device (a disk: a report written into it would overwrite the disk)."""
    if not path.parent.is_dir():
        raise ConfigError(f"--output {path}: folder {path.parent} does not exist")
    if path.is_dir():
        raise ConfigError(f"--output {path}: is a folder, give a file name")
    if path.is_block_device():
        raise ConfigError(f"--output {path}: is a block device (a disk), give a file name")


def write_report(report: Report, fmt: str, path: Path) -> int:
    """Render `report` as `fmt` into `path` atomically; return the number of bytes written."""
    from crm_metrics.render import BINARY_FORMATS, get_binary_renderer, get_renderer

    def render(raw: BinaryIO) -> None:
        if fmt in BINARY_FORMATS:
            get_binary_renderer(fmt)(report, raw)
        else:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            get_renderer(fmt)(report, text)
            text.flush()
            text.detach()

    return atomic_write(path, render)


def atomic_write(path: Path, write: Callable[[BinaryIO], object]) -> int:
    """Write `path` through a temp file in its folder, then rename: a crash never leaves a half-written
    file, and an existing one is replaced only by a complete one. A stream (`is_stream`) is written
    straight into instead, after rendering whole in memory. Returns the number of bytes written.

    Raises ConfigError for a folder or a block device, CrmMetricsError when the write fails."""
    check_output_path(path)
    if is_stream(path):
        return _write_stream(path, write)
    folder = path.parent
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise CrmMetricsError(f"cannot write in {folder}: {exc.strerror}") from None
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as raw:
            write(raw)
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(temp, _mode_for(path))
        os.replace(temp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        if isinstance(exc, OSError):
            raise CrmMetricsError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise
    return path.stat().st_size


def _write_stream(path: Path, write: Callable[[BinaryIO], object]) -> int:
    """Render into memory, then write the bytes into the existing device or FIFO. O_WRONLY without
    O_CREAT: if the stream vanished since the check, fail instead of creating a regular file. Opening
    a FIFO waits for its reader, as a shell redirection does."""
    buffer = io.BytesIO()
    write(buffer)
    data = buffer.getvalue()
    try:
        fd = os.open(path, os.O_WRONLY)
        with os.fdopen(fd, "wb") as raw:
            raw.write(data)
    except OSError as exc:
        raise CrmMetricsError(f"cannot write {path}: {exc.strerror or exc}") from None
    return len(data)


def _mode_for(path: Path) -> int:
    """Keep an existing report's permissions; a new one gets what open() would give it (mkstemp's
    0600 would hide a shared report from the people it is for)."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
