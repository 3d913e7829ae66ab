"""Row locks and conditional updates that keep lots and needs consistent with allocations.

Every write that moves units locks the lot first and the need second (one order
everywhere, so two transactions never wait on each other in a cycle), then changes
the counters with conditional UPDATEs whose row count proves the change was allowed.
"""

from __future__ import annotations

from typing import TypeVar

import sqlalchemy as sa
from flask_babel import gettext as _

from market.accounts.models import User
from market.common.errors import Conflict, NotFound
from market.common.transaction import begin_write, is_postgres, rows_changed
from market.extensions import db
from market.i18n import status_word
from market.lots.models import Lot
from market.lots.services import mark_exhausted_if_empty
from market.matching.models import Allocation
from market.needs.models import Need

CLOSED_NEED_STATUSES = ("cancelled", "expired")


def start_write() -> None:
    """Open the write transaction (BEGIN IMMEDIATE on SQLite, row locks follow on PostgreSQL)."""
    begin_write()


LockedT = TypeVar("LockedT", Lot, Need)


def _locked(model: type[LockedT], row_id: int) -> LockedT:
    stmt = sa.select(model).where(model.id == row_id).execution_options(populate_existing=True)
    if is_postgres():
        stmt = stmt.with_for_update()
    row = db.session.scalar(stmt)
    if row is None:
        raise NotFound(_("%(table)s %(id)s no longer exists.", table=model.__tablename__,
                         id=row_id))
    return row


def load_allocation(allocation_id: int) -> Allocation:
    """Read an allocation afresh inside the write transaction (404 when it does not exist)."""
    stmt = (
        sa.select(Allocation)
        .where(Allocation.id == allocation_id)
        .execution_options(populate_existing=True)
    )
    allocation = db.session.scalar(stmt)
    if allocation is None:
        raise NotFound(_("Allocation %(id)s not found.", id=allocation_id))
    return allocation


def lock_lot(lot_id: int) -> Lot:
    """Lock a lot row for the rest of the transaction (SELECT … FOR UPDATE on PostgreSQL)."""
    return _locked(Lot, lot_id)


def lock_need(need_id: int) -> Need:
    """Lock a need row for the rest of the transaction (SELECT … FOR UPDATE on PostgreSQL)."""
    return _locked(Need, need_id)


def _rowcount(stmt: sa.Executable) -> int:
    result = db.session.execute(stmt, execution_options={"synchronize_session": False})
    return rows_changed(result)


def move_status(allocation: Allocation, expected: str, verb: str, values: dict) -> None:
    """Change an allocation's status only if it is still `expected` (409 otherwise)."""
    stmt = (
        sa.update(Allocation)
        .where(Allocation.id == allocation.id, Allocation.status == expected)
        .values(**values)
    )
    if _rowcount(stmt) != 1:
        current = db.session.scalar(
            sa.select(Allocation.status).where(Allocation.id == allocation.id)
        )
        if expected == "proposed":
            raise Conflict(_("Allocation %(id)s is %(status)s, not proposed any more.",
                             id=allocation.id, status=status_word(current)))
        raise Conflict(_("Allocation %(id)s is %(status)s, not %(expected)s: it cannot be "
                         "%(verb)s.", id=allocation.id, status=status_word(current),
                         expected=status_word(expected), verb=status_word(verb)))
    db.session.refresh(allocation)


def reserve(lot: Lot, need: Need, quantity: int, sku: str) -> None:
    """Reserve `quantity` on the lot and allocate it on the need, or 409 naming the shortfall."""
    lot_left = lot.quantity - lot.reserved
    if lot_left < quantity or not _rowcount(
        sa.update(Lot)
        .where(Lot.id == lot.id, Lot.quantity - Lot.reserved >= quantity)
        .values(reserved=Lot.reserved + quantity)
    ):
        raise Conflict(_("Not enough %(sku)s left in lot %(lot)s: %(left)s available, %(asked)s "
                         "asked (short by %(short)s).", sku=sku, lot=lot.id, left=lot_left,
                         asked=quantity, short=quantity - lot_left))
    need_left = need.quantity - need.allocated
    if need_left < quantity or not _rowcount(
        sa.update(Need)
        .where(Need.id == need.id, Need.quantity - Need.allocated >= quantity)
        .values(allocated=Need.allocated + quantity)
    ):
        raise Conflict(_("Need %(need)s for %(sku)s has only %(left)s units still open, "
                         "%(asked)s asked (short by %(short)s).", need=need.id, sku=sku,
                         left=need_left, asked=quantity, short=quantity - need_left))
    db.session.refresh(lot)
    db.session.refresh(need)
    refresh_need_status(need)


def release(lot: Lot, need: Need, quantity: int) -> None:
    """Give back a reservation: the lot's `reserved` and the need's `allocated` drop by it."""
    _must(
        sa.update(Lot)
        .where(Lot.id == lot.id, Lot.reserved >= quantity)
        .values(reserved=Lot.reserved - quantity),
        f"Lot {lot.id} has less reserved than allocation needs to release.",
    )
    _must(
        sa.update(Need)
        .where(Need.id == need.id, Need.allocated >= quantity)
        .values(allocated=Need.allocated - quantity),
        f"Need {need.id} has less allocated than the allocation needs to release.",
    )
    db.session.refresh(lot)
    db.session.refresh(need)
    refresh_need_status(need)


def dispatch(lot: Lot, quantity: int) -> None:
    """Count units on their way: shipped grows; they stay reserved and in stock until receipt."""
    _must(
        sa.update(Lot)
        .where(Lot.id == lot.id, Lot.reserved >= quantity)
        .values(shipped=Lot.shipped + quantity),
        f"Lot {lot.id} does not hold the reserved units any more.",
    )
    db.session.refresh(lot)


def hand_over(actor: User, lot: Lot, quantity: int) -> None:
    """Take delivered units off the lot for good: quantity and reserved drop by all shipped.

    Called on receipt or dispute; a short delivery still left the supplier's stock (the
    shortfall is a matter for the coordinator). A lot with nothing left becomes exhausted.
    """
    _must(
        sa.update(Lot)
        .where(Lot.id == lot.id, Lot.reserved >= quantity, Lot.quantity >= quantity)
        .values(reserved=Lot.reserved - quantity, quantity=Lot.quantity - quantity),
        f"Lot {lot.id} does not hold the {quantity} shipped units reserved any more.",
    )
    db.session.refresh(lot)
    mark_exhausted_if_empty(actor, lot)  # nothing left to offer; it drops out of matching


def deliver(need: Need, received: int, shortfall: int) -> None:
    """Count delivered units on the need; a shortfall goes back to the open quantity."""
    _must(
        sa.update(Need)
        .where(Need.id == need.id, Need.allocated >= shortfall)
        .values(received=Need.received + received, allocated=Need.allocated - shortfall),
        f"Need {need.id} has less allocated than the short delivery returns.",
    )
    db.session.refresh(need)
    refresh_need_status(need)


def _must(stmt: sa.Executable, message: str) -> None:
    if _rowcount(stmt) != 1:
        raise Conflict(message)


def refresh_need_status(need: Need) -> None:
    """Recompute a need's status from its counters (the needs area's rule when it exists)."""
    try:
        from market.needs.services import recompute_need_status
    except ImportError:
        need.status = need_status(need)
        return
    recompute_need_status(need)


def need_status(need: Need) -> str:
    """The status a need's counters imply; cancelled and expired needs keep theirs."""
    if need.status in CLOSED_NEED_STATUSES:
        return need.status
    if need.received >= need.quantity:
        return "fulfilled"
    if need.allocated >= need.quantity:
        return "allocated"
    if need.allocated > 0:
        return "partially_allocated"
    return "open"
