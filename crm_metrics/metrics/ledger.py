"""The customer ledger: who became a customer when, from where, for how much, and when they left.

Built from the deals table and, where present, the customers table, whose dates and source win.
acquired_at follows the contract (customers.acquired_at, else the first won deal of type new) and is
the only date that makes a customer active: a customer whose won deals are all renewals or
expansions, or whose won new deal has no close date, is neither new nor active. undated_notice()
tells the user how many there are, so a churn rate over fewer customers than they have is explained.
"""

from __future__ import annotations

import pandas as pd

_COLUMNS = ["acquired_at", "churned_at", "source", "first_amount"]


def customer_ledger(deals: pd.DataFrame | None, customers: pd.DataFrame | None) -> pd.DataFrame:
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


def _empty() -> pd.DataFrame:
    """A ledger with no customers yet, typed so that merging a customers table keeps its dtypes."""
    stamp = "datetime64[ns]"
    return pd.DataFrame({"acquired_at": pd.Series(dtype=stamp),
                         "churned_at": pd.Series(dtype=stamp), "source": pd.Series(dtype="string"),
                         "first_amount": pd.Series(dtype="float64")},
                        index=pd.Index([], dtype="string", name="customer"))


def _from_deals(deals: pd.DataFrame) -> pd.DataFrame:
    won = deals[(deals["outcome"] == "won") & deals["closed_at"].notna()]
    won = won.sort_values(["closed_at", "deal_id"], kind="stable")
    first_won = won.groupby("account_key", sort=False).first()
    first_new = won[won["deal_type"] == "new"].groupby("account_key", sort=False)["closed_at"].min()
    churn = _lost_renewals(deals)
    ledger = pd.DataFrame(index=first_won.index)
    ledger["acquired_at"] = first_new.reindex(ledger.index)
    ledger["churned_at"] = churn.reindex(ledger.index)
    ledger["source"] = first_won["source"]
    ledger["first_amount"] = first_won["amount"]
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
