"""Seeded benchmark exports: deals (1M and 5M rows), spend and tickets (1M rows) as CSV, and a
200k-row deals xlsx, written once into a cache folder outside the repository.

    python bench/generate.py [--dir DIR] [--force]

DIR defaults to $CRM_METRICS_BENCH_DIR or ~/.cache/crm-metrics-bench. Existing files are kept (the
5M-row file takes a while), unless --force. A config per deals size is written next to the data.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

SEED = 20260101
DEAL_SIZES = {"1m": 1_000_000, "5m": 5_000_000}
TICKETS = SPEND = 1_000_000
XLSX_ROWS = 200_000
FIRST_DAY = np.datetime64("2021-01-01")
DAYS = 5 * 365
OPEN_STAGES = ["Prospecting", "Qualification", "Needs Analysis", "Proposal", "Negotiation"]
TYPES = ["New Business", "Existing Business - Upsell", "Renewal"]
SOURCES = ["Web", "Paid Search", "Webinar", "Trade Show", "Partner", "Outbound", "Customer Referral"]
REGIONS = ["NA", "EMEA", "APAC", "LATAM"]
CATEGORIES = ["Advertising", "Events", "Content", "Sales Salaries", "Tools", "Retention"]
CHANNELS = ["Email", "Chat", "Phone", "Web"]
PRIORITIES = ["Low", "Normal", "High", "Urgent"]


def default_dir() -> Path:
    return Path(os.environ.get("CRM_METRICS_BENCH_DIR") or Path.home() / ".cache" / "crm-metrics-bench")


def _pick(rng: np.random.Generator, choices: list[str], n: int, p: list[float] | None = None) -> pa.Array:
    codes = rng.choice(len(choices), size=n, p=p)
    return pa.array(choices).take(pa.array(codes))


def _ids(prefix: str, n: int) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pc.cast(pa.array(np.arange(1, n + 1)), pa.string()), "")


def deals_table(n: int, seed: int = SEED) -> pa.Table:
    rng = np.random.default_rng(seed)
    created = FIRST_DAY + rng.integers(0, DAYS, n).astype("timedelta64[D]")
    cycle = rng.gamma(2.0, 25.0, n).astype(int).astype("timedelta64[D]")
    roll = rng.random(n)
    outcome = np.where(roll < 0.3, 0, np.where(roll < 0.8, 1, 2))  # won, lost, open
    open_stage = rng.integers(0, len(OPEN_STAGES), n)
    stages = np.array(["Closed Won", "Closed Lost", *OPEN_STAGES])
    stage = np.where(outcome == 0, 0, np.where(outcome == 1, 1, 2 + open_stage))
    closed = pa.array(created + cycle, mask=outcome == 2)
    owners = [f"Owner {i:03d}" for i in range(150)]
    accounts = pc.binary_join_element_wise(
        "Account ", pc.cast(pa.array(rng.integers(0, max(n // 20, 1), n)), pa.string()), "")
    return pa.table({
        "Opportunity ID": _ids("D", n),
        "Account Name": accounts,
        "Opportunity Owner": _pick(rng, owners, n),
        "Stage": pa.array(stages).take(pa.array(stage)),
        "Amount": pa.array(np.round(rng.lognormal(9.5, 0.8, n), 2)),
        "Created Date": pa.array(created),
        "Close Date": closed,
        "Type": _pick(rng, TYPES, n, [0.6, 0.25, 0.15]),
        "Lead Source": _pick(rng, SOURCES, n),
        "Region": _pick(rng, REGIONS, n),
    })


def tickets_table(n: int, seed: int = SEED + 1) -> pa.Table:
    rng = np.random.default_rng(seed)
    created = np.datetime64("2021-01-01T00:00:00") + rng.integers(0, DAYS * 86400, n).astype("timedelta64[s]")
    resolved = created + rng.gamma(1.5, 12 * 3600, n).astype("timedelta64[s]")
    first = created + rng.gamma(1.2, 3600, n).astype("timedelta64[s]")
    return pa.table({
        "ID": pa.array(np.arange(1, n + 1)),
        "Priority": _pick(rng, PRIORITIES, n),
        "Via": _pick(rng, CHANNELS, n),
        "Assignee": _pick(rng, [f"Agent {i:02d}" for i in range(60)], n),
        "Created at": pa.array(created),
        "Solved at": pa.array(resolved, mask=rng.random(n) < 0.1),
        "First reply at": pa.array(first, mask=rng.random(n) < 0.05),
        "Satisfaction Score": pa.array(rng.integers(1, 6, n).astype(float), mask=rng.random(n) < 0.7),
    })


def spend_table(n: int, seed: int = SEED + 2) -> pa.Table:
    rng = np.random.default_rng(seed)
    return pa.table({
        "Date": pa.array(FIRST_DAY + rng.integers(0, DAYS, n).astype("timedelta64[D]")),
        "Category": _pick(rng, CATEGORIES, n),
        "Channel": _pick(rng, CHANNELS, n),
        "Amount": pa.array(np.round(rng.lognormal(5, 1, n), 2)),
    })


def write_config(folder: Path, deals_file: str, name: str, with_support: bool) -> None:
    support = """
  spend:
    path: spend-1m.csv
  tickets:
    path: tickets-1m.csv
    columns: {ticket_id: ID, created_at: Created at, resolved_at: Solved at, first_response_at: First reply at,
              channel: Via, agent: Assignee, csat: Satisfaction Score}""" if with_support else ""
    (folder / name).write_text(f"""# Written by bench/generate.py
period: quarter
timezone: UTC
currency: USD
range: {{from: 2021-01-01, to: 2025-12-31}}
gross_margin: 0.8
marketing_sources: [Web, Paid Search, Webinar, Trade Show]
sources:
  deals:
    path: {deals_file}
    columns: {{deal_id: Opportunity ID, account_name: Account Name, owner: Opportunity Owner, stage: Stage,
              amount: Amount, created_at: Created Date, closed_at: Close Date, deal_type: Type,
              source: Lead Source, region: Region}}{support}
""")


def _csv(table: pa.Table, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    pacsv.write_csv(table, tmp, pacsv.WriteOptions(quoting_style="needed"))
    tmp.replace(path)


def _xlsx(table: pa.Table, path: Path) -> None:
    import xlsxwriter

    tmp = path.with_suffix(".tmp.xlsx")
    book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
    sheet = book.add_worksheet("Deals")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, table.column_names)
    columns = [table.column(n).to_pylist() for n in table.column_names]
    for r in range(table.num_rows):
        for c, col in enumerate(columns):
            value = col[r]
            if value is None:
                continue
            if hasattr(value, "isoformat"):
                sheet.write_datetime(r + 1, c, value, date_format)
            else:
                sheet.write(r + 1, c, value)
    book.close()
    tmp.replace(path)


def generate(folder: Path, force: bool = False) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    jobs = [(f"deals-{k}.csv", lambda n=n: deals_table(n)) for k, n in DEAL_SIZES.items()]
    jobs += [("tickets-1m.csv", lambda: tickets_table(TICKETS)), ("spend-1m.csv", lambda: spend_table(SPEND))]
    for name, make in jobs:
        target = folder / name
        if force or not target.exists():
            print(f"writing {target}", flush=True)
            _csv(make(), target)
    xlsx = folder / "deals-200k.xlsx"
    if force or not xlsx.exists():
        print(f"writing {xlsx}", flush=True)
        _xlsx(deals_table(XLSX_ROWS), xlsx)
    for key in DEAL_SIZES:
        write_config(folder, f"deals-{key}.csv", f"deals-{key}.yaml", with_support=False)
        write_config(folder, f"deals-{key}.csv", f"full-{key}.yaml", with_support=True)
    write_config(folder, "deals-200k.xlsx", "deals-200k-xlsx.yaml", with_support=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=default_dir())
    parser.add_argument("--force", action="store_true", help="rewrite files that exist")
    args = parser.parse_args()
    generate(args.dir, args.force)


if __name__ == "__main__":
    main()
