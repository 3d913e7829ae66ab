"""What an error page or an API error says, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import default_exceptions

from market.i18n import translate

ERROR_TITLES = {
    400: _l("Bad request"),
    401: _l("Please log in"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Not allowed here"),
    409: _l("Conflict"),
    413: _l("Too large"),
    422: _l("Invalid input"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
}
"""The heading of each error page."""

ERROR_MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Log in to see this page."),
    403: _l("Your account may not open this page or do this action."),
    404: _l("This page or record does not exist, or it is not yours to see."),
    405: _l("This address does not accept this kind of request."),
    409: _l("This clashes with the current state of the record; reload and try again."),
    413: _l("The upload is too large."),
    422: _l("Some of the input is not valid."),
    429: _l("Too many requests in a short time; wait a moment and try again."),
    500: _l("The server could not finish this request. The error has been logged."),
}
"""The explanation shown when nothing more particular is known (werkzeug's English text)."""


def error_title(code: int | None) -> str:
    """The translated heading of an error page for HTTP status `code`."""
    return str(ERROR_TITLES.get(code or 500, _l("Error")))


def error_page_message(code: int | None, description: str | None) -> str:
    """The reader's text for an HTTP error: ours instead of werkzeug's stock English.

    A description that a view or service chose (e.g. a rate-limit message) is kept and
    looked up in the catalogue; werkzeug's default wording is replaced by ours.
    """
    stock = default_exceptions.get(code or 500)
    if not description or (stock is not None and description == stock.description):
        return str(ERROR_MESSAGES.get(code or 500, _l("Error")))
    return translate(description)
