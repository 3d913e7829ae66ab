"""Who may do what: checks that services call with the acting user."""

from __future__ import annotations

from flask_babel import gettext as _

from market.accounts.models import Organization, User
from market.common.errors import Forbidden, Invalid, NotAuthenticated, NotFound
from market.extensions import db
from market.i18n import N_, translate


def require_user(actor: User | None) -> User:
    """Refuse anonymous callers (401)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotAuthenticated(_("Log in first."))
    return actor


def require_coordinator(actor: User | None) -> User:
    """Only coordinators and admins pass (403 otherwise)."""
    actor = require_user(actor)
    if not actor.is_coordinator:
        raise Forbidden(_("Only coordinators may do this."))
    return actor


def require_admin(actor: User | None) -> User:
    """Only admins pass (403 otherwise)."""
    actor = require_user(actor)
    if actor.role != "admin":
        raise Forbidden(_("Only admins may do this."))
    return actor


# What a suspended company may still do, besides reading its own data: confirm receipt of
# (or dispute) goods already shipped to it. Those services call `require_user`; every other
# write by a company calls `require_writer` (directly or through `acting_organization`).
SUSPENDED_MESSAGE = N_(
    "Company '{name}' is suspended: it can read its own data and confirm receipt of goods "
    "already shipped to it, but cannot change anything until a coordinator reinstates it."
)


def require_writer(actor: User | None) -> User:
    """Refuse writes by the users of a suspended company (403 naming the status).

    The one place of the rule "suspended companies cannot act": every service that lets a
    company change something (lots, needs, CSV import, shipping, gift-pack applications,
    company edits) calls it, whether the request came from a page or a token-bearing API
    client. Coordinators are never refused here.
    """
    actor = require_user(actor)
    if actor.is_coordinator:
        return actor
    org = actor.organization
    if org is not None and org.status == "suspended":
        raise Forbidden(translate(SUSPENDED_MESSAGE).format(name=org.name))
    return actor


def can_see_org(actor: User, org_id: int) -> bool:
    """Coordinators see every company; company users only their own."""
    return actor.is_coordinator or actor.organization_id == org_id


def ensure_visible(actor: User, org_id: int, message: str) -> None:
    """Answer 404 (saying the translated `message`) for a record of another company, so its
    existence is not revealed."""
    if not can_see_org(actor, org_id):
        raise NotFound(message)


def acting_organization(
    actor: User | None, role: str, organization_id: int | None = None
) -> Organization:
    """The verified company a lot, need or application is for.

    A company user acts for their own company; a coordinator must name a verified
    company with `organization_id` (hotline intake). `role` is "supplier" or "buyer".
    """
    actor = require_writer(actor)
    if actor.is_coordinator:
        if organization_id is None:
            raise Invalid.field("organization_id",
                                _("required when a coordinator enters a record"))
        org = db.session.get(Organization, organization_id)
        if org is None:
            raise NotFound(_("Organization %(id)s not found.", id=organization_id))
    else:
        org = actor.organization
        if org is None:
            raise Forbidden(_("Your account belongs to no company."))
        if organization_id is not None and organization_id != org.id:
            raise Forbidden(_("You can only act for your own company."))
    if not org.is_verified:
        raise Forbidden(
            _("Company '%(name)s' is %(status)s; only verified companies may do this.",
              name=org.name, status=_(org.status))
        )
    if role not in org.roles:
        raise Forbidden(_("Company '%(name)s' is not registered as a %(role)s.", name=org.name,
                          role=_(role)))
    return org
