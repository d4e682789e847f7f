"""The canonical tables of ../shared/metrics.md section 1: names, required and optional fields.

Everything after the mapping step speaks only these names, so an export from any CRM is reduced to
them once, in mapping.py, and no metric ever sees a vendor's header.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class FieldKind(Enum):
    TEXT = "text"
    DATE = "date"
    AMOUNT = "amount"
    NUMBER = "number"
    BOOL = "bool"


@dataclass(frozen=True)
class TableSchema:
    name: str
    id_field: str | None
    required: tuple[str, ...]
    optional: tuple[str, ...]
    kinds: dict[str, FieldKind]

    @property
    def fields(self) -> tuple[str, ...]:
        return self.required + self.optional

    def kind(self, field: str) -> FieldKind:
        return self.kinds.get(field, FieldKind.TEXT)


_D, _A, _N, _B = FieldKind.DATE, FieldKind.AMOUNT, FieldKind.NUMBER, FieldKind.BOOL

TABLES: dict[str, TableSchema] = {
    "deals": TableSchema(
        name="deals",
        id_field="deal_id",
        required=("deal_id", "stage", "amount", "created_at"),
        optional=(
            "account_id", "account_name", "closed_at", "owner", "source", "deal_type", "currency",
            "product", "region", "campaign", "proposal_at", "status",
        ),
        kinds={"amount": _A, "created_at": _D, "closed_at": _D, "proposal_at": _D},
    ),
    "spend": TableSchema(
        name="spend",
        id_field=None,
        required=("date", "amount"),
        optional=("category", "channel", "currency", "campaign"),
        kinds={"date": _D, "amount": _A},
    ),
    "customers": TableSchema(
        name="customers",
        id_field="customer_id",
        required=("customer_id",),
        optional=("customer_name", "acquired_at", "churned_at", "source", "segment"),
        kinds={"acquired_at": _D, "churned_at": _D},
    ),
    "tickets": TableSchema(
        name="tickets",
        id_field="ticket_id",
        required=("ticket_id", "created_at"),
        optional=(
            "resolved_at", "first_response_at", "status", "priority", "channel", "agent",
            "customer_id", "csat", "sla_due_at", "nps", "ces",
            # The desk's own yes/no verdict (ServiceNow "made_sla"), for exports without a deadline.
            "sla_met",
            # Reopened tickets: the first solve, when resolved_at is the last one; how often it was
            # reopened and how many agent replies it took (reopen_rate, one_touch_resolution_pct).
            "first_resolved_at", "reopens", "agent_replies",
            # The kind of case ("complaint", "question"), for --by type.
            "type",
            # Durations the desk exports (read by durations.py): HH:MM:SS or a number in the
            # config's support.durations.unit; the *_minutes fields are always minutes.
            "first_response_duration", "first_response_minutes", "resolution_duration",
            "resolution_minutes",
        ),
        kinds={
            "created_at": _D, "resolved_at": _D, "first_response_at": _D, "sla_due_at": _D,
            "csat": _N, "nps": _N, "ces": _N, "first_resolved_at": _D, "reopens": _N,
            "agent_replies": _N, "sla_met": _B,
        },
    ),
    "surveys": TableSchema(
        name="surveys",
        id_field=None,
        required=("answered_at",),
        optional=("nps", "ces", "csat", "channel", "customer_id"),
        kinds={"answered_at": _D, "nps": _N, "ces": _N, "csat": _N},
    ),
    "calls": TableSchema(
        name="calls",
        id_field=None,
        required=("started_at",),
        optional=("answered", "outcome", "handle_seconds", "agent", "channel"),
        kinds={"started_at": _D, "answered": _B, "handle_seconds": _N},
    ),
    "leads": TableSchema(
        name="leads",
        id_field="lead_id",
        required=("lead_id", "created_at"),
        optional=("source", "owner", "campaign", "status", "converted_at", "account_id"),
        kinds={"created_at": _D, "converted_at": _D},
    ),
    "activities": TableSchema(
        name="activities",
        id_field="activity_id",
        required=("activity_id", "at", "type"),
        optional=("owner", "deal_id", "account_id", "outcome"),
        kinds={"at": _D},
    ),
    # Many rows per deal, so no id: a deal entering one stage is a row of its own.
    "stage_changes": TableSchema(
        name="stage_changes",
        id_field=None,
        required=("deal_id", "stage", "entered_at"),
        optional=(),
        kinds={"entered_at": _D},
    ),
}

TABLE_NAMES: tuple[str, ...] = tuple(TABLES)
