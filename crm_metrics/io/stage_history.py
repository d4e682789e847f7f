"""HubSpot's wide stage history: a deals export with one "Date entered 'Proposal' (Sales Pipeline)"
column per stage, turned into the stage_changes table's long form (one row per deal and stage it
entered; ../shared/metrics.md section 1)."""

from __future__ import annotations

import re

import pandas as pd

from crm_metrics.mapping.columns import header_key

# "Date entered 'Proposal' (Sales Pipeline)", also with double or curly quotes, or none.
_ENTERED = re.compile(r"^\s*date entered\s+['\"\u2018\u201c]?(?P<stage>.+?)['\"\u2019\u201d]?\s*"
                      r"(\((?P<pipeline>[^()]*)\))?\s*$", re.IGNORECASE)
_ID_HEADERS = ("Record ID", "Deal ID", "deal_id")


def entered_columns(headers: list[str]) -> dict[str, str]:
    """Header -> stage name, for every "Date entered '<stage>' (<pipeline>)" header."""
    found = {}
    for header in headers:
        match = _ENTERED.match(str(header))
        if match:
            found[str(header)] = match.group("stage").strip()
    return found


def long_form(raw: pd.DataFrame, id_header: str | None = None) -> pd.DataFrame | None:
    """The wide export as columns deal_id, stage, entered_at (cells as read, object dtype), one row
    per deal and stage with a date; None when `raw` has no "Date entered" column or no deal id
    (`id_header`, else "Record ID" / "Deal ID")."""
    stages = entered_columns([str(c) for c in raw.columns])
    if not stages:
        return None
    by_key = {header_key(str(h)): str(h) for h in raw.columns}
    wanted = [id_header] if id_header else list(_ID_HEADERS)
    ids = next((by_key[header_key(h)] for h in wanted if header_key(h) in by_key), None)
    if ids is None:
        return None
    melted = raw[[ids, *stages]].melt(id_vars=ids, var_name="stage", value_name="entered_at")
    melted["stage"] = melted["stage"].map(stages)
    text = melted["entered_at"].astype("string").str.strip()
    melted = melted[text.notna().to_numpy(dtype=bool) & (text != "").fillna(False).to_numpy(dtype=bool)]
    return melted.rename(columns={ids: "deal_id"}).reset_index(drop=True)
