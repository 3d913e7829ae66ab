"""Stock-lot pages: the list, new, edit, pause/resume/withdraw, and CSV import."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from market.accounts.access import acting_organization
from market.accounts.pickers import company_choices, preselect_company
from market.catalog.forms import attach_errors
from market.catalog.services import all_items, display_name
from market.common.csv_export import csv_response
from market.common.display import district_zone
from market.common.errors import Conflict, Invalid
from market.common.pagination import page_args, paginate
from market.common.web import current_actor
from market.lots import csv_io, services
from market.lots.forms import ActionForm, LotEditForm, LotForm, LotImportForm
from market.lots.models import LOT_KINDS, LotStatus
from market.lots.schemas import LotCreateSchema, LotFilterSchema, LotUpdateSchema

bp = Blueprint("lots", __name__, url_prefix="/lots")


def _filters() -> dict[str, Any]:
    """The list filters from the query string; a bad value is dropped rather than refused."""
    args = {k: v for k, v in request.args.items() if v != ""}
    try:
        return LotFilterSchema().load(args)
    except ma.ValidationError as exc:
        bad = set(exc.messages) if isinstance(exc.messages, dict) else set()
        return LotFilterSchema().load({k: v for k, v in args.items() if k not in bad})


@bp.get("/")
@login_required
def index():
    """List the lots the user may see, with filters and pages."""
    actor = current_actor()
    filters = _filters()
    page = paginate(services.lots_query(actor, filters), *page_args())
    keys = ("item", "status", "kind", "organization_id")
    export_args = {k: filters[k] for k in keys if k in filters}
    return render_template(
        "lots/index.html", page=page, filters=filters, items=all_items(),
        statuses=tuple(LotStatus), kinds=LOT_KINDS, item_name=display_name,
        export_url=url_for("lots_api.export_lots", **export_args),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """List a new lot (a coordinator picks the company: hotline intake)."""
    actor = current_actor()
    if not actor.is_coordinator:
        acting_organization(actor, "supplier")  # 403 before showing a form they cannot use
    form = LotForm()
    form.item.choices = [SelectChoice(i.sku, f"{display_name(i)} ({i.sku})") for i in all_items()]
    _company_choices(form, actor)
    if form.validate_on_submit():
        try:
            data = LotCreateSchema().load(_lot_payload(form))
            lot = services.create_lot(actor, data)
        except ma.ValidationError as exc:
            attach_errors(form, exc.messages)
        except Invalid as exc:
            attach_errors(form, exc.errors or {"_": [exc.message]})
        else:
            flash(_("Lot %(id)s listed.", id=lot.id), "success")
            return redirect(url_for("lots.index"))
    return render_template("lots/new.html", form=form)


def _company_choices(form: LotForm | LotImportForm, actor: Any) -> None:
    """Coordinators choose a verified supplier; company users act for their own company."""
    if actor.is_coordinator:
        form.organization_id.choices = [
            SelectChoice(str(i), name) for i, name in company_choices("supplier")
        ]
        preselect_company(form.organization_id)
    else:
        del form.organization_id


def _lot_payload(form: LotForm) -> dict[str, Any]:
    """The form's values in the API's shape, leaving out what was left blank."""
    payload: dict[str, Any] = {
        "item": form.item.data, "quantity": form.quantity.data, "kind": form.kind.data,
    }
    if "organization_id" in form:
        payload["organization_id"] = form.organization_id.data
    if form.unit_price.data is not None:
        payload["unit_price"] = str(form.unit_price.data)
    for name in ("latitude", "longitude"):
        if form[name].data is not None:
            payload[name] = form[name].data
    if form.subdistrict.data:
        payload["subdistrict"] = form.subdistrict.data
    if form.address.data:
        payload["address"] = form.address.data.strip()
    if form.available_until.data is not None:
        local = form.available_until.data.replace(tzinfo=district_zone())  # the form is local
        payload["available_until"] = local.isoformat()
    return payload


@bp.route("/<int:lot_id>/edit", methods=["GET", "POST"])
@login_required
def edit(lot_id: int):
    """Raise or lower a lot's quantity and change its price."""
    actor = current_actor()
    lot = services.get_lot(actor, lot_id)
    form = LotEditForm(obj=lot)
    if lot.kind == "donation":
        del form.unit_price
    if form.validate_on_submit():
        payload: dict[str, Any] = {"quantity": form.quantity.data}
        if "unit_price" in form and form.unit_price.data is not None:
            payload["unit_price"] = str(form.unit_price.data)
        try:
            services.update_lot(actor, lot_id, LotUpdateSchema().load(payload))
        except ma.ValidationError as exc:
            attach_errors(form, exc.normalized_messages())
        except (Invalid, Conflict) as exc:
            attach_errors(form, exc.errors or {"_": [exc.message]})
        else:
            flash(_("Lot %(id)s saved.", id=lot_id), "success")
            return redirect(url_for("lots.index"))
    return render_template("lots/edit.html", form=form, lot=lot, item_name=display_name)


def _action(lot_id: int, do, done: str):
    """Run a button's action after checking its CSRF token; a conflict becomes a flash."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        do(current_actor(), lot_id)
    except Conflict as exc:
        flash(exc.message, "error")
    else:
        flash(done, "success")
    return redirect(url_for("lots.index"))


@bp.post("/<int:lot_id>/pause")
@login_required
def pause(lot_id: int):
    """Stop offering a lot to matching for now."""
    return _action(
        lot_id, lambda a, i: services.update_lot(a, i, {"status": LotStatus.PAUSED}),
        _("Lot %(id)s paused.", id=lot_id),
    )


@bp.post("/<int:lot_id>/resume")
@login_required
def resume(lot_id: int):
    """Offer a paused lot to matching again."""
    return _action(
        lot_id, lambda a, i: services.update_lot(a, i, {"status": LotStatus.ACTIVE}),
        _("Lot %(id)s active again.", id=lot_id),
    )


@bp.post("/<int:lot_id>/withdraw")
@login_required
def withdraw(lot_id: int):
    """Withdraw a lot for good."""
    return _action(lot_id, services.withdraw_lot, _("Lot %(id)s withdrawn.", id=lot_id))


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_():
    """Upload a CSV of lots; every bad row is listed and nothing is imported unless all are good."""
    actor = current_actor()
    if not actor.is_coordinator:
        acting_organization(actor, "supplier")
    form = LotImportForm()
    _company_choices(form, actor)
    rows: list[dict[str, Any]] = []
    if form.validate_on_submit():
        org_id = form.organization_id.data if "organization_id" in form else None
        try:
            result = csv_io.import_lots(actor, form.file.data.stream, org_id)
        except Invalid as exc:
            errors = dict(exc.errors or {})
            rows = errors.pop("rows", [])
            attach_errors(form, errors)
            if rows:
                flash(exc.message, "error")
        else:
            flash(_("%(n)s lots imported (the file was read as %(encoding)s).", n=result.imported,
                    encoding=csv_io.encoding_label(result.encoding)), "success")
            return redirect(url_for("lots.index"))
    return render_template(
        "lots/import.html", form=form, rows=rows, columns=",".join(csv_io.IMPORT_COLUMNS)
    )


@bp.route("/import/template.csv")
@login_required
def import_template():
    """The import template (header and a sample row in the user's language) to fill in."""
    return csv_response("lots-template.csv", csv_io.IMPORT_COLUMNS, csv_io.template_rows())
