"""Units moving between lots and needs, the same for allocations and gift packs.

Approval reserves units on the lot (and allocates them on the need, for an allocation);
shipping counts them as on their way (still reserved and in stock); receipt or a dispute
takes them off the lot for good; cancelling an approved line releases them. Invariant: a
lot's `reserved` equals the units of its approved or shipped (not yet received) allocations
and gift-pack components. Every change is a conditional UPDATE whose row count proves it was
allowed, and every lot change is audited as ``lot.<move>`` naming what moved it (`source`,
e.g. ``{"allocation_id": 7}`` or ``{"gift_pack_id": 3}``).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from market.accounts.models import User
from market.audit.services import record
from market.common.errors import Conflict
from market.common.lifecycle import status_label
from market.common.rows import fetch
from market.common.transaction import rows_changed
from market.extensions import db
from market.lots.models import Lot, LotStatus
from market.lots.services import mark_exhausted_if_empty
from market.needs.models import Need
from market.needs.services import recompute_need_status


def _rowcount(stmt: sa.Executable) -> int:
    return rows_changed(db.session.execute(stmt, execution_options={"synchronize_session": False}))


def _must(stmt: sa.Executable, message: str) -> None:
    if _rowcount(stmt) != 1:
        raise Conflict(message)


def _lot(lot_id: int) -> Lot:
    return fetch(Lot, lot_id, populate_existing=True)


def reserve_lot(actor: User | None, lot_id: int, units: int, sku: str,
                source: dict[str, Any]) -> Lot:
    """Reserve units on an active lot, or 409 naming its status or the shortfall."""
    if not _rowcount(
        sa.update(Lot)
        .where(Lot.id == lot_id, Lot.status == LotStatus.ACTIVE,
               Lot.quantity - Lot.reserved >= units)
        .values(reserved=Lot.reserved + units)
    ):
        lot = _lot(lot_id)
        if lot.status != LotStatus.ACTIVE:
            raise Conflict(_("Lot %(id)s is %(status)s; only active lots can be allocated.",
                             id=lot.id, status=status_label(lot.status)))
        raise Conflict(_("Not enough %(sku)s left in lot %(lot)s: %(left)s available, %(asked)s "
                         "asked (short by %(short)s).", sku=sku, lot=lot.id, left=lot.available,
                         asked=units, short=units - lot.available))
    record(actor, "lot.reserve", "lot", lot_id, None, {"reserved_delta": units, **source})
    return _lot(lot_id)


def release_lot(actor: User | None, lot_id: int, units: int, source: dict[str, Any]) -> Lot:
    """Give back a reservation: the lot's `reserved` drops by the units."""
    _must(
        sa.update(Lot).where(Lot.id == lot_id, Lot.reserved >= units)
        .values(reserved=Lot.reserved - units),
        _("Lot %(lot)s does not hold the %(units)s units reserved for it any more.",
          lot=lot_id, units=units),
    )
    record(actor, "lot.release", "lot", lot_id, None, {"reserved_delta": -units, **source})
    return _lot(lot_id)


def dispatch_lot(actor: User | None, lot_id: int, units: int, source: dict[str, Any]) -> Lot:
    """Count units on their way: shipped grows; they stay reserved and in stock until receipt."""
    _must(
        sa.update(Lot).where(Lot.id == lot_id, Lot.reserved >= units)
        .values(shipped=Lot.shipped + units),
        _("Lot %(lot)s does not hold the %(units)s units reserved for it any more.",
          lot=lot_id, units=units),
    )
    record(actor, "lot.ship", "lot", lot_id, None, {"shipped_delta": units, **source})
    return _lot(lot_id)


def hand_over_lot(actor: User | None, lot_id: int, units: int, source: dict[str, Any]) -> Lot:
    """Take delivered units off the lot for good: quantity and reserved drop by all shipped.

    Called on receipt or dispute; a short delivery still left the supplier's stock (the
    shortfall is a matter for the coordinator). A lot with nothing left becomes exhausted.
    """
    _must(
        sa.update(Lot)
        .where(Lot.id == lot_id, Lot.reserved >= units, Lot.quantity >= units)
        .values(reserved=Lot.reserved - units, quantity=Lot.quantity - units),
        _("Lot %(lot)s does not hold the %(units)s shipped units reserved any more.",
          lot=lot_id, units=units),
    )
    record(actor, "lot.deliver", "lot", lot_id, None,
           {"quantity_delta": -units, "reserved_delta": -units, **source})  # fmt: skip
    lot = _lot(lot_id)
    mark_exhausted_if_empty(actor, lot)  # nothing left to offer; it drops out of matching
    return lot


def allocate_need(need: Need, units: int, sku: str) -> None:
    """Allocate units on the need, or 409 naming the shortfall."""
    left = need.quantity - need.allocated
    if left < units or not _rowcount(
        sa.update(Need)
        .where(Need.id == need.id, Need.quantity - Need.allocated >= units)
        .values(allocated=Need.allocated + units)
    ):
        raise Conflict(_("Need %(need)s for %(sku)s has only %(left)s units still open, "
                         "%(asked)s asked (short by %(short)s).", need=need.id, sku=sku,
                         left=left, asked=units, short=units - left))
    _refresh(need)


def release_need(need: Need, units: int) -> None:
    """Give back units allocated on the need."""
    _must(
        sa.update(Need).where(Need.id == need.id, Need.allocated >= units)
        .values(allocated=Need.allocated - units),
        _("Need %(id)s has less allocated than the allocation needs to release.", id=need.id),
    )
    _refresh(need)


def deliver_need(need: Need, received: int, shortfall: int) -> None:
    """Count delivered units on the need; a shortfall goes back to the open quantity."""
    _must(
        sa.update(Need)
        .where(Need.id == need.id, Need.allocated >= shortfall)
        .values(received=Need.received + received, allocated=Need.allocated - shortfall),
        _("Need %(id)s has less allocated than the short delivery returns.", id=need.id),
    )
    _refresh(need)


def _refresh(need: Need) -> None:
    db.session.refresh(need)
    recompute_need_status(need)
