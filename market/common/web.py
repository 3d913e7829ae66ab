"""Small helpers for the thin API and page layers."""

from __future__ import annotations

from typing import Any

from flask_login import current_user


def current_actor() -> Any:
    """The logged-in user object to hand to services, or None for anonymous callers."""
    if not current_user.is_authenticated:
        return None
    return current_user._get_current_object()
