"""Allocations: who sees which lines, listings with filters, and the reservation invariant.

The state changes live beside this module: `approval` (approve, reject, bulk approve)
and `fulfilment` (ship, receive, cancel); they are re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination

from market.accounts.access import require_coordinator, require_user
from market.accounts.models import Organization, User
from market.allocations.access import can_see, get_allocation
from market.allocations.approval import approve, bulk_approve, reject
from market.allocations.fulfilment import cancel, receive, ship
from market.catalog.models import Item
from market.common.errors import Forbidden, NotFound
from market.common.pagination import empty_page, paginate
from market.extensions import db
from market.giftpacks.models import GiftPack, GiftPackComponent
from market.i18n import status_word
from market.lots.models import Lot
from market.matching.models import Allocation, AllocationStatus, MatchRun

# Statuses that have a delivery note to print.
FILTERS = ("run_id", "status", "lot_id", "need_id", "item", "tier", "supplier_id", "buyer_id")


def latest_run_id() -> int | None:
    """The newest completed matching run that proposed lines, if any."""
    return db.session.scalar(
        sa.select(sa.func.max(MatchRun.id)).where(
            MatchRun.status == "completed", MatchRun.dry_run.is_(False)
        )
    )


def allocation_query(actor: User | None, filters: dict[str, Any]) -> sa.Select:
    """The SELECT of allocations the actor may see, narrowed by API.md's filters."""
    actor = require_user(actor)
    stmt = sa.select(Allocation).options(
        so.joinedload(Allocation.item),
        so.joinedload(Allocation.supplier),
        so.joinedload(Allocation.buyer),
    )
    if not actor.is_coordinator:
        if actor.organization_id is None:
            raise Forbidden(_("Your account belongs to no company."))
        org = actor.organization_id
        stmt = stmt.where(
            sa.or_(Allocation.supplier_id == org, Allocation.buyer_id == org),
            Allocation.status.in_(AllocationStatus.VISIBLE_TO_COMPANIES),
        )
    return _narrow(stmt, filters)


def _narrow(stmt: sa.Select, f: dict[str, Any]) -> sa.Select:
    for name in ("run_id", "status", "lot_id", "need_id", "tier", "supplier_id", "buyer_id"):
        if f.get(name) is not None:
            stmt = stmt.where(getattr(Allocation, name) == f[name])
    if f.get("statuses"):
        stmt = stmt.where(Allocation.status.in_(f["statuses"]))
    if f.get("item"):
        stmt = stmt.where(Allocation.item.has(Item.sku == f["item"].strip().upper()))
    for side in ("supplier", "buyer"):
        if f.get(side):
            pattern = f"%{f[side].strip()}%"
            relation = getattr(Allocation, side)
            stmt = stmt.where(relation.has(Organization.name.ilike(pattern)))
    return stmt


def list_allocations(
    actor: User | None, filters: dict[str, Any], page: int = 1, per_page: int = 50
) -> Pagination:
    """One page of the allocations the actor may see, newest first."""
    stmt = allocation_query(actor, filters).order_by(Allocation.id.desc())
    return paginate(stmt, page, per_page)


def list_proposals(
    actor: User | None, filters: dict[str, Any], page: int = 1, per_page: int = 50
) -> tuple[Pagination, int | None]:
    """A coordinator's review list: one run's lines (the latest unless `run_id`), by tier."""
    require_coordinator(actor)
    filters = dict(filters)
    if filters.get("run_id") is None:
        filters["run_id"] = latest_run_id()
        if filters["run_id"] is None:
            return empty_page(page, per_page), None
    stmt = allocation_query(actor, filters).order_by(
        Allocation.tier, Allocation.item_id, Allocation.id
    )
    return paginate(stmt, page, per_page), filters["run_id"]


def list_mine(actor: User | None, page: int = 1, per_page: int = 50,
              status: str | None = None) -> Pagination:
    """A company's allocations (as supplier and as buyer), newest first."""
    actor = require_user(actor)
    if actor.is_coordinator:
        raise Forbidden(_("Coordinators review allocations on the proposals page."))
    stmt = allocation_query(actor, {"status": status}).options(
        so.joinedload(Allocation.lot), so.joinedload(Allocation.need)
    )
    return paginate(stmt.order_by(Allocation.id.desc()), page, per_page)


def iter_allocations(actor: User | None, filters: dict[str, Any]) -> Iterator[Allocation]:
    """Every allocation the actor may see, read in batches (for the CSV export).

    Access is checked now, not when the first row is pulled, so a refused caller gets
    the error before any response starts.
    """
    stmt = allocation_query(actor, filters).order_by(Allocation.id)

    def batches() -> Iterator[Allocation]:
        offset = 0
        while True:
            batch = db.session.scalars(stmt.limit(500).offset(offset)).all()
            yield from batch
            if len(batch) < 500:
                return
            offset += 500

    return batches()


def delivery_note(actor: User | None, allocation_id: int) -> Allocation:
    """An approved (or later) allocation for its printable delivery note."""
    allocation = get_allocation(actor, allocation_id)
    if allocation.status not in AllocationStatus.ALLOCATED:
        raise NotFound(_("Allocation %(id)s has no delivery note (it is %(status)s).",
                         id=allocation_id, status=status_word(allocation.status)))
    return allocation


def reservation_drift() -> list[dict[str, int]]:
    """Lots whose `reserved` differs from their approved or shipped, unreceived lines and packs.

    An empty list means the invariant holds for every lot; tests call this after each
    sequence of transitions.
    """
    from_allocations = (
        sa.select(sa.func.coalesce(sa.func.sum(Allocation.quantity), 0))
        .where(Allocation.lot_id == Lot.id, Allocation.status.in_(AllocationStatus.RESERVING))
        .scalar_subquery()
    )
    from_packs = (
        sa.select(sa.func.coalesce(sa.func.sum(GiftPackComponent.quantity), 0))
        .join(GiftPack, GiftPack.id == GiftPackComponent.pack_id)
        .where(GiftPackComponent.lot_id == Lot.id, GiftPack.status.in_(AllocationStatus.RESERVING))
        .scalar_subquery()
    )
    expected = from_allocations + from_packs
    rows = db.session.execute(
        sa.select(Lot.id, Lot.reserved, expected.label("expected"))
        .where(Lot.reserved != expected)
        .order_by(Lot.id)
    ).all()
    return [{"lot_id": r.id, "reserved": r.reserved, "expected": r.expected} for r in rows]

__all__ = [
    "allocation_query",
    "can_see",
    "approve",
    "bulk_approve",
    "cancel",
    "delivery_note",
    "get_allocation",
    "iter_allocations",
    "list_allocations",
    "list_mine",
    "list_proposals",
    "receive",
    "reservation_drift",
    "reject",
    "ship",
]
