"""Matching runs, the allocation lines they propose, quotas and coordinator pins."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.engine.default import DefaultExecutionContext

from market.accounts.models import Organization, User
from market.catalog.models import Item
from market.common.types import Money, UTCDateTime, utcnow
from market.extensions import Model
from market.lots.models import Lot
from market.needs.models import Need

RUN_STATUSES = ("queued", "running", "completed", "failed")
ACTIVE_RUN_STATUSES = ("queued", "running")
RUN_PHASES = ("reading", "solving", "writing")
RUN_TRIGGERS = ("manual", "schedule")
ALLOCATION_STATUSES = (
    "proposed",
    "approved",
    "rejected",
    "superseded",
    "shipped",
    "received",
    "disputed",
    "cancelled",
)
# Allocations (and gift packs) whose units are reserved on the lot: approved, or shipped
# and on their way; receipt (or a dispute) takes them off the lot's quantity and reserved.
RESERVING_STATUSES = ("approved", "shipped")


def _active_default(context: DefaultExecutionContext) -> bool | None:
    """A run inserted queued or running takes the one active slot; any other, none."""
    status = context.get_current_parameters().get("status", "queued")
    return True if status in ACTIVE_RUN_STATUSES else None


class MatchRun(Model):
    """One execution of the solver over all open needs and available stock."""

    __tablename__ = "match_runs"
    # `active` is True while the run is queued or running, NULL after: the unique
    # constraint lets at most one run (or dry run) be under way, across every process.
    __table_args__ = (sa.UniqueConstraint("active", name="uq_match_runs_one_active"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    trigger: so.Mapped[str] = so.mapped_column(sa.String(20), default="manual")
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="queued", index=True)
    phase: so.Mapped[str | None] = so.mapped_column(sa.String(20))  # while running
    active: so.Mapped[bool | None] = so.mapped_column(default=_active_default)
    # Who runs it ("host:pid") and its last sign of life: a run whose worker died is
    # found by the next worker start or the next run start and ended `failed`.
    worker: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    heartbeat_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    dry_run: so.Mapped[bool] = so.mapped_column(default=False)
    started_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    finished_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    started_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    error: so.Mapped[str | None] = so.mapped_column(sa.Text)
    policy: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    stats: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    changes: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)

    started_by: so.Mapped[User | None] = so.relationship()


class Allocation(Model):
    """A proposed (then approved, shipped, received…) delivery from a lot to a need."""

    __tablename__ = "allocations"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="allocation_quantity_positive"),
        sa.Index("ix_allocations_run_status", "run_id", "status"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    run_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("match_runs.id"), index=True)
    lot_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("lots.id"), index=True)
    need_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("needs.id"), index=True)
    item_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("items.id"))
    supplier_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("organizations.id"), index=True)
    buyer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("organizations.id"), index=True)
    quantity: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    received_quantity: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    unit_price: so.Mapped[Decimal | None] = so.mapped_column(Money)
    distance_km: so.Mapped[float] = so.mapped_column(default=0.0)
    tier: so.Mapped[int] = so.mapped_column(sa.SmallInteger)
    fill_rate: so.Mapped[float] = so.mapped_column(default=0.0)
    reasons: so.Mapped[list[Any]] = so.mapped_column(sa.JSON, default=list)  # reason_text.py
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="proposed", index=True)
    decision_note: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    receipt_note: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    decided_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    shipped_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    received_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    run: so.Mapped[MatchRun] = so.relationship()
    lot: so.Mapped[Lot] = so.relationship()
    need: so.Mapped[Need] = so.relationship()
    item: so.Mapped[Item] = so.relationship()
    supplier: so.Mapped[Organization] = so.relationship(foreign_keys=[supplier_id])
    buyer: so.Mapped[Organization] = so.relationship(foreign_keys=[buyer_id])


class Quota(Model):
    """A coordinator's cap on the units of an item one company may get per run."""

    __tablename__ = "quotas"
    __table_args__ = (sa.UniqueConstraint("organization_id", "item_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    organization_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("organizations.id"))
    item_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("items.id"))
    max_units: so.Mapped[int] = so.mapped_column(sa.BigInteger)

    organization: so.Mapped[Organization] = so.relationship()
    item: so.Mapped[Item] = so.relationship()


class MatchConstraint(Model):
    """A coordinator's pin (keep this flow) or exclusion (never this pair) for later runs."""

    __tablename__ = "match_constraints"
    __table_args__ = (sa.UniqueConstraint("lot_id", "need_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    lot_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("lots.id"))
    need_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("needs.id"))
    kind: so.Mapped[str] = so.mapped_column(sa.String(10))  # "pin" or "exclude"
    quantity: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class RunLock(Model):
    """The single row that serialises matching runs on databases without advisory locks."""

    __tablename__ = "run_locks"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    holder: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    acquired_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
