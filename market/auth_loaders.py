"""How Flask-Login finds the user: the session cookie or an API bearer token."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from flask import Flask, Request, jsonify, redirect, request, url_for

from market.common.types import utcnow
from market.extensions import db, login_manager


def hash_token(token: str) -> str:
    """The stored form of an API token."""
    return hashlib.sha256(token.encode()).hexdigest()


def bearer_token(req: Request) -> str | None:
    """The token of an `Authorization: Bearer …` header, if any."""
    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def init_app(app: Flask) -> None:
    """Install the user loaders and the answer for anonymous callers."""
    from market.accounts.models import ApiToken, User

    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "warning"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        return db.session.get(User, int(user_id))

    @login_manager.request_loader
    def load_user_from_token(req: Request) -> User | None:
        token = bearer_token(req)
        if token is None:
            return None
        row = db.session.scalar(
            sa.select(ApiToken).where(
                ApiToken.token_hash == hash_token(token), ApiToken.expires_at > utcnow()
            )
        )
        return row.user if row is not None and row.user.is_active else None

    @login_manager.unauthorized_handler
    def unauthorized():
        if request.path.startswith("/api/"):
            body = {"code": 401, "status": "Unauthorized", "message": "Log in first."}
            return jsonify(body), 401
        return redirect(url_for("accounts.login", next=request.full_path))
