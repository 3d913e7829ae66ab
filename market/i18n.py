"""Language choice and translation of messages written outside our templates.

Pages follow an explicit switch (?lang=) kept in the session (saving the language on the
account page sets it too), then the browser's, then the user's saved language; the API
follows `Accept-Language`, then the saved language. Notifications follow the recipient's
saved language (`language_of`).
Messages that libraries write (marshmallow's validation errors, its validators' texts) are
looked up in our catalogue, so an API client asking for Chinese reads Chinese.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import marshmallow as ma
from flask import current_app, g, has_request_context, request, session
from flask_babel import force_locale, get_locale, get_translations
from flask_babel import lazy_gettext as _l
from flask_login import current_user

LANGUAGES = ("en", "zh")

# marshmallow's and webargs' own messages; market.i18n translates them when a value fails,
# so an API client reads them in its Accept-Language.
LIBRARY_MESSAGES = (
    _l("Missing data for required field."),
    _l("Field may not be null."),
    _l("Invalid value."),
    _l("Not a valid string."),
    _l("Not a valid utf-8 string."),
    _l("Not a valid number."),
    _l("Number too large."),
    _l("Not a valid integer."),
    _l("Special numeric values (nan or infinity) are not permitted."),
    _l("Not a valid boolean."),
    _l("Not a valid {obj_type}."),
    _l("Not a valid list."),
    _l("Not a valid tuple."),
    _l("Not a valid mapping type."),
    _l("Not a valid email address."),
    _l("Not a valid URL."),
    _l("Not a valid UUID."),
    _l("Unknown field."),
    _l("Invalid input type."),
    _l("Must be one of: {choices}."),
    _l("Shorter than minimum length {min}."),
    _l("Longer than maximum length {max}."),
    _l("Length must be between {min} and {max}."),
    _l("Length must be {equal}."),
    _l("Must be greater than or equal to {min}."),
    _l("Must be less than or equal to {max}."),
    _l("Must be greater than or equal to {min} and less than or equal to {max}."),
    _l("Invalid JSON body."),
)


def select_locale() -> str:
    """Pick English or Simplified Chinese for this request."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # command line, queue task: the default language
        return current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    if request.path.startswith("/api/"):
        if request.headers.get("Accept-Language"):
            return request.accept_languages.best_match(languages) or "en"
        return _saved_language(languages) or "en"
    chosen = request.args.get("lang", "")
    if chosen in languages:
        session["lang"] = chosen
        return chosen
    if session.get("lang") in languages:
        return session["lang"]
    return (request.accept_languages.best_match(languages)
            or _saved_language(languages) or "en")


def _saved_language(languages) -> str | None:
    # Loading the user may itself need the locale (a flashed message): ask only once.
    if g.get("_market_reading_language"):
        return None
    g._market_reading_language = True
    try:
        language = getattr(current_user, "language", None)
    finally:
        g._market_reading_language = False
    return language if language in languages else None


def current_language() -> str:
    """The language of this request ("en" or "zh"); "en" outside a request."""
    if not has_request_context():
        return "en"
    language = str(get_locale() or "en")[:2]
    return language if language in LANGUAGES else "en"


@contextmanager
def language_of(user: Any) -> Iterator[None]:
    """Write text in `user`'s saved language (notifications are read by their recipient)."""
    language = getattr(user, "language", None)
    with force_locale(language if language in LANGUAGES else "en"):
        yield


def translate(message: Any) -> Any:
    """Our catalogue's translation of a finished message, or the message itself.

    Used for texts that come whole from a library or a service (e.g. "Unknown field.");
    anything the catalogue does not know is returned unchanged.
    """
    if not isinstance(message, str) or not message:
        return message
    return get_translations().gettext(message)


def status_word(code: str | None) -> str:
    """A stored status code (`partially_allocated`) in the reader's words, for messages.

    The words are the lifecycles' labels (`market.common.lifecycle`); a row that is gone
    (no status) reads as a dash.
    """
    from market.common.lifecycle import status_label

    return status_label(code) if code else "—"


def translate_errors(errors: Any) -> Any:
    """`translate` every message of a (nested) validation error mapping."""
    if isinstance(errors, dict):
        return {key: translate_errors(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [translate_errors(value) for value in errors]
    return translate(errors)


def _field_make_error(self, key: str, **kwargs) -> ma.ValidationError:
    message = self.error_messages.get(key)
    if isinstance(message, str):
        return ma.ValidationError(translate(message).format(**kwargs))
    return _ORIGINAL_MAKE_ERROR(self, key, **kwargs)


_ORIGINAL_MAKE_ERROR = ma.fields.Field.make_error


def _translating(format_error):
    def translated(self, value, *message):
        clone = copy.copy(self)
        if isinstance(getattr(clone, "error", None), str):
            clone.error = translate(clone.error)
        return format_error(clone, value, *(translate(m) for m in message))

    translated.__doc__ = format_error.__doc__
    return translated


def _validator_classes() -> Iterator[type]:
    pending = [ma.validate.Validator]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if "_format_error" in vars(cls):
            yield cls


def install_marshmallow_translation() -> None:
    """Make marshmallow's fields and validators write their messages from our catalogue.

    marshmallow formats a message template (e.g. "Not a valid integer.", "must be a whole
    number, got {input!r}") as soon as a value fails; translating the template first, in the
    request's language, gives the reader the message in their language with the value named.
    Done once per process; templates the catalogue does not know stay English.
    """
    if getattr(ma.fields.Field.make_error, "_market_translated", False):
        return
    # Patching marshmallow in place: its classes do not declare these attributes.
    _field_make_error._market_translated = True  # type: ignore[attr-defined]
    ma.fields.Field.make_error = _field_make_error  # type: ignore[method-assign]
    for cls in list(_validator_classes()):
        cls._format_error = _translating(vars(cls)["_format_error"])  # type: ignore[attr-defined]


def N_(message: str) -> str:  # noqa: N802 - the gettext_noop name pybabel looks for
    """Mark a message template for the catalogue; it is translated when used (see above)."""
    return message


def per_request(key: str, build):
    """`build()` once per request (names of items and companies shown on a page).

    Kept on the request, not on `g`: `g` outlives a request when an application context
    was pushed around several (commands, tests), and names read then may have changed.
    Outside a request it is built on every call.
    """
    if not has_request_context():
        return build()
    cache = request.environ.setdefault("market.per_request", {})
    if key not in cache:
        cache[key] = build()
    return cache[key]
