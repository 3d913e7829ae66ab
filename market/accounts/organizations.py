"""Companies: the coordinators' filing queue, decisions, tier overrides and company edits."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination

from market.accounts.access import (
    ensure_visible,
    require_coordinator,
    require_user,
    require_writer,
)
from market.accounts.change_requests import (
    decision_reason,
    locked_organization,
    request_change,
)
from market.accounts.models import SECTOR_TIERS, Organization, OrgStatus, User
from market.accounts.rules import CONTACT_FIELDS, FILING_FIELDS, ORG_SNAPSHOT, org_field_errors
from market.audit.services import record, snapshot
from market.common.errors import Conflict, Forbidden, Invalid, NotFound
from market.common.lifecycle import set_status
from market.common.pagination import paginate
from market.common.transaction import unit_of_work
from market.common.types import utcnow
from market.extensions import db
from market.i18n import status_word
from market.notifications import texts
from market.notifications.services import notify_organization
from market.places.places import locate
from solver.tiers import is_tier

COORDINATOR_FIELDS = ("tier", "status")
COMPANY = _l("Company")
# Statuses a coordinator may set directly; rejecting needs a reason (the verification call).


def get_organization(actor: User | None, org_id: int) -> Organization:
    """A company, for a coordinator or the company's own users (404 for anybody else)."""
    actor = require_user(actor)
    ensure_visible(actor, org_id, _("Organization not found."))
    org = db.session.get(Organization, org_id)
    if org is None:
        raise NotFound(_("Organization not found."))
    return org


def list_organizations(
    actor: User | None,
    status: str | None = None,
    sector: str | None = None,
    q: str | None = None,
    page: int = 1,
    per_page: int = 50,
    pending_change: bool | None = None,
) -> Pagination:
    """Companies for coordinators, oldest filing first, filtered by status, sector, name, or
    whether a change request waits."""
    require_coordinator(actor)
    stmt = sa.select(Organization).order_by(Organization.created_at, Organization.id)
    if status:
        if status not in tuple(OrgStatus):
            allowed = ", ".join(tuple(OrgStatus))
            raise Invalid.field("status", _("must be one of %(allowed)s, got %(value)s",
                                            allowed=allowed, value=repr(status)))
        stmt = stmt.where(Organization.status == status)
    if sector:
        stmt = stmt.where(Organization.sector == sector)
    if q:
        stmt = stmt.where(Organization.name.ilike(f"%{q.strip()}%"))
    if pending_change is not None:
        column = Organization.pending_change
        stmt = stmt.where(column.is_not(None) if pending_change else column.is_(None))
    return paginate(stmt, page, per_page)


def count_pending(actor: User | None) -> int:
    """How many filings wait for a decision."""
    require_coordinator(actor)
    query = sa.select(sa.func.count()).where(Organization.status == "pending")
    return db.session.scalar(query) or 0


def decide_filing(
    actor: User | None, org_id: int, decision: str, reason: str | None = None
) -> Organization:
    """Approve or reject a pending filing (a rejection needs a reason); tell the company."""
    actor = require_coordinator(actor)
    reason = decision_reason(decision, reason, _("is required when rejecting a filing"))
    with unit_of_work():
        org = locked_organization(org_id)
        if org.status != OrgStatus.PENDING:
            raise Conflict(_("Company '%(name)s' is %(status)s, not pending; nothing to decide.",
                             name=org.name, status=status_word(org.status)))
        before = snapshot(org, ORG_SNAPSHOT)
        if decision == "approve":
            set_status(org, COMPANY, OrgStatus.VERIFIED)
            org.rejection_reason, org.verified_at = None, utcnow()
        else:
            set_status(org, COMPANY, OrgStatus.REJECTED)
            org.rejection_reason = reason
        record(actor, f"organization.{'approved' if decision == 'approve' else 'rejected'}",
               "organization", org.id, before, snapshot(org, ORG_SNAPSHOT))
        notify_organization(org, texts.filing_decided(org, decision == "approve", reason))
    return org


def update_organization(actor: User | None, org_id: int, changes: dict[str, Any]) -> Organization:
    """Edit a company: coordinators set tier and status; its users edit contact data and re-file.

    A verified company's own change of sector or headcount does not apply: it becomes the
    company's `pending_change`, which a coordinator approves or rejects (`decide_change`),
    so that no company can raise its own priority. Suspended companies cannot edit (403).
    """
    actor = require_writer(actor)
    ensure_visible(actor, org_id, _("Organization not found."))
    if not actor.is_coordinator:
        refused = [name for name in COORDINATOR_FIELDS if name in changes]
        if refused:
            raise Forbidden(_("Only coordinators may change %(fields)s.",
                              fields=", ".join(refused)))
    changes = dict(changes)
    errors = locate(changes)  # a new subdistrict without coordinates moves to its centroid
    errors.update(org_field_errors({k: v for k, v in changes.items() if k != "tier"}))
    if errors:
        detail = "; ".join(f"{k}: {v[0]}" for k, v in errors.items())
        raise Invalid(_("Invalid company data: %(fields)s", fields=detail), errors)
    with unit_of_work():
        org = locked_organization(org_id)
        if not actor.is_coordinator and org.status not in (OrgStatus.PENDING,
                                                            OrgStatus.REJECTED):
            changes = request_change(actor, org, changes)
        before = snapshot(org, ORG_SNAPSHOT)
        _apply_fields(org, changes)
        action = "organization.updated"
        if actor.is_coordinator:
            _apply_coordinator_fields(org, changes)
        elif org.status == OrgStatus.REJECTED:
            set_status(org, COMPANY, OrgStatus.PENDING)
            org.rejection_reason = None
            action = "organization.refiled"
        after = snapshot(org, ORG_SNAPSHOT)
        if after != before or action == "organization.refiled":
            record(actor, action, "organization", org.id, before, after)
        if actor.is_coordinator and after["status"] != before["status"]:
            notify_organization(org, texts.organization_status(org))
    return org


def _apply_fields(org: Organization, changes: dict[str, Any]) -> None:
    """Copy contact fields, and identity fields while the company is not yet verified."""
    identity = [name for name in FILING_FIELDS if name in changes]
    if identity and org.status not in (OrgStatus.PENDING, OrgStatus.REJECTED):
        raise Conflict(_("%(fields)s of a %(status)s company cannot be changed here; contact "
                         "your district office.", fields=", ".join(identity),
                         status=status_word(org.status)))
    if "credit_code" in changes:
        code = changes["credit_code"].upper()
        clash = db.session.scalar(
            sa.select(Organization.id).where(
                Organization.credit_code == code, Organization.id != org.id
            )
        )
        if clash is not None:
            raise Conflict(_("credit_code: %(code)s is already registered.", code=code),
                           {"credit_code": [_("%(code)s is already registered", code=code)]})
        org.credit_code = code
    if "roles" in changes:
        org.is_supplier, org.is_buyer = "supplier" in changes["roles"], "buyer" in changes["roles"]
    for name in CONTACT_FIELDS:
        if name in changes:
            value = changes[name]
            setattr(org, name, value.strip() if isinstance(value, str) else value)
    if "sector" in changes and not org.tier_overridden:
        org.tier = SECTOR_TIERS[org.sector]


def _apply_coordinator_fields(org: Organization, changes: dict[str, Any]) -> None:
    """Override or restore the tier, suspend or reinstate the company."""
    if "tier" in changes:
        tier = changes["tier"]
        if tier is None:
            org.tier, org.tier_overridden = SECTOR_TIERS[org.sector], False
        elif isinstance(tier, bool) or not isinstance(tier, int) or not is_tier(tier):
            raise Invalid.field("tier", _("must be 1 to 4, got %(value)s", value=repr(tier)))
        else:
            org.tier, org.tier_overridden = tier, True
    status = changes.get("status")
    if status is None or status == org.status:
        return
    if status not in OrgStatus.SETTABLE:
        raise Invalid.field("status", _("must be verified or suspended, got %(value)s",
                                        value=repr(status)))
    if status == OrgStatus.VERIFIED and org.status == OrgStatus.REJECTED:
        raise Conflict(_("A rejected company must re-file before it can be verified."))
    set_status(org, COMPANY, OrgStatus(status))
    if status == OrgStatus.VERIFIED and org.verified_at is None:
        org.verified_at = utcnow()
    if status == OrgStatus.VERIFIED:
        org.rejection_reason = None


def organization_detail(actor: User | None, org_id: int) -> dict[str, Any]:
    """A company with its users and latest audit entries, for a coordinator's detail page."""
    from market.audit.queries import list_entries

    actor = require_coordinator(actor)
    org = get_organization(actor, org_id)
    users = db.session.scalars(sa.select(User).where(User.organization_id == org.id)).all()
    history = list_entries(actor, entity="organization", entity_id=org.id, per_page=20)
    return {"organization": org, "users": list(users), "history": history.items}
