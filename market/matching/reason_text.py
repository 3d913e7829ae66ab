"""Reasons of proposal lines: stored as template and arguments, shown in the reader's language.

The solver gives each reason as a template of `solver.sentences` and its arguments
(`AllocationResult.reason_parts`). A run stores ``{"msg": template, "args": {...}}``, and
pages, the API and the CSV export show it through the message catalogue, so a coordinator
reading Chinese reads the reasons in Chinese. Lines stored before reasons kept their
templates are plain strings and are shown as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import marshmallow as ma
from flask_babel import gettext

Reason = str | dict[str, Any]


def reason_text(reason: Reason) -> str:
    """Return a stored reason as a sentence in the current language."""
    if not isinstance(reason, dict):
        return str(reason)
    return gettext(reason["msg"], **reason["args"])


def reason_texts(reasons: Iterable[Reason] | None) -> list[str]:
    """Return stored reasons as sentences in the current language."""
    return [reason_text(reason) for reason in reasons or ()]


class Reasons(ma.fields.List):
    """A line's reasons in the API: a list of sentences in the request's language."""

    def __init__(self, **kwargs: Any) -> None:
        """A dump-only list of strings."""
        super().__init__(ma.fields.String(), dump_only=True, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> list[str]:
        return reason_texts(value)
