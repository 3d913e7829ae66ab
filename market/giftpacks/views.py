"""The gift-pack page: templates, applications and packs for coordinators; apply,
follow and receive for buyers; ship for donating suppliers."""

from __future__ import annotations

import marshmallow as ma
import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from market.accounts.pickers import company_choices, preselect_company
from market.catalog.models import Item
from market.catalog.services import display_name
from market.common.errors import Conflict, Forbidden, Invalid
from market.common.pagination import page_args, paginate
from market.common.web import current_actor, redirect_back
from market.extensions import db
from market.giftpacks import packs, services
from market.giftpacks.forms import ApplyForm, ConfirmForm, ReceiveForm, RejectForm, TemplateForm
from market.giftpacks.models import PackStatus, application_progress
from market.giftpacks.schemas import PackFilterSchema

bp = Blueprint("giftpacks", __name__, url_prefix="/gift-packs")
HANDLED = (Conflict, Forbidden, Invalid)


@bp.get("/")
@login_required
def index():
    """Show what the user may do with gift packs, by role."""
    actor = current_actor()
    try:
        args = PackFilterSchema().load(request.args.to_dict())
    except ma.ValidationError:
        args = PackFilterSchema().load({})
    pack_page = paginate(packs.packs_query(actor, args), *page_args(max_per_page=50))
    context = {"actor": actor, "packs": pack_page, "statuses": tuple(PackStatus), "args": args,
               "confirm": ConfirmForm(), "reject_form": RejectForm(),
               "receive_form": ReceiveForm(), "apply_form": _apply_form(actor),
               "progress": application_progress}  # fmt: skip
    app_page = paginate(services.applications_query(actor, {}),
                        page_args(page_key="apage")[0], 50)  # fmt: skip
    context["applications"] = app_page
    if actor.is_coordinator:
        context["templates"] = list(db.session.scalars(services.templates_query(actor)))
        context["template_form"] = _template_form()
    else:
        org = actor.organization
        context["is_buyer"] = org is not None and org.is_buyer and org.is_verified
        context["waiting"] = services.waiting_application(org.id) if org else None
    return render_template("giftpacks/index.html", **context)


def _template_form() -> TemplateForm:
    form = TemplateForm()
    choices = [("", "—")] + [(i.sku, f"{i.sku} · {display_name(i)} ({_(i.unit)})")
                             for i in db.session.scalars(sa.select(Item).order_by(Item.sku))]
    for row in form.contents:
        row.item.choices = choices
    return form


def _apply_form(actor) -> ApplyForm:
    form = ApplyForm()
    if actor.is_coordinator:
        form.organization_id.choices = company_choices("buyer")
        preselect_company(form.organization_id)
    else:
        del form.organization_id
    return form


def _done(message: str):
    flash(message, "success")
    return redirect_back(url_for("giftpacks.index"))


def _failed(exc) -> object:
    detail = "; ".join(f"{k}: {', '.join(v)}" for k, v in (exc.errors or {}).items())
    flash(detail if isinstance(exc, Invalid) and detail else exc.message, "error")
    return redirect_back(url_for("giftpacks.index"))


def _form_errors(form) -> str:
    return "; ".join(f"{name}: {', '.join(map(str, errs))}" for name, errs in form.errors.items()
                     if name != "csrf_token") or _("The form has expired; try again.")  # fmt: skip


@bp.post("/templates")
@login_required
def create_template():
    """Create a template from the coordinator's form."""
    form = _template_form()
    if not form.validate_on_submit():
        flash(_form_errors(form), "error")
        return redirect(url_for("giftpacks.index"))
    try:
        template = services.create_template(current_actor(), form.service_data())
    except HANDLED as exc:
        return _failed(exc)
    return _done(_("Template %(name)s created.", name=template.name))


@bp.post("/templates/<int:template_id>/toggle")
@login_required
def toggle_template(template_id: int):
    """Deactivate an active template or reactivate an inactive one."""
    ConfirmForm().validate_on_submit()
    actor = current_actor()
    template = services.get_template(actor, template_id)
    services.update_template(actor, template_id, {"active": not template.active})
    return _done(_("Template %(name)s updated.", name=template.name))


@bp.post("/apply")
@login_required
def apply():
    """Apply for a gift pack (a coordinator: on behalf of a company)."""
    actor = current_actor()
    form = _apply_form(actor)
    if not form.validate_on_submit():
        flash(_form_errors(form), "error")
        return redirect(url_for("giftpacks.index"))
    data = {"reason": form.reason.data}
    if "organization_id" in form:
        data["organization_id"] = form.organization_id.data
    try:
        application = services.apply(actor, data)
    except HANDLED as exc:
        return _failed(exc)
    return _done(_("Application %(id)s is waiting for the next matching run.", id=application.id))


@bp.post("/applications/<int:application_id>/withdraw")
@login_required
def withdraw(application_id: int):
    """Withdraw a waiting application."""
    ConfirmForm().validate_on_submit()
    try:
        services.withdraw_application(current_actor(), application_id)
    except HANDLED as exc:
        return _failed(exc)
    return _done(_("Application %(id)s withdrawn.", id=application_id))


@bp.post("/<int:pack_id>/approve")
@login_required
def approve(pack_id: int):
    """Approve a proposed pack."""
    ConfirmForm().validate_on_submit()
    try:
        packs.approve_pack(current_actor(), pack_id)
    except HANDLED as exc:
        return _failed(exc)
    return _done(_("Gift pack %(id)s approved.", id=pack_id))


@bp.post("/<int:pack_id>/reject")
@login_required
def reject(pack_id: int):
    """Reject a proposed pack with a reason."""
    form = RejectForm()
    if not form.validate_on_submit():
        flash(_("Give a reason for the rejection."), "error")
        return redirect(url_for("giftpacks.index"))
    try:
        packs.reject_pack(current_actor(), pack_id, form.reason.data)
    except HANDLED as exc:
        return _failed(exc)
    return _done(_("Gift pack %(id)s rejected.", id=pack_id))


@bp.post("/<int:pack_id>/ship")
@login_required
def ship(pack_id: int):
    """Mark a pack shipped."""
    ConfirmForm().validate_on_submit()
    try:
        packs.ship_pack(current_actor(), pack_id)
    except HANDLED as exc:
        return _failed(exc)
    return _done(_("Gift pack %(id)s marked shipped.", id=pack_id))


@bp.post("/<int:pack_id>/receive")
@login_required
def receive(pack_id: int):
    """Confirm receipt, or report a short delivery."""
    form = ReceiveForm()
    if not form.validate_on_submit():
        flash(_form_errors(form), "error")
        return redirect(url_for("giftpacks.index"))
    try:
        pack = packs.receive_pack(current_actor(), pack_id, form.quantity.data, form.note.data)
    except HANDLED as exc:
        return _failed(exc)
    if pack.status == "disputed":
        return _done(_("Short delivery of gift pack %(id)s reported.", id=pack_id))
    return _done(_("Receipt of gift pack %(id)s confirmed.", id=pack_id))


@bp.post("/<int:pack_id>/cancel")
@login_required
def cancel(pack_id: int):
    """Cancel an approved, unshipped pack."""
    ConfirmForm().validate_on_submit()
    try:
        packs.cancel_pack(current_actor(), pack_id)
    except HANDLED as exc:
        return _failed(exc)
    return _done(_("Gift pack %(id)s cancelled; its stock is free again.", id=pack_id))
