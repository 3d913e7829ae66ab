"""Per-address limits (Flask-Limiter) on logging in and registering.

Only failed log-ins count against an address, so the many colleagues behind one office
address can all log in; registrations all count. The page and the API share one count
each ("login", "register"). The per-account lock is in `lockout`.
"""

from __future__ import annotations

from flask import Response, current_app, request
from flask_babel import gettext as _

_FAILED = "market.login_failed"


def login_limit() -> str:
    """The configured per-address allowance of failed log-ins (RATELIMIT_LOGIN)."""
    return current_app.config["RATELIMIT_LOGIN"]


def register_limit() -> str:
    """The configured per-address allowance of registrations (RATELIMIT_REGISTER)."""
    return current_app.config["RATELIMIT_REGISTER"]


def mark_login_failed() -> None:
    """Note that this request was a failed log-in, so it counts against the address."""
    request.environ[_FAILED] = True


def login_failed(_response: Response) -> bool:
    """Flask-Limiter's `deduct_when`: count this request only if the log-in failed."""
    return bool(request.environ.get(_FAILED))


def login_limit_message() -> str:
    """What a client hears when its address made too many failed log-ins."""
    return _("Too many failed log-ins from your address. Wait a minute and try again.")


def register_limit_message() -> str:
    """What a client hears when its address registered too many companies."""
    return _("Too many registrations from your address. Try again later.")
