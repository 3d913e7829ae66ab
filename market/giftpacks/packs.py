"""The lifecycle of assigned gift packs: approve, reject, ship, receive, cancel.

The matching run creates packs (`proposed`, with components drawn from donated lots).
Approval reserves the lots' units; shipping counts them as on their way (still reserved);
receipt or a dispute takes them off the lots for good; cancellation of an approved pack
releases them. The lot counters, their audit rows and the guarded status move are the ones
allocations use (`market.stock`); the allowed moves are `PackStatus`'s transitions.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from market.accounts.access import require_coordinator, require_user, require_writer
from market.accounts.models import Organization, User
from market.audit.services import record
from market.common.errors import Conflict, Forbidden, Invalid, NotFound
from market.common.lifecycle import require_move, set_status
from market.common.rows import fetch
from market.common.transaction import begin_write, is_postgres, unit_of_work
from market.common.types import utcnow
from market.extensions import db
from market.giftpacks.models import ApplicationStatus, GiftPack, GiftPackComponent, PackStatus
from market.giftpacks.services import APPLICATION, reopen_application
from market.lots.models import Lot
from market.notifications import texts
from market.notifications.services import Compose, notify_organization, notify_user
from market.stock.moves import dispatch_lot, hand_over_lot, release_lot, reserve_lot
from market.stock.rows import lock_lots, move_status

GIFT_PACK = _l("Gift pack")
# What a company sees of its packs: nothing while they are only proposals.
VISIBLE_TO_COMPANIES = PackStatus.VISIBLE_TO_COMPANIES


def packs_query(actor: User | None, filters: dict[str, Any]) -> sa.Select:
    """Packs the actor may list: coordinators all; a company the approved-or-later packs
    it receives or whose donated lots fill them. Filters `run_id`, `status`."""
    actor = require_user(actor)
    stmt = sa.select(GiftPack).order_by(GiftPack.id.desc())
    if not actor.is_coordinator:
        org_id = actor.organization_id or -1
        supplies = sa.select(GiftPackComponent.pack_id).join(Lot).where(
            Lot.organization_id == org_id
        )
        stmt = stmt.where(
            GiftPack.status.in_(VISIBLE_TO_COMPANIES),
            sa.or_(GiftPack.organization_id == org_id, GiftPack.id.in_(supplies)),
        )
    for name in ("run_id", "status", "organization_id"):
        if filters.get(name) is not None:
            stmt = stmt.where(getattr(GiftPack, name) == filters[name])
    return stmt.options(
        so.joinedload(GiftPack.template),
        so.joinedload(GiftPack.organization),
        so.selectinload(GiftPack.components).joinedload(GiftPackComponent.item),
        # The page and the API name each component's donor: load it with the lot.
        so.selectinload(GiftPack.components)
        .joinedload(GiftPackComponent.lot)
        .joinedload(Lot.organization),
    )


def supplier_ids(pack: GiftPack) -> set[int]:
    """The companies whose donated lots fill the pack."""
    return {c.lot.organization_id for c in pack.components}


def get_pack(actor: User | None, pack_id: int) -> GiftPack:
    """A pack the actor may see (see `packs_query`), else 404."""
    actor = require_user(actor)
    pack = db.session.get(GiftPack, pack_id)
    if pack is None or not _can_see(actor, pack):
        raise NotFound(_("Gift pack %(id)s not found.", id=pack_id))
    return pack


def _can_see(actor: User, pack: GiftPack) -> bool:
    if actor.is_coordinator:
        return True
    if pack.status not in VISIBLE_TO_COMPANIES or actor.organization_id is None:
        return False
    return actor.organization_id in {pack.organization_id, *supplier_ids(pack)}


def _lock(pack_id: int) -> GiftPack:
    """Load the pack and its lots for a write: row locks on PostgreSQL."""
    if not is_postgres():
        begin_write()  # SQLite: BEGIN IMMEDIATE, one writer at a time
    stmt = sa.select(GiftPack).where(GiftPack.id == pack_id).execution_options(
        populate_existing=True
    )
    pack = db.session.scalar(stmt.with_for_update() if is_postgres() else stmt)
    if pack is None:
        raise NotFound(_("Gift pack %(id)s not found.", id=pack_id))
    lock_lots({c.lot_id for c in pack.components})  # in id order: no waiting in a cycle
    return pack


def units_per_lot(pack: GiftPack) -> dict[int, int]:
    """The pack's units drawn from each lot (components of one lot added up)."""
    totals: dict[int, int] = defaultdict(int)
    for component in pack.components:
        totals[component.lot_id] += component.quantity
    return dict(sorted(totals.items()))


def _set_status(actor: User, pack: GiftPack, new: PackStatus, action: str,
                **extra: Any) -> None:
    """Move the pack to `new` if its lifecycle allows it (409 otherwise) and audit it."""
    old = move_status(pack, GIFT_PACK, new, extra)
    after = {"status": new.value,
             **{k: str(v) for k, v in extra.items() if k != "decided_by_id"}}
    record(actor, f"gift_pack.{action}", "gift_pack", pack.id, {"status": old}, after)


def _source(pack: GiftPack) -> dict[str, int]:
    return {"gift_pack_id": pack.id}


def approve_pack(actor: User | None, pack_id: int) -> GiftPack:
    """Approve a proposed pack: reserve its donated lots' units in one locked transaction."""
    actor = require_coordinator(actor)
    with unit_of_work():
        pack = _lock(pack_id)
        _set_status(actor, pack, PackStatus.APPROVED, "approve",
                    decided_by_id=actor.id, decided_at=utcnow())  # fmt: skip
        if pack.application.status == ApplicationStatus.WITHDRAWN:
            raise Conflict(_("The application of gift pack %(id)s was withdrawn.", id=pack_id))
        for lot_id, units in units_per_lot(pack).items():
            sku = next(c.item.sku for c in pack.components if c.lot_id == lot_id)
            reserve_lot(actor, lot_id, units, sku, _source(pack))
        set_status(pack.application, APPLICATION, ApplicationStatus.ASSIGNED)
        _notify_approval(pack)
    return pack


def _notify_approval(pack: GiftPack) -> None:
    notify_organization(pack.organization, texts.pack_approved(pack))
    for org_id in sorted(supplier_ids(pack)):
        org = fetch(Organization, org_id)
        components = [c for c in pack.components if c.lot.organization_id == org_id]
        notify_organization(org, texts.pack_to_ship(pack, components))


def reject_pack(actor: User | None, pack_id: int, reason: str) -> GiftPack:
    """Reject a proposed pack with a reason; the application goes back to waiting."""
    actor = require_coordinator(actor)
    with unit_of_work():
        pack = _lock(pack_id)
        _set_status(actor, pack, PackStatus.REJECTED, "reject", decision_note=reason,
                    decided_by_id=actor.id, decided_at=utcnow())  # fmt: skip
        reopen_application(actor, pack.application)
    return pack


def ship_pack(actor: User | None, pack_id: int) -> GiftPack:
    """Mark an approved pack shipped (a donor or coordinator); units stay reserved until receipt."""
    actor = require_writer(actor)
    with unit_of_work():
        pack = _lock(pack_id)
        donors = supplier_ids(pack)
        if not actor.is_coordinator and actor.organization_id not in donors:
            if _can_see(actor, pack):
                raise Forbidden(_("Only a donating supplier or a coordinator ships a gift pack."))
            raise NotFound(_("Gift pack %(id)s not found.", id=pack_id))
        _set_status(actor, pack, PackStatus.SHIPPED, "ship", shipped_at=utcnow())
        for lot_id, units in units_per_lot(pack).items():
            dispatch_lot(actor, lot_id, units, _source(pack))
        notify_organization(pack.organization, texts.pack_shipped(pack))
    return pack


def receive_pack(actor: User | None, pack_id: int, quantity: int | None = None,
                 note: str | None = None) -> GiftPack:
    """Confirm receipt (the recipient's users); fewer units than packed makes it `disputed`.

    Either way the packed units leave the donated lots: their quantity and reserved drop.
    """
    actor = require_user(actor)
    with unit_of_work():
        pack = _lock(pack_id)
        if actor.organization_id != pack.organization_id:
            if _can_see(actor, pack):
                raise Forbidden(_("Only the receiving company confirms receipt of a gift pack."))
            raise NotFound(_("Gift pack %(id)s not found.", id=pack_id))
        require_move(GIFT_PACK, pack.id, pack.status, PackStatus.RECEIVED)  # shipped only
        total = sum(c.quantity for c in pack.components)
        got = total if quantity is None else quantity
        if got > total:
            raise Invalid.field("quantity", _("must be at most the %(total)s units shipped, got "
                                              "%(value)s", total=total, value=got))
        new = PackStatus.RECEIVED if got == total else PackStatus.DISPUTED
        _set_status(actor, pack, new, "received" if new == PackStatus.RECEIVED else "dispute",
                    received_at=utcnow(), received_quantity=got,
                    receipt_note=(note or "").strip() or None)  # fmt: skip
        # Everything shipped left the donors' stock, even when fewer units arrived.
        for lot_id, units in units_per_lot(pack).items():
            hand_over_lot(actor, lot_id, units, _source(pack))
        if new == PackStatus.DISPUTED:
            _notify_coordinators(pack, texts.pack_disputed(pack, got, total, note))
    return pack


def _notify_coordinators(pack: GiftPack, compose: Compose) -> None:
    coordinators = db.session.scalars(
        sa.select(User).where(User.role.in_(("coordinator", "admin")), User.active.is_(True))
    )
    for user in coordinators:
        notify_user(user, compose)


def cancel_pack(actor: User | None, pack_id: int) -> GiftPack:
    """Cancel an approved, unshipped pack (coordinators) and release its reservations."""
    actor = require_coordinator(actor)
    with unit_of_work():
        pack = _lock(pack_id)
        _set_status(actor, pack, PackStatus.CANCELLED, "cancel",
                    decided_by_id=actor.id, decided_at=utcnow())  # fmt: skip
        for lot_id, units in units_per_lot(pack).items():
            release_lot(actor, lot_id, units, _source(pack))
        reopen_application(actor, pack.application)
        notify_organization(pack.organization, texts.pack_cancelled(pack))
    return pack
