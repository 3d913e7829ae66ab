"""Catalogue pages: the item list for everyone logged in, an add-item form for coordinators."""

from __future__ import annotations

import marshmallow as ma
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from market.accounts.access import require_coordinator
from market.catalog import services
from market.catalog.forms import ItemForm, attach_errors
from market.catalog.schemas import ItemCreateSchema, ItemFilterSchema
from market.common.errors import Conflict, Invalid
from market.common.pagination import page_args, paginate
from market.common.web import current_actor

bp = Blueprint("catalog", __name__, url_prefix="/catalog")


@bp.get("/")
@login_required
def index():
    """List the catalogue with substitutes, in the page's language."""
    try:
        args = ItemFilterSchema().load(request.args.to_dict())
    except ma.ValidationError:
        args = ItemFilterSchema().load({})
    stmt = services.items_query(current_actor(), args.get("category"))
    page = paginate(stmt, *page_args())
    return render_template("catalog/index.html", page=page, item_name=services.display_name)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Let a coordinator add an item."""
    actor = require_coordinator(current_actor())
    form = ItemForm()
    form.substitutes.choices = [
        SelectChoice(i.sku, f"{i.sku} · {services.display_name(i)}") for i in services.all_items()
    ]
    if form.validate_on_submit():
        try:
            data = ItemCreateSchema().load(_form_payload(form))
            item = services.create_item(actor, data)
        except ma.ValidationError as exc:
            attach_errors(form, exc.messages)
        except Invalid as exc:
            attach_errors(form, exc.errors or {})
        except Conflict as exc:  # the SKU is taken
            attach_errors(form, {"sku": [exc.message]})
        else:
            flash(_("Item %(sku)s added.", sku=item.sku), "success")
            return redirect(url_for("catalog.index"))
    return render_template("catalog/new.html", form=form)


def _form_payload(form: ItemForm) -> dict:
    """The form's values in the API's shape, leaving out what was left blank."""
    payload = {
        "sku": form.sku.data or "",
        "name": form.name.data or "",
        "category": form.category.data or "",
        "unit": form.unit.data or "",
        "substitutes": form.substitutes.data or [],
    }
    if form.name_zh.data:
        payload["name_zh"] = form.name_zh.data
    if form.daily_use_per_person.data is not None:
        payload["daily_use_per_person"] = str(form.daily_use_per_person.data)
    return payload
