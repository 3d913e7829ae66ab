"""Cookies and security headers of every response, set by Flask-Talisman from the config.

Every response (pages, API, static files, errors) carries the Content-Security-Policy of
`CONTENT_SECURITY_POLICY` (no inline script: scripts are files under static/js/),
X-Frame-Options DENY, X-Content-Type-Options nosniff and a Referrer-Policy. Production adds
Secure session and remember-me cookies, the redirect of plain HTTP to HTTPS and HSTS;
development and tests serve plain HTTP without them.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_talisman import DENY, Talisman


def talisman_options(config: dict[str, Any]) -> dict[str, Any]:
    """Flask-Talisman's settings, read from the app config (see `Config` in market/config.py)."""
    return {
        "force_https": config["FORCE_HTTPS"],
        "strict_transport_security": config["HSTS_ENABLED"],
        "strict_transport_security_max_age": config["HSTS_MAX_AGE"],
        "content_security_policy": config["CONTENT_SECURITY_POLICY"],
        "frame_options": DENY,
        "referrer_policy": config["REFERRER_POLICY"],
        "session_cookie_secure": config["SESSION_COOKIE_SECURE"],
        "session_cookie_http_only": config["SESSION_COOKIE_HTTPONLY"],
        "session_cookie_samesite": config["SESSION_COOKIE_SAMESITE"],
        "x_content_type_options": True,
    }


def init_app(app: Flask) -> Talisman:
    """Install the headers on `app`.

    One Talisman per app, kept in `app.extensions`: a Talisman object keeps the last app it
    was bound to and its options, so one module-level object shared by several apps (the
    tests build one per test) would apply one app's settings to another.
    """
    talisman = Talisman(app, **talisman_options(app.config))
    app.extensions["talisman"] = talisman
    return talisman
