"""Small helpers for the thin API and page layers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import redirect, request
from flask_login import current_user
from werkzeug.wrappers import Response

from market.extensions import login_manager


def current_actor() -> Any:
    """The logged-in user object to hand to services, or None for anonymous callers."""
    if not current_user.is_authenticated:
        return None
    return current_user._get_current_object()


def send_anonymous_to_login() -> Any:
    """A page blueprint's `before_request`: anonymous visitors go to the login page.

    The services still check the role; this only spares a visitor a bare 403.
    """
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def local_path(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (no open redirects).

    Refused: other hosts (`https://evil.com`), scheme-relative (`//evil.com`), backslash
    tricks browsers read as `//` (`/\\evil.com`), control characters, and anything that
    does not start with a single `/`.
    """
    target = (target or "").strip()
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def same_site_referrer() -> str | None:
    """The path of the page that sent this request, when it was a page of this site."""
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc and parts.netloc != request.host:
        return None
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return local_path(path)


def redirect_back(default: str) -> Response:
    """Redirect to the referring page of this site, else to `default`."""
    return redirect(same_site_referrer() or default)


def redirect_to_next(target: str | None, default: str) -> Response:
    """Redirect to `target` (a `next` value) when it is a path of this site, else `default`."""
    return redirect(local_path(target) or default)
