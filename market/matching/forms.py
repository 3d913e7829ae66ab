"""Forms of the matching pages; the rules live in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, SubmitField
from wtforms.validators import DataRequired, InputRequired, NumberRange


class ActionForm(FlaskForm):
    """A button that posts (CSRF token only)."""

    next = HiddenField()


class QuotaForm(FlaskForm):
    """A coordinator's cap on one company's units of one item per run."""

    organization_id = SelectField(
        _l("Company"), coerce=int, validators=[DataRequired()],
        description=_l("The verified buyer whose allocations are capped."),
    )
    item = SelectField(_l("Item"), validators=[DataRequired()])
    max_units = IntegerField(
        _l("Maximum units per run"),
        validators=[InputRequired(), NumberRange(min=1, max=10**9)],
        description=_l("Whole number in the item's base unit; the solver never exceeds it."),
    )
    submit = SubmitField(_l("Save quota"))

