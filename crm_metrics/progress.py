"""A spinner on stderr for loads that take more than about a second, and only on a terminal: cron
jobs and pipes get clean output, and quick runs never flash a spinner."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

DELAY_SECONDS = 1.0


@contextmanager
def loading(message: str, delay: float = DELAY_SECONDS) -> Iterator[None]:
    if not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    status = Console(stderr=True).status(message)
    lock = threading.Lock()
    started = False

    def start() -> None:
        nonlocal started
        with lock:
            if not finished:
                status.start()
                started = True

    finished = False
    timer = threading.Timer(delay, start)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            finished = True
            timer.cancel()
            if started:
                status.stop()
