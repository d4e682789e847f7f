"""Time `crm-metrics report --format json` against the same job in DuckDB SQL and in polars.

    python bench/run.py [--dir DIR] [--runs N] [--sizes 1m,5m] [--no-xlsx] [--full]

Each contender runs as a whole process (start-up, imports, load, compute, output), N times; the
median wall time and the peak resident memory of the child are reported, with the ratios ours / DuckDB
and ours / polars. The quarterly numbers (close rate, new revenue, median and mean sales cycle) of
every contender are cross-checked against ours. Data and configs come from bench/generate.py.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import default_dir, generate  # noqa: E402

METRICS = "close_rate,new_revenue,sales_cycle_days,sales_cycle_days_mean"
SALES_TYPES = ("New Business", "Existing Business - Upsell")
FIRST, LAST = "2021-01-01", "2025-12-31"

DUCKDB_SQL = """
WITH d AS (
  SELECT "Stage" AS stage, "Type" AS type, "Amount" AS amount, "Created Date" AS created,
         "Close Date" AS closed, "Opportunity Owner" AS owner
  FROM read_csv('{path}')
  WHERE "Close Date" BETWEEN DATE '{first}' AND DATE '{last}'
    AND "Stage" IN ('Closed Won', 'Closed Lost')
)
SELECT year(closed) || '-Q' || quarter(closed) AS q,
  count(*) FILTER (WHERE stage = 'Closed Won' AND type IN {types})
    / count(*) FILTER (WHERE type IN {types}) AS close_rate,
  coalesce(sum(amount) FILTER (WHERE stage = 'Closed Won' AND type = 'New Business'), 0) AS new_revenue,
  median(closed - created) FILTER (WHERE stage = 'Closed Won' AND type IN {types}) AS sales_cycle_days,
  avg(closed - created) FILTER (WHERE stage = 'Closed Won' AND type IN {types}) AS sales_cycle_days_mean,
  (SELECT count(*) FROM (SELECT owner, year(closed), quarter(closed), sum(amount) FROM d
     WHERE stage = 'Closed Won' AND type = 'New Business' GROUP BY ALL)) AS owner_rows
FROM d GROUP BY q ORDER BY q
"""


def run_duckdb(path: str) -> dict[str, dict[str, float]]:
    import duckdb

    sql = DUCKDB_SQL.format(path=path, first=FIRST, last=LAST, types=str(SALES_TYPES))
    rows = duckdb.sql(sql).fetchall()
    return {name: {r[0]: float(r[i]) for r in rows if r[i] is not None}
            for i, name in enumerate(METRICS.split(","), start=1)}


def run_polars(path: str) -> dict[str, dict[str, float]]:
    import polars as pl

    won = pl.col("Stage") == "Closed Won"
    sales = pl.col("Type").is_in(list(SALES_TYPES))
    days = (pl.col("Close Date") - pl.col("Created Date")).dt.total_days()
    deals = (
        pl.scan_csv(path, try_parse_dates=True)
        .filter(pl.col("Close Date").is_between(pl.date(2021, 1, 1), pl.date(2025, 12, 31))
                & pl.col("Stage").is_in(["Closed Won", "Closed Lost"]))
        .with_columns(q=pl.format("{}-Q{}", pl.col("Close Date").dt.year(), pl.col("Close Date").dt.quarter()))
    )
    by_quarter = deals.group_by("q").agg(
        close_rate=(won & sales).sum() / sales.sum(),
        new_revenue=pl.col("Amount").filter(won & (pl.col("Type") == "New Business")).sum(),
        sales_cycle_days=days.filter(won & sales).median(),
        sales_cycle_days_mean=days.filter(won & sales).mean(),
    )
    by_owner = (deals.filter(won & (pl.col("Type") == "New Business"))
                .group_by("Opportunity Owner", "q").agg(pl.col("Amount").sum()))
    quarters, _owners = pl.collect_all([by_quarter, by_owner])
    return {name: {r["q"]: float(r[name]) for r in quarters.iter_rows(named=True) if r[name] is not None}
            for name in METRICS.split(",")}


def run_fastexcel(path: str) -> dict[str, dict[str, float]]:
    import fastexcel

    frame = fastexcel.read_excel(path).load_sheet(0).to_pandas()
    print(len(frame), file=sys.stderr)
    return {}


ENGINES = {"duckdb": run_duckdb, "polars": run_polars, "fastexcel": run_fastexcel}


def timed(command: list[str], runs: int, cwd: Path) -> tuple[float, float, str]:
    """Median wall seconds, peak RSS (MiB) over the runs, and the last run's stdout.

    The peak is RUSAGE_CHILDREN's high-water mark, so this runs in a fresh process per command
    (measure()) to count that command's children only.
    """
    import resource

    walls, out = [], ""
    for _ in range(runs):
        start = time.perf_counter()
        child = subprocess.run(command, capture_output=True, cwd=cwd, check=False)
        walls.append(time.perf_counter() - start)
        if child.returncode:
            raise SystemExit(f"{' '.join(command)} failed:\n{child.stderr.decode()[-2000:]}")
        out = child.stdout.decode()
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return statistics.median(walls), peak, out


def measure(command: list[str], runs: int, cwd: Path) -> tuple[float, float, str]:
    """Run `command` under a fresh measuring process so the peak memory is this command's alone."""
    wrapper = [sys.executable, __file__, "--measure", str(runs), "--", *command]
    result = subprocess.run(wrapper, capture_output=True, text=True, cwd=cwd, check=False)
    if result.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr[-3000:]}")
    head, _, out = result.stdout.partition("\n")
    wall, peak = (float(x) for x in head.split())
    return wall, peak, out


def _measure_main(runs: int, command: list[str]) -> None:
    wall, peak, out = timed(command, runs, Path.cwd())
    sys.stdout.write(f"{wall} {peak}\n{out}")


def ours_numbers(report_json: str) -> dict[str, dict[str, float]]:
    report = json.loads(report_json)
    return {m["id"]: {k: v for k, v in m["values"].items() if v is not None} for m in report["metrics"]}


def agree(ours: dict[str, dict[str, float]], theirs: dict[str, dict[str, float]]) -> list[str]:
    problems = []
    for metric, values in ours.items():
        for label, value in values.items():
            other = theirs.get(metric, {}).get(label, 0.0 if metric == "new_revenue" else None)
            if other is None or abs(other - value) > 1e-6 * max(1.0, abs(value)):
                problems.append(f"{metric} {label}: ours {value} vs {other}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=default_dir())
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="1m,5m")
    parser.add_argument("--no-xlsx", action="store_true")
    parser.add_argument("--full", action="store_true", help="also time the full report (deals, spend, tickets)")
    parser.add_argument("--engine", choices=list(ENGINES), help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    parser.add_argument("command", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        _measure_main(args.measure, args.command)
        return
    if args.engine:
        print(json.dumps(ENGINES[args.engine](args.file)))
        return
    generate(args.dir)
    crm = str(Path(sys.executable).with_name("crm-metrics"))
    me = [sys.executable, __file__]
    lines = [f"{'job':34} {'median s':>9} {'peak MiB':>9}  vs ours"]
    for size in args.sizes.split(","):
        deals = str(args.dir / f"deals-{size}.csv")
        ours_cmd = [crm, "report", "--config", f"deals-{size}.yaml", "--format", "json", "--metrics", METRICS]
        ours_wall, ours_peak, ours_out = measure(ours_cmd, args.runs, args.dir)
        lines.append(f"{'crm-metrics deals ' + size:34} {ours_wall:9.2f} {ours_peak:9.0f}")
        ours = ours_numbers(ours_out)
        for engine in ("duckdb", "polars"):
            wall, peak, out = measure([*me, "--engine", engine, "--file", deals], args.runs, args.dir)
            problems = agree(ours, json.loads(out))
            check = "numbers agree" if not problems else f"DISAGREE: {problems[:3]}"
            lines.append(f"{engine + ' deals ' + size:34} {wall:9.2f} {peak:9.0f}  ours/{engine} "
                         f"{ours_wall / wall:.2f}x time, {ours_peak / peak:.2f}x memory; {check}")
        if args.full:
            full = [crm, "report", "--config", f"full-{size}.yaml", "--format", "json"]
            wall, peak, _ = measure(full, args.runs, args.dir)
            lines.append(f"{'crm-metrics full report ' + size:34} {wall:9.2f} {peak:9.0f}  (deals {size}, "
                         "spend 1M, tickets 1M, every default metric)")
        print("\n".join(lines[-4:]), flush=True)
    if not args.no_xlsx:
        xlsx = [crm, "report", "--config", "deals-200k-xlsx.yaml", "--format", "json", "--metrics", METRICS]
        ours_wall, ours_peak, _ = measure(xlsx, args.runs, args.dir)
        wall, peak, _ = measure([*me, "--engine", "fastexcel", "--file", str(args.dir / "deals-200k.xlsx")],
                                args.runs, args.dir)
        lines.append(f"{'crm-metrics xlsx 200k':34} {ours_wall:9.2f} {ours_peak:9.0f}")
        lines.append(f"{'fastexcel read xlsx 200k':34} {wall:9.2f} {peak:9.0f}  ours/fastexcel "
                     f"{ours_wall / wall:.2f}x time")
    print("\n" + "\n".join(lines))


if __name__ == "__main__":
    main()
