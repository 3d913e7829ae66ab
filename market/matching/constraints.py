"""Coordinator controls over later runs: pins, exclusions and per-company quotas."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination

from market.accounts.access import require_coordinator
from market.accounts.models import Organization, User
from market.audit.services import record, snapshot
from market.catalog.models import Item
from market.common.errors import Conflict, Invalid, NotFound
from market.common.pagination import paginate
from market.common.transaction import unit_of_work
from market.extensions import db
from market.i18n import status_word
from market.matching.models import Allocation, MatchConstraint, Quota

CONSTRAINT_FIELDS = ("lot_id", "need_id", "kind", "quantity")
QUOTA_FIELDS = ("organization_id", "item_id", "max_units")


def pin_line(actor: User | None, allocation_id: int) -> MatchConstraint:
    """Keep a proposed line (its lot, need and quantity) in the next run."""
    return _constrain(actor, allocation_id, "pin")


def exclude_line(actor: User | None, allocation_id: int) -> MatchConstraint:
    """Forbid the line's lot → need pair in later runs."""
    return _constrain(actor, allocation_id, "exclude")


def _constrain(actor: User | None, allocation_id: int, kind: str) -> MatchConstraint:
    actor = require_coordinator(actor)
    with unit_of_work():
        line = db.session.get(Allocation, allocation_id)
        if line is None:
            raise NotFound(_("Allocation %(id)s not found.", id=allocation_id))
        if kind == "pin" and line.status != "proposed":
            raise Conflict(_("Allocation %(id)s is %(status)s; only proposed lines can be pinned.",
                             id=allocation_id, status=status_word(line.status)))
        row = db.session.scalar(sa.select(MatchConstraint).where(
            MatchConstraint.lot_id == line.lot_id, MatchConstraint.need_id == line.need_id))
        before = snapshot(row, CONSTRAINT_FIELDS) if row else None
        if row is None:
            row = MatchConstraint(lot_id=line.lot_id, need_id=line.need_id)
            db.session.add(row)
        row.kind, row.created_by_id = kind, actor.id
        row.quantity = line.quantity if kind == "pin" else None
        db.session.flush()
        record(actor, f"match_constraint.{kind}", "match_constraint", row.id, before,
               {**snapshot(row, CONSTRAINT_FIELDS), "allocation_id": allocation_id})
    return row


def remove_constraint(actor: User | None, constraint_id: int) -> None:
    """Delete a pin or an exclusion."""
    actor = require_coordinator(actor)
    with unit_of_work():
        row = db.session.get(MatchConstraint, constraint_id)
        if row is None:
            raise NotFound(_("Constraint %(id)s not found.", id=constraint_id))
        record(actor, "match_constraint.removed", "match_constraint", row.id,
               snapshot(row, CONSTRAINT_FIELDS), None)
        db.session.delete(row)


def list_constraints(actor: User | None, page: int = 1, per_page: int = 50) -> Pagination:
    """Pins and exclusions, newest first."""
    require_coordinator(actor)
    stmt = sa.select(MatchConstraint).order_by(MatchConstraint.id.desc())
    return paginate(stmt, page, per_page)


def set_quota(actor: User | None, organization_id: int, sku: str, max_units: int) -> Quota:
    """Cap the units of an item one company may get per run (replaces an earlier cap)."""
    actor = require_coordinator(actor)
    with unit_of_work():
        org = db.session.get(Organization, organization_id)
        if org is None:
            raise Invalid.field("organization_id",
                                _("no company with id %(id)s", id=organization_id))
        item = db.session.scalar(sa.select(Item).where(Item.sku == sku))
        if item is None:
            raise Invalid.field("item", _("unknown SKU %(value)s", value=repr(sku)))
        quota = db.session.scalar(sa.select(Quota).where(
            Quota.organization_id == org.id, Quota.item_id == item.id))
        before = snapshot(quota, QUOTA_FIELDS) if quota else None
        if quota is None:
            quota = Quota(organization_id=org.id, item_id=item.id)
            db.session.add(quota)
        quota.max_units = max_units
        db.session.flush()
        record(actor, "quota.set", "quota", quota.id, before, snapshot(quota, QUOTA_FIELDS))
    return quota


def delete_quota(actor: User | None, quota_id: int) -> None:
    """Remove a cap."""
    actor = require_coordinator(actor)
    with unit_of_work():
        quota = db.session.get(Quota, quota_id)
        if quota is None:
            raise NotFound(_("Quota %(id)s not found.", id=quota_id))
        record(actor, "quota.deleted", "quota", quota.id, snapshot(quota, QUOTA_FIELDS), None)
        db.session.delete(quota)


def list_quotas(actor: User | None, page: int = 1, per_page: int = 50) -> Pagination:
    """Caps by company name and item."""
    require_coordinator(actor)
    stmt = (sa.select(Quota).join(Organization, Organization.id == Quota.organization_id)
            .join(Item, Item.id == Quota.item_id).order_by(Organization.name, Item.sku)
            .options(so.contains_eager(Quota.organization), so.contains_eager(Quota.item)))
    return paginate(stmt, page, per_page)
