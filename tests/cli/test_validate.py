"""Every check of `validate`: a fixture with exactly that problem, and the clean fixture without it.

Row numbers are file rows with the header as row 1, so the first data row is row 2.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from crm_metrics.checks import SourceCheck, check_frame
from crm_metrics.cli.app import app
from crm_metrics.config.model import Config, parse_config

TODAY = date(2026, 1, 15)
DEAL_HEADERS = ["Deal ID", "Account", "Stage", "Amount", "Created Date", "Close Date"]
CLEAN_DEALS = [
    ["D1", "Acme Ltd", "Closed Won", "100", "2025-01-02", "2025-02-01"],
    ["D2", "Beta GmbH", "Closed Lost", "200", "2025-01-03", "2025-02-10"],
    ["D3", "Gamma Inc", "Prospecting", "300", "2025-01-05", ""],
    ["D4", "Delta SA", "Negotiation", "400", "2025-01-06", "2026-03-01"],  # expected close ahead: fine
]
TICKET_HEADERS = ["ID", "Created at", "Solved at"]
CLEAN_TICKETS = [["T1", "2025-01-02 09:00", "2025-01-02 12:00"], ["T2", "2025-01-03 09:00", ""]]


def _config(**keys: Any) -> Config:
    return parse_config({"timezone": "UTC", **keys}, origin="test.yaml", base_dir=Path("."))


def _check(table: str, headers: list[str], rows: list[list[str]], config: Config | None = None,
           columns: dict[str, str] | None = None) -> SourceCheck:
    raw = pd.DataFrame(rows, columns=headers, dtype="string").replace("", None)
    explicit = columns if columns is not None else (
        {"account_name": "Account", "closed_at": "Close Date", "created_at": "Created Date"} if table == "deals"
        else {"ticket_id": "ID", "resolved_at": "Solved at"})
    return check_frame(table, raw, config or _config(), TODAY, explicit)


def _deals(change: dict[tuple[int, int], str] | None = None, extra: list[list[str]] | None = None,
           config: Config | None = None) -> SourceCheck:
    rows = [list(r) for r in CLEAN_DEALS]
    for (row, col), value in (change or {}).items():
        rows[row][col] = value
    return _check("deals", DEAL_HEADERS, rows + (extra or []), config)


def _only(check: SourceCheck) -> tuple[str, int, list[tuple[str, int, str]]]:
    assert len(check.problems) == 1, [(p.check, p.message) for p in check.problems]
    problem = check.problems[0]
    return problem.check, problem.count, problem.examples


def test_clean_fixtures_have_no_problem_and_report_rows_and_columns() -> None:
    deals = _deals()
    assert deals.problems == []
    assert deals.rows == 4
    assert deals.columns["closed_at"] == "Close Date"
    assert deals.blanks["closed_at"] == 1  # D3 has no close date
    assert _check("tickets", TICKET_HEADERS, CLEAN_TICKETS).problems == []


def test_missing_required_column_names_the_closest_header() -> None:
    rows = [list(r) for r in CLEAN_DEALS]
    headers = ["Deal ID", "Account", "Stage", "Amount", "Create Dt", "Close Date"]
    check = _check("deals", headers, rows, columns={"account_name": "Account", "closed_at": "Close Date"})
    kinds = [p.check for p in check.problems]
    assert kinds == ["missing_column"]
    assert "'created_at'" in check.problems[0].message and "'Create Dt'" in check.problems[0].message


def test_blank_required_cell() -> None:
    assert _only(_deals({(1, 2): ""})) == ("blank_required", 1, [("x.csv", 3, "")])


def test_won_deal_without_amount_but_open_deal_may_have_none() -> None:
    assert _only(_deals({(0, 3): ""})) == ("won_without_amount", 1, [("x.csv", 2, "Closed Won")])
    assert _deals({(2, 3): ""}).problems == []  # D3 is open (Prospecting)


def test_unparseable_amount_and_date_with_row_and_value() -> None:
    assert _only(_deals({(2, 3): "lots"})) == ("unparseable", 1, [("x.csv", 4, "lots")])
    check = _deals({(0, 5): "TBD"})
    # D1 is won and its close date does not parse: counted once, as unparseable (the most specific
    # reason), not again as a won deal without a close date.
    assert [(p.check, p.count) for p in check.problems] == [("unparseable", 1)]
    assert check.problems[0].examples == [("x.csv", 2, "TBD")]


def test_at_most_five_examples() -> None:
    extra = [[f"E{i}", "Acme Ltd", "Prospecting", "bad", "2025-01-02", ""] for i in range(7)]
    kind, count, examples = _only(_deals(extra=extra))
    assert (kind, count) == ("unparseable", 7)
    assert [row for _, row, _ in examples] == [6, 7, 8, 9, 10]  # rows 2-5 are the clean deals


def test_exact_duplicate_vs_conflicting_duplicate() -> None:
    assert _only(_deals(extra=[list(CLEAN_DEALS[1])])) == ("duplicate_exact", 1, [("x.csv", 6, "D2")])
    conflict = list(CLEAN_DEALS[1])
    conflict[3] = "250"
    assert _only(_deals(extra=[conflict]))[:2] == ("duplicate_conflict", 1)


def test_same_customer_spelt_differently() -> None:
    # "ACME Ltd" and "Acme Ltd." differ only in case and punctuation from row 2's "Acme Ltd".
    kind, count, examples = _only(_deals({(1, 1): "ACME Ltd", (2, 1): "Acme Ltd."}))
    assert (kind, count) == ("name_variants", 2)
    assert examples == [("x.csv", 3, "ACME Ltd"), ("x.csv", 4, "Acme Ltd.")]
    # The same spelling twice is one customer, not a problem.
    assert _deals({(1, 1): "Acme Ltd"}).problems == []


def test_closed_deal_without_close_date() -> None:
    assert _only(_deals({(1, 5): ""})) == ("closed_without_date", 1, [("x.csv", 3, "Closed Lost")])


def test_close_before_create() -> None:
    assert _only(_deals({(0, 5): "2024-12-31"})) == ("closed_before_created", 1, [("x.csv", 2, "2024-12-31")])


def test_negative_amount() -> None:
    assert _only(_deals({(0, 3): "-100"})) == ("negative_amount", 1, [("x.csv", 2, "-100")])


def test_future_created_date() -> None:
    # TODAY is 2026-01-15: a deal created 2026-01-16 is in the future; D4's expected close is not flagged.
    assert _only(_deals({(2, 4): "2026-01-16"})) == ("future_date", 1, [("x.csv", 4, "2026-01-16")])
    assert _deals({(2, 4): "2026-01-15"}).problems == []


def test_ticket_resolved_before_created() -> None:
    rows = [list(r) for r in CLEAN_TICKETS]
    rows[0][2] = "2025-01-01 12:00"
    check = _check("tickets", TICKET_HEADERS, rows)
    assert _only(check) == ("resolved_before_created", 1, [("x.csv", 2, "2025-01-01 12:00")])


def test_unknown_stage_is_flagged_and_config_stages_are_known() -> None:
    assert _only(_deals({(0, 2): "Closed Wno"})) == ("unknown_stage", 1, [("x.csv", 2, "Closed Wno")])
    assert _deals({(2, 2): "Pilot"}, config=_config(open_stages=["pilot"])).problems == []
    assert _deals({(0, 2): "Signed"}, config=_config(won_stages=["Signed"])).problems == []
    for hubspot in ("appointmentscheduled", "qualifiedtobuy", "decisionmakerboughtin", "contractsent"):
        assert _deals({(2, 2): hubspot}).problems == []


def test_lost_deal_that_duplicates_another() -> None:
    # D5 repeats D1's account, amount and create date under a new id, and was marked lost.
    twin = ["D5", "Acme Ltd", "Closed Lost", "100", "2025-01-02", "2025-02-03"]
    assert _only(_deals(extra=[twin])) == ("lost_duplicate", 1, [("x.csv", 6, "Acme Ltd")])
    twin_other_amount = [*twin[:3], "150", *twin[4:]]
    assert _deals(extra=[twin_other_amount]).problems == []
    # Lost deals zeroed by the CRM (Maven's close_value 0) are not duplicates of each other.
    zeroed = [["Z1", "Acme Ltd", "Closed Lost", "0", "2025-03-01", "2025-03-02"],
              ["Z2", "Acme Ltd", "Closed Lost", "0", "2025-03-01", "2025-03-05"]]
    assert _deals(extra=zeroed).problems == []


@pytest.fixture
def clean_config(tmp_path: Path) -> Path:
    deals = tmp_path / "deals.csv"
    deals.write_text(",".join(DEAL_HEADERS) + "\n" + "\n".join(",".join(r) for r in CLEAN_DEALS[:3]) + "\n")
    config = tmp_path / "c.yaml"
    config.write_text("metrics: [close_rate]\nsources:\n  deals:\n    path: deals.csv\n"
                      "    columns: {account_name: Account, closed_at: Close Date, created_at: Created Date}\n")
    return config


def test_a_repeat_differing_only_in_columns_not_read_is_not_called_an_exact_copy() -> None:
    # ServiceNow's event log repeats a ticket with a new sys_mod_count and sys_updated_by; neither
    # column is read, so the rows agree in every column read, which is all the check can say of them.
    headers = [*TICKET_HEADERS, "sys_updated_by", "sys_mod_count"]
    rows = [[*CLEAN_TICKETS[0], "ann", "0"], [*CLEAN_TICKETS[1], "ann", "0"], [*CLEAN_TICKETS[0], "bob", "3"]]
    check = _check("tickets", headers, rows)
    assert [(p.check, p.message, p.count) for p in check.problems] == [
        ("duplicate_exact", "rows that repeat a ticket_id with the same values in every column read", 1)]


def test_cli_exit_0_when_clean_and_4_with_problems(clean_config: Path) -> None:
    runner = CliRunner()
    clean = runner.invoke(app, ["validate", "--config", str(clean_config)])
    assert clean.exit_code == 0, clean.output
    assert "deals: 3 rows read" in clean.stdout and "OK: no data problems found" in clean.stdout
    deals = clean_config.parent / "deals.csv"
    deals.write_text(deals.read_text() + "D2,Beta GmbH,Closed Lost,200,2025-01-03,2025-02-10\n")
    dirty = runner.invoke(app, ["validate", "--config", str(clean_config), "--format", "json"])
    assert dirty.exit_code == 4
    data = json.loads(dirty.stdout)
    assert data["ok"] is False
    [problem] = data["sources"][0]["problems"]
    assert problem["check"] == "duplicate_exact"
    assert problem["examples"] == [[str(deals), 5, "D2"]]


def test_report_footer_and_strict_agree_with_validate(clean_config: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["report", "--config", str(clean_config), "--strict"]).exit_code == 0
    deals = clean_config.parent / "deals.csv"
    deals.write_text(deals.read_text() + "D9,Zeta,Closed Wno,50,2025-01-04,2025-02-01\n")
    strict = runner.invoke(app, ["report", "--config", str(clean_config), "--strict"])
    assert strict.exit_code == 4
    assert strict.stdout == ""
    assert "deals: 1 stages that are neither won, lost nor a known open stage" in strict.stderr
    loose = runner.invoke(app, ["report", "--config", str(clean_config), "--format", "json"])
    assert loose.exit_code == 0
    notices = json.loads(loose.stdout)["notices"]
    assert any("data problems in deals" in n and "1 stages that are neither" in n for n in notices)


def test_lost_twins_match_the_rule_on_random_deals() -> None:
    # The rule read literally: a lost deal whose (account key, amount, create day) equals another
    # deal's, amounts non-zero, a repeated id counted at its last row only. The validator takes a
    # faster route (numbers first, account keys for the rows that share them); both must agree.
    rng = np.random.default_rng(5)
    n = 400
    rows = [[f"D{rng.integers(0, 380)}", rng.choice(["Acme Ltd", "ACME ltd.", "Beta Co", "", "Gamma"]),
             rng.choice(["Closed Lost", "Closed Won", "Prospecting"]), str(rng.choice([0, 100, 150, 200])),
             f"2025-01-0{rng.integers(1, 4)}", "2025-02-03"] for _ in range(n)]
    check = _check("deals", DEAL_HEADERS, rows)
    found = next((p.count for p in check.problems if p.check == "lost_duplicate"), 0)

    frame = pd.DataFrame(rows, columns=["id", "account", "stage", "amount", "created", "closed"])
    frame["key"] = frame["account"].str.casefold().str.replace(r"[^0-9a-z]", "", regex=True)
    last_of_id = ~frame["id"].duplicated(keep="last")
    usable = frame[last_of_id & (frame["amount"] != "0") & (frame["key"] != "")]
    twin = usable.duplicated(["key", "amount", "created"], keep=False)
    expected = int((usable["stage"][twin] == "Closed Lost").sum())
    assert expected > 0
    assert found == expected


def test_name_variants_match_the_rule_on_random_names() -> None:
    # The rule read literally, row by row: a spelling is flagged once, at its first row, when an
    # earlier row has another spelling with the same word key. The validator works on the distinct
    # spellings instead; both must flag the same rows.
    rng = np.random.default_rng(7)
    spellings = ["Acme Ltd", "ACME ltd.", "Acme  Ltd", "Beta Co", "beta co", "", "Gamma", "  Gamma ", "G.amma"]
    names = [str(rng.choice(spellings)) for _ in range(300)]
    rows = [[f"D{i}", name, "Closed Won", "100", "2025-01-02", "2025-02-01"] for i, name in enumerate(names)]
    check = _check("deals", DEAL_HEADERS, rows)
    problem = next(p for p in check.problems if p.check == "name_variants")

    first_spelling: dict[str, str] = {}
    seen: set[str] = set()
    expected = []
    for row, name in enumerate(names, start=2):
        name = name.strip()
        key = "".join(c for c in name.casefold() if c.isalnum())
        if key and name not in seen and first_spelling.setdefault(key, name) != name:
            expected.append(row)
        seen.add(name)
    assert len(expected) >= 4
    assert problem.count == len(expected)
    assert [row for _, row, _ in problem.examples] == expected[:5]


def test_a_desks_score_words_are_values_not_unparseable() -> None:
    # Zendesk exports CSAT as "good" / "bad" / "unoffered"; the report reads them through the preset's
    # value map, so validate must too (it reported every one as an unparseable csat).
    from crm_metrics.checks import validate

    exports = Path(__file__).parents[1] / "fixtures" / "exports"
    config = parse_config({"sources": {"tickets": {"path": "zendesk_tickets.csv", "preset": "zendesk"}}},
                          origin="t.yaml", base_dir=exports)
    check = validate(config, today=TODAY).sources[0]
    assert [p for p in check.problems if p.check == "unparseable"] == []
    # A real typo in that column still is one: "good" maps to a score, "goood" does not.
    raw = pd.DataFrame({"ID": ["1", "2"], "Created at": ["2025-01-06 09:00"] * 2,
                        "Solved at": ["2025-01-06 13:00"] * 2, "Satisfaction Score": ["good", "goood"]})
    typo = check_frame("tickets", raw, _config(), TODAY, {}, preset="zendesk")
    assert [(p.check, p.count, p.examples) for p in typo.problems] == [("unparseable", 1, [("x.csv", 3, "goood")])]
