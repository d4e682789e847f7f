"""`crm-metrics init EXPORT...`: look at each export and write a commented config that runs as is.

The sniffing, table recognition and guessing are api.plan_init's (mapping/init_plan.py, and the
text config/init_writer.py); this command checks where the config goes, writes it and says what
it found.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crm_metrics.cli.common import user_errors
from crm_metrics.wording import plural

if TYPE_CHECKING:
    from crm_metrics.mapping.init_plan import TablePlan


def init(
    # No dir_okay=False: a folder is refused in one line (init_plan.check_exports) instead of a usage box.
    exports: Annotated[list[Path], typer.Argument(help="Export files (CSV or xlsx) from your CRM or help desk.",
                                                  metavar="EXPORT")],
    output: Annotated[Path, typer.Option("--output", "-o",
                                         help="Where to write the config.")] = Path("crm-metrics.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite the output file if it exists.")] = False,
) -> None:
    """Sniff exports and write a commented crm-metrics.yaml that runs at once."""
    with user_errors():
        from crm_metrics import api
        from crm_metrics.errors import ConfigError
        from crm_metrics.render.output import atomic_write, check_output_path, is_stream

        # Where the config goes is checked before plan_init reads any export.
        if output.is_dir():
            raise ConfigError(f"--output {output}: is a folder; give a file name such as "
                              f"{output / 'crm-metrics.yaml'}")
        check_output_path(output)
        # A device or FIFO (-o /dev/null) is written into, not overwritten: no --force needed.
        if output.exists() and not force and not is_stream(output):
            raise ConfigError(f"{output}: already exists; pass --force to overwrite it or --output another file")
        plan = api.plan_init(exports, output)
        text = plan.text
        atomic_write(output, lambda handle: handle.write(text.encode("utf-8")))
        for table in plan.tables:
            how = plural(len(table.columns), "detected column") if table.columns else f"preset {table.preset}"
            typer.echo(f"{table.table}: {', '.join(p.name for p in table.paths)} ({how})")
            for line in guess_lines(table):
                typer.echo(f"  {line}")
            for joined in table.joins:
                typer.echo(f"  JOINED: {joined.note} (sources.{table.table}.join)")
        for reason in plan.skipped:
            typer.echo(f"crm-metrics: skipped {reason}", err=True)
        first = "map the NOT FOUND fields in it, then " if any(t.missing for t in plan.tables) else ""
        typer.echo(f"wrote {output}; {first}run: crm-metrics report --config {output}")


def guess_lines(plan: TablePlan) -> list[str]:
    """What init did not read from a header's name, for the screen: each guess, each required
    field it left for the user (one header is never read for two fields), and each optional field
    the table's main metrics need that no column gives (TablePlan.unread)."""
    from crm_metrics.mapping.columns import is_loose

    where = f"sources.{plan.table}"
    lines = [f"GUESS: {name} " + (f"= {header[1:]!r} on every row" if header.startswith("=") else f"<- {header!r}")
             + (" (a loose name for it)" if is_loose(plan.table, name, header) else " (from the values)")
             + f": check it, then move it from {where}.guessed_columns to {where}.columns"
             for name, header in plan.guessed.items()]
    lines += [f"NOT FOUND: {name}: {why} ({where}.columns.{name})" for name, why in plan.missing.items()]
    lines += [f"NOT READ: {name}: {why}" for name, why in plan.unread.items()]
    if plan.unused:
        lines.append(f"columns not read: {', '.join(plan.unused)} (map one under {where}.columns if it is a field)")
    return lines
