"""Needs: post, edit, cancel, renew, expire, and the status other areas recompute.

Other areas call two helpers from here:
- `recompute_need_status(need)` after they change `need.allocated` or `need.received`
  (allocation approval, shipping, receipt, cancellation), inside their own transaction;
- `expire_stale_needs(today, commit=False)` at the start of a matching run, so that needs
  past their needed-by date are not matched.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
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
from market.common.display import district_today
from market.common.errors import Conflict, Invalid, NotFound
from market.common.lifecycle import set_status
from market.common.transaction import unit_of_work
from market.extensions import db
from market.i18n import status_word
from market.needs.models import Need, NeedStatus
from market.places.places import locate

NEED = _l("Need")

AUDIT_FIELDS = (
    "quantity",
    "allocated",
    "received",
    "status",
    "max_unit_price",
    "needed_by",
    "accept_substitutes",
    "subdistrict",
    "latitude",
    "longitude",
    "address",
)
EDITABLE_FIELDS = (
    "quantity",
    "max_unit_price",
    "needed_by",
    "accept_substitutes",
    "subdistrict",
    "latitude",
    "longitude",
    "address",
)


def item_by_sku(sku: str, field: str = "item") -> Item:
    """The catalogue item with this SKU, or 422 naming the field."""
    item = db.session.scalar(sa.select(Item).where(Item.sku == sku))
    if item is None:
        raise Invalid.field(field, _("unknown SKU %(value)s", value=repr(sku)))
    return item


def _check_needed_by(value: date | None) -> None:
    if value is not None and value < district_today():
        raise Invalid.field("needed_by", _("must be today or later, got %(value)s",
                                           value=value.isoformat()))


def _check_location(data: dict[str, Any]) -> None:
    has_lat, has_lon = data.get("latitude") is not None, data.get("longitude") is not None
    if has_lat != has_lon:
        missing = "longitude" if has_lat else "latitude"
        raise Invalid.field(missing, _("latitude and longitude go together"))


def counted_status(need: Need) -> NeedStatus:
    """The status that `allocated` and `received` give a live need."""
    if need.received >= need.quantity:
        return NeedStatus.FULFILLED
    if need.allocated >= need.quantity:
        return NeedStatus.ALLOCATED
    if need.allocated > 0:
        return NeedStatus.PARTIALLY_ALLOCATED
    return NeedStatus.OPEN


def recompute_need_status(need: Need) -> str:
    """Set the need's status from its allocated/received units; call after every transition.

    The one place the need-status rule lives. A cancelled need stays cancelled; an expired
    need stays expired until nothing is left to allocate (then it becomes `allocated` or
    `fulfilled`). Returns the new status. Does not commit: the caller's transaction does.
    """
    status = counted_status(need)
    if need.status == NeedStatus.CANCELLED:
        return need.status
    if need.status == NeedStatus.EXPIRED and status in NeedStatus.MATCHABLE:
        return need.status
    set_status(need, NEED, status)
    return status


def create_need(actor: User | None, data: dict[str, Any]) -> Need:
    """Post a need for a verified buyer (or, by hotline intake, a coordinator for one)."""
    org = acting_organization(actor, "buyer", data.get("organization_id"))
    item = item_by_sku(data["item"])
    _check_needed_by(data.get("needed_by"))
    data = dict(data)
    locate(data)  # a subdistrict without coordinates: its centre (the schema checked the code)
    _check_location(data)
    own_place = data.get("latitude") is None
    with unit_of_work():
        need = Need(
            organization_id=org.id,
            item_id=item.id,
            quantity=data["quantity"],
            allocated=0,
            received=0,
            max_unit_price=data.get("max_unit_price"),
            needed_by=data.get("needed_by"),
            accept_substitutes=bool(data.get("accept_substitutes", False)),
            latitude=org.latitude if data.get("latitude") is None else data["latitude"],
            longitude=org.longitude if data.get("longitude") is None else data["longitude"],
            address=data.get("address") or (org.address if own_place else None),
            subdistrict=org.subdistrict if own_place else data.get("subdistrict"),
            status=NeedStatus.OPEN,
            entered_by_id=require_user(actor).id,
        )
        db.session.add(need)
        db.session.flush()
        record(actor, "need.create", "need", need.id, None, snapshot(need, AUDIT_FIELDS))
    return need


def get_need(actor: User | None, need_id: int) -> Need:
    """A need the actor may see (its company's users and coordinators), else 404."""
    actor = require_user(actor)
    need = db.session.get(Need, need_id)
    if need is None:
        raise NotFound(_("Need %(id)s not found.", id=need_id))
    ensure_visible(actor, need.organization_id, _("Need %(id)s not found.", id=need_id))
    return need


def needs_query(actor: User | None, filters: dict[str, Any]) -> sa.Select:
    """The SELECT of needs the actor may list, filtered by `item`, `status`, `organization_id`."""
    actor = require_user(actor)
    stmt = sa.select(Need).order_by(Need.created_at.desc(), Need.id.desc())
    if not actor.is_coordinator:
        stmt = stmt.where(Need.organization_id == (actor.organization_id or -1))
    elif filters.get("organization_id"):
        stmt = stmt.where(Need.organization_id == filters["organization_id"])
    if filters.get("item"):
        stmt = stmt.join(Item, Item.id == Need.item_id).where(Item.sku == filters["item"])
    if filters.get("status"):
        stmt = stmt.where(Need.status == filters["status"])
    return stmt


def with_details(stmt: sa.Select) -> sa.Select:
    """Load each need's item, company and enterer with it (lists and exports)."""
    return stmt.options(
        so.joinedload(Need.item), so.joinedload(Need.organization), so.joinedload(Need.entered_by)
    )


def update_need(actor: User | None, need_id: int, data: dict[str, Any]) -> Need:
    """Edit a need that is still open, partly allocated or expired; never below `allocated`."""
    need = get_need(require_writer(actor), need_id)
    if need.status not in NeedStatus.EDITABLE:
        raise Conflict(_("Need %(id)s is %(status)s and can no longer be edited.", id=need_id,
                         status=status_word(need.status)))
    if "quantity" in data and data["quantity"] < need.allocated:
        raise Conflict(_("Need %(id)s: quantity %(quantity)s is below the %(allocated)s units "
                         "already allocated.", id=need_id, quantity=data["quantity"],
                         allocated=need.allocated))
    if "needed_by" in data:
        _check_needed_by(data["needed_by"])
    data = dict(data)
    locate(data)  # a new subdistrict without coordinates moves the need to its centre
    _check_location({k: data.get(k, getattr(need, k)) for k in ("latitude", "longitude")})
    with unit_of_work():
        before = snapshot(need, AUDIT_FIELDS)
        for name in EDITABLE_FIELDS:
            if name in data:
                setattr(need, name, data[name])
        fresh = need.needed_by is None or need.needed_by >= district_today()
        if need.status == NeedStatus.EXPIRED and fresh:
            set_status(need, NEED, NeedStatus.OPEN)  # a fresh date renews an expired need
        recompute_need_status(need)
        record(actor, "need.update", "need", need.id, before, snapshot(need, AUDIT_FIELDS))
    return need


def cancel_need(actor: User | None, need_id: int) -> Need:
    """Cancel a need; refused (409) while any units are allocated to it."""
    need = get_need(require_writer(actor), need_id)
    if need.status in (NeedStatus.CANCELLED, NeedStatus.FULFILLED):
        raise Conflict(_("Need %(id)s is already %(status)s.", id=need_id,
                         status=status_word(need.status)))
    if need.allocated > 0:
        raise Conflict(_("Need %(id)s has %(allocated)s units allocated; it cannot be cancelled. "
                         "Lower it to the allocated quantity instead.", id=need_id,
                         allocated=need.allocated))
    with unit_of_work():
        before = snapshot(need, AUDIT_FIELDS)
        set_status(need, NEED, NeedStatus.CANCELLED)
        record(actor, "need.cancel", "need", need.id, before, snapshot(need, AUDIT_FIELDS))
    return need


def renew_need(actor: User | None, need_id: int, needed_by: date | None) -> Need:
    """Give an expired need a new needed-by date (or none) so it is matched again."""
    need = get_need(require_writer(actor), need_id)
    if need.status != NeedStatus.EXPIRED:
        raise Conflict(_("Need %(id)s is %(status)s; only expired needs can be renewed.",
                         id=need_id, status=status_word(need.status)))
    _check_needed_by(needed_by)
    with unit_of_work():
        before = snapshot(need, AUDIT_FIELDS)
        need.needed_by = needed_by
        set_status(need, NEED, NeedStatus.OPEN)
        recompute_need_status(need)
        record(actor, "need.renew", "need", need.id, before, snapshot(need, AUDIT_FIELDS))
    return need


def expire_stale_needs(on: date | None = None, commit: bool = True) -> int:
    """Mark open and partly allocated needs whose needed-by date has passed as `expired`.

    Audited as the system. The worker's periodic task calls it with `commit=True` (GET
    requests never write); the matching run passes `commit=False` to keep it inside its
    own transaction. Returns how many expired.
    """
    on = on or district_today()
    stale = db.session.scalars(
        sa.select(Need)
        .where(Need.status.in_(NeedStatus.MATCHABLE), Need.needed_by < on)
        .with_for_update(skip_locked=True)
    ).all()
    for need in stale:
        record(None, "need.expire", "need", need.id, {"status": need.status},
               {"status": NeedStatus.EXPIRED.value})
        set_status(need, NEED, NeedStatus.EXPIRED)
    if commit:
        db.session.commit()
    return len(stale)


def suggest_quantity(item: Item, headcount: int, days: int) -> int:
    """Units for `headcount` people over `days` days: ceil(headcount × days × daily use)."""
    return math.ceil(Decimal(headcount) * Decimal(days) * Decimal(item.daily_use_per_person))


def suggestion(actor: User | None, sku: str, days: int, organization_id: int | None) -> dict:
    """The suggested quantity of an item for the acting buyer's headcount over `days` days."""
    org: Organization = acting_organization(actor, "buyer", organization_id)
    item = item_by_sku(sku)
    return {
        "item": item.sku,
        "days": days,
        "headcount": org.headcount,
        "daily_use_per_person": item.daily_use_per_person,
        "quantity": suggest_quantity(item, org.headcount, days),
        "organization": org,
    }
