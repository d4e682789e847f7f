"""--metrics takes group names and the seed articles' three parts (business performance, CRM use,
customer perception) besides metric ids."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from crm_metrics.cli.app import app
from crm_metrics.metrics.spec import SPECS, Part, expand_selection

runner = CliRunner()


def test_a_group_name_selects_its_metrics_in_the_spec_order() -> None:
    sales = [m.id for m in SPECS if m.group.value == "sales"]
    assert expand_selection(["sales"]) == tuple(sales)
    # Spaces, underscores and case do not matter; an id next to its group is not repeated.
    assert expand_selection(["close_rate", "Unit_Economics"])[:2] == ("close_rate", "cac")
    assert "close_rate" not in expand_selection(["close_rate", "unit economics"])[1:]
    # Unknown names are left for the caller to report with its "did you mean".
    assert expand_selection(["sales_funnel"]) == ("sales_funnel",)


def test_every_metric_is_in_one_of_the_three_parts() -> None:
    by_part = {part: {m.id for m in SPECS if m.part is part} for part in Part}
    assert by_part[Part.ADOPTION] == {"sales_calls", "meetings_held", "activities_logged",
                                      "meetings_per_opportunity", "deal_data_completeness_pct"}
    assert {"csat_pct", "nps", "churn_rate", "tickets_backlog", "retained_customers"} <= by_part[Part.CUSTOMERS]
    assert {"cac", "close_rate", "leads_created", "proposals_sent", "deals_won"} <= by_part[Part.BUSINESS]
    assert sum(len(ids) for ids in by_part.values()) == len(SPECS)
    assert expand_selection(["crm_use"]) == ("sales_calls", "meetings_held", "activities_logged",
                                             "meetings_per_opportunity", "deal_data_completeness_pct")


def test_report_metrics_takes_a_group_name() -> None:
    # On the bundled sample data: the retention group's five metrics.
    from tests.conftest import ROOT

    sample = ROOT / "sample_data" / "sample-config.yaml"
    out = runner.invoke(app, ["report", "-c", str(sample), "-f", "json", "-q", "--metrics", "retention"])
    assert out.exit_code == 0, out.output
    ids = [m["id"] for m in json.loads(out.stdout)["metrics"]]
    assert ids == ["churn_rate", "renewal_rate", "renewal_rate_value", "expansion_revenue",
                   "retention_cost_per_customer"]
