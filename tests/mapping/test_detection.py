"""Header detection without a preset or map: every preset's synonyms, compared ignoring case, spaces
and punctuation; two headers for one field are refused; what was read is shown to the user."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from crm_metrics.cli.app import app
from crm_metrics.errors import InputError
from crm_metrics.io.sniff import fit_presets, guess_tables
from crm_metrics.mapping.columns import map_columns
from crm_metrics.schema import TABLES

EXPORTS = Path(__file__).parents[1] / "fixtures" / "exports"
DEALS = TABLES["deals"]


def test_headers_match_ignoring_case_spaces_and_punctuation() -> None:
    headers = ["OPPORTUNITY_ID", "deal-stage", " Amount ", "created date", "Lead.Source"]
    found = map_columns(DEALS, headers, {}, "c.yaml", "f.csv")
    assert found.fields == {"deal_id": "OPPORTUNITY_ID", "stage": "deal-stage", "amount": " Amount ",
                            "created_at": "created date", "source": "Lead.Source"}
    assert found.how["deal_id"] == "detected"


def test_two_headers_for_one_field_are_refused_naming_both() -> None:
    # "Amount" (Salesforce, HubSpot, Zoho) and "close_value" (Maven's export) both mean the deal
    # amount; no single preset lists both, so choosing would be a guess.
    headers = ["Deal ID", "Stage", "Amount", "close_value", "Created Date"]
    with pytest.raises(InputError, match=r"f.csv: 'Amount' and 'close_value' could both be deals.amount; "
                                         r"say which one under sources.deals.columns.amount"):
        map_columns(DEALS, headers, {}, "c.yaml", "f.csv")


def test_the_map_settles_an_ambiguity() -> None:
    headers = ["Deal ID", "Stage", "Amount", "close_value", "Created Date"]
    found = map_columns(DEALS, headers, {"amount": "close_value"}, "c.yaml", "f.csv")
    assert found.fields["amount"] == "close_value"
    assert found.how["amount"] == "map"


def test_one_preset_listing_both_headers_is_its_documented_fallback() -> None:
    # Pipedrive lists "Deal - Won time" before "Deal - Lost time" for closed_at (and coalesces them).
    headers = ["Deal - ID", "Deal - Stage", "Deal - Status", "Deal - Value", "Deal - Add time",
               "Deal - Won time", "Deal - Lost time"]
    found = map_columns(DEALS, headers, {}, "c.yaml", "f.csv")
    assert found.fields["closed_at"] == "Deal - Won time"
    assert found.preset == "pipedrive"


def test_a_missing_required_field_lists_the_headers() -> None:
    with pytest.raises(InputError, match=r"f.csv: has no column for required field 'amount'"):
        map_columns(DEALS, ["Opportunity ID", "Stage", "Created Date"], {}, "c.yaml", "f.csv")


def test_verbose_and_caption_show_which_header_was_read(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(f"metrics: [close_rate]\nsources:\n  deals: {{path: {EXPORTS / 'zoho_deals.csv'}}}\n",
                      encoding="utf-8")
    result = CliRunner().invoke(app, ["report", "-c", str(config), "--verbose", "--from", "2025-01-01",
                                      "--to", "2025-03-31"])
    assert result.exit_code == 0, result.output
    assert "deals: columns by detected headers (zoho)" in result.output
    assert "stage <- 'Stage' (detected)" in result.output
    assert "closed_at <- 'Closing Date' (detected)" in result.output
    flat = " ".join(result.output.split())
    assert "deals columns by detected headers (zoho)" in flat
    assert "Columns read, deals: deal_id <- Record Id," in flat


def test_sniff_names_the_table_and_the_best_preset() -> None:
    headers = ["ID", "Subject", "Status", "Priority", "Via", "Assignee", "Created at", "Solved at",
               "Satisfaction Score"]
    assert guess_tables(headers)[0].table == "tickets"
    best = fit_presets("tickets", headers)[0]
    # Zendesk's preset names 9 ticket fields by header; 8 are in the file (not customer_id, which
    # Zendesk writes as "Organization").
    assert (best.preset, best.matched, best.listed) == ("zendesk", 8, 9)


def _mapped_by(tmp_path: Path, header: str, columns: dict[str, str] | None = None) -> str:
    """The caption's "columns by ..." for a one-row deals export with `header`."""
    from crm_metrics.config.model import parse_config
    from crm_metrics.pipeline import load_tables

    row = ",".join("Won" if h.strip().lower() in {"stage", "status"} else "D1" if "id" in h.lower()
                   else "100" if h.lower() in {"amount", "value"} else "2025-01-05" for h in header.split(","))
    (tmp_path / "deals.csv").write_text(f"{header}\n{row}\n", encoding="utf-8")
    source: dict[str, object] = {"path": "deals.csv"}
    if columns:
        source["columns"] = columns
    config = parse_config({"sources": {"deals": source}}, origin=str(tmp_path / "c.yaml"), base_dir=tmp_path)
    return load_tables(config, {"deals"}).quality["deals"].mapped_by


def test_generic_headers_name_no_vendor(tmp_path: Path) -> None:
    # deal_id, stage, amount, created_at are the fields' own names: no vendor exported them (monday's
    # preset also lists some, which used to make this "detected headers (monday)").
    assert _mapped_by(tmp_path, "deal_id,stage,amount,created_at") == "detected headers (no vendor)"


def test_a_vendor_is_named_when_its_own_headers_decided(tmp_path: Path) -> None:
    # Zoho's "Record Id" and "Closing Date" are its own; "Stage" and "Amount" are anyone's.
    headers = "Record Id,Stage,Amount,Created Time,Closing Date"
    assert _mapped_by(tmp_path, headers) == "detected headers (zoho)"


def test_a_partial_config_map_says_so_and_its_headers_name_no_vendor(tmp_path: Path) -> None:
    # The config maps the id and the creation date (the latter a Zendesk-looking "Created at"); the
    # rest are plain names found by detection: the map's headers do not make it a Zendesk export.
    mapped = _mapped_by(tmp_path, "Ref,stage,amount,Created at", {"deal_id": "Ref", "created_at": "Created at"})
    assert mapped == "config map and detected headers (no vendor)"
