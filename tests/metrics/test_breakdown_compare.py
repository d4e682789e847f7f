"""--by, --top and --compare against hand calculations on tests/extra_fixtures.py, and the table's
arrows, colours and sparklines."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crm_metrics.api import report as run
from crm_metrics.cli.app import app
from crm_metrics.metrics.compare import Direction
from crm_metrics.pipeline import RunOptions
from crm_metrics.render.machine import render_csv
from crm_metrics.render.table import render_table, sparkline
from tests.extra_fixtures import TODAY, make_config

runner = CliRunner()


def _report(tmp: Path, metrics: tuple[str, ...], **options: object):  # type: ignore[no-untyped-def]
    return run(make_config(tmp, ("deals", "spend")), RunOptions(metrics=metrics, today=TODAY, **options))  # type: ignore[arg-type]


def test_new_revenue_by_owner_sums_to_the_total(tmp_path: Path) -> None:
    # Won new deals, Q1: D1 Ann 1,000, D2 Bob 2,000, D3 Ann 3,000 -> total 6,000 = Ann 4,000 + Bob 2,000.
    # Q2: D6 Ann 700, D7 Ann 1,500 -> total 2,200 = Ann 2,200 + Bob 0.
    result = _report(tmp_path, ("new_revenue",), by="owner").metrics[0]
    assert result.groups is not None
    assert {g: {p: c.value for p, c in cells.items()} for g, cells in result.groups.items()} == {
        "Ann": {"2025-Q1": 4000.0, "2025-Q2": 2200.0},
        "Bob": {"2025-Q1": 2000.0, "2025-Q2": 0.0},
    }
    for label in ("2025-Q1", "2025-Q2"):
        total = result.cells[label].value
        assert total == sum(cells[label].value or 0.0 for cells in result.groups.values())


def test_close_rate_by_owner_recombines_from_counts(tmp_path: Path) -> None:
    # Closed new/expansion deals in Q1: Ann D1 won, D3 won -> 2/2 = 1.0;
    # Bob D2 won, D4 won (upsell), D5 lost -> 2/3. Total (2 + 2) / (2 + 3) = 0.8.
    # Q2: Ann D6, D7 won -> 1.0; Bob D8, D9 lost -> 0/2 = 0. Total 2 / 4 = 0.5.
    result = _report(tmp_path, ("close_rate",), by="owner").metrics[0]
    assert result.groups is not None
    ann, bob = result.groups["Ann"], result.groups["Bob"]
    assert ann["2025-Q1"].value == pytest.approx(1.0)
    assert bob["2025-Q1"].value == pytest.approx(2 / 3)
    assert result.cells["2025-Q1"].value == pytest.approx(0.8)
    # Recombined from the closed counts (Ann 2, Bob 3): the wins add up to the total's.
    assert (ann["2025-Q1"].value or 0) * 2 + (bob["2025-Q1"].value or 0) * 3 == pytest.approx(0.8 * 5)
    assert (ann["2025-Q2"].value, bob["2025-Q2"].value, result.cells["2025-Q2"].value) == (1.0, 0.0, 0.5)


def test_top_folds_the_rest_into_other_recomputed(tmp_path: Path) -> None:
    # Deals per campaign: Spring D1, D4, D5, D6 (4); (none) D2, D7, D8, D9 (4); Webinar D3 (1);
    # spend rows: Spring 2, (none) 3, Webinar 1. Ranked by rows: (none) 7, Spring 6, Webinar 2.
    # --top 1 keeps "(none)" and recomputes Spring + Webinar together as "other":
    # Q1 close rate of D1 won, D3 won, D4 won, D5 lost = 3/4.
    result = _report(tmp_path, ("close_rate",), by="campaign", top=1).metrics[0]
    assert result.groups is not None
    assert list(result.groups) == ["(none)", "other"]
    assert result.groups["other"]["2025-Q1"].value == pytest.approx(0.75)
    # (none) in Q1: only D2, won -> 1.0.
    assert result.groups["(none)"]["2025-Q1"].value == pytest.approx(1.0)


def test_campaign_results_by_campaign(tmp_path: Path) -> None:
    # Spring in Q1: won D1 1,000 + D4 500 = 1,500 revenue, spend 1,000 -> (1,500 - 1,000) / 1,000 = 0.5.
    # Webinar: won D3 3,000, spend 500 -> (3,000 - 500) / 500 = 5.0.
    # New customers: Spring Alpha (D1) only; Gamma's D6 in Q2 is not its first new deal even though it
    # is the only Spring deal of Gamma -> Spring Q2 = 0.
    report = _report(tmp_path, ("campaign_return_on_spend", "campaign_new_customers"), by="campaign")
    roi, new = report.metrics
    assert roi.groups is not None and new.groups is not None
    assert roi.groups["Spring"]["2025-Q1"].value == pytest.approx(0.5)
    assert roi.groups["Webinar"]["2025-Q1"].value == pytest.approx(5.0)
    assert new.groups["Spring"]["2025-Q1"].value == 1.0
    assert new.groups["Spring"]["2025-Q2"].value == 0.0


def test_metrics_without_the_field_are_not_split_and_say_so_once(tmp_path: Path) -> None:
    report = _report(tmp_path, ("new_revenue", "cac"), by="owner")
    assert report.metrics[1].groups is None
    out = io.StringIO()
    render_table(report, out)
    text = out.getvalue()
    assert text.count("Not split by owner: CAC") == 1
    assert "New revenue (total)" in text and "  Ann" in text


def test_csv_fills_the_group_column(tmp_path: Path) -> None:
    out = io.StringIO()
    render_csv(_report(tmp_path, ("new_revenue",), by="owner"), out)
    rows = out.getvalue().splitlines()
    assert "new_revenue,2025-Q1,Bob,2000.0,currency," in rows
    assert "new_revenue,2025-Q1,,6000.0,currency," in rows


def test_cac_drop_is_better(tmp_path: Path) -> None:
    # CAC Q1 = (1,000 + 500 + 9,000 + 1,500) / 3 new customers (Alpha, Beta, Gamma) = 4,000;
    # Q2 = (700 + 2,300) / 1 (Echo) = 3,000. Change = (3,000 - 4,000) / 4,000 = -25 %, lower is better.
    report = _report(tmp_path, ("cac",), compare="previous")
    change = report.metrics[0].changes["2025-Q2"]
    assert (change.against, change.delta, change.unit, change.direction) == ("2025-Q1", -25.0, "%", Direction.BETTER)
    # Q1's baseline 2024-Q4 has no spend and no customers: no change, with the reason.
    assert report.metrics[0].changes["2025-Q1"].delta is None


def test_close_rate_change_is_in_points_and_a_drop_is_worse(tmp_path: Path) -> None:
    # Close rate 0.8 -> 0.5: -30 percentage points, higher is better -> worse.
    change = _report(tmp_path, ("close_rate",), compare="previous").metrics[0].changes["2025-Q2"]
    assert change.delta == pytest.approx(-30.0)
    assert (change.unit, change.direction) == ("pp", Direction.WORSE)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_table_colours_a_cac_drop_green_with_a_down_arrow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "xterm-256color")
    out = _Terminal()
    render_table(_report(tmp_path, ("cac", "close_rate"), compare="previous"), out)
    text = out.getvalue()
    assert "\x1b[32m↓25.0%" in text  # green: CAC fell from 4,000 to 3,000
    assert "\x1b[31m↓30.0 pp" in text  # red: close rate fell 30 points


def test_plain_table_shows_signed_changes_and_an_ascii_trend(tmp_path: Path) -> None:
    out = io.StringIO()
    render_table(_report(tmp_path, ("cac",), compare="previous"), out)
    line = next(ln for ln in out.getvalue().splitlines() if ln.startswith("CAC"))
    # 4,000 then 3,000: the higher is the top ASCII level, the lower the bottom one.
    assert "$3,000 -25.0%" in line and line.rstrip().endswith("#_")


def test_sparkline_scales_between_the_row_min_and_max() -> None:
    # 0 -> lowest block, 7 -> highest, 3.5 -> round(3.5) = level 4 (▅); None is a gap.
    assert sparkline([0.0, 3.5, None, 7.0]) == "▁▅ █"
    assert sparkline([0.0, 7.0], unicode=False) == "_#"
    assert sparkline([2.0, 2.0]) == "▄▄"


def test_json_carries_by_and_changes(tmp_path: Path) -> None:
    from crm_metrics.render.machine import report_dict

    data = report_dict(_report(tmp_path, ("new_revenue", "cac"), by="owner", compare="previous"))
    revenue, cac = data["metrics"]
    assert revenue["by"]["Bob"] == {"2025-Q1": 2000.0, "2025-Q2": 0.0}
    assert "by" not in cac and data["not_split"] == ["cac"]
    # new revenue 6,000 -> 2,200: (2,200 - 6,000) / 6,000 = -63.33 %.
    assert revenue["changes"]["2025-Q2"]["change"] == pytest.approx(-63.3333333333)
    assert revenue["changes"]["2025-Q2"]["direction"] == "worse"
    json.dumps(data)


@pytest.mark.usefixtures("on_terminal")
def test_sales_cycle_by_owner_on_the_sample_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./crm-metrics.yaml: the bundled sample data
    result = runner.invoke(app, ["report", "--metrics", "sales_cycle_days", "--by", "owner", "-f", "json"])
    assert result.exit_code == 0, result.output
    metric = json.loads(result.stdout)["metrics"][0]
    assert len(metric["by"]) == 6 and "Maya Thompson" in metric["by"]
    table = runner.invoke(app, ["report", "--metrics", "sales_cycle_days", "--by", "owner"])
    # One parenthesis, not "Sales cycle (median) (total)".
    assert table.exit_code == 0 and "Sales cycle (median, total)" in table.stdout


def test_sales_cycle_by_owner_by_hand(tmp_path: Path) -> None:
    # Won new/expansion deals in Q1 (days created -> closed): D1 Ann 31, D2 Bob 40, D3 Ann 59,
    # D4 Bob 73. Total median (40 + 59) / 2 = 49.5; Ann (31 + 59) / 2 = 45; Bob (40 + 73) / 2 = 56.5.
    result = _report(tmp_path, ("sales_cycle_days",), by="owner").metrics[0]
    assert result.groups is not None
    assert result.cells["2025-Q1"].value == 49.5
    assert (result.groups["Ann"]["2025-Q1"].value, result.groups["Bob"]["2025-Q1"].value) == (45.0, 56.5)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--by", "ownr"], "crm-metrics: error: --by 'ownr': not a field of any table; did you mean 'owner'?"),
        (["--top", "3"], "crm-metrics: error: --top needs --by FIELD"),
        (["--compare", "last"], "crm-metrics: error: --compare 'last': choose previous or year"),
    ],
)
def test_bad_options_are_one_line(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["report", *args])
    assert result.exit_code == 2
    assert result.stderr.strip() == message


def test_sample_new_revenue_by_region_adds_up_to_the_total(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # On the bundled sample: every won new deal has exactly one region (or none), so the groups
    # partition the deals and their revenue must add up to the total in every period.
    from crm_metrics.samples import sample_config

    report = run(sample_config(), RunOptions(metrics=("new_revenue", "close_rate"), by="region", today=TODAY))
    revenue, rate = report.metrics
    assert revenue.groups is not None and rate.groups is not None and len(revenue.groups) >= 2
    for label, cell in revenue.cells.items():
        assert cell.value == pytest.approx(sum(g[label].value or 0.0 for g in revenue.groups.values()))


def test_json_by_notes_give_the_group_reasons(tmp_path: Path) -> None:
    from crm_metrics.render.machine import report_dict

    # Bob wins no new/expansion deal in Q2 (D8, D9 lost): his sales cycle is n/a there.
    data = report_dict(_report(tmp_path, ("sales_cycle_days",), by="owner"))
    assert data["metrics"][0]["by"]["Bob"]["2025-Q2"] is None
    assert data["metrics"][0]["by_notes"] == {"Bob": {"2025-Q2": "no deals won"}}


def test_new_customers_by_owner_of_their_first_won_new_deal(tmp_path: Path) -> None:
    # A customer is new once, in the group of the first won new deal that made it one:
    # Q1 Alpha (D1, Ann), Beta (D2, Bob), Gamma (D3, Ann); Q2 Echo (D7, Ann). Alpha's upsell D4 (Bob)
    # and Gamma's second new deal D6 make no new customer. Ann 2 + Bob 1 = 3 in Q1; Ann 1 + Bob 0 = 1.
    report = _report(tmp_path, ("new_customers",), by="owner")
    result = report.metrics[0]
    assert result.groups is not None
    assert {g: {p: c.value for p, c in cells.items()} for g, cells in result.groups.items()} == {
        "Ann": {"2025-Q1": 2.0, "2025-Q2": 1.0},
        "Bob": {"2025-Q1": 1.0, "2025-Q2": 0.0},
    }
    assert (result.cells["2025-Q1"].value, result.cells["2025-Q2"].value) == (3.0, 1.0)
    out = io.StringIO()
    render_table(report, out)
    assert "Not split by owner" not in out.getvalue()
