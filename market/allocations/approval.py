"""Coordinator decisions on proposed allocations: approve (reserving stock), reject, bulk."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from market.accounts.access import require_coordinator
from market.accounts.models import User
from market.audit import services as audit
from market.common.errors import Conflict, Invalid, ServiceError
from market.common.transaction import unit_of_work
from market.common.types import utcnow
from market.i18n import status_word
from market.lots.models import Lot
from market.matching.models import Allocation, AllocationStatus
from market.needs.models import Need, NeedStatus
from market.notifications import texts
from market.notifications.services import notify_organization
from market.stock.moves import allocate_need, reserve_lot
from market.stock.rows import load, lock_lot, lock_need, move_status, start_write

AUDIT_FIELDS = ("status", "quantity", "received_quantity", "decision_note", "receipt_note")
MAX_NOTE = 500
ALLOCATION = _l("Allocation")


def load_allocation(allocation_id: int) -> Allocation:
    """Read an allocation afresh inside the write transaction (404 when it does not exist)."""
    return load(Allocation, allocation_id, ALLOCATION)


def source(allocation: Allocation) -> dict[str, int]:
    """What the lot's audit rows name as the cause of a move."""
    return {"allocation_id": allocation.id}


def approve(actor: User | None, allocation_id: int, quantity: int | None = None) -> Allocation:
    """Approve a proposed line, optionally lowering it, reserving the lot and need atomically.

    The lot and the need are locked and re-checked inside one transaction: when either no
    longer has enough left the approval fails with 409 naming the shortfall and nothing
    changes.
    """
    actor = require_coordinator(actor)
    actor_id = actor.id
    with unit_of_work():
        start_write()
        allocation = load_allocation(allocation_id)
        lot = lock_lot(allocation.lot_id)
        need = lock_need(allocation.need_id)
        amount = _approved_quantity(allocation, quantity)
        before = audit.snapshot(allocation, AUDIT_FIELDS)
        move_status(allocation, ALLOCATION, AllocationStatus.APPROVED,
                    {"quantity": amount, "decided_by_id": actor_id, "decided_at": utcnow()})
        _ensure_open(need)
        lot = reserve_lot(actor, lot.id, amount, allocation.item.sku, source(allocation))
        allocate_need(need, amount, allocation.item.sku)
        after = audit.snapshot(allocation, AUDIT_FIELDS)
        after.update(lot_reserved=lot.reserved, need_allocated=need.allocated)
        audit.record(actor, "allocation.approve", "allocation", allocation.id, before, after)
        _notify_approved(allocation, lot, need)
    return allocation


def _approved_quantity(allocation: Allocation, quantity: int | None) -> int:
    if quantity is None:
        return allocation.quantity
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise Invalid.field("quantity", _("must be a whole number of at least 1, got %(value)s",
                                          value=repr(quantity)))
    if quantity > allocation.quantity:
        raise Invalid.field(
            "quantity",
            _("may only lower the proposed %(proposed)s, got %(value)s",
              proposed=allocation.quantity, value=quantity),
        )
    return quantity


def _ensure_open(need: Need) -> None:
    if need.status not in NeedStatus.MATCHABLE:
        raise Conflict(_("Need %(id)s is %(status)s; it takes no more units.",
                         id=need.id, status=status_word(need.status)))


def _notify_approved(allocation: Allocation, lot: Lot, need: Need) -> None:
    notify_organization(allocation.supplier,
                        texts.allocation_approved_supplier(allocation, lot, need))
    notify_organization(allocation.buyer, texts.allocation_approved_buyer(allocation, lot, need))


def reject(actor: User | None, allocation_id: int, reason: str | None) -> Allocation:
    """Reject a proposed line with a reason (409 when it is not proposed any more)."""
    actor = require_coordinator(actor)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid.field("reason", _("a reason is required to reject a proposal"))
    if len(reason) > MAX_NOTE:
        raise Invalid.field("reason", _("must be at most %(maximum)s characters, got %(length)s",
                                        maximum=MAX_NOTE, length=len(reason)))
    actor_id = actor.id
    with unit_of_work():
        start_write()
        allocation = load_allocation(allocation_id)
        before = audit.snapshot(allocation, AUDIT_FIELDS)
        move_status(allocation, ALLOCATION, AllocationStatus.REJECTED,
                    {"decision_note": reason, "decided_by_id": actor_id, "decided_at": utcnow()})
        after = audit.snapshot(allocation, AUDIT_FIELDS)
        audit.record(actor, "allocation.reject", "allocation", allocation.id, before, after)
    return allocation


def bulk_approve(actor: User | None, ids: list[int]) -> dict[str, list[Any]]:
    """Approve many lines, each in its own transaction; report which failed and why."""
    require_coordinator(actor)
    approved: list[int] = []
    failed: list[dict[str, Any]] = []
    for allocation_id in dict.fromkeys(ids):  # once each, in the order given
        try:
            approve(actor, allocation_id)
        except ServiceError as exc:
            failed.append({"id": allocation_id, "message": exc.message})
        else:
            approved.append(allocation_id)
    return {"approved": approved, "failed": failed}
