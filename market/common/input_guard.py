"""Refuse input no column can hold, before any view sees it, the same on every database.

PostgreSQL refuses NUL bytes in text and Python cannot encode a lone surrogate (`\\ud800`)
as UTF-8, so either used to end in a 500 deep inside a write — and SQLite stored NULs
silently. One check at the door covers every JSON body, query string and form, for the API
and the pages alike: such text answers 422 naming the field. JSON nested deeper than
`MAX_JSON_DEPTH` answers 400 before it is parsed (Python's parser would recurse).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, abort, request
from flask_babel import gettext as _
from werkzeug.exceptions import UnprocessableEntity

MAX_JSON_DEPTH = 32
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_BAD_ESCAPE = re.compile(r"\\u0000|\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class BadText(UnprocessableEntity):
    """Text with a NUL byte or a lone surrogate (422), naming each field."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(_("Invalid input: %(fields)s", fields=", ".join(errors)))
        self.data = {"errors": errors}


def bad_text(value: str) -> bool:
    """Whether `value` holds a NUL byte or a UTF-16 surrogate (never valid in UTF-8 text)."""
    return isinstance(value, str) and _BAD_TEXT.search(value) is not None


def text_message() -> str:
    """The message for such a field, in the request's language."""
    return _("must not contain NUL bytes or unpaired surrogate characters")


def json_depth_exceeds(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether a JSON document nests arrays/objects deeper than `limit` (strings skipped)."""
    depth = 0
    for match in _JSON_TOKENS.finditer(raw):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif token in (b"]", b"}"):
            depth -= 1
    return False


def find_bad_text(value: Any, path: str = "") -> list[str]:
    """The dotted paths of every string (key or value) in `value` that `bad_text` refuses."""
    found: list[str] = []
    if isinstance(value, str):
        if bad_text(value):
            found.append(path or "_body")
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and bad_text(key):
                found.append(path or "_body")
            found.extend(find_bad_text(item, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(find_bad_text(item, f"{path}.{index}" if path else str(index)))
    return found


def check_request() -> None:
    """before_request: 400 for JSON nested too deep, 422 for NUL / surrogates in any text."""
    fields: list[str] = []
    for source in (request.args, request.form):
        for key, values in source.lists():
            if bad_text(key) or any(bad_text(v) for v in values):
                fields.append(key if isinstance(key, str) and not bad_text(key) else "_key")
    if request.is_json:
        raw = request.get_data(cache=True)
        if json_depth_exceeds(raw):
            abort(400, _("JSON is nested deeper than %(limit)d levels.", limit=MAX_JSON_DEPTH))
        if _BAD_ESCAPE.search(raw.decode("utf-8", "replace")) or b"\x00" in raw:
            fields.extend(find_bad_text(request.get_json(silent=True)))
    if fields:
        message = text_message()
        raise BadText({name: [message] for name in dict.fromkeys(fields)})


def init_app(app: Flask) -> None:
    """Install the check in front of every view."""
    app.before_request(check_request)
