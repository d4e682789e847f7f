"""A source's `join:` files (config.model.JoinConfig, io.read_source.join_files): accounts plus
churn events give customers their churned_at, MQLs plus closed deals give leads their converted_at.
The rows are real rows of the shared exports (../shared/exports/ravenstack_saas and
olist_marketing_funnel), cut small so every figure is counted by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crm_metrics.api import explain, report, validate
from crm_metrics.config.model import load_config
from crm_metrics.errors import ConfigError, InputError
from crm_metrics.periods import PeriodKind
from crm_metrics.pipeline import RunOptions

ACCOUNTS = """account_id,account_name,industry,country,signup_date,referral_source,plan_tier,seats,is_trial,churn_flag
A-180abf,Company_122,FinTech,US,2023-08-14,organic,Pro,10,FALSE,TRUE
A-37f969,Company_150,EdTech,US,2023-10-14,partner,Basic,5,FALSE,FALSE
A-b20d99,Company_29,HealthTech,DE,2023-09-27,ads,Basic,3,FALSE,TRUE
A-43a9e3,Company_1,FinTech,IN,2023-08-17,other,Basic,18,FALSE,TRUE
A-10b8da,Company_9,DevTools,UK,2023-05-08,event,Pro,7,FALSE,TRUE
A-a0ca4e,Company_6,EdTech,US,2024-03-08,organic,Basic,2,FALSE,FALSE
"""

# Several events for A-180abf and A-37f969 (RavenStack has reactivations); A-b07346 is an account
# outside this cut; the blank account_id row is added to the cut.
CHURN_EVENTS = """churn_event_id,account_id,churn_date,reason_code,refund_amount_usd
C-e582ea,A-180abf,2023-12-04,support,0
C-fab429,A-180abf,2024-09-12,support,0
C-e41103,A-180abf,2024-05-04,competitor,0
C-5a81e7,A-37f969,2024-06-25,support,96.45
C-8d3540,A-37f969,2024-12-12,competitor,0
C-354790,A-37f969,2024-02-12,pricing,0
C-a8ac26,A-b20d99,2024-03-04,budget,0
C-a174be,A-b07346,2024-11-12,pricing,0
C-000000,,2024-05-01,other,0
"""


def ravenstack(tmp_path: Path, several: str = "latest", key: str = "account_id") -> Path:
    (tmp_path / "accounts.csv").write_text(ACCOUNTS)
    (tmp_path / "churn_events.csv").write_text(CHURN_EVENTS)
    config = tmp_path / "crm-metrics.yaml"
    config.write_text(f"""period: quarter
range: {{from: 2024-01-01, to: 2024-12-31}}
metrics: [churn_rate]
sources:
  customers:
    path: accounts.csv
    columns: {{customer_id: account_id, acquired_at: signup_date}}
    join:
      - path: churn_events.csv
        key: {key}
        columns: {{churned_at: churn_date}}
        several: {several}
""")
    return config


OPTIONS = RunOptions(today=date(2025, 6, 1))


def churn(config: Path) -> dict[str, float | None]:
    result = report(load_config(config), OPTIONS)
    return {label: cell.value for label, cell in result.metrics[0].cells.items()}


def test_churn_rate_from_joined_churn_events(tmp_path: Path) -> None:
    # Latest event per account: A-180abf 2024-09-12, A-37f969 2024-12-12, A-b20d99 2024-03-04.
    # Q1: active on Jan 1: 180abf, 37f969, b20d99, 43a9e3, 10b8da (a0ca4e signs up Mar 8) = 5;
    #     churned in Q1: b20d99 -> 1 / 5.
    # Q2: active on Apr 1: the same 4 not churned + a0ca4e = 5 (180abf, 37f969, 43a9e3, 10b8da,
    #     a0ca4e); none churns in Q2 -> 0 / 5.
    # Q3: the same 5; 180abf churns Sep 12 -> 1 / 5.  Q4: 37f969, 43a9e3, 10b8da, a0ca4e = 4;
    #     37f969 churns Dec 12 -> 1 / 4.
    values = churn(ravenstack(tmp_path))
    assert values == pytest.approx({"2024-Q1": 1 / 5, "2024-Q2": 0.0, "2024-Q3": 1 / 5, "2024-Q4": 1 / 4})


def test_earliest_event_rule(tmp_path: Path) -> None:
    # Earliest event: A-180abf 2023-12-04 (gone before 2024), A-37f969 2024-02-12.
    # Q1: active on Jan 1: 37f969, b20d99, 43a9e3, 10b8da = 4; churned: b20d99 (Mar 4) and
    #     37f969 (Feb 12) -> 2 / 4.
    values = churn(ravenstack(tmp_path, several="earliest"))
    assert values["2024-Q1"] == pytest.approx(2 / 4)


def test_joined_rows_left_out_are_counted(tmp_path: Path) -> None:
    result = report(load_config(ravenstack(tmp_path)), OPTIONS)
    left_out = result.quality["customers"].left_out
    # Blank key: C-000000. No such account in the cut: A-b07346. Passed over: two events each of
    # A-180abf and A-37f969 (three events each, the latest kept) = 4.
    assert left_out == {
        "rows of churn_events.csv with a blank account_id": 1,
        "rows of churn_events.csv whose account_id matches no customers row": 1,
        "rows of churn_events.csv passed over: several per account_id, the latest churn_date kept": 4,
    }


def test_validate_and_explain_see_the_joined_table(tmp_path: Path) -> None:
    config = load_config(ravenstack(tmp_path))
    checked = validate(config, today=date(2025, 6, 1))
    [customers] = [s for s in checked.sources if s.table == "customers"]
    assert customers.columns["churned_at"] == "churn_date"
    explained = explain(config, "churn_rate", date(2024, 1, 1), date(2024, 3, 31), today=date(2025, 6, 1))
    # Q1 by hand in test_churn_rate_from_joined_churn_events: b20d99 (Company_29) of 5.
    assert explained.inputs == ["Churn rate 2024-Q1 = 1 churned in the period (Company_29) / 5 customers active "
                                "on 2024-01-01 = 20.0 %"]


def test_missing_key_column_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        report(load_config(ravenstack(tmp_path, key="acct")), OPTIONS)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{tmp_path / 'churn_events.csv'}: no column 'acct' for the key to join on "
                              "(sources.customers.join.0.key)")
    assert "churn_event_id, account_id, churn_date" in message


def test_yaml_on_key_is_explained(tmp_path: Path) -> None:
    config = ravenstack(tmp_path)
    config.write_text(config.read_text().replace("key: account_id", "on: account_id"))
    with pytest.raises(ConfigError, match=r"join\.0: .*name the joined file's key column with key:"):
        load_config(config)


def test_join_maps_no_id_and_only_fields(tmp_path: Path) -> None:
    config = ravenstack(tmp_path)
    config.write_text(config.read_text().replace("{churned_at: churn_date}", "{churn_at: churn_date}"))
    with pytest.raises(ConfigError, match=r"customers\.join\.0\.columns\.churn_at: not a field of customers; "
                                          r"did you mean 'churned_at'\?"):
        load_config(config)


MQLS = """mql_id,first_contact_date,landing_page_id,origin
5420aad7fec3549a85876ba1c529bd84,21-02-2018,b48ec5f3b04e9068441002a19df93c6c,organic_search
b94fba7670eeb44dce2a0d8eb790e9f5,06-02-2018,a2a4e3d7f0d7a3b3f5f2f5f5f5f5f5f5,organic_search
c3e30ed7ac989117c7e1e719b4ac128f,20-02-2018,22c29808c4f815213303f8933030604c,direct_traffic
4e4e70d504b4c0006c8287dedc99d0fc,04-02-2018,e42a2e07da5c0f9c6df1e0d3bbf2f4d8,social
dac32acd4db4c29c230538b72f8dd87d,01-02-2018,88740e65d5d6b056e0cda098e1ea6313,social
6dda8f32d9ddc2a9ffe87be7d361a5c9,16-02-2018,40dec9f3d5259a3d2dbcdab2114fae47,unknown
b4bc852d233dfefc5131f593b538befa,22-03-2018,a7982125ff7aa3b2054c6e44f9d28522,organic_search
"""

# The first four MQLs won, and a555fb36 (an MQL outside this cut).
CLOSED_DEALS = """mql_id,seller_id,won_date,business_segment,lead_type
5420aad7fec3549a85876ba1c529bd84,2c43fb513632d29b3b58df74816f1b06,26-02-2018 19:58,pet,online_medium
b94fba7670eeb44dce2a0d8eb790e9f5,612170e34b97004b3ba37eae81836b4c,07-02-2018 18:04,home_decor,online_big
c3e30ed7ac989117c7e1e719b4ac128f,b95ea4ae9e7a1bd63e41f7ac4e1a8e4c,16-04-2018 18:18,food_drink,offline
4e4e70d504b4c0006c8287dedc99d0fc,a0e8b5b5f14d4a1b8c94bb5d0d5d0d56,28-02-2018 19:42,car_accessories,online_medium
a555fb36b9368110ede0f043dfc3b9a0,bbb7d7893a450660432ea6652310ebb7,08-05-2018 20:17,car_accessories,industry
"""


def test_lead_conversion_from_joined_closed_deals(tmp_path: Path) -> None:
    (tmp_path / "mql.csv").write_text(MQLS)
    (tmp_path / "closed.csv").write_text(CLOSED_DEALS)
    config = tmp_path / "crm-metrics.yaml"
    config.write_text("""period: month
range: {from: 2018-02-01, to: 2018-04-30}
metrics: [lead_conversion_rate, lead_to_customer_days]
sources:
  leads:
    path: mql.csv
    columns: {lead_id: mql_id, created_at: first_contact_date, source: origin}
    join:
      - {path: closed.csv, key: mql_id, columns: {converted_at: won_date}}
""")
    result = report(load_config(config), RunOptions(today=date(2025, 1, 1), period=PeriodKind.MONTH))
    cells = {r.metric.id: r.cells for r in result.metrics}
    # February cohort: 6 MQLs (5420, b94f, c3e3, 4e4e, dac3, 6dda); won by Apr 30: 5420 (Feb 26),
    # b94f (Feb 7), c3e3 (Apr 16), 4e4e (Feb 28) -> 4 / 6. March: b4bc, not won -> 0 / 1.
    conversion = cells["lead_conversion_rate"]
    assert conversion["2018-02"].value == pytest.approx(4 / 6)
    assert conversion["2018-03"].value == 0
    assert conversion["2018-04"].value is None  # no lead created in April
    # Won in February: 5420 21 Feb -> 26 Feb 19:58 = 5 d 19 h 58 min; b94f 6 Feb -> 7 Feb 18:04 =
    # 1 d 18 h 4 min; 4e4e 4 Feb -> 28 Feb 19:42 = 24 d 19 h 42 min; median 5 + 1198 / 1440 days.
    # Day-first read from both files together (21-02-2018, 26-02-2018 19:58).
    assert cells["lead_to_customer_days"]["2018-02"].value == pytest.approx(5 + 1198 / 1440)
    assert result.quality["leads"].left_out == {"rows of closed.csv whose mql_id matches no leads row": 1}


def test_an_empty_joined_file_is_no_churn_data_not_zero_churn(tmp_path: Path) -> None:
    config = ravenstack(tmp_path)
    (tmp_path / "churn_events.csv").write_text(CHURN_EVENTS.splitlines()[0] + "\n")
    result = report(load_config(config), OPTIONS)
    # A header and no rows says nothing about churn: n/a with the reason, never 0 % (metrics.md top).
    cells = result.metrics[0].cells
    assert all(cell.value is None for cell in cells.values())
    assert cells["2024-Q2"].note is not None and cells["2024-Q2"].note.startswith("no churn date")
    # The accounts were read: the notice is about the joined file, not "read as no customers".
    empty = [n for n in result.notices if "churn_events.csv: a header row and no data rows" in n]
    assert len(empty) == 1 and empty[0].endswith("so nothing was joined onto customers")
    assert not [n for n in result.notices if "read as no customers" in n]


def test_a_source_of_two_files_is_joined_as_one(tmp_path: Path) -> None:
    # The accounts in two files: a churn event of an account in the second file matches a row of
    # the source, so it is no "matches no customers row" for the first file.
    config = ravenstack(tmp_path)
    lines = ACCOUNTS.splitlines()
    (tmp_path / "accounts.csv").write_text("\n".join(lines[:4]) + "\n")
    (tmp_path / "accounts_2.csv").write_text("\n".join([lines[0], *lines[4:]]) + "\n")
    config.write_text(config.read_text().replace("path: accounts.csv", "path: [accounts.csv, accounts_2.csv]"))
    result = report(load_config(config), OPTIONS)
    # Same accounts and events as test_churn_rate_from_joined_churn_events, so the same figures.
    values = {label: cell.value for label, cell in result.metrics[0].cells.items()}
    assert values == pytest.approx({"2024-Q1": 1 / 5, "2024-Q2": 0.0, "2024-Q3": 1 / 5, "2024-Q4": 1 / 4})
    assert result.quality["customers"].left_out["rows of churn_events.csv whose account_id matches no customers "
                                                "row"] == 1


def test_several_events_are_ordered_with_the_sources_day_first_layout(tmp_path: Path) -> None:
    # The events 05/03/2025 and 04/06/2025 are ambiguous alone; the accounts' 20/01/2025 proves the
    # source day-first (metrics.md section 1). Day-first the latest is 4 June (month-first it would
    # be 3 May, then cleaned as 5 March): A1 churns in June, 1 of the 2 active accounts = 50 %.
    (tmp_path / "accounts.csv").write_text("account_id,created\nA1,20/01/2025\nA2,21/01/2025\n")
    (tmp_path / "churn.csv").write_text("account_id,churn_date\nA1,05/03/2025\nA1,04/06/2025\n")
    config = tmp_path / "crm-metrics.yaml"
    config.write_text("currency: USD\nperiod: month\nsources:\n  customers:\n    path: accounts.csv\n"
                      "    columns: {customer_id: account_id, acquired_at: created}\n"
                      "    join: [{path: churn.csv, key: account_id, columns: {churned_at: churn_date}}]\n")
    options = RunOptions(period=PeriodKind.MONTH, date_from=date(2025, 2, 1), date_to=date(2025, 6, 30),
                         metrics=("churn_rate",), today=date(2026, 1, 15))
    values = {label: cell.value for label, cell in report(load_config(config), options).metrics[0].cells.items()}
    assert values == {"2025-02": 0.0, "2025-03": 0.0, "2025-04": 0.0, "2025-05": 0.0, "2025-06": 0.5}
