"""flask-smorest's Api, answering JSON under /api and HTML pages elsewhere."""

from __future__ import annotations

from typing import Any

import flask_smorest
from flask import render_template, request
from webargs.flaskparser import FlaskParser, abort
from werkzeug.exceptions import HTTPException

from market.common.errors import ServiceError


def wants_json() -> bool:
    """Tell whether this request is an API call (answered in JSON)."""
    return request.path.startswith("/api/")


def flatten_errors(errors: Any) -> dict[str, list[str]]:
    """Turn webargs' `{location: {field: [msg]}}` into `{field: [msg]}` as API.md asks."""
    if not isinstance(errors, dict):
        return {"_schema": [str(errors)]}
    locations = {"json", "query", "form", "files", "headers", "cookies", "path", "view_args"}
    flat: dict[str, Any] = {}
    for key, value in errors.items():
        if key in locations and isinstance(value, dict):
            flat.update(value)
        else:
            flat[key] = value
    return flat


def describe_errors(errors: dict[str, Any]) -> str:
    """One readable sentence naming every bad field and its problem."""
    parts = []
    for field, messages in errors.items():
        if isinstance(messages, dict):
            messages = [f"{k}: {v}" for k, v in messages.items()]
        elif not isinstance(messages, list):
            messages = [messages]
        parts.append(f"{field}: {'; '.join(str(m) for m in messages)}")
    return "Invalid input: " + " | ".join(parts)


def error_response(status: int, message: str, errors: dict | None = None):
    """The error shape of API.md: `{code, status, message[, errors]}`."""
    from werkzeug.http import HTTP_STATUS_CODES

    payload: dict[str, Any] = {
        "code": status,
        "status": HTTP_STATUS_CODES.get(status, "Error"),
        "message": message,
    }
    if errors:
        payload["errors"] = errors
    return payload, status


class Api(flask_smorest.Api):
    """The REST API; error handling also serves the HTML pages."""

    def handle_http_exception(self, error: HTTPException):
        """Answer JSON for /api requests and an error page for the rest."""
        if not wants_json():
            return render_template("error.html", code=error.code, message=error.description), (
                error.code
            )
        data = getattr(error, "data", None) or {}
        headers = data.get("headers", {})
        errors = data.get("errors") or data.get("messages")
        if errors is not None:
            errors = flatten_errors(errors)
            message = data.get("message") or describe_errors(errors)
        else:
            message = data.get("message") or error.description
        body, status = error_response(error.code or 500, message, errors)
        return body, status, headers


def handle_service_error(error: ServiceError):
    """Translate a domain error into the API shape or an error page."""
    if wants_json():
        return error_response(error.status, error.message, error.errors)
    return render_template("error.html", code=error.status, message=error.message), error.status


class JsonParser(FlaskParser):
    """webargs' parser, answering 422 (not 400) for a body that is not valid JSON."""

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        abort(422, exc=error, messages={"json": ["Invalid JSON body."]})


class Blueprint(flask_smorest.Blueprint):
    """An API blueprint of one area."""

    ARGUMENTS_PARSER = JsonParser()
