"""sla_compliance_pct from a yes/no SLA column (ServiceNow's made_sla) when the export has no
deadline column (metrics.md section 3, sla_compliance_pct; metrics/support._sla_verdicts)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crm_metrics.api import explain
from tests.fixtures.build import make_config, values

Q1, Q2 = "2025-Q1", "2025-Q2"


def ticket(tid: str, created: str, resolved: str, made_sla: str, **extra: str) -> dict:
    return {"number": tid, "opened_at": created, "resolved_at": resolved, "priority": "high",
            "made_sla": made_sla, **extra}


# Priority "high" would give an 8-hour deadline from the default support.sla_hours; every ticket
# below took longer, so the deadline rule would give 0 %: the verdicts must decide.
TICKETS = [
    ticket("INC1", "2025-01-06 09:00", "2025-01-07 09:00", "true"),
    ticket("INC2", "2025-02-03 09:00", "2025-02-05 09:00", "false"),
    ticket("INC3", "2025-03-03 09:00", "2025-03-04 12:00", "Y"),
    ticket("INC4", "2025-03-10 09:00", "2025-03-11 12:00", ""),       # no verdict: left out
    ticket("INC5", "2025-04-01 09:00", "2025-04-03 09:00", "No"),
]


def test_a_yes_no_sla_column_gives_the_compliance(tmp_path: Path) -> None:
    found = values(tmp_path, {"tickets": TICKETS}, ["sla_compliance_pct"], date(2025, 1, 1), date(2025, 6, 30))
    # Q1 verdicts: INC1 yes, INC2 no, INC3 yes (INC4 blank, left out) -> 2 / 3.
    # Q2: INC5 no -> 0 / 1.
    assert found["sla_compliance_pct"][Q1].value == pytest.approx(2 / 3)
    assert found["sla_compliance_pct"][Q2].value == 0


def test_a_deadline_column_wins_over_the_verdict(tmp_path: Path) -> None:
    tickets = [{**t, "sla_due_at": "2025-02-04 09:00"} for t in TICKETS[:3]]
    found = values(tmp_path, {"tickets": tickets}, ["sla_compliance_pct"], date(2025, 1, 1), date(2025, 3, 31))
    # Every deadline Feb 4 09:00: INC1 (resolved Jan 7) met, INC2 (Feb 5) and INC3 (Mar 4) missed
    # -> 1 / 3, where made_sla says 2 / 3.
    assert found["sla_compliance_pct"][Q1].value == pytest.approx(1 / 3)


def test_explain_names_the_verdict_column(tmp_path: Path) -> None:
    config = make_config(tmp_path, {"tickets": TICKETS}, metrics=["sla_compliance_pct"])
    explained = explain(config, "sla_compliance_pct", date(2025, 1, 1), date(2025, 3, 31), today=date(2025, 7, 1))
    assert explained.inputs == ["SLA compliance 2025-Q1 = 2 met / 3 resolved tickets with a verdict, from the "
                                "export's yes/no sla_met column (no deadline column) = 66.7 %"]
