"""What a new user runs first (`init`, then `validate` and `report` on the config it wrote) on real
exports and broken configs: the commands agree with each other and fail in one line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from crm_metrics.cli import app
from tests.conftest import ROOT

runner = CliRunner()
REAL = ROOT / "tests" / "fixtures" / "exports" / "real"


def test_validate_accepts_the_constant_stage_init_writes(tmp_path: Path) -> None:
    # Olist's closed-deals file has no stage column: init maps stage to "=Won". validate used to
    # report "required column '=Won' for stage is missing" (exit 4) on the config init had just written.
    out = tmp_path / "c.yaml"
    result = runner.invoke(app, ["init", str(REAL / "olist_closed_deals.csv"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert 'stage: "=Won"' in out.read_text(encoding="utf-8")
    checked = runner.invoke(app, ["validate", "-c", str(out)])
    assert checked.exit_code == 0, checked.output
    assert "stage <- '=Won'" in checked.stdout
    assert "missing" not in checked.output
