"""Domain errors raised by services; the API and the pages translate them."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A request that the rules refuse; `status` is the HTTP status to answer with."""

    status = 400

    def __init__(self, message: str, errors: dict[str, list[Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors


class Invalid(ServiceError):
    """Input that is well-formed but breaks a rule (422); `errors` names the fields."""

    status = 422

    @classmethod
    def field(cls, name: str, message: str) -> Invalid:
        """Build an error about one field, with the field named in the message."""
        return cls(f"{name}: {message}", {name: [message]})


class NotAuthenticated(ServiceError):
    """No logged-in user (401)."""

    status = 401


class Forbidden(ServiceError):
    """Logged in but not allowed (403)."""

    status = 403


class NotFound(ServiceError):
    """Missing, or belongs to somebody else (404)."""

    status = 404


class Conflict(ServiceError):
    """Clashes with the current state, e.g. not enough stock left (409)."""

    status = 409
