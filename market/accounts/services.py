"""Accounts: registering a company, logging in, API tokens, passwords, command-line users."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import gettext
from werkzeug.security import check_password_hash, generate_password_hash

from market.accounts import lockout, sessions
from market.accounts.access import require_user
from market.accounts.models import (
    SECTOR_TIERS,
    USER_ROLES,
    ApiToken,
    Organization,
    OrgStatus,
    User,
)
from market.accounts.rules import ORG_SNAPSHOT, email_error, org_field_errors, password_error
from market.audit.services import record, snapshot
from market.auth_loaders import hash_token
from market.common.errors import Conflict, Invalid, NotAuthenticated
from market.common.transaction import begin_write, unit_of_work
from market.common.types import utcnow
from market.extensions import db
from market.i18n import LANGUAGES, current_language
from market.places.places import locate

ORG_INPUT_FIELDS = (
    "name", "credit_code", "roles", "sector", "headcount", "address", "latitude", "longitude",
    "phone",
)
# A hash to compare against when the e-mail is unknown, so both answers take as long.
_DUMMY_HASH = generate_password_hash("not a real password")


def normalize_email(email: str) -> str:
    """Compare e-mail addresses case-insensitively by storing them lower-cased."""
    return (email or "").strip().lower()


def _check_email(email: str) -> None:
    message = email_error(email)
    if message:
        raise Invalid.field("email", message)
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise Conflict(gettext("email: %(email)s is already registered.", email=email),
                       {"email": [gettext("already registered")]})


def _translated(message: str) -> str:
    return gettext(message) if has_request_context() else message


def _check_password(password: str, email: str | None = None) -> None:
    message = password_error(password, email)
    if message:
        raise Invalid.field("password", message)


def _check_org(fields: dict[str, Any]) -> None:
    place_errors = locate(fields)  # a subdistrict stands in for the coordinates
    missing = [name for name in ORG_INPUT_FIELDS if fields.get(name) in (None, "")]
    errors = {name: [gettext("is required")] for name in missing}
    errors.update(place_errors)
    errors.update(org_field_errors({k: v for k, v in fields.items() if k not in missing}))
    if errors:
        detail = "; ".join(f"{k}: {v[0]}" for k, v in errors.items())
        raise Invalid(gettext("Invalid company data: %(fields)s", fields=detail), errors)
    code = fields["credit_code"].upper()
    taken = db.session.scalar(sa.select(Organization.id).where(Organization.credit_code == code))
    if taken is not None:
        raise Conflict(
            gettext("credit_code: a company with credit code %(code)s is already registered.",
                    code=code),
            {"credit_code": [gettext("%(code)s is already registered", code=code)]},
        )


def _new_organization(fields: dict[str, Any]) -> Organization:
    roles = fields["roles"]
    return Organization(
        name=fields["name"].strip(),
        credit_code=fields["credit_code"].upper(),
        is_supplier="supplier" in roles,
        is_buyer="buyer" in roles,
        sector=fields["sector"],
        tier=SECTOR_TIERS[fields["sector"]],
        tier_overridden=False,
        headcount=fields["headcount"],
        subdistrict=fields.get("subdistrict") or None,
        address=fields["address"].strip(),
        latitude=float(fields["latitude"]),
        longitude=float(fields["longitude"]),
        phone=fields["phone"].strip(),
        status=OrgStatus.PENDING,
    )


def register(
    actor: User | None, email: str, password: str, organization: dict[str, Any]
) -> tuple[User, Organization]:
    """File a new company with its first user; the company waits `pending` for a coordinator."""
    email = normalize_email(email)
    try:
        with unit_of_work():
            _check_email(email)
            _check_password(password, email)
            _check_org(organization)
            org = _new_organization(organization)
            db.session.add(org)
            db.session.flush()
            user = User(
                email=email,
                password_hash=generate_password_hash(password),
                role="company",
                organization_id=org.id,
                language=current_language(),
            )
            db.session.add(user)
            db.session.flush()
            record(user, "organization.registered", "organization", org.id, None,
                   snapshot(org, ORG_SNAPSHOT))
            record(user, "user.created", "user", user.id, None, {"email": email, "role": "company"})
    except sa.exc.IntegrityError:
        # Two registrations raced past the checks above; the unique index decided.
        raise Conflict(gettext("The e-mail or credit code was registered a moment ago.")) from None
    return user, org


def authenticate(email: str, password: str) -> User:
    """The active user with these credentials, or 401; 429 while the account is locked.

    Each wrong password counts against the account in the database (see `lockout`), so
    guessing is bounded across every worker; a success clears the count.
    """
    user = db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        raise NotAuthenticated(gettext("Wrong e-mail or password."))
    lockout.refuse_if_locked(user)
    if not check_password_hash(user.password_hash, password or "") or not user.is_active:
        lockout.record_failure(user)
        lockout.refuse_if_locked(user)  # this failure was the one that locked it
        raise NotAuthenticated(gettext("Wrong e-mail or password."))
    lockout.record_success(user)
    return user


def issue_token(email: str, password: str) -> tuple[str, datetime]:
    """Check the credentials and store a new bearer token (hashed); the secret is shown once."""
    user = authenticate(email, password)
    token = secrets.token_urlsafe(32)
    expires_at = utcnow() + timedelta(days=current_app.config["API_TOKEN_DAYS"])
    with unit_of_work():
        row = ApiToken(user_id=user.id, token_hash=hash_token(token), expires_at=expires_at)
        db.session.add(row)
        db.session.flush()
        record(user, "token.issued", "api_token", row.id, None,
               {"user_id": user.id, "expires_at": expires_at.isoformat()})
    return token, expires_at


def change_password(actor: User | None, current: str, new: str) -> None:
    """Set a new password (the current one is required) and end every session and token.

    Whoever had a copied cookie or a leaked token is out; the caller starts a fresh
    session for the browser that made the change.
    """
    actor = require_user(actor)
    if not check_password_hash(actor.password_hash, current or ""):
        raise Invalid.field("current_password", _translated("is not your current password"))
    message = password_error(new, actor.email)
    if message:
        raise Invalid.field("new_password", message)
    with unit_of_work():
        begin_write()
        actor.password_hash = generate_password_hash(new)
        actor.failed_logins = 0
        sessions.end_all(actor)
        record(actor, "user.password_changed", "user", actor.id, None,
               {"sessions_and_tokens": "ended"})


def set_language(actor: User | None, language: str) -> User:
    """Save the language the user reads: pages, notifications, e-mail and SMS follow it."""
    actor = require_user(actor)
    if language not in LANGUAGES:
        raise Invalid.field(
            "language", gettext("must be one of en, zh, got %(value)s", value=repr(language))
        )
    if actor.language != language:
        with unit_of_work():
            begin_write()
            before = {"language": actor.language}
            actor.language = language
            record(actor, "user.language_changed", "user", actor.id, before,
                   {"language": language})
    return actor


def me(actor: User | None) -> dict[str, Any]:
    """The logged-in user, their company (None for coordinators and admins) and language."""
    actor = require_user(actor)
    return {"user": actor, "organization": actor.organization, "language": actor.language}


def create_user(
    actor: User | None, email: str, role: str, password: str, organization_id: int | None = None
) -> User:
    """Create a coordinator, admin or company user (the command line's way in)."""
    email = normalize_email(email)
    if role not in USER_ROLES:
        raise Invalid.field("role", gettext("must be one of %(allowed)s, got %(value)s",
                                            allowed=", ".join(USER_ROLES), value=repr(role)))
    if role == "company" and organization_id is None:
        raise Invalid.field("organization_id", gettext("a company user needs a company"))
    with unit_of_work():
        _check_email(email)
        _check_password(password, email)
        if organization_id is not None and db.session.get(Organization, organization_id) is None:
            raise Invalid.field("organization_id",
                                gettext("no company %(id)s", id=organization_id))
        user = User(
            email=email,
            password_hash=generate_password_hash(password),
            role=role,
            organization_id=organization_id if role == "company" else None,
        )
        db.session.add(user)
        db.session.flush()
        record(actor, "user.created", "user", user.id, None, {"email": email, "role": role})
    return user
