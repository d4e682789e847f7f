"""The customer ledger: who became a customer when, from where, for how much, and when they left.

Built from the deals table and, where present, the customers table, whose dates and source win.
acquired_at follows the contract (customers.acquired_at, else the first won deal of type new) and is
the only date that makes a customer active: a customer whose won deals are all renewals or
expansions, or whose won new deal has no close date, is neither new nor active. undated_notice()
tells the user how many there are, so a churn rate over fewer customers than they have is explained.

The ledger is built once, on the whole data; a --by group sees the customers placed in it by
group_values() (metrics.md section 3, "Breakdowns"), never a ledger rebuilt from its own deals.
"""

from __future__ import annotations

import pandas as pd

_COLUMNS = ["acquired_at", "churned_at", "source", "first_amount", "first_new_deal"]


def customer_ledger(deals: pd.DataFrame | None, customers: pd.DataFrame | None) -> pd.DataFrame:
    """One row per customer key (index "customer", text).

    Columns: acquired_at and churned_at (datetime64[ns], NaT when none), source (string, the
    customers table's, else that of the first won deal of any type), first_amount (float64, the
    first won deal's amount in the report currency) and first_new_deal (Int64: the deals-table row
    label of the first won deal of type new, the one that made it a customer; <NA> when none).
    "First" is by close date, ties by deal_id. Rules: metrics.md section 3, new_customers,
    marketing_sourced_pct and churn_rate.
    """
    ledger = _from_deals(deals) if deals is not None else _empty()
    if customers is not None:
        ledger = _merge_customers(ledger, customers, deals)
        if deals is not None:
            # A lost renewal also churns a customer known only from the customers table.
            lost = _lost_renewals(deals).reindex(ledger.index)
            ledger["churned_at"] = ledger["churned_at"].combine_first(lost)
    return ledger[_COLUMNS]


def undated_customers(ledger: pd.DataFrame, deals: pd.DataFrame) -> pd.Index:
    """Customers with a won deal (dated or not) but no acquisition date in the ledger."""
    won = pd.Index(deals.loc[deals["outcome"] == "won", "account_key"].dropna().unique())
    return won.difference(ledger.index[ledger["acquired_at"].notna()])


def undated_notice(ledger: pd.DataFrame, deals: pd.DataFrame) -> str | None:
    count = len(undated_customers(ledger, deals))
    if not count:
        return None
    who = "customer has" if count == 1 else "customers have"
    return (f"{count} {who} won deals but no acquisition date (customers acquired_at, or a dated won deal "
            "of type new), so not counted as active: add a customers table with acquired_at, date the won "
            "new deal, or map the deal type under deal_types")


def group_values(ledger: pd.DataFrame, deals: pd.DataFrame | None, field: str) -> pd.Series:
    """The value of `field` that places each customer of `ledger` in a --by group (string, <NA> when
    it has none): decided once on the whole data, so that a customer is new once, in the group of
    the first won new deal that acquired it, and its churn and first deal stay with it there
    (metrics.md section 3, "Breakdowns").

    A field the ledger itself holds (source) is the customer's own: the customers table's, else its
    first won deal's, as marketing_sourced_pct reads it. Any other field is the value on the
    customer's first won new deal; a customer without one (known from the customers table only)
    has none.

    Churn goes to the group the customer was acquired in, not to that of the lost renewal that
    ended it: churn_rate divides the churned by the customers active in the group, and a churn
    counted where the customer never was active would not be a part of that denominator; with one
    group per customer, both the churned and the active counts of the groups add up to the total's.
    """
    if field in ledger.columns:
        return ledger[field].astype("string")
    if deals is None or field not in deals.columns:
        return pd.Series(pd.NA, index=ledger.index, dtype="string")
    labels = ledger["first_new_deal"]
    known = labels.notna().to_numpy(dtype=bool)
    values = pd.Series(pd.NA, index=ledger.index, dtype="string")
    values[known] = deals.loc[labels[known].to_numpy(dtype="int64"), field].astype("string").to_numpy()
    return values


def _empty() -> pd.DataFrame:
    """A ledger with no customers yet, typed so that merging a customers table keeps its dtypes."""
    stamp = "datetime64[ns]"
    return pd.DataFrame({"acquired_at": pd.Series(dtype=stamp),
                         "churned_at": pd.Series(dtype=stamp), "source": pd.Series(dtype="string"),
                         "first_amount": pd.Series(dtype="float64"),
                         "first_new_deal": pd.Series(dtype="Int64")},
                        index=pd.Index([], dtype="string", name="customer"))


def _from_deals(deals: pd.DataFrame) -> pd.DataFrame:
    won = deals[(deals["outcome"] == "won") & deals["closed_at"].notna()]
    won = won.sort_values(["closed_at", "deal_id"], kind="stable")
    first_won = won.groupby("account_key", sort=False).first()
    first_new = won[won["deal_type"] == "new"].groupby("account_key", sort=False).head(1)
    churn = _lost_renewals(deals)
    # The deal that made each account a customer: its close date and its row, aligned in one go.
    acquiring = pd.DataFrame({"acquired_at": first_new["closed_at"].array,
                              "first_new_deal": pd.array(first_new.index.to_numpy(), dtype="Int64")},
                             index=pd.Index(first_new["account_key"])).reindex(first_won.index)
    ledger = pd.DataFrame(index=first_won.index)
    ledger["acquired_at"] = acquiring["acquired_at"]
    ledger["churned_at"] = churn.reindex(ledger.index)
    ledger["source"] = first_won["source"]
    ledger["first_amount"] = first_won["amount"]
    ledger["first_new_deal"] = acquiring["first_new_deal"]
    ledger.index.name = "customer"
    return ledger


def _lost_renewals(deals: pd.DataFrame) -> pd.Series:
    """Churn date per account from its first lost renewal deal."""
    lost_renewal = deals[(deals["outcome"] == "lost") & (deals["deal_type"] == "renewal")]
    return lost_renewal.groupby("account_key")["closed_at"].min()


def _merge_customers(ledger: pd.DataFrame, customers: pd.DataFrame, deals: pd.DataFrame | None) -> pd.DataFrame:
    joins_by_name = deals is not None and "account_id" not in deals.columns and "name_key" in customers.columns
    key = customers["name_key"] if joins_by_name else customers["customer_key"]
    own = pd.DataFrame(index=pd.Index(key, name="customer"))
    for column in ("acquired_at", "churned_at", "source"):
        if column in customers.columns:
            own[column] = customers[column].to_numpy()
    own = own[~own.index.duplicated(keep="last")]
    merged = ledger.reindex(ledger.index.union(own.index))
    for column in own.columns:
        merged[column] = own[column].reindex(merged.index).combine_first(merged[column])
    return merged
