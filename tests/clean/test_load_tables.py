"""pipeline.load_tables: each file mapped and cleaned alone, then combined; only the fields asked for
are read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crm_metrics.config.model import parse_config
from crm_metrics.io import read_source
from crm_metrics.pipeline import load_tables

DEALS = """Deal ID,Account,Stage,Amount,Created Date,Close Date,Owner,Region,Notes
D1,Acme,Closed Won,100,2025-01-02,2025-02-01,Ann,EU,x
D2,Beta,Closed Lost,200,2025-01-03,2025-02-10,Bob,US,y
"""


def _config(folder: Path, sources: dict[str, Any]) -> Any:
    return parse_config({"timezone": "UTC", "sources": sources}, origin="t.yaml", base_dir=folder)


def test_only_the_fields_asked_for_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "deals.csv").write_text(DEALS)
    config = _config(tmp_path, {"deals": {"path": "deals.csv", "columns": {"account_name": "Account"}}})
    read: list[set[str]] = []
    real = read_source.read_table

    def recording(path: Path, *args: Any, usecols: Any = None, **kwargs: Any) -> Any:
        read.append(set(usecols or ()))
        return real(path, *args, usecols=usecols, **kwargs)

    monkeypatch.setattr(read_source, "read_table", recording)
    deals = load_tables(config, {"deals"}, {"deals": {"owner"}}).frames["deals"]
    # owner, as asked; the id and required fields (stage, amount, created_at); and what cleaning
    # needs: the account (customer key) and the close date. Not Region, not Notes.
    assert read == [{"Deal ID", "Account", "Stage", "Amount", "Created Date", "Close Date", "Owner"}]
    assert deals["owner"].tolist() == ["Ann", "Bob"]
    assert deals["region"].isna().all()  # not read: an unmapped field, as for an export without it
    read.clear()
    everything = load_tables(config, {"deals"}).frames["deals"]
    assert read == [{"Deal ID", "Account", "Stage", "Amount", "Created Date", "Close Date", "Owner", "Region"}]
    assert everything["region"].tolist() == ["EU", "US"]


def test_each_row_keeps_its_file_and_row(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(DEALS)
    # A second export of the same CRM under other headers, repeating D2 (the last row is kept).
    (tmp_path / "b.csv").write_text("Opportunity ID,Account Name,Stage,Amount,Created Date\n"
                                    "D3,Gamma,Prospecting,300,2025-01-05\nD2,Beta,Closed Lost,250,2025-01-03\n")
    config = _config(tmp_path, {"deals": {"path": ["a.csv", "b.csv"]}})
    loaded = load_tables(config, {"deals"})
    deals = loaded.frames["deals"]
    assert list(zip(deals["deal_id"], deals["_file"].astype(str).map(lambda f: Path(f).name), deals["_row"],
                    strict=True)) == [("D1", "a.csv", 2), ("D3", "b.csv", 2), ("D2", "b.csv", 3)]
    assert deals["amount"].tolist() == [100.0, 300.0, 250.0]
    quality = loaded.quality["deals"]
    # The files name the account differently: the summary says so, and which file read what.
    assert quality.columns["account_name"] == "Account / Account Name"
    assert "a.csv: account_name <- 'Account' (detected)" in quality.mapping
    assert "b.csv: account_name <- 'Account Name' (detected)" in quality.mapping
    [conflict] = loaded.checks["deals"].problems
    assert (conflict.check, conflict.count) == ("duplicate_conflict", 1)
    assert [(Path(f).name, row, value) for f, row, value in conflict.examples] == [("b.csv", 3, "D2")]
