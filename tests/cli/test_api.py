"""crm_metrics.api: what a Python user gets is what the terminal shows. Each api function is run on
a small hand-made export and compared with the command that wraps it, number by number."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crm_metrics import api
from crm_metrics.cli.app import app
from crm_metrics.config.model import load_config
from crm_metrics.errors import DataProblemsError, ExitCode, InputError
from crm_metrics.pipeline import RunOptions
from crm_metrics.render import get_renderer
from tests.fixtures.build import deal, write_csv

runner = CliRunner()
EXPORTS = Path(__file__).parents[1] / "fixtures" / "exports"

DEALS = [
    deal("D1", "Closed Won", "1000", "2025-01-05", "2025-02-10", "A"),
    deal("D2", "Closed Won", "3000", "2025-01-05", "2025-03-10", "B"),
    deal("D3", "Closed Lost", "2000", "2025-01-05", "2025-03-12", "C"),
    # A typo of a won stage: an open deal for the metrics, a data problem for the checks.
    deal("D4", "Closed Wno", "500", "2025-02-05", "2025-03-01", "D"),
]
STAGE_PROBLEM = ("1 stages that are neither won, lost nor a known open stage (add them to won_stages, "
                 "lost_stages or open_stages)")


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    write_csv(tmp_path, "deals", DEALS)
    path = tmp_path / "crm-metrics.yaml"
    # clv without gross_margin: the pipeline's own notice; the Wno stage: the checks' footer notice.
    path.write_text("period: quarter\nrange: {from: 2025-01-01, to: 2025-03-31}\n"
                    "metrics: [close_rate, new_revenue, clv]\nsources:\n  deals: {path: deals.csv}\n",
                    encoding="utf-8")
    return path


def test_api_report_is_what_the_terminal_shows(config_path: Path) -> None:
    result = api.report(load_config(config_path))
    values = {m.metric.id: m.cells["2025-Q1"].value for m in result.metrics}
    # Q1: 2 won / (2 won + 1 lost) = 0.6667 (D4's unknown stage counts as open); revenue 1,000 + 3,000.
    assert values["close_rate"] == pytest.approx(2 / 3)
    assert values["new_revenue"] == 4000
    assert result.notices == [
        "gross_margin is not set: CLV and CAC payback assume 100% margin",
        f"data problems in deals (crm-metrics validate): {STAGE_PROBLEM}",
    ]
    shown = io.StringIO()
    get_renderer("table")(result, shown)
    cli = runner.invoke(app, ["report", "--config", str(config_path)])
    assert cli.exit_code == 0, cli.output
    assert cli.stdout == shown.getvalue()


def test_api_report_strict_raises_with_the_validation(config_path: Path) -> None:
    with pytest.raises(DataProblemsError) as caught:
        api.report(load_config(config_path), RunOptions(), strict=True)
    error = caught.value
    assert error.exit_code is ExitCode.DATA_PROBLEMS
    [problem] = error.validation.problems
    assert (problem.table, problem.count, problem.examples[0][1:]) == ("deals", 1, (5, "Closed Wno"))
    cli = runner.invoke(app, ["report", "--config", str(config_path), "--strict"])
    assert cli.exit_code == 4
    assert cli.stdout == ""
    assert cli.stderr == (f"crm-metrics: deals: {STAGE_PROBLEM}\n"
                          "crm-metrics: error: --strict: data problems found, no metrics printed; "
                          "run `crm-metrics validate` for the rows\n")


def test_api_validate_is_validate_json(config_path: Path) -> None:
    checked = api.validate(load_config(config_path))
    # 4 rows, one problem: D4's stage on file row 5 (header = row 1).
    assert checked.sources[0].rows == 4
    assert [(p.check, p.count) for p in checked.problems] == [("unknown_stage", 1)]
    cli = runner.invoke(app, ["validate", "--config", str(config_path), "--format", "json"])
    assert cli.exit_code == 4
    assert json.loads(cli.stdout) == json.loads(json.dumps(checked.as_dict(), default=str))


def test_api_explain_with_and_without_a_config(config_path: Path) -> None:
    bare = api.explain(None, "close_rate")
    assert bare.inputs is None
    assert bare.definition[0] == "close_rate: Close rate"
    explained = api.explain(load_config(config_path), "close_rate", today=date(2026, 1, 15))
    assert explained.definition == bare.definition
    # Same counts as the report: 2 won / (2 won + 1 lost) = 66.7 %.
    assert explained.inputs == ["Close rate 2025-Q1 = 2 won / 3 closed (2 won + 1 lost, new and expansion deals) "
                                "= 66.7 %"]
    cli = runner.invoke(app, ["explain", "close_rate", "--config", str(config_path)])
    assert cli.exit_code == 0, cli.output
    assert cli.stdout == "\n".join([*explained.definition, "", *explained.inputs]) + "\n"


def test_api_plan_init_is_the_file_init_writes(tmp_path: Path) -> None:
    out = tmp_path / "c.yaml"
    plan = api.plan_init([EXPORTS / "hubspot_deals.csv"], out)
    assert [(t.table, t.preset, t.columns) for t in plan.tables] == [("deals", "hubspot", {})]
    assert plan.skipped == []
    assert not out.exists()
    cli = runner.invoke(app, ["init", str(EXPORTS / "hubspot_deals.csv"), "-o", str(out)])
    assert cli.exit_code == 0, cli.output
    assert out.read_text(encoding="utf-8") == plan.text


def test_api_plan_init_names_every_file_it_cannot_use(tmp_path: Path) -> None:
    (tmp_path / "calls.csv").write_text("Call Id,Agent\nC1,Ann\n", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("Note,Author\nhi,Bo\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        api.plan_init([tmp_path / "calls.csv", tmp_path / "notes.csv"], tmp_path / "c.yaml")
    assert len(caught.value.problems) == 2
    assert caught.value.problems[0].startswith(f"{tmp_path / 'calls.csv'}: no header names a required field")
    assert caught.value.problems[1].startswith(f"{tmp_path / 'notes.csv'}: no header names a required field")


def test_api_history_is_what_report_recorded(config_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite"
    config = load_config(config_path)
    run_id = api.record_history(db, api.report(config, RunOptions(metrics=("new_revenue",))), config)
    [stint] = api.history(db, "new_revenue")
    # One run, one value: Q1 new revenue 1,000 + 3,000 = 4,000.
    assert (stint.period, stint.value, stint.runs, stint.restated) == ("2025-Q1", 4000, 1, False)
    assert run_id == 1


def test_strict_with_verbose_still_says_which_columns_were_read(config_path: Path) -> None:
    cli = runner.invoke(app, ["report", "--config", str(config_path), "--strict", "--verbose"])
    assert cli.exit_code == 4
    lines = cli.stderr.splitlines()
    assert lines[:3] == ["deals: columns by detected headers (no vendor)", "  deal_id <- 'deal_id' (detected)",
                         "  stage <- 'stage' (detected)"]
    assert lines[-2:] == [f"crm-metrics: deals: {STAGE_PROBLEM}",
                          "crm-metrics: error: --strict: data problems found, no metrics printed; "
                          "run `crm-metrics validate` for the rows"]


@pytest.mark.parametrize(("options", "message"), [
    (RunOptions(by="nope"), "--by 'nope': not a field of any table"),
    (RunOptions(compare="weekly"), "--compare 'weekly'"),
    (RunOptions(top=3), "--top needs --by FIELD"),
    (RunOptions(by="owner", top=0), "--top 0: keep at least 1 group"),
    (RunOptions(metrics=()), "--metrics: no metric id"),
    (RunOptions(metrics=("close_rat",)), "unknown metric 'close_rat': did you mean 'close_rate'?"),
])
def test_api_report_refuses_options_the_command_refuses(config_path: Path, options: RunOptions,
                                                         message: str) -> None:
    # The checks live in pipeline.check_options, which prepare runs: Python callers get the same
    # one-line ConfigError as the command line, not a report "split by nope" with no groups.
    from crm_metrics.errors import ConfigError

    with pytest.raises(ConfigError) as raised:
        api.report(load_config(config_path), options)
    assert message in str(raised.value)


def test_load_config_takes_a_path_as_text(config_path: Path) -> None:
    # The README's "From Python" example passes a string.
    assert load_config(str(config_path)).origin == load_config(config_path).origin
