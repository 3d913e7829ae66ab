"""Forms of the stock-lot pages; the rules themselves live in the schema and the service."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateTimeLocalField,
    DecimalField,
    FloatField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional

from market.places.forms import subdistrict_field

KIND_CHOICES = [SelectChoice("sale", _l("For sale")), SelectChoice("donation", _l("Donation"))]


class LotForm(FlaskForm):
    """A new lot; a coordinator also picks the company (hotline intake)."""

    organization_id = SelectField(
        _l("Company"), id="lot-organization", coerce=int, validators=[Optional()],
        description=_l("Hotline intake: the verified supplier this lot is for."),
    )
    item = SelectField(_l("Item"), id="lot-item", validators=[DataRequired()])
    quantity = IntegerField(
        _l("Quantity"), id="lot-quantity", validators=[InputRequired()],
        description=_l("Whole number in the item's base unit."),
    )
    kind = SelectField(_l("Kind"), id="lot-kind", choices=KIND_CHOICES, default="sale")
    unit_price = DecimalField(
        _l("Unit price"), id="lot-unit-price", places=2, validators=[Optional()],
        description=_l("Per base unit. Leave empty for a donation."),
    )
    subdistrict = subdistrict_field(
        "lot-subdistrict", required=False,
        description=_l("Optional: defaults to your company's place."),
    )
    address = StringField(
        _l("Address"), id="lot-address", validators=[Optional()],
        description=_l("Optional: defaults to your company address."),
    )
    latitude = FloatField(
        _l("Latitude"), id="lot-latitude", validators=[Optional()],
        description=_l("Optional: defaults to your company address."),
    )
    longitude = FloatField(
        _l("Longitude"), id="lot-longitude", validators=[Optional()],
        description=_l("Optional: defaults to your company address."),
    )
    available_until = DateTimeLocalField(
        _l("Available until"), id="lot-available-until", validators=[Optional()],
        format="%Y-%m-%dT%H:%M",
        description=_l("Optional; local time."),
    )
    submit = SubmitField(_l("Save lot"))


class LotEditForm(FlaskForm):
    """Change a lot's quantity or price."""

    quantity = IntegerField(
        _l("Quantity"), id="lot-quantity", validators=[InputRequired()],
        description=_l("May be raised or lowered, but not below what is reserved."),
    )
    unit_price = DecimalField(
        _l("Unit price"), id="lot-unit-price", places=2, validators=[Optional()]
    )
    submit = SubmitField(_l("Save changes"))


class LotImportForm(FlaskForm):
    """Upload a CSV of lots."""

    organization_id = SelectField(
        _l("Company"), id="import-organization", coerce=int, validators=[Optional()],
        description=_l("Hotline intake: the verified supplier these lots are for."),
    )
    file = FileField(
        _l("CSV file"), id="import-file", validators=[FileRequired()],
        description=_l(
            "CSV (UTF-8 or GBK) with the header "
            "item,quantity,kind,unit_price,latitude,longitude,address,available_until"
        ),
    )
    submit = SubmitField(_l("Import"))


class ActionForm(FlaskForm):
    """An empty form that only carries the CSRF token of a pause/resume/withdraw button."""
