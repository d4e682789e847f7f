"""Small hand-made exports for the survey, call, campaign, breakdown, compare and explain tests.

Every number the tests expect is worked out by hand from these rows, in the tests' comments.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from crm_metrics.config.model import Config, parse_config

DEALS = """deal_id,account_name,owner,stage,amount,created_at,closed_at,deal_type,campaign
D1,Alpha Ltd,Ann,Closed Won,1000,2025-01-01,2025-02-01,New,Spring
D2,Beta Co,Bob,Closed Won,2000,2025-01-01,2025-02-10,New,
D3,Gamma Inc,Ann,Closed Won,3000,2025-01-01,2025-03-01,New,Webinar
D4,Alpha Ltd,Bob,Closed Won,500,2025-01-01,2025-03-15,Upsell,Spring
D5,Delta LLC,Bob,Closed Lost,4000,2025-01-01,2025-03-20,New,Spring
D6,Gamma Inc,Ann,Closed Won,700,2025-02-01,2025-04-10,New,Spring
D7,Echo SA,Ann,Closed Won,1500,2025-03-01,2025-05-10,New,
D8,Fox AG,Bob,Closed Lost,900,2025-03-01,2025-05-20,New,
D9,Golf BV,Bob,Closed Lost,800,2025-03-01,2025-06-20,New,
"""

SPEND = """date,category,amount,campaign
2025-01-15,Advertising,1000,Spring
2025-02-15,Advertising,500,Webinar
2025-03-15,Salaries,9000,
2025-03-31,Commissions,1500,
2025-04-15,Advertising,700,Spring
2025-05-15,Salaries,2300,
"""

SURVEYS = """answered_at,nps,ces
2025-01-10,10,7
2025-01-20,9,6
2025-02-01,7,5
2025-02-15,3,2
2025-03-01,0,
2025-03-02,9,
2025-04-05,8,4
2025-04-06,6,9
2025-05-01,11,3
"""

CALLS = """started_at,outcome,handle_seconds
2025-01-05 09:00,Answered,300
2025-01-05 10:00,Abandoned,
2025-01-06 11:00,answered,420
2025-02-01 12:00,Missed,30
2025-03-01 12:00,transferred somewhere,600
"""

TICKETS = """ticket_id,created_at,resolved_at,nps,ces
T1,2025-01-01 08:00,2025-01-01 10:00,10,6
T2,2025-01-02 08:00,2025-01-03 08:00,5,
"""

FILES = {"deals": DEALS, "spend": SPEND, "surveys": SURVEYS, "calls": CALLS, "tickets": TICKETS}


def make_config(tmp: Path, tables: tuple[str, ...], **extra: Any) -> Config:
    sources = {}
    for name in tables:
        (tmp / f"{name}.csv").write_text(FILES[name], encoding="utf-8")
        sources[name] = {"path": f"{name}.csv"}
    data: dict[str, Any] = {"period": "quarter", "currency": "USD",
                            "range": {"from": "2025-01-01", "to": "2025-06-30"}, "sources": sources}
    data.update(extra)
    (tmp / "crm-metrics.yaml").write_text(_yaml(data), encoding="utf-8")
    return parse_config(data, origin=str(tmp / "crm-metrics.yaml"), base_dir=tmp)


def _yaml(data: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=False)


TODAY = date(2025, 7, 15)
