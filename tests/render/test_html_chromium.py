"""The HTML report in a real browser: headless Chromium (Debian's `chromium` package) loads the file
offline, and the page it renders has the table and one chart per metric; screenshots are taken and
looked at: the group rows are indented and the change cells coloured.

`scripts/install-test-browsers` installs Chromium on a Debian machine (CI calls it); where it cannot
be installed these tests skip and say so."""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from crm_metrics.render.output import write_report
from tests.export_fixture import fixture_report, full_report
from tests.render.png import read_png

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="headless Chromium not installed (/usr/bin/chromium): run scripts/install-test-browsers "
           "(root, Debian) or `apt-get install chromium` to run this test",
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
    # One part, its two groups: Sales (close rate, new revenue, sales cycle), then Unit economics (CAC).
    assert re.findall(r'<tr class="(?:part|section)"><th[^>]*>([^<]*)</th>', html) == [
        "Business performance", "Sales", "Unit economics"]
    charts = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(charts) == 4
    # close rate, new revenue and sales cycle have both quarters: a line; CAC's Q2 is n/a: a lone point
    assert ["<polyline" in chart for chart in charts] == [True, True, True, False]
    assert charts[3].count("<circle") == 1
    assert "Notes and data quality" in html

    shot = tmp_path / "shot.png"
    run = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1400,1800", page.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1400, 1800)
    assert len(data) > 20_000  # a blank page compresses to a few kB; text and charts do not


BETTER, WORSE, LINE = (0x1A, 0x7F, 0x37), (0xCF, 0x22, 0x2E), (0x09, 0x69, 0xDA)


def _near(image: np.ndarray, colour: tuple[int, int, int], tolerance: int = 40) -> np.ndarray:
    return np.abs(image.astype(int) - np.array(colour)).max(axis=2) < tolerance  # type: ignore[no-any-return]


def _text_lines(ink: np.ndarray) -> list[tuple[int, int, int]]:
    """(top, bottom, leftmost x) of each run of pixel rows holding dark pixels; thin runs (borders,
    underlines) are left out."""
    rows = ink.any(axis=1)
    lines, top = [], None
    for y, dark in enumerate([*rows, False]):
        if dark and top is None:
            top = y
        elif not dark and top is not None:
            if y - top >= 5:
                lines.append((top, y, int(np.argwhere(ink[top:y].any(axis=0)).min())))
            top = None
    return lines


def test_chromium_shows_group_rows_and_changes_in_colour(tmp_path: Path) -> None:
    page = tmp_path / "full.html"
    write_report(full_report(), "html", page)
    dom = _chromium(tmp_path, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    # 6 group rows (4 owners of close rate, 2 of new revenue), each with its own changes
    assert len(re.findall(r'<tr class="group">', html)) == 6
    # Totals: close rate twice, CAC, resolution Q1; groups: Ann's close rate Q2, Bob's revenue Q2.
    assert len(re.findall(r'<span class="chg worse"', html)) == 6
    # Totals: new revenue Q2, resolution Q2; groups: Ann's close rate Q1, other's Q2, Ann's revenue Q2.
    assert len(re.findall(r'<span class="chg better"', html)) == 5

    shot = tmp_path / "full.png"
    run = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1000,1200", page.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    image = read_png(shot.read_bytes())
    assert image.shape == (1200, 1000, 3)
    # The table is everything above the first chart line.
    table_bottom = int(np.argwhere(_near(image, LINE, 20))[:, 0].min())
    table = image[:table_bottom]
    # The change cells are drawn in their colours: red text for worse, green for better.
    assert _near(table, WORSE).sum() > 100
    assert _near(table, BETTER).sum() > 100
    # Group rows are indented under their metric: in the first column, text lines start at three
    # depths (heading and caption, metric labels, group labels), and six lines at the deepest.
    ink = table[:, :300].max(axis=2) < 140
    lines = _text_lines(ink)
    margin = min(x for _, _, x in lines)  # the page's left edge: title, caption, "Trends"
    first = next(i for i, line in enumerate(lines) if line[2] > margin + 5)
    rows = list(itertools.takewhile(lambda line: line[2] > margin + 5, lines[first:]))
    depths = [x - margin for _, _, x in rows]
    metric = min(depths)
    # Group labels start at least 10 px right of metric labels (1.8rem of padding against .8rem;
    # the first glyph's own side bearing moves a line by a pixel or two). In order: the header, the
    # part Business performance, its group Sales, close rate and its 4 owners, new revenue and its 2
    # owners, the group Unit economics, CAC, the part Customer perception, its group Support,
    # resolution time: headings start where metric labels do.
    kinds = "".join("g" if d >= metric + 10 else "m" for d in depths)
    assert kinds == "mmmmggggmggmmmmm", rows
