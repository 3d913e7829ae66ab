"""The lifecycle of assigned gift packs: approve, reject, ship, receive, cancel.

The matching run creates packs (`proposed`, with components drawn from donated lots).
Approval reserves the lots' units; shipping counts them as on their way (still reserved);
receipt or a dispute takes them off the lots for good; cancellation of an approved pack
releases them. Invariant: a lot's `reserved` equals the units of its approved or shipped
(not yet received) allocations and gift-pack components.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, cast

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from market.accounts.access import require_coordinator, require_user, require_writer
from market.accounts.models import Organization, User
from market.audit.services import record
from market.common.errors import Conflict, Forbidden, Invalid, NotFound
from market.common.rows import fetch
from market.common.transaction import begin_write, is_postgres, rows_changed, unit_of_work
from market.common.types import utcnow
from market.extensions import db
from market.giftpacks.models import GiftPack, GiftPackComponent
from market.giftpacks.services import reopen_application
from market.i18n import status_word
from market.lots.models import Lot
from market.lots.services import mark_exhausted_if_empty
from market.notifications import texts
from market.notifications.services import Compose, notify_organization, notify_user

# What a company sees of its packs: nothing while they are only proposals.
VISIBLE_TO_COMPANIES = ("approved", "shipped", "received", "disputed", "cancelled")
lots = cast(sa.Table, Lot.__table__)  # typed as any FromClause
packs = cast(sa.Table, GiftPack.__table__)


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
    lot_ids = sorted({c.lot_id for c in pack.components})
    if is_postgres() and lot_ids:
        # Always in id order, so two approvals never wait on each other in a cycle.
        db.session.scalars(
            sa.select(Lot).where(Lot.id.in_(lot_ids)).order_by(Lot.id).with_for_update()
        ).all()
    return pack


def units_per_lot(pack: GiftPack) -> dict[int, int]:
    """The pack's units drawn from each lot (components of one lot added up)."""
    totals: dict[int, int] = defaultdict(int)
    for component in pack.components:
        totals[component.lot_id] += component.quantity
    return dict(sorted(totals.items()))


def _require_status(pack: GiftPack, *allowed: str) -> None:
    if pack.status not in allowed:
        raise Conflict(_("Gift pack %(id)s is %(status)s; this needs it to be %(allowed)s.",
                         id=pack.id, status=status_word(pack.status),
                         allowed=" / ".join(status_word(s) for s in allowed)))


def _set_status(actor: User, pack: GiftPack, old: str, new: str, action: str,
                **extra: Any) -> None:
    """Move the pack from `old` to `new` with a conditional UPDATE (409 if it moved)."""
    result = db.session.execute(
        sa.update(packs)
        .where(packs.c.id == pack.id, packs.c.status == old)
        .values(status=new, **extra)
    )
    if rows_changed(result) != 1:
        raise Conflict(_("Gift pack %(id)s is no longer %(status)s.", id=pack.id,
                         status=status_word(old)))
    db.session.expire(pack)
    after = {"status": new, **{k: str(v) for k, v in extra.items() if k != "decided_by_id"}}
    record(actor, f"gift_pack.{action}", "gift_pack", pack.id, {"status": old}, after)


def _reserve(pack: GiftPack) -> None:
    """Reserve every lot's units for the pack, or raise 409 naming the item and shortfall."""
    for lot_id, units in units_per_lot(pack).items():
        result = db.session.execute(
            sa.update(lots)
            .where(lots.c.id == lot_id, lots.c.status == "active",
                   lots.c.quantity - lots.c.reserved >= units)
            .values(reserved=lots.c.reserved + units)
        )  # fmt: skip
        if rows_changed(result) != 1:
            lot = fetch(Lot, lot_id, populate_existing=True)
            if lot.status != "active":
                raise Conflict(_("Donated lot %(lot)s of %(sku)s is %(status)s.", lot=lot_id,
                                 sku=lot.item.sku, status=status_word(lot.status)))
            raise Conflict(_("Not enough %(sku)s left in donated lot %(lot)s: %(short)s short "
                             "(the pack needs %(units)s, %(left)s available).",
                             sku=lot.item.sku, lot=lot_id, short=units - lot.available,
                             units=units, left=lot.available))


def approve_pack(actor: User | None, pack_id: int) -> GiftPack:
    """Approve a proposed pack: reserve its donated lots' units in one locked transaction."""
    actor = require_coordinator(actor)
    with unit_of_work():
        pack = _lock(pack_id)
        _require_status(pack, "proposed")
        if pack.application.status == "withdrawn":
            raise Conflict(_("The application of gift pack %(id)s was withdrawn.", id=pack_id))
        _reserve(pack)
        for lot_id, units in units_per_lot(pack).items():
            record(actor, "lot.reserve", "lot", lot_id, None,
                   {"reserved_delta": units, "gift_pack_id": pack.id})  # fmt: skip
        _set_status(actor, pack, "proposed", "approved", "approve",
                    decided_by_id=actor.id, decided_at=utcnow())  # fmt: skip
        pack.application.status = "assigned"
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
        _require_status(pack, "proposed")
        _set_status(actor, pack, "proposed", "rejected", "reject", decision_note=reason,
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
        _require_status(pack, "approved")
        for lot_id, units in units_per_lot(pack).items():
            _move_out(actor, lot_id, units)
        _set_status(actor, pack, "approved", "shipped", "ship", shipped_at=utcnow())
        notify_organization(pack.organization, texts.pack_shipped(pack))
    return pack


def _move_out(actor: User, lot_id: int, units: int) -> None:
    """Count a lot's reserved units as shipped; they stay reserved and in stock until receipt."""
    result = db.session.execute(
        sa.update(lots)
        .where(lots.c.id == lot_id, lots.c.reserved >= units)
        .values(shipped=lots.c.shipped + units)
    )
    if rows_changed(result) != 1:
        raise Conflict(_("Donated lot %(lot)s does not hold the %(units)s units reserved for it.",
                         lot=lot_id, units=units))
    record(actor, "lot.ship", "lot", lot_id, None, {"shipped_delta": units})


def _hand_over(actor: User, lot_id: int, units: int) -> None:
    """Take a received (or disputed) pack's units off a lot; it is exhausted when empty."""
    result = db.session.execute(
        sa.update(lots)
        .where(lots.c.id == lot_id, lots.c.reserved >= units, lots.c.quantity >= units)
        .values(reserved=lots.c.reserved - units, quantity=lots.c.quantity - units)
    )  # fmt: skip
    if rows_changed(result) != 1:
        raise Conflict(_("Donated lot %(lot)s does not hold the %(units)s shipped units any more.",
                         lot=lot_id, units=units))
    record(actor, "lot.deliver", "lot", lot_id, None,
           {"quantity_delta": -units, "reserved_delta": -units})  # fmt: skip
    mark_exhausted_if_empty(actor, fetch(Lot, lot_id, populate_existing=True))


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
        _require_status(pack, "shipped")
        total = sum(c.quantity for c in pack.components)
        got = total if quantity is None else quantity
        if got > total:
            raise Invalid.field("quantity", _("must be at most the %(total)s units shipped, got "
                                              "%(value)s", total=total, value=got))
        new = "received" if got == total else "disputed"
        _set_status(actor, pack, "shipped", new, new if new == "received" else "dispute",
                    received_at=utcnow(), received_quantity=got,
                    receipt_note=(note or "").strip() or None)  # fmt: skip
        # Everything shipped left the donors' stock, even when fewer units arrived.
        for lot_id, units in units_per_lot(pack).items():
            _hand_over(actor, lot_id, units)
        if new == "disputed":
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
        _require_status(pack, "approved")
        for lot_id, units in units_per_lot(pack).items():
            result = db.session.execute(
                sa.update(lots).where(lots.c.id == lot_id, lots.c.reserved >= units)
                .values(reserved=lots.c.reserved - units)
            )  # fmt: skip
            if rows_changed(result) != 1:
                raise Conflict(_("Donated lot %(lot)s does not hold %(units)s reserved units.",
                                 lot=lot_id, units=units))
            record(actor, "lot.release", "lot", lot_id, None,
                   {"reserved_delta": -units, "gift_pack_id": pack.id})  # fmt: skip
        _set_status(actor, pack, "approved", "cancelled", "cancel",
                    decided_by_id=actor.id, decided_at=utcnow())  # fmt: skip
        reopen_application(actor, pack.application)
        notify_organization(pack.organization, texts.pack_cancelled(pack))
    return pack
