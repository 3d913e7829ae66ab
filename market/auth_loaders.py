"""How Flask-Login finds the user: a live server-side session, or an API bearer token."""

from __future__ import annotations

import hashlib

from flask import Flask, Request, jsonify, redirect, request, session, url_for
from flask_babel import gettext

from market.extensions import login_manager

# The cookie key holding the secret of the server-side LoginSession row.
SESSION_ID_KEY = "_sid"
# Where the request notes which credential authenticated it (per request, unlike `g`).
_AUTH_VIA = "market.auth_via"


def hash_token(token: str) -> str:
    """The stored form of an API token or session secret."""
    return hashlib.sha256(token.encode()).hexdigest()


def bearer_token(req: Request) -> str | None:
    """The token of an `Authorization: Bearer …` header, if any."""
    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def authenticated_by_token() -> bool:
    """Whether this request's user came from a valid bearer token (not the cookie session)."""
    from flask_login import current_user

    return bool(current_user.is_authenticated) and request.environ.get(_AUTH_VIA) == "token"


def init_app(app: Flask) -> None:
    """Install the user loaders and the answer for anonymous callers."""
    from market.accounts import sessions
    from market.accounts.models import User

    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "warning"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        # The signed cookie is not enough: its session row must still exist (logout and a
        # password change delete it).
        user = sessions.session_user(session.get(SESSION_ID_KEY), user_id)
        if user is not None:
            request.environ[_AUTH_VIA] = "session"
        return user

    @login_manager.request_loader
    def load_user_from_token(req: Request) -> User | None:
        token = bearer_token(req)
        if token is None:
            return None
        user = sessions.token_user(token)
        if user is not None:
            req.environ[_AUTH_VIA] = "token"
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        if request.path.startswith("/api/"):
            body = {"code": 401, "status": "Unauthorized", "message": gettext("Log in first.")}
            return jsonify(body), 401
        return redirect(url_for("accounts.login", next=request.full_path))
