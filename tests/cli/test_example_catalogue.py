"""configs/example.yaml reads the generated leads, activities and stage-history sample exports, so
`make demo` shows the seed catalogue's metrics; each total is recounted here from the CSV itself."""

from __future__ import annotations

import csv
from datetime import date, datetime

from crm_metrics.api import report as run
from crm_metrics.config.model import load_config
from crm_metrics.periods import PeriodKind
from crm_metrics.pipeline import RunOptions
from tests.conftest import ROOT


def _rows(name: str) -> list[dict[str, str]]:
    with (ROOT / "sample_data" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_example_config_reports_leads_and_activities_from_the_sample_exports() -> None:
    config = load_config(ROOT / "configs" / "example.yaml")
    report = run(config, RunOptions(period=PeriodKind.YEAR, date_from=date(2025, 1, 1), date_to=date(2025, 12, 31),
                                    metrics=("leads_created", "activities_logged", "sales_calls",
                                             "stage_duration_days"), today=date(2026, 7, 1)))
    values = {r.metric.id: r.cells["2025"].value for r in report.metrics}
    # Recounted from the files: HubSpot "Create Date" (M/D/YYYY) and Pipedrive "Activity - Due date".
    leads = [r for r in _rows("leads.csv") if datetime.strptime(r["Create Date"], "%m/%d/%Y").year == 2025]
    activities = [r for r in _rows("activities.csv") if r["Activity - Due date"].startswith("2025-")]
    assert values["leads_created"] == len(leads) > 0
    assert values["activities_logged"] == len(activities) > 0
    assert values["sales_calls"] == sum(r["Activity - Type"] == "Call" for r in activities) > 0
    stages = next(r for r in report.metrics if r.metric.id == "stage_duration_days").groups
    assert stages is not None
    assert list(stages) == ["Prospecting", "Qualification", "Proposal/Price Quote", "Negotiation/Review"]
