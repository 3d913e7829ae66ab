"""Gift-pack templates (coordinators) and applications (buyers, or hotline intake).

The lifecycle of assigned packs (approve, reject, ship, receive, cancel) is in `packs.py`.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from market.accounts.access import (
    acting_organization,
    ensure_visible,
    require_coordinator,
    require_user,
    require_writer,
)
from market.accounts.models import User
from market.audit.services import record, snapshot
from market.catalog.models import Item
from market.common.errors import Conflict, Invalid, NotFound
from market.common.lifecycle import set_status
from market.common.transaction import unit_of_work
from market.extensions import db
from market.giftpacks.models import (
    ApplicationStatus,
    GiftPackApplication,
    GiftPackTemplate,
    TemplateContent,
)
from market.i18n import status_word

APPLICATION_FIELDS = ("organization_id", "status", "reason", "entered_by_id")
APPLICATION = _l("Gift-pack application")


def template_contents(template: GiftPackTemplate) -> list[dict[str, Any]]:
    """A template's contents as `[{item: SKU, quantity}]`, by SKU."""
    rows = [{"item": c.item.sku, "quantity": c.quantity} for c in template.contents]
    return sorted(rows, key=lambda r: r["item"])


def _template_snapshot(template: GiftPackTemplate) -> dict[str, Any]:
    return {"name": template.name, "active": template.active,
            "contents": template_contents(template)}  # fmt: skip


def _resolve_contents(contents: list[dict[str, Any]]) -> list[tuple[Item, int]]:
    """Look up every SKU of a template's contents; 422 naming `contents` if one is bad."""
    skus = [row["item"] for row in contents]
    items = {i.sku: i for i in db.session.scalars(sa.select(Item).where(Item.sku.in_(skus)))}
    resolved, seen = [], set()
    for n, row in enumerate(contents):
        sku = row["item"]
        if sku not in items:
            raise Invalid.field("contents", _("row %(row)s: unknown SKU %(sku)s", row=n + 1,
                                              sku=repr(sku)))
        if sku in seen:
            raise Invalid.field("contents", _("row %(row)s: %(sku)s is listed twice", row=n + 1,
                                              sku=sku))
        seen.add(sku)
        resolved.append((items[sku], row["quantity"]))
    return resolved


def create_template(actor: User | None, data: dict[str, Any]) -> GiftPackTemplate:
    """Define a gift-pack template (coordinators only)."""
    actor = require_coordinator(actor)
    name = data["name"].strip()
    if not name:
        raise Invalid.field("name", _("must not be blank"))
    rows = _resolve_contents(data["contents"])
    with unit_of_work():
        template = GiftPackTemplate(name=name, active=True)
        template.contents = [TemplateContent(item=item, quantity=q) for item, q in rows]
        db.session.add(template)
        db.session.flush()
        record(actor, "gift_pack_template.create", "gift_pack_template", template.id, None,
               _template_snapshot(template))  # fmt: skip
    return template


def templates_query(actor: User | None, active: bool | None = None) -> sa.Select:
    """The SELECT of templates (coordinators), newest first, optionally by `active`."""
    require_coordinator(actor)
    stmt = sa.select(GiftPackTemplate).order_by(GiftPackTemplate.id.desc())
    if active is not None:
        stmt = stmt.where(GiftPackTemplate.active.is_(active))
    return stmt.options(so.selectinload(GiftPackTemplate.contents).joinedload(TemplateContent.item))


def get_template(actor: User | None, template_id: int) -> GiftPackTemplate:
    """One template (coordinators), or 404."""
    require_coordinator(actor)
    template = db.session.get(GiftPackTemplate, template_id)
    if template is None:
        raise NotFound(_("Gift-pack template %(id)s not found.", id=template_id))
    return template


def update_template(actor: User | None, template_id: int, data: dict[str, Any]) -> GiftPackTemplate:
    """Rename, deactivate or reactivate a template; contents are fixed once defined."""
    template = get_template(actor, template_id)
    if "name" in data and not data["name"].strip():
        raise Invalid.field("name", _("must not be blank"))
    with unit_of_work():
        before = _template_snapshot(template)
        if "name" in data:
            template.name = data["name"].strip()
        if "active" in data:
            template.active = data["active"]
        record(actor, "gift_pack_template.update", "gift_pack_template", template.id, before,
               _template_snapshot(template))  # fmt: skip
    return template


def waiting_application(org_id: int) -> GiftPackApplication | None:
    """The company's waiting application, if it has one."""
    return db.session.scalar(
        sa.select(GiftPackApplication).where(
            GiftPackApplication.organization_id == org_id,
            GiftPackApplication.status == ApplicationStatus.WAITING,
        )
    )


def apply(actor: User | None, data: dict[str, Any]) -> GiftPackApplication:
    """Apply for a gift pack for a verified buyer; one waiting application per company (409)."""
    org = acting_organization(actor, "buyer", data.get("organization_id"))
    existing = waiting_application(org.id)
    if existing is not None:
        raise Conflict(_("Company '%(name)s' already has a waiting gift-pack application "
                         "(%(id)s).", name=org.name, id=existing.id))
    reason = (data.get("reason") or "").strip() or None
    try:
        with unit_of_work():
            application = GiftPackApplication(
                organization_id=org.id, reason=reason, status=ApplicationStatus.WAITING,
                entered_by_id=require_user(actor).id
            )
            db.session.add(application)
            db.session.flush()
            record(actor, "gift_pack_application.create", "gift_pack_application",
                   application.id, None, snapshot(application, APPLICATION_FIELDS))  # fmt: skip
    except IntegrityError:  # a concurrent request got there first
        raise Conflict(_("Company '%(name)s' already has a waiting gift-pack application.",
                         name=org.name)) from None
    return application


def applications_query(actor: User | None, filters: dict[str, Any]) -> sa.Select:
    """Applications the actor may list (a company its own, coordinators all), oldest first."""
    actor = require_user(actor)
    stmt = sa.select(GiftPackApplication).order_by(GiftPackApplication.created_at,
                                                   GiftPackApplication.id)  # fmt: skip
    if not actor.is_coordinator:
        stmt = stmt.where(GiftPackApplication.organization_id == (actor.organization_id or -1))
    elif filters.get("organization_id"):
        stmt = stmt.where(GiftPackApplication.organization_id == filters["organization_id"])
    if filters.get("status"):
        stmt = stmt.where(GiftPackApplication.status == filters["status"])
    return stmt.options(
        so.joinedload(GiftPackApplication.organization),
        so.joinedload(GiftPackApplication.entered_by),
    )


def get_application(actor: User | None, application_id: int) -> GiftPackApplication:
    """One application its company's users or coordinators may see, else 404."""
    actor = require_user(actor)
    application = db.session.get(GiftPackApplication, application_id)
    if application is None:
        raise NotFound(_("Gift-pack application %(id)s not found.", id=application_id))
    ensure_visible(actor, application.organization_id,
                   _("Gift-pack application %(id)s not found.", id=application_id))
    return application


def withdraw_application(actor: User | None, application_id: int) -> GiftPackApplication:
    """Withdraw a waiting application (its company or a coordinator); 409 once assigned."""
    application = get_application(require_writer(actor), application_id)
    if application.status != ApplicationStatus.WAITING:
        raise Conflict(_("Gift-pack application %(id)s is %(status)s; only a waiting "
                         "application can be withdrawn.", id=application_id,
                         status=status_word(application.status)))
    with unit_of_work():
        before = snapshot(application, APPLICATION_FIELDS)
        set_status(application, APPLICATION, ApplicationStatus.WITHDRAWN)
        record(actor, "gift_pack_application.withdraw", "gift_pack_application",
               application.id, before, snapshot(application, APPLICATION_FIELDS))  # fmt: skip
    return application


def reopen_application(actor: User, application: GiftPackApplication) -> None:
    """Put an application back in the queue after its pack was rejected or cancelled.

    If the company has meanwhile filed a newer waiting application, that one stands and
    this one is marked withdrawn (one waiting application per company). No commit.
    """
    if application.status == ApplicationStatus.WAITING:
        return
    before = snapshot(application, APPLICATION_FIELDS)
    newer = waiting_application(application.organization_id)
    set_status(application, APPLICATION,
               ApplicationStatus.WITHDRAWN if newer is not None else ApplicationStatus.WAITING)
    record(actor, "gift_pack_application.reopen", "gift_pack_application", application.id,
           before, snapshot(application, APPLICATION_FIELDS))  # fmt: skip
