"""The rules a company's filing must follow, shared by the API schemas, forms and services."""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma
from flask import current_app
from flask_babel import gettext as _

from market.accounts.credit_code import credit_code_error
from market.accounts.models import SECTOR_TIERS
from market.accounts.passwords import weakness

ROLES = ("supplier", "buyer")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-()]{4,38}$")
MAX_PASSWORD_LENGTH = 128
CONTACT_FIELDS = (
    "name", "subdistrict", "address", "latitude", "longitude", "phone", "headcount", "sector",
)
# Identity fields a company may still correct while nobody has verified it.
FILING_FIELDS = ("credit_code", "roles")
ORG_SNAPSHOT = (
    "name", "credit_code", "is_supplier", "is_buyer", "sector", "tier", "tier_overridden",
    "headcount", "subdistrict", "address", "latitude", "longitude", "phone", "status",
    "rejection_reason",
)


def email_error(email: Any) -> str | None:
    """Why `email` is not an e-mail address, or None."""
    try:
        ma.validate.Email()(email)
    except (ma.ValidationError, TypeError):
        return _("must be an e-mail address, got %(value)s", value=repr(email))
    return None if len(email) <= 254 else _("must be at most 254 characters")


def password_error(password: Any, email: str | None = None) -> str | None:
    """Why a password is unacceptable (too short, too long, or easy to guess), or None."""
    if not isinstance(password, str):
        return _("must be a string")
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return _("must be at least %(minimum)s characters, got %(length)s",
                 minimum=minimum, length=len(password))
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("must be at most %(maximum)s characters, got %(length)s",
                 maximum=MAX_PASSWORD_LENGTH, length=len(password))
    return weakness(password, email)


def sector_error(sector: Any) -> str | None:
    """Why `sector` is not one of the sector codes, or None."""
    if sector not in SECTOR_TIERS:
        return _("must be one of %(allowed)s, got %(value)s", allowed=", ".join(SECTOR_TIERS),
                 value=repr(sector))
    return None


def roles_error(roles: Any) -> str | None:
    """Why `roles` is not ["supplier"], ["buyer"] or both, or None."""
    if not isinstance(roles, list | tuple) or not roles:
        return _("must be a list with supplier, buyer or both, got %(value)s",
                 value=repr(roles))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        return _("unknown role %(value)s; use supplier and/or buyer", value=repr(unknown[0]))
    return None


def phone_error(phone: Any) -> str | None:
    """Why `phone` does not look like a phone number, or None."""
    if not isinstance(phone, str) or not PHONE_RE.match(phone.strip()):
        return _("must be a phone number (digits, spaces, +, -), got %(value)s",
                 value=repr(phone))
    return None


def org_field_errors(fields: dict[str, Any]) -> dict[str, list[str]]:
    """Check the rule-bound fields present in `fields`; returns `{field: [message]}`."""
    checks = {
        "credit_code": credit_code_error,
        "sector": sector_error,
        "roles": roles_error,
        "phone": phone_error,
    }
    errors: dict[str, list[str]] = {}
    for name, check in checks.items():
        if name in fields:
            message = check(fields[name])
            if message:
                errors[name] = [message]
    headcount = fields.get("headcount")
    if "headcount" in fields and (
        isinstance(headcount, bool) or not isinstance(headcount, int) or headcount < 1
    ):
        errors["headcount"] = [
            _("must be a whole number of at least 1, got %(value)s", value=repr(headcount))
        ]
    for name in ("name", "address"):
        if name in fields and not str(fields[name] or "").strip():
            errors[name] = [_("must not be blank")]
    return errors
