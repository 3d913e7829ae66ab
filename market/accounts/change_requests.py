"""Change requests: a verified company's new sector or headcount waits for a coordinator.

Priority belongs to the coordinator (PRODUCT.md): a company's own change of sector or
headcount is stored as its `pending_change`; until a coordinator approves it the old
values and tier stay in force, and need suggestions keep using the approved headcount.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination

from market.accounts.access import require_coordinator
from market.accounts.forms import SECTOR_LABELS
from market.accounts.models import SECTOR_TIERS, Organization, User
from market.audit.display import FIELD_NAMES
from market.audit.services import record, snapshot
from market.common.errors import Conflict, Invalid, NotFound
from market.common.pagination import paginate
from market.common.transaction import unit_of_work
from market.common.types import utcnow
from market.extensions import db
from market.notifications import texts
from market.notifications.services import notify_organization

# What sets a verified company's priority and need suggestions.
PRIORITY_FIELDS = ("sector", "headcount")
CHANGE_SNAPSHOT = ("sector", "headcount", "tier", "tier_overridden", "pending_change")


def locked_organization(org_id: int) -> Organization:
    """Load a company for an update, locking its row on PostgreSQL."""
    org = db.session.scalar(
        sa.select(Organization).where(Organization.id == org_id).with_for_update()
    )
    if org is None:
        raise NotFound(_("Organization not found."))
    return org


def decision_reason(decision: str, reason: str | None, reason_missing: str) -> str | None:
    """Check a coordinator's `approve`/`reject` of a filing or change request; a rejection
    needs a reason (`reason_missing` says so, 422 naming the field). Returns the reason."""
    reason = (reason or "").strip() or None
    if decision not in ("approve", "reject"):
        raise Invalid.field("decision", _("must be approve or reject, got %(value)s",
                                          value=repr(decision)))
    if decision == "reject" and not reason:
        raise Invalid.field("reason", reason_missing)
    return reason


def request_change(actor: User, org: Organization, changes: dict[str, Any]) -> dict[str, Any]:
    """Move a verified company's new sector or headcount into its pending change request.

    A PATCH states the values the company wants: a value other than the approved one is
    requested (replacing an earlier request for that field), the approved value withdraws
    that field's request. A changed request is audited. Returns the other changes, which
    apply at once.
    """
    old = {k: v for k, v in (org.pending_change or {}).items() if k in PRIORITY_FIELDS}
    wanted = dict(old)
    for name in PRIORITY_FIELDS:
        if name in changes:
            if changes[name] == getattr(org, name):
                wanted.pop(name, None)
            else:
                wanted[name] = changes[name]
    rest = {name: value for name, value in changes.items() if name not in PRIORITY_FIELDS}
    if wanted == old:
        return rest
    before = {"pending_change": org.pending_change}
    org.pending_change = (
        {**wanted, "requested_at": utcnow().isoformat(), "requested_by": actor.label}
        if wanted else None
    )
    action = "organization.change_requested" if wanted else "organization.change_withdrawn"
    record(actor, action, "organization", org.id, before, {"pending_change": org.pending_change})
    return rest


def list_change_requests(actor: User | None, page: int = 1, per_page: int = 50) -> Pagination:
    """Companies whose change of sector or headcount waits for a coordinator, oldest first."""
    require_coordinator(actor)
    stmt = (
        sa.select(Organization)
        .where(Organization.pending_change.is_not(None))
        .order_by(Organization.updated_at, Organization.id)
    )
    return paginate(stmt, page, per_page)


def decide_change(
    actor: User | None, org_id: int, decision: str, reason: str | None = None
) -> Organization:
    """Approve or reject a company's change request (a rejection needs a reason).

    Approving applies the new sector (and the tier it gives, unless a coordinator fixed the
    tier) and headcount; rejecting keeps the old values. Either way the request is cleared,
    the decision audited and the company told.
    """
    actor = require_coordinator(actor)
    reason = decision_reason(decision, reason, _("is required when rejecting a change request"))
    with unit_of_work():
        org = locked_organization(org_id)
        change = org.pending_change
        if not change:
            raise Conflict(_("Company '%(name)s' has no change request waiting; nothing to "
                             "decide.", name=org.name))
        before = snapshot(org, CHANGE_SNAPSHOT)
        asked = asked_values(change)
        if decision == "approve":
            _apply_priority(org, change)
        org.pending_change = None
        after = snapshot(org, CHANGE_SNAPSHOT)
        if reason:
            after["reason"] = reason
        record(actor, f"organization.change_{'approved' if decision == 'approve' else 'rejected'}",
               "organization", org.id, before, after)
        notify_organization(org, texts.change_decided(org, decision == "approve", asked, reason))
    return org


def asked_values(change: dict[str, Any]) -> list[tuple[Any, Any]]:
    """A change request as (field label, value) pairs the notification words in its reader's
    language: lazy labels, so "sector medical" reads "Sector "Medical"" or "行业“医疗卫生”"."""
    pairs: list[tuple[Any, Any]] = []
    for name in PRIORITY_FIELDS:
        if name in change:
            value = change[name]
            pairs.append((FIELD_NAMES[name],
                          SECTOR_LABELS.get(value, value) if name == "sector" else value))
    return pairs


def _apply_priority(org: Organization, change: dict[str, Any]) -> None:
    """Apply an approved sector and headcount; the tier follows the sector unless overridden."""
    if "sector" in change:
        org.sector = change["sector"]
        if not org.tier_overridden:
            org.tier = SECTOR_TIERS[org.sector]
    if "headcount" in change:
        org.headcount = change["headcount"]
