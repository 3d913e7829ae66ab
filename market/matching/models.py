"""Matching runs, the allocation lines they propose, quotas and coordinator pins."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l
from sqlalchemy.engine.default import DefaultExecutionContext

from market.accounts.models import Organization, User
from market.catalog.models import Item
from market.common.lifecycle import Status, describe, status_check
from market.common.types import Money, UTCDateTime, utcnow
from market.extensions import Model
from market.lots.models import Lot
from market.needs.models import Need

RUN_PHASES = ("reading", "solving", "writing")
RUN_TRIGGERS = ("manual", "schedule")
RUN_TRIGGER_LABELS = {"manual": _l("manual"), "schedule": _l("schedule")}


class RunStatus(Status):
    """A matching run: queued, taken by a worker (running), then completed or failed."""

    # named subsets of the statuses, set after `describe` below
    ACTIVE: ClassVar[tuple[RunStatus, ...]]

    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


describe(
    RunStatus,
    {
        RunStatus.QUEUED: _l("queued"),
        RunStatus.RUNNING: _l("running"),
        RunStatus.COMPLETED: _l("completed"),
        RunStatus.FAILED: _l("failed"),
    },
    {
        RunStatus.QUEUED: {RunStatus.RUNNING, RunStatus.FAILED},
        RunStatus.RUNNING: {RunStatus.COMPLETED, RunStatus.FAILED},
    },
)
# Runs under way: they hold the one active slot.
RunStatus.ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)


class AllocationStatus(Status):
    """A proposed delivery from a lot to a need, then decided, shipped and received.

    Gift packs follow the same lifecycle (`giftpacks.models.PackStatus` is this enum).
    """

    # named subsets of the statuses, set after `describe` below
    RESERVING: ClassVar[tuple[AllocationStatus, ...]]
    ALLOCATED: ClassVar[tuple[AllocationStatus, ...]]
    SHIPPED_OR_LATER: ClassVar[tuple[AllocationStatus, ...]]
    DELIVERED: ClassVar[tuple[AllocationStatus, ...]]
    VISIBLE_TO_COMPANIES: ClassVar[tuple[AllocationStatus, ...]]
    ENDED: ClassVar[tuple[AllocationStatus, ...]]

    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"
    SHIPPED = "shipped"
    RECEIVED = "received"
    DISPUTED = "disputed"
    CANCELLED = "cancelled"


describe(
    AllocationStatus,
    {
        AllocationStatus.PROPOSED: _l("proposed"),
        AllocationStatus.APPROVED: _l("approved"),
        AllocationStatus.REJECTED: _l("rejected"),
        AllocationStatus.SUPERSEDED: _l("superseded"),
        AllocationStatus.SHIPPED: _l("shipped"),
        AllocationStatus.RECEIVED: _l("received"),
        AllocationStatus.DISPUTED: _l("disputed"),
        AllocationStatus.CANCELLED: _l("cancelled"),
    },
    {
        # A coordinator decides a proposal (or the next run supersedes it); an approved line
        # ships or is cancelled; a shipped one is received in full or disputed.
        AllocationStatus.PROPOSED: {AllocationStatus.APPROVED, AllocationStatus.REJECTED,
                                    AllocationStatus.SUPERSEDED},
        AllocationStatus.APPROVED: {AllocationStatus.SHIPPED, AllocationStatus.CANCELLED},
        AllocationStatus.SHIPPED: {AllocationStatus.RECEIVED, AllocationStatus.DISPUTED},
    },
)
# Units reserved on the lot: approved, or shipped and on their way; receipt (or a dispute)
# takes them off the lot's quantity and reserved.
AllocationStatus.RESERVING = (AllocationStatus.APPROVED, AllocationStatus.SHIPPED)
# Approved or later, not cancelled: the units went (or go) to the buyer.
AllocationStatus.ALLOCATED = (AllocationStatus.APPROVED, AllocationStatus.SHIPPED,
                              AllocationStatus.RECEIVED, AllocationStatus.DISPUTED)
AllocationStatus.SHIPPED_OR_LATER = (AllocationStatus.SHIPPED, AllocationStatus.RECEIVED,
                                     AllocationStatus.DISPUTED)
AllocationStatus.DELIVERED = (AllocationStatus.RECEIVED, AllocationStatus.DISPUTED)
# What the companies concerned see: nothing while it is only a proposal.
AllocationStatus.VISIBLE_TO_COMPANIES = (*AllocationStatus.ALLOCATED, AllocationStatus.CANCELLED)
# Lines that ended without delivery (greyed on the pages).
AllocationStatus.ENDED = (AllocationStatus.SUPERSEDED, AllocationStatus.REJECTED,
                          AllocationStatus.CANCELLED)


def _active_default(context: DefaultExecutionContext) -> bool | None:
    """A run inserted queued or running takes the one active slot; any other, none."""
    status = context.get_current_parameters().get("status", RunStatus.QUEUED)
    return True if status in RunStatus.ACTIVE else None


class LifecycleMixin:
    """The decision, shipment and receipt columns an allocation and a gift pack both carry."""

    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="proposed", index=True)
    decision_note: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    receipt_note: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    received_quantity: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    decided_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    shipped_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    received_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    @property
    def lifecycle(self) -> AllocationStatus:
        """The status as the enum."""
        return AllocationStatus(self.status)

    @property
    def can_decide(self) -> bool:
        """Still a proposal: a coordinator may approve or reject it."""
        return self.lifecycle.can_become(AllocationStatus.APPROVED)

    @property
    def can_ship(self) -> bool:
        """Approved and not shipped yet."""
        return self.lifecycle.can_become(AllocationStatus.SHIPPED)

    @property
    def can_cancel(self) -> bool:
        """Approved and not shipped yet: a coordinator may still cancel it."""
        return self.lifecycle.can_become(AllocationStatus.CANCELLED)

    @property
    def can_receive(self) -> bool:
        """Shipped: the recipient confirms receipt (or reports a short delivery)."""
        return self.lifecycle.can_become(AllocationStatus.RECEIVED)

    @property
    def is_ended(self) -> bool:
        """Rejected, superseded or cancelled: it will never deliver anything."""
        return self.status in AllocationStatus.ENDED

    @property
    def has_shipped(self) -> bool:
        """Shipped, received or disputed: the units left the supplier."""
        return self.status in AllocationStatus.SHIPPED_OR_LATER


class MatchRun(Model):
    """One execution of the solver over all open needs and available stock."""

    __tablename__ = "match_runs"
    # `active` is True while the run is queued or running, NULL after: the unique
    # constraint lets at most one run (or dry run) be under way, across every process.
    __table_args__ = (
        sa.UniqueConstraint("active", name="uq_match_runs_one_active"),
        status_check(RunStatus, "ck_match_runs_status"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    trigger: so.Mapped[str] = so.mapped_column(sa.String(20), default="manual")
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=RunStatus.QUEUED,
                                                index=True)
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

    @property
    def is_active(self) -> bool:
        """Queued or running: the run is under way."""
        return self.status in RunStatus.ACTIVE


class Allocation(LifecycleMixin, Model):
    """A proposed (then approved, shipped, received…) delivery from a lot to a need."""

    __tablename__ = "allocations"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="allocation_quantity_positive"),
        sa.Index("ix_allocations_run_status", "run_id", "status"),
        status_check(AllocationStatus, "ck_allocations_status"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    run_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("match_runs.id"), index=True)
    lot_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("lots.id"), index=True)
    need_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("needs.id"), index=True)
    item_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("items.id"))
    supplier_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("organizations.id"), index=True)
    buyer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("organizations.id"), index=True)
    quantity: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    unit_price: so.Mapped[Decimal | None] = so.mapped_column(Money)
    distance_km: so.Mapped[float] = so.mapped_column(default=0.0)
    tier: so.Mapped[int] = so.mapped_column(sa.SmallInteger)
    fill_rate: so.Mapped[float] = so.mapped_column(default=0.0)
    reasons: so.Mapped[list[Any]] = so.mapped_column(sa.JSON, default=list)  # reason_text.py
    # status, notes, decided_*, shipped_at, received_*, created_at: LifecycleMixin

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
