"""Flask-WTF forms of the allocation pages (CSRF on every POST)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from market.matching.models import AllocationStatus
from solver.tiers import TIERS


class FilterForm(FlaskForm):
    """The proposals page's filters, read from the query string."""

    class Meta:
        csrf = False

    run_id = IntegerField(_l("Run"), validators=[Optional()])
    item = StringField(_l("Item SKU"), validators=[Optional(), Length(max=60)])
    tier = SelectField(
        _l("Tier"),
        choices=[SelectChoice("", _l("Any")), *(SelectChoice(str(t), str(t)) for t in TIERS)],
        validators=[Optional()],
    )
    supplier = StringField(_l("Supplier"), validators=[Optional(), Length(max=200)])
    buyer = StringField(_l("Buyer"), validators=[Optional(), Length(max=200)])
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("", _l("Any")),
            *(SelectChoice(s.value, s.label) for s in AllocationStatus),
        ],
        validators=[Optional()],
    )

    def filters(self) -> dict:
        """The service filters these fields describe (invalid ones are left out)."""
        data = {
            "run_id": self.run_id.data if not self.run_id.errors else None,
            "item": self.item.data or None,
            "tier": int(self.tier.data) if self.tier.data else None,
            "supplier": self.supplier.data or None,
            "buyer": self.buyer.data or None,
            "status": self.status.data or None,
        }
        return {k: v for k, v in data.items() if v is not None}


class ApproveForm(FlaskForm):
    """Approve a line, optionally lowering its quantity."""

    quantity = IntegerField(
        _l("Quantity"),
        validators=[Optional(), NumberRange(min=1, message=_l("Must be at least 1."))],
        description=_l("Leave empty to approve the proposed quantity; you may only lower it."),
    )


class RejectForm(FlaskForm):
    """Reject a line with a reason."""

    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class BulkApproveForm(FlaskForm):
    """Approve the ticked lines."""

    ids = SelectMultipleField(_l("Lines"), coerce=int, validate_choice=False)


class ReceiveForm(FlaskForm):
    """Confirm receipt, or report fewer units than shipped with a note."""

    quantity = IntegerField(
        _l("Units received"),
        validators=[Optional(), NumberRange(min=0, message=_l("Must be 0 or more."))],
        description=_l("Leave empty when everything arrived."),
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=500)])


class CancelForm(FlaskForm):
    """Cancel an approved line."""

    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])


class ShipForm(FlaskForm):
    """Mark a line shipped (CSRF only)."""
