"""Flask-WTF forms of the gift-pack page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from market.common.schemas import MAX_QUANTITY


class ContentRow(Form):
    """One item line of a template (left empty when unused)."""

    item = SelectField(_l("Item"), validators=[Optional()])
    quantity = IntegerField(_l("Quantity"), validators=[Optional(), NumberRange(1, MAX_QUANTITY)])


class TemplateForm(FlaskForm):
    """Define a template: a name and up to five item lines."""

    name = StringField(_l("Template name"), id="template-name",
                       validators=[InputRequired(), Length(max=200)])
    contents = FieldList(FormField(ContentRow), min_entries=5, max_entries=5)
    submit = SubmitField(_l("Create template"), id="template-submit")

    def service_data(self) -> dict:
        """The template in the API's shape, skipping empty lines."""
        rows = [{"item": row.item.data, "quantity": row.quantity.data}
                for row in self.contents if row.item.data and row.quantity.data]  # fmt: skip
        return {"name": self.name.data or "", "contents": rows}


class ApplyForm(FlaskForm):
    """Apply for a gift pack (a coordinator picks the company: hotline intake)."""

    organization_id = SelectField(_l("Company"), coerce=int, id="apply-organization")
    reason = TextAreaField(_l("Why does the company need a pack?"), id="apply-reason",
                           validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Apply for a gift pack"), id="apply-gift-pack")


class RejectForm(FlaskForm):
    """Reject a proposed pack with a reason."""

    reason = StringField(_l("Reason"), validators=[InputRequired(), Length(max=500)])


class ReceiveForm(FlaskForm):
    """Confirm receipt; a smaller quantity reports a short delivery."""

    quantity = IntegerField(_l("Units received"),
                            validators=[Optional(), NumberRange(0, MAX_QUANTITY)])
    note = StringField(_l("Note for the coordinator"), validators=[Optional(), Length(max=500)])


class ConfirmForm(FlaskForm):
    """A bare form carrying the CSRF token of a one-button action."""
