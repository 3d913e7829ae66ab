"""The coordinator's add-item form."""

from __future__ import annotations

from typing import Any

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Optional


class ItemForm(FlaskForm):
    """A new catalogue item; rules are checked by the API schema and the service."""

    sku = StringField(
        _l("SKU"),
        validators=[DataRequired()],
        description=_l("Upper-case letters, digits and dashes, e.g. MASK-KN95."),
    )
    name = StringField(_l("Name"), validators=[DataRequired()])
    name_zh = StringField(_l("Chinese name"), validators=[Optional()])
    category = StringField(
        _l("Category"), validators=[DataRequired()], description=_l("e.g. mask, gloves")
    )
    unit = StringField(
        _l("Base unit"), validators=[DataRequired()], description=_l("e.g. piece, pair, litre")
    )
    daily_use_per_person = DecimalField(
        _l("Daily use per person"),
        validators=[Optional()],
        places=3,
        description=_l("Used to suggest how much a company needs."),
    )
    substitutes = SelectMultipleField(
        _l("May be replaced by"),
        choices=[],
        validators=[Optional()],
        description=_l("Items that may be delivered in place of this one."),
    )
    submit = SubmitField(_l("Add item"))


def attach_errors(form: FlaskForm, errors: dict[str, Any]) -> None:
    """Show schema or service errors next to the fields they name (others as a flash)."""
    for name, messages in errors.items():
        if isinstance(messages, dict):  # a list field's errors come keyed by position
            messages = [m for ms in messages.values() for m in ms]
        elif not isinstance(messages, list | tuple):
            messages = [messages]
        field = form._fields.get(name)
        if field is None:
            flash("; ".join(map(str, messages)), "error")
        else:
            field.errors = [*field.errors, *map(str, messages)]
