"""After approval: the supplier ships, the buyer receives (or disputes), a coordinator cancels."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from market.accounts.access import require_coordinator, require_user, require_writer
from market.accounts.models import User
from market.allocations.access import can_see
from market.allocations.approval import ALLOCATION, AUDIT_FIELDS, MAX_NOTE, load_allocation, source
from market.audit import services as audit
from market.common.errors import Forbidden, Invalid, NotFound
from market.common.transaction import unit_of_work
from market.common.types import utcnow
from market.matching.models import Allocation, AllocationStatus
from market.notifications import texts
from market.notifications.services import notify_organization
from market.stock.moves import (
    deliver_need,
    dispatch_lot,
    hand_over_lot,
    release_lot,
    release_need,
)
from market.stock.rows import lock_lot, lock_need, move_status, start_write


def _ensure_party(actor: User, allocation: Allocation, side: str) -> None:
    """404 for companies that are not a party; 403 for the wrong party."""
    if not can_see(actor, allocation):
        raise NotFound(_("Allocation %(id)s not found.", id=allocation.id))
    if actor.is_coordinator:
        if side == "supplier":
            return  # a coordinator may record a shipment phoned in by the supplier
        raise Forbidden(_("Only the buyer's users confirm receipt."))
    if actor.organization_id != getattr(allocation, f"{side}_id"):
        if side == "supplier":
            raise Forbidden(_("Only the supplier's users may do this."))
        raise Forbidden(_("Only the buyer's users may do this."))


def ship(actor: User | None, allocation_id: int) -> Allocation:
    """Mark an approved allocation shipped: the units stay reserved on the lot until receipt."""
    actor = require_writer(actor)
    with unit_of_work():
        start_write()
        allocation = load_allocation(allocation_id)
        _ensure_party(actor, allocation, "supplier")
        lot = lock_lot(allocation.lot_id)
        before = audit.snapshot(allocation, AUDIT_FIELDS)
        move_status(allocation, ALLOCATION, AllocationStatus.SHIPPED, {"shipped_at": utcnow()})
        lot = dispatch_lot(actor, lot.id, allocation.quantity, source(allocation))
        after = audit.snapshot(allocation, AUDIT_FIELDS)
        after.update(lot_quantity=lot.quantity, lot_reserved=lot.reserved, lot_shipped=lot.shipped)
        audit.record(actor, "allocation.ship", "allocation", allocation.id, before, after)
        notify_organization(allocation.buyer, texts.allocation_shipped(allocation))
    return allocation


def _received_quantity(allocation: Allocation, quantity: int | None, note: str | None) -> int:
    if quantity is None:
        return allocation.quantity
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        raise Invalid.field("quantity", _("must be a whole number of 0 or more, got %(value)s",
                                          value=repr(quantity)))
    if quantity > allocation.quantity:
        raise Invalid.field(
            "quantity", _("must be at most the %(shipped)s shipped, got %(value)s",
                          shipped=allocation.quantity, value=quantity)
        )
    if quantity < allocation.quantity and not note:
        raise Invalid.field("note",
                            _("say what was wrong when fewer units arrived than were shipped"))
    return quantity


def receive(
    actor: User | None, allocation_id: int, quantity: int | None = None, note: str | None = None
) -> Allocation:
    """Confirm receipt of a shipped allocation, or report a short delivery (`disputed`).

    Either way the shipped units leave the lot now: its quantity and reserved drop by them.
    """
    actor = require_user(actor)
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE:
        raise Invalid.field("note", _("must be at most %(maximum)s characters, got %(length)s",
                                      maximum=MAX_NOTE, length=len(note)))
    with unit_of_work():
        start_write()
        allocation = load_allocation(allocation_id)
        _ensure_party(actor, allocation, "buyer")
        got = _received_quantity(allocation, quantity, note)
        lot = lock_lot(allocation.lot_id)  # lot before need, the order every write uses
        need = lock_need(allocation.need_id)
        before = audit.snapshot(allocation, AUDIT_FIELDS)
        status = AllocationStatus.RECEIVED if got == allocation.quantity else (
            AllocationStatus.DISPUTED
        )
        move_status(allocation, ALLOCATION, status,
                    {"received_quantity": got, "receipt_note": note, "received_at": utcnow()})
        lot = hand_over_lot(actor, lot.id, allocation.quantity, source(allocation))
        deliver_need(need, got, allocation.quantity - got)
        after = audit.snapshot(allocation, AUDIT_FIELDS)
        after.update(lot_quantity=lot.quantity, lot_reserved=lot.reserved,
                     need_received=need.received, need_allocated=need.allocated)
        audit.record(actor, f"allocation.{status}", "allocation", allocation.id, before, after)
        notify_organization(allocation.supplier,
                            texts.allocation_received(allocation, got, status, note))
    return allocation


def cancel(actor: User | None, allocation_id: int, reason: str | None = None) -> Allocation:
    """Cancel an approved, unshipped allocation and release its reservation."""
    actor = require_coordinator(actor)
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > MAX_NOTE:
        raise Invalid.field("reason", _("must be at most %(maximum)s characters, got %(length)s",
                                        maximum=MAX_NOTE, length=len(reason)))
    with unit_of_work():
        start_write()
        allocation = load_allocation(allocation_id)
        lot = lock_lot(allocation.lot_id)
        need = lock_need(allocation.need_id)
        before = audit.snapshot(allocation, AUDIT_FIELDS)
        values: dict[str, Any] = {"decided_at": utcnow()}
        if reason:
            values["decision_note"] = reason
        move_status(allocation, ALLOCATION, AllocationStatus.CANCELLED, values)
        lot = release_lot(actor, lot.id, allocation.quantity, source(allocation))
        release_need(need, allocation.quantity)
        after = audit.snapshot(allocation, AUDIT_FIELDS)
        after.update(lot_reserved=lot.reserved, need_allocated=need.allocated)
        audit.record(actor, "allocation.cancel", "allocation", allocation.id, before, after)
        for org in (allocation.supplier, allocation.buyer):
            notify_organization(org, texts.allocation_cancelled(allocation, reason))
    return allocation
