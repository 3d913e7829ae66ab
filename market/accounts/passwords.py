"""Refusing common and trivially weak passwords, with zxcvbn's dictionaries and patterns."""

from __future__ import annotations

from flask import current_app, has_request_context
from flask_babel import gettext
from zxcvbn import zxcvbn

# zxcvbn's matching grows with the length; a password this long is judged on its start.
_CHECKED_LENGTH = 64


def _translated(message: str) -> str:
    """The message in the reader's language when there is a reader (not on the command line)."""
    return gettext(message) if has_request_context() else message


def weakness(password: str, email: str | None = None) -> str | None:
    """Why `password` is too easy to guess (common, a pattern, the e-mail), or None.

    zxcvbn knows the commonest leaked passwords, keyboard rows, repeats and sequences; the
    e-mail address and its local part count as known words, so they are refused too.
    """
    words = []
    if email:
        words = [email, email.split("@")[0]]
        if password.strip().lower() in (w.lower() for w in words):
            return _translated("must not be your e-mail address")
    result = zxcvbn(password[:_CHECKED_LENGTH], user_inputs=words)
    if result["score"] < current_app.config["PASSWORD_MIN_SCORE"]:
        return _translated(
            "is too easy to guess (a common password, a pattern like 12345678 or aaaaaaaa, or "
            "your e-mail); use a few unrelated words"
        )
    return None
