"""Needs pages: the list (with renew for expired needs), post, edit and cancel."""

from __future__ import annotations

import marshmallow as ma
import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from market.accounts.access import acting_organization, require_user
from market.accounts.pickers import company_choices, preselect_company
from market.catalog.models import Item
from market.catalog.services import display_name
from market.common.display import district_today
from market.common.errors import Conflict, Forbidden, Invalid
from market.common.pagination import page_args, paginate
from market.common.web import current_actor, redirect_back
from market.extensions import db
from market.needs import services
from market.needs.forms import ConfirmForm, NeedForm, RenewForm
from market.needs.models import NeedStatus
from market.needs.schemas import NeedFilterSchema
from market.places.forms import pin_of

bp = Blueprint("needs", __name__, url_prefix="/needs")


@bp.get("/")
@login_required
def index():
    """List the buyer's needs (a coordinator: all), expired ones greyed with a renew form."""
    actor = current_actor()
    try:
        args = NeedFilterSchema().load(request.args.to_dict())
    except ma.ValidationError:
        args = NeedFilterSchema().load({})
    stmt = services.with_details(services.needs_query(actor, args))
    page = paginate(stmt, *page_args(max_per_page=100))
    return render_template(
        "needs/index.html", page=page, items=_items(), statuses=tuple(NeedStatus), args=args,
        renew_form=RenewForm(), confirm_form=ConfirmForm(), today=district_today(),
    )  # fmt: skip


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Post a need; the suggest button (a GET) pre-fills the quantity from the headcount."""
    actor = require_user(current_actor())
    if not actor.is_coordinator:
        acting_organization(actor, "buyer")  # 403 for unverified or non-buyer companies
    form = NeedForm(request.args) if request.method == "GET" and request.args else NeedForm()
    _fill_choices(form, actor)
    if request.method == "GET" and request.args.get("suggest"):
        _apply_suggestion(form, actor)
    elif form.validate_on_submit():
        try:
            need = services.create_need(actor, form.service_data())
        except Invalid as exc:
            _attach_errors(form, exc.errors or {})
        except (Conflict, Forbidden) as exc:
            flash(exc.message, "error")
        else:
            flash(_("Need %(id)s posted.", id=need.id), "success")
            return redirect(url_for("needs.index"))
    return render_template("needs/form.html", form=form, need=None)


@bp.route("/<int:need_id>/edit", methods=["GET", "POST"])
@login_required
def edit(need_id: int):
    """Edit a need that is open, partly allocated or expired."""
    actor = current_actor()
    need = services.get_need(actor, need_id)
    form = NeedForm(obj=need)
    del form.organization_id, form.item, form.days
    if request.method == "GET":  # a place at its subdistrict's centre shows no pin
        pin = pin_of(need.subdistrict, need.latitude, need.longitude)
        form.latitude.data, form.longitude.data = pin["latitude"], pin["longitude"]
    if form.validate_on_submit():
        data = form.service_data()
        for name in ("latitude", "longitude"):
            if data.get(name) is None:
                data.pop(name, None)  # left empty: keep the current location
        try:
            services.update_need(actor, need_id, data)
        except Invalid as exc:
            _attach_errors(form, exc.errors or {})
        except Conflict as exc:
            flash(exc.message, "error")
        else:
            flash(_("Need %(id)s saved.", id=need_id), "success")
            return redirect(url_for("needs.index"))
    return render_template("needs/form.html", form=form, need=need)


@bp.post("/<int:need_id>/cancel")
@login_required
def cancel(need_id: int):
    """Cancel a need (refused while units are allocated to it)."""
    ConfirmForm().validate_on_submit()
    try:
        services.cancel_need(current_actor(), need_id)
    except Conflict as exc:
        flash(exc.message, "error")
    else:
        flash(_("Need %(id)s cancelled.", id=need_id), "success")
    return redirect_back(url_for("needs.index"))


@bp.post("/<int:need_id>/renew")
@login_required
def renew(need_id: int):
    """Renew an expired need with a new needed-by date."""
    form = RenewForm()
    if not form.validate_on_submit():
        flash(_("Enter a valid date (YYYY-MM-DD) or leave it empty."), "error")
        return redirect(url_for("needs.index"))
    try:
        services.renew_need(current_actor(), need_id, form.needed_by.data)
    except (Conflict, Invalid) as exc:
        flash(exc.message, "error")
    else:
        flash(_("Need %(id)s renewed.", id=need_id), "success")
    return redirect(url_for("needs.index"))


def _items() -> list[Item]:
    return list(db.session.scalars(sa.select(Item).order_by(Item.sku)))


def _fill_choices(form: NeedForm, actor) -> None:
    form.item.choices = [(i.sku, f"{display_name(i)} ({_(i.unit)}) · {i.sku}") for i in _items()]
    if actor.is_coordinator:
        form.organization_id.choices = company_choices("buyer")
        preselect_company(form.organization_id)
    else:
        del form.organization_id


def _apply_suggestion(form: NeedForm, actor) -> None:
    """Put the suggested quantity into the form, or say why there is none."""
    days = form.days.data if form.days.validate(form) else None
    if not days:
        form.days.errors = [_("Enter the number of days (1 to 3650).")]
        return
    org_id = form.organization_id.data if "organization_id" in form else None
    try:
        result = services.suggestion(actor, form.item.data or "", days, org_id)
    except (Invalid, Forbidden) as exc:
        flash(exc.message, "error")
        return
    form.quantity.data = result["quantity"]
    form.quantity.raw_data = [str(result["quantity"])]
    form.quantity.errors = []
    flash(
        _("Suggested %(q)s: %(h)s people × %(d)s days × %(u)s per person per day.",
          q=result["quantity"], h=result["headcount"], d=days,
          u=result["daily_use_per_person"]),
        "info",
    )  # fmt: skip


def _attach_errors(form: NeedForm, errors: dict) -> None:
    """Show service errors next to the fields they name."""
    for name, messages in errors.items():
        if name in form:
            form[name].errors = [*form[name].errors, *map(str, messages)]
        else:
            flash(f"{name}: {'; '.join(map(str, messages))}", "error")
