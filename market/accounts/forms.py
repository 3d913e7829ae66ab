"""Flask-WTF forms of the accounts pages (CSRF-protected)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    FloatField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from market.accounts.models import SECTOR_TIERS
from market.accounts.rules import credit_code_error, email_error, password_error, phone_error
from market.places.forms import check_place, subdistrict_field
from solver.tiers import TIERS

SECTOR_LABELS = {
    "medical": _l("Medical"),
    "epidemic_control": _l("Epidemic control"),
    "elder_care": _l("Elder care"),
    "food_supply": _l("Food supply"),
    "supermarket": _l("Supermarket"),
    "utilities": _l("Utilities"),
    "public_transport": _l("Public transport"),
    "logistics": _l("Logistics"),
    "manufacturing": _l("Manufacturing"),
    "construction": _l("Construction"),
    "trade": _l("Trade"),
    "services": _l("Services"),
    "office": _l("Office"),
    "other": _l("Other"),
}
ROLE_CHOICES = {
    "supplier": ("supplier",),
    "buyer": ("buyer",),
    "both": ("supplier", "buyer"),
}


def sector_choices() -> list[SelectChoice]:
    """An empty "choose" option, then the sector codes with their labels and priority tiers.

    No sector is preselected: a company that skipped the field would otherwise silently
    become the first sector (and its tier).
    """
    return [
        SelectChoice("", _l("Choose the sector…")),
        *(SelectChoice(code, _l("%(sector)s (tier %(tier)s)", sector=SECTOR_LABELS[code],
                                tier=tier))
          for code, tier in SECTOR_TIERS.items()),
    ]


def _rule(check):
    """A WTForms validator from one of the filing rules (message or None)."""

    def validate(_form, field) -> None:
        message = check((field.data or "").strip().upper() if check is credit_code_error
                        else field.data)
        if message:
            raise ValidationError(message)

    return validate


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("E-mail"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    next = HiddenField()


class CompanyForm(FlaskForm):
    """A company's contact data (registration and later edits)."""

    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=200)])
    sector = SelectField(
        _l("Sector"), choices=sector_choices, default="",
        validators=[DataRequired(message=_l("Choose the company's sector."))],
        description=_l("The sector sets your priority tier when supplies are scarce."),
    )
    headcount = IntegerField(
        _l("Employees on site"), validators=[InputRequired(), NumberRange(min=1, max=10**9)]
    )
    subdistrict = subdistrict_field("subdistrict", required=False)
    address = StringField(_l("Street address"), validators=[DataRequired(), Length(max=300)])
    latitude = FloatField(_l("Latitude"), validators=[Optional(), NumberRange(-90, 90)],
                          description=_l("Decimal degrees north, e.g. 36.0664"))
    longitude = FloatField(_l("Longitude"), validators=[Optional(), NumberRange(-180, 180)],
                           description=_l("Decimal degrees east, e.g. 120.3826"))
    phone = StringField(
        _l("Contact phone"), validators=[DataRequired(), Length(max=40), _rule(phone_error)]
    )

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks, then: a subdistrict or a pinned place."""
        valid = super().validate(extra_validators)
        return check_place(self) and valid


class FilingForm(CompanyForm):
    """Company data plus the identity fields that can change until a coordinator verifies."""

    credit_code = StringField(
        _l("Unified social credit code"),
        validators=[DataRequired(), _rule(credit_code_error)],
        description=_l(
            "The 18 characters on your business licence (GB 32100-2015); the last one is a "
            "check digit, so a typo is caught at once. Letters I, O, S, V and Z never occur."
        ),
    )
    roles = SelectField(
        _l("The company is a"),
        choices=[SelectChoice("supplier", _l("Supplier")), SelectChoice("buyer", _l("Buyer")),
                 SelectChoice("both", _l("Supplier and buyer"))],
        default="buyer",
    )


class RegisterForm(FilingForm):
    """A new company with its first user."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), _rule(email_error)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])

    def validate_password(self, field) -> None:
        """Refuse short, common and guessable passwords, and the e-mail itself."""
        message = password_error(field.data, self.email.data)
        if message:
            raise ValidationError(message)


class PasswordForm(FlaskForm):
    """Change one's password: the current one, and the new one twice."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(),
            EqualTo("new_password", message=_l("The two new passwords differ.")),
        ],
    )


class LanguageForm(FlaskForm):
    """The language a user reads pages, notifications, e-mail and SMS in."""

    language = SelectField(
        _l("Language"),
        choices=[SelectChoice("en", "English"), SelectChoice("zh", "中文")],
        validators=[DataRequired()],
    )


class DecisionForm(FlaskForm):
    """A coordinator's decision on a filing."""

    decision = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=500)])
    next = HiddenField()


class TierForm(FlaskForm):
    """A coordinator's tier override."""

    tier = SelectField(
        _l("Priority tier"),
        choices=[SelectChoice("", _l("From the sector")),
                 *(SelectChoice(str(t)) for t in TIERS)],
    )


class StatusForm(FlaskForm):
    """Suspend or reinstate a company."""

    status = HiddenField(validators=[DataRequired()])


class EmptyForm(FlaskForm):
    """Just the CSRF token, for button-only forms."""


def company_changes(form: CompanyForm) -> dict[str, Any]:
    """The service's field dict from a submitted company form."""
    data: dict[str, Any] = {
        name: getattr(form, name).data
        for name in ("name", "sector", "headcount", "subdistrict", "address", "latitude",
                     "longitude", "phone")
    }
    if "credit_code" in form:
        data["credit_code"] = (form.credit_code.data or "").strip().upper()
    if "roles" in form:
        data["roles"] = list(ROLE_CHOICES.get(form.roles.data, ()))
    return data


def apply_errors(form: FlaskForm, errors: dict[str, list[str]] | None, fallback: str) -> list[str]:
    """Attach a service's field errors to the form fields; returns the ones with no field."""
    unplaced = []
    for name, messages in (errors or {}).items():
        field = getattr(form, name, None)
        if field is None:
            unplaced.extend(messages if isinstance(messages, list) else [str(messages)])
        else:
            field.errors = [*field.errors, *messages]
    return unplaced if errors else [fallback]
