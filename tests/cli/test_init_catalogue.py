"""`crm-metrics init` recognises the seed catalogue's tables: Olist's MQL export (cut-down real
file) and the vendor leads, activities and stage-history reports the presets know."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from crm_metrics import api
from crm_metrics.cli.app import app

REAL = Path(__file__).parents[1] / "fixtures" / "exports" / "real"
runner = CliRunner()


def test_init_on_olists_mql_export_reports_leads(tmp_path: Path) -> None:
    out = tmp_path / "crm-metrics.yaml"
    result = runner.invoke(app, ["init", str(REAL / "olist_mql.csv"), "--output", str(out)])
    assert result.exit_code == 0, result.output
    config = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert list(config["sources"]) == ["leads"]
    report = runner.invoke(app, ["report", "--config", str(out), "-f", "json", "--metrics", "leads_created",
                                 "--period", "year", "--from", "2017-01-01", "--to", "2018-12-31"])
    assert report.exit_code == 0, report.output
    values = json.loads(report.stdout)["metrics"][0]["values"]
    # The 30 rows' first_contact_date (day-first): 8 in 2017 (Jul 13 ... Dec 31), 22 in 2018.
    assert values == {"2017": 8, "2018": 22}


VENDOR_FILES = [
    ("salesforce-leads.csv", "leads", "salesforce",
     '"Lead ID","Company / Account","Create Date","Lead Source","Lead Status","Converted","Converted Date",'
     '"Lead Owner"\n"00Q1","Acme","1/5/2025","Web","Qualified","1","2/1/2025","Ann Lee"\n'
     '"00Q2","Beta","1/9/2025","Trade Show","Open","0","","Bob Ray"\n'),
    ("pipedrive-activities.csv", "activities", "pipedrive",
     "Activity - ID,Activity - Type,Activity - Due date,Activity - Done,Activity - Assigned to user,"
     "Activity - Deal ID\n11,Call,2025-01-05,1,Ann Lee,7\n12,Meeting,2025-01-06,0,Bob Ray,8\n"),
    ("hubspot-activities.csv", "activities", "hubspot",
     "Activity ID,Activity Type,Activity Date,Activity Owner,Call outcome\n"
     "1,Call,2025-01-05,Ann Lee,Connected\n2,Meeting,2025-01-06,Bob Ray,\n"),
    ("opportunity-history.csv", "stage_changes", "salesforce",
     '"Opportunity ID","Opportunity Name","Stage","Amount","Last Modified"\n'
     '"006A","Acme - New","Prospecting","1000","1/5/2025"\n"006A","Acme - New","Proposal/Price Quote","1000",'
     '"1/20/2025"\n'),
]


@pytest.mark.parametrize(("name", "table", "preset", "text"), VENDOR_FILES, ids=[f[0] for f in VENDOR_FILES])
def test_init_recognises_the_vendor_reports(tmp_path: Path, name: str, table: str, preset: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    plan = api.plan_init([path], tmp_path / "crm-metrics.yaml")
    assert plan.skipped == []
    assert [(t.table, t.preset) for t in plan.tables] == [(table, preset)]
