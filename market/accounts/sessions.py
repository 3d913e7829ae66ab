"""Server-side log-in sessions and API tokens: start, check, list, revoke, end them all.

A browser session is a `LoginSession` row whose secret sits in the signed cookie; logout
deletes the row, so a cookie copied earlier stops working. Tokens and sessions of a user
all end when the password changes.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from market.accounts.access import require_user
from market.accounts.models import ApiToken, LoginSession, User
from market.audit.services import record
from market.auth_loaders import hash_token
from market.common.errors import NotFound
from market.common.transaction import begin_write, unit_of_work
from market.common.types import utcnow
from market.extensions import db

# How stale `last_used_at` may get before a request writes it again (one write a minute).
LAST_USED_PRECISION = timedelta(minutes=1)


def _oldest_live() -> datetime:
    """Sessions started before this have lapsed (LOGIN_SESSION_DAYS)."""
    return utcnow() - timedelta(days=current_app.config["LOGIN_SESSION_DAYS"])


def start_session(user: User) -> str:
    """Store a new log-in session for `user`; returns the secret the cookie carries.

    The user's lapsed sessions are swept away at the same time, so rows do not pile up.
    """
    secret = secrets.token_urlsafe(32)
    with unit_of_work():
        begin_write()
        db.session.execute(sa.delete(LoginSession).where(
            LoginSession.user_id == user.id, LoginSession.created_at < _oldest_live()))
        db.session.add(LoginSession(user_id=user.id, key_hash=hash_token(secret)))
    return secret


def session_user(secret: str | None, user_id: str) -> User | None:
    """The active user whose live (not lapsed) session has this secret and id, else None."""
    if not secret or not str(user_id).isdigit():
        return None
    return db.session.scalar(
        sa.select(User)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.key_hash == hash_token(secret), User.id == int(user_id),
               User.active.is_(True), LoginSession.created_at >= _oldest_live())
    )


def end_session(secret: str | None) -> None:
    """Delete the session with this secret (logout); unknown secrets are ignored."""
    if not secret:
        return
    with unit_of_work():
        begin_write()
        db.session.execute(
            sa.delete(LoginSession).where(LoginSession.key_hash == hash_token(secret))
        )


def end_all(user: User) -> None:
    """Delete every session and token of `user`, within the caller's transaction."""
    db.session.execute(sa.delete(LoginSession).where(LoginSession.user_id == user.id))
    db.session.execute(sa.delete(ApiToken).where(ApiToken.user_id == user.id))


def token_user(secret: str) -> User | None:
    """The active user of an unexpired token, noting its use (at most once a minute)."""
    now = utcnow()
    row = db.session.scalar(
        sa.select(ApiToken).where(
            ApiToken.token_hash == hash_token(secret), ApiToken.expires_at > now
        )
    )
    if row is None or not row.user.is_active:
        return None
    user = row.user
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_PRECISION:
        with unit_of_work():
            begin_write()
            db.session.execute(
                sa.update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now)
                .execution_options(synchronize_session=False)
            )
    return user


def list_tokens(actor: User | None) -> list[ApiToken]:
    """The caller's own tokens, newest first (the rows hold only hashes, never the secret)."""
    actor = require_user(actor)
    return list(db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == actor.id).order_by(ApiToken.id.desc())
    ))


def revoke_token(actor: User | None, token_id: int) -> None:
    """Delete one of the caller's tokens; another user's or a missing one is 404."""
    actor = require_user(actor)
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != actor.id:
        raise NotFound(_("token %(id)s not found.", id=token_id))
    with unit_of_work():
        begin_write()
        record(actor, "token.revoked", "api_token", row.id, {"user_id": actor.id}, None)
        db.session.delete(row)
