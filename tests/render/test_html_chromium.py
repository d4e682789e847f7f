"""The HTML report in a real browser: headless Chromium (Debian's `chromium` package) loads the file
offline, and the page it renders has the table and one chart per metric; a screenshot is taken."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from crm_metrics.render.output import write_report
from tests.export_fixture import fixture_report

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="headless Chromium not installed (/usr/bin/chromium); `apt-get install chromium` to run this test",
)


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
         f"--user-data-dir={tmp_path / 'profile'}", *args],
        capture_output=True, text=True, timeout=60, check=False,
    )


def test_chromium_renders_the_table_and_a_chart_per_metric(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    write_report(fixture_report(), "html", page)

    dom = _chromium(tmp_path, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)
    assert len(rows) == 1 + 4  # header + 4 metrics
    assert "Close rate" in rows[1] and "20.0 % ✗" in rows[1]
    charts = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(charts) == 4
    # close rate, new revenue and sales cycle have both quarters: a line; CAC's Q2 is n/a: a lone point
    assert ["<polyline" in chart for chart in charts] == [True, False, True, True]
    assert charts[1].count("<circle") == 1
    assert "Notes and data quality" in html

    shot = tmp_path / "shot.png"
    run = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1400,1800", page.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1400, 1800)
    assert len(data) > 20_000  # a blank page compresses to a few kB; text and charts do not
