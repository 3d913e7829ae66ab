"""Stock-lot rules: who may list, see and change a lot, and what a change may do."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from market.accounts.access import (
    acting_organization,
    ensure_visible,
    require_user,
    require_writer,
)
from market.accounts.models import Organization, User
from market.audit.services import record, snapshot
from market.catalog.models import Item
from market.catalog.services import items_by_sku
from market.common.errors import Conflict, Invalid, NotFound
from market.common.lifecycle import set_status
from market.common.transaction import begin_write, unit_of_work
from market.common.types import utcnow
from market.extensions import db
from market.giftpacks.models import GiftPack, GiftPackComponent
from market.i18n import status_word
from market.lots.models import Lot, LotStatus
from market.matching.models import Allocation
from market.places.places import place

LOT = _l("Lot")

LOT_FIELDS = (
    "organization_id", "item_id", "kind", "quantity", "reserved", "shipped", "unit_price",
    "subdistrict", "latitude", "longitude", "address", "available_until", "status",
    "entered_by_id",
)
# Statuses the owner may still change; withdrawn is final.

FieldErrors = dict[str, list[str]]


def check_new_lot(
    data: dict[str, Any], org: Organization, items: dict[str, Item], now: datetime
) -> tuple[dict[str, Any], FieldErrors]:
    """Apply the listing rules to schema-checked input; return the lot's columns and any errors.

    Shared by single listing and CSV import, so both report the same problems.
    """
    errors: FieldErrors = {}
    item = items.get(data["item"])
    if item is None:
        errors["item"] = [_("unknown SKU %(value)s", value=repr(data["item"]))]
    price = data.get("unit_price")
    if data["kind"] == "sale" and price is None:
        errors["unit_price"] = [_("required for a sale lot")]
    elif data["kind"] == "donation" and price is not None:
        errors["unit_price"] = [_("a donation has no price, got %(value)s", value=price)]
    until = data.get("available_until")
    if until is not None and until <= now:
        errors["available_until"] = [
            _("must be in the future, got %(value)s", value=until.isoformat())
        ]
    lat, lon, address = data.get("latitude"), data.get("longitude"), data.get("address")
    subdistrict = data.get("subdistrict")
    found = place(subdistrict)
    if found is not None and lat is None and lon is None:  # the subdistrict's centre
        lat, lon = found.lat, found.lon
    if (lat is None) != (lon is None):
        missing = "latitude" if lat is None else "longitude"
        errors[missing] = [_("give both latitude and longitude, or neither")]
    elif lat is None and address:
        errors["latitude"] = [
            _("give the coordinates of a location other than the company's")]
    if lat is None:  # the location defaults to the company's
        lat, lon, address = org.latitude, org.longitude, org.address
        subdistrict = org.subdistrict
    columns = {
        "organization_id": org.id,
        "item_id": item.id if item is not None else None,
        "kind": data["kind"],
        "quantity": data["quantity"],
        "reserved": 0,
        "shipped": 0,
        "unit_price": price if data["kind"] == "sale" else None,
        "subdistrict": subdistrict or None,
        "latitude": lat,
        "longitude": lon,
        "address": address or None,
        "available_until": until,
        "status": LotStatus.ACTIVE,
    }
    return columns, errors


def create_lot(actor: User | None, data: dict[str, Any]) -> Lot:
    """List a lot for the actor's verified supplier (or, for a coordinator, the one named)."""
    actor = require_user(actor)
    org = acting_organization(actor, "supplier", data.get("organization_id"))
    columns, errors = check_new_lot(data, org, items_by_sku({data["item"]}), utcnow())
    if errors:
        raise Invalid(_describe(errors), errors)
    with unit_of_work():
        (lot,) = add_lots(actor, [columns])
    return lot


def add_lots(actor: User, rows: list[dict[str, Any]]) -> list[Lot]:
    """Insert checked lots and audit each, inside the caller's transaction.

    A coordinator's entries keep `entered_by` (hotline intake). One flush inserts them all.
    """
    entered_by_id = actor.id if actor.is_coordinator else None
    lots = [Lot(**columns, entered_by_id=entered_by_id) for columns in rows]
    db.session.add_all(lots)
    db.session.flush()
    for lot in lots:
        record(actor, "lot.create", "lot", lot.id, None, snapshot(lot, LOT_FIELDS))
    return lots


def _describe(errors: FieldErrors) -> str:
    return "; ".join(f"{field}: {', '.join(msgs)}" for field, msgs in errors.items())


def lots_query(actor: User | None, filters: dict[str, Any] | None = None) -> sa.Select:
    """Lots the actor may see, newest first: a company its own, a coordinator all."""
    actor = require_user(actor)
    filters = filters or {}
    stmt = sa.select(Lot).options(
        so.joinedload(Lot.item), so.joinedload(Lot.organization), so.joinedload(Lot.entered_by)
    )
    if actor.is_coordinator:
        if filters.get("organization_id") is not None:
            stmt = stmt.where(Lot.organization_id == filters["organization_id"])
    else:
        # A user without a company sees nothing rather than everybody's lots.
        stmt = stmt.where(Lot.organization_id == (actor.organization_id or -1))
    if filters.get("item"):
        stmt = stmt.join(Lot.item).where(Item.sku == filters["item"])
    for name in ("status", "kind"):
        if filters.get(name):
            stmt = stmt.where(getattr(Lot, name) == filters[name])
    return stmt.order_by(Lot.created_at.desc(), Lot.id.desc())


def get_lot(actor: User | None, lot_id: int) -> Lot:
    """One lot, for its owner or a coordinator; anyone else gets 404."""
    actor = require_user(actor)
    lot = db.session.get(Lot, lot_id)
    if lot is None:
        raise NotFound(_("Lot %(id)s not found.", id=lot_id))
    ensure_visible(actor, lot.organization_id, _("Lot %(id)s not found.", id=lot_id))
    return lot


def _lock_lot(actor: User, lot_id: int) -> Lot:
    """Load a lot for writing: the write lock is held until commit (row lock on PostgreSQL)."""
    begin_write()
    lot = db.session.scalar(
        sa.select(Lot).where(Lot.id == lot_id).with_for_update().execution_options(
            populate_existing=True
        )
    )
    if lot is None:
        raise NotFound(_("Lot %(id)s not found.", id=lot_id))
    ensure_visible(actor, lot.organization_id, _("Lot %(id)s not found.", id=lot_id))
    return lot


def update_lot(actor: User | None, lot_id: int, changes: dict[str, Any]) -> Lot:
    """Change a lot's quantity, price or status (active/paused); never below what is reserved."""
    actor = require_writer(actor)
    with unit_of_work():
        lot = _lock_lot(actor, lot_id)
        if lot.status not in LotStatus.OPEN:
            raise Conflict(_("Lot %(id)s is %(status)s; it can no longer be changed.",
                             id=lot.id, status=status_word(lot.status)))
        before = snapshot(lot, LOT_FIELDS)
        if "unit_price" in changes:
            _set_price(lot, changes["unit_price"])
        if "quantity" in changes:
            _set_quantity(lot, changes["quantity"])
        if "status" in changes:
            _set_status(lot, changes["status"])
        after = snapshot(lot, LOT_FIELDS)
        if after != before:
            record(actor, "lot.update", "lot", lot.id, before, after)
    return lot


def _set_price(lot: Lot, price: Any) -> None:
    if lot.kind == "donation":
        raise Invalid.field("unit_price", _("lot %(id)s is a donation and has no price",
                                            id=lot.id))
    if price is None:
        raise Invalid.field("unit_price", _("required for a sale lot"))
    lot.unit_price = price


def _set_quantity(lot: Lot, quantity: int) -> None:
    if quantity < lot.reserved:
        raise Conflict(
            _("Lot %(id)s: %(reserved)s units are reserved by approved allocations, so the "
              "quantity cannot go below %(reserved)s (asked for %(asked)s).", id=lot.id,
              reserved=lot.reserved, asked=quantity),
            {"quantity": [_("at least %(reserved)s (reserved)", reserved=lot.reserved)]},
        )
    lot.quantity = quantity
    if lot.status == LotStatus.EXHAUSTED and quantity > 0:
        set_status(lot, LOT, LotStatus.ACTIVE)  # restocked


def _set_status(lot: Lot, status: str) -> None:
    if lot.status == LotStatus.EXHAUSTED and lot.quantity == 0:
        raise Conflict(_("Lot %(id)s is exhausted; raise its quantity to list it again.",
                         id=lot.id))
    set_status(lot, LOT, LotStatus(status))


def withdraw_lot(actor: User | None, lot_id: int) -> Lot:
    """Withdraw a lot for good; refused while approved allocations or packs wait to be shipped."""
    actor = require_writer(actor)
    with unit_of_work():
        lot = _lock_lot(actor, lot_id)
        if lot.status == LotStatus.WITHDRAWN:
            return lot
        waiting = unshipped_units(lot.id)
        if waiting > 0:
            raise Conflict(_("Lot %(id)s has %(units)s units reserved by approved allocations "
                             "that are not shipped yet; it cannot be withdrawn until they are.",
                             id=lot.id, units=waiting))
        before = snapshot(lot, LOT_FIELDS)
        set_status(lot, LOT, LotStatus.WITHDRAWN)
        record(actor, "lot.withdraw", "lot", lot.id, before, snapshot(lot, LOT_FIELDS))
    return lot


def unshipped_units(lot_id: int) -> int:
    """Units of a lot reserved by approved allocations and gift packs not shipped yet.

    Not `lot.reserved`: that also counts shipped units awaiting receipt, which no longer
    stop the supplier withdrawing the rest.
    """
    by_allocations = sa.select(sa.func.coalesce(sa.func.sum(Allocation.quantity), 0)).where(
        Allocation.lot_id == lot_id, Allocation.status == "approved"
    )
    by_packs = (
        sa.select(sa.func.coalesce(sa.func.sum(GiftPackComponent.quantity), 0))
        .join(GiftPack, GiftPack.id == GiftPackComponent.pack_id)
        .where(GiftPackComponent.lot_id == lot_id, GiftPack.status == "approved")
    )
    return int(db.session.scalar(by_allocations)) + int(db.session.scalar(by_packs))


def mark_exhausted_if_empty(actor: User | None, lot: Lot) -> bool:
    """Set an active or paused lot with nothing left to `exhausted` (call after receipt).

    Runs inside the caller's transaction and audits the change; returns whether it changed.
    """
    if lot.quantity > 0 or lot.status not in (LotStatus.ACTIVE, LotStatus.PAUSED):
        return False
    before = snapshot(lot, LOT_FIELDS)
    set_status(lot, LOT, LotStatus.EXHAUSTED)
    record(actor, "lot.exhausted", "lot", lot.id, before, snapshot(lot, LOT_FIELDS))
    return True
