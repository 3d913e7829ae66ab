"""Flask-WTF forms of the needs pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FloatField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from market.common.schemas import MAX_QUANTITY
from market.places.forms import subdistrict_field


class NeedForm(FlaskForm):
    """Post or edit a need; `days` + the suggest button pre-fill the quantity."""

    organization_id = SelectField(
        _l("Company (hotline intake)"), coerce=int, id="need-organization",
        description=_l("The verified buyer you are entering this need for."),
    )
    item = SelectField(_l("Item"), id="need-item")
    quantity = IntegerField(
        _l("Quantity"), id="need-quantity",
        validators=[InputRequired(), NumberRange(min=1, max=MAX_QUANTITY)],
        description=_l("Whole units of the item's base unit (pieces, litres, pairs)."),
    )
    max_unit_price = DecimalField(
        _l("Highest unit price"), id="need-max-price", places=2,
        validators=[Optional(), NumberRange(min=0)],
        description=_l("Leave empty to accept any price."),
    )
    needed_by = DateField(
        _l("Needed by"), id="need-needed-by", validators=[Optional()],
        description=_l("After this date the need expires and is no longer matched."),
    )
    accept_substitutes = BooleanField(_l("Accept substitutes"), id="need-accept-substitutes")
    subdistrict = subdistrict_field(
        "need-subdistrict", required=False,
        description=_l("Leave empty to deliver to the company's place."),
    )
    address = StringField(
        _l("Delivery address"), id="need-address", validators=[Optional(), Length(max=300)],
        description=_l("Leave empty to deliver to the company's address."),
    )
    latitude = FloatField(
        _l("Latitude"), id="need-latitude", validators=[Optional(), NumberRange(-90, 90)]
    )
    longitude = FloatField(
        _l("Longitude"), id="need-longitude", validators=[Optional(), NumberRange(-180, 180)]
    )
    days = IntegerField(
        _l("Days to cover"), id="need-suggest-days",
        validators=[Optional(), NumberRange(min=1, max=3650)],
        description=_l("Suggested quantity = headcount × days × daily use per person."),
    )
    submit = SubmitField(_l("Save need"), id="need-submit")

    def service_data(self) -> dict:
        """The fields the needs service takes, without empty optional ones."""
        names = ("item", "quantity", "max_unit_price", "needed_by", "accept_substitutes",
                 "subdistrict", "address", "latitude", "longitude",
                 "organization_id")  # fmt: skip
        data = {name: self[name].data for name in names if name in self}
        if not data.get("address"):
            data["address"] = None
        if not data.get("subdistrict"):
            data.pop("subdistrict", None)
        return data


class RenewForm(FlaskForm):
    """Give an expired need a new needed-by date."""

    needed_by = DateField(_l("New needed-by date"), validators=[Optional()])
    submit = SubmitField(_l("Renew"))


class ConfirmForm(FlaskForm):
    """A bare form carrying the CSRF token of a one-button action."""

    submit = SubmitField(_l("Confirm"))
