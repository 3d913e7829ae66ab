"""flask-smorest's Api, answering JSON under /api and HTML pages elsewhere."""

from __future__ import annotations

from typing import Any

import flask_smorest
from flask import render_template, request
from flask_babel import gettext as _
from flask_smorest.pagination import PaginationParameters
from webargs.flaskparser import FlaskParser, abort
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.exceptions import HTTPException

from market import sqlite_setup
from market.common import input_guard, openapi, pagination
from market.common.error_text import error_page_message
from market.common.errors import ServiceError
from market.i18n import translate, translate_errors


def wants_json() -> bool:
    """Tell whether this request is an API call (answered in JSON)."""
    return request.path.startswith("/api/")


def flatten_errors(errors: Any) -> dict[str, list[str]]:
    """Turn webargs' `{location: {field: [msg]}}` into `{field: [msg]}` as API.md asks."""
    if not isinstance(errors, dict):
        return {"_schema": [str(errors)]}
    locations = {
        "json", "query", "form", "files", "form_and_files", "headers", "cookies", "path",
        "view_args",
    }
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
    return _("Invalid input: %(fields)s", fields=" | ".join(parts))


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

    def init_app(self, app, *, spec_kwargs=None):
        """Bind to `app`: bounded `<int:…>` ids, the input guard, decimals documented as strings.

        Runs before the blueprints are registered, so every route uses the bounded converter.
        """
        app.url_map.converters["int"] = openapi.IdConverter
        input_guard.init_app(app)
        app.teardown_request(sqlite_setup.end_write_request)
        super().init_app(app, spec_kwargs=spec_kwargs)
        self.ma_plugin.converter.add_attribute_function(openapi.decimal2property)
        self.ma_plugin.converter.add_attribute_function(openapi.drop_none)

    def handle_http_exception(self, error: HTTPException):
        """Answer JSON for /api requests and an error page for the rest."""
        if not wants_json():
            message = error_page_message(error.code, error.description)
            return render_template("error.html", code=error.code, message=message), error.code
        data = getattr(error, "data", None) or {}
        headers = data.get("headers", {})
        errors = data.get("errors") or data.get("messages")
        if errors is not None:
            errors = translate_errors(flatten_errors(errors))
            message = translate(data.get("message")) or describe_errors(errors)
        else:
            message = translate(data.get("message")) or error_page_message(
                error.code, error.description
            )
        body, status = error_response(error.code or 500, message, errors)
        return body, status, headers


def handle_service_error(error: ServiceError):
    """Translate a domain error into the API shape or an error page."""
    message, errors = translate(error.message), translate_errors(error.errors)
    if wants_json():
        return error_response(error.status, message, errors)
    return render_template("error.html", code=error.status, message=message), error.status


class JsonParser(FlaskParser):
    """webargs' parser, answering 422 (not 400) for a body that is not valid JSON.

    It also reads one multipart body's fields and files together (`form_and_files`), so an
    upload is documented as the single request body it is.
    """

    __location_map__ = {**FlaskParser.__location_map__, "form_and_files": "load_form_and_files"}

    def load_form_and_files(self, req, schema):
        """The form fields and the uploaded files of a multipart body, as one mapping."""
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        abort(422, exc=error, messages={"json": [_("Invalid JSON body.")]})


class PageParser(FlaskParser):
    """Reads a list's `page` and `per_page` where flask-smorest's `paginate` reads its own.

    flask-smorest names the page size `page_size` and offers no hook to rename it (its
    issue #327); this parser keeps API.md's `per_page`, read by `PageArgsSchema`.
    """

    def parse(self, argmap, req=None, **kwargs):
        """Load the query with `PageArgsSchema` in place of flask-smorest's schema (422 if bad)."""
        args = super().parse(pagination.PageArgsSchema(), req, **kwargs)
        return PaginationParameters(args["page"], args["per_page"])


class Blueprint(flask_smorest.Blueprint):
    """An API blueprint of one area."""

    ARGUMENTS_PARSER: FlaskParser = JsonParser()
    PAGINATION_ARGUMENTS_PARSER = PageParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "form_and_files": "multipart/form-data",
    }

    def arguments(self, schema, *args, **kwargs):
        """flask-smorest's `arguments`, marking the schema as a request schema (see openapi)."""
        instance = schema() if isinstance(schema, type) else schema
        openapi.mark_request_schema(instance)
        return super().arguments(instance, *args, **kwargs)

    def paginate(self, pager=None):
        """flask-smorest's `paginate` with API.md's `page`/`per_page`, documented as such.

        The view gets `pagination_parameters` (`page`, `page_size`) and sets its
        `item_count` (see `pagination.api_page`); the `X-Pagination` header follows.
        """
        decorate = super().paginate(pager)

        def decorator(func):
            wrapper = decorate(func)
            wrapper._apidoc["pagination"]["parameters"]["schema"] = pagination.PageArgsSchema
            return wrapper

        return decorator

    @staticmethod
    def _make_pagination_metadata(page, page_size, item_count):
        """The `X-Pagination` JSON of API.md: `{total, total_pages, page, per_page}`."""
        return pagination.page_metadata(page, page_size, item_count)

    def _document_pagination_metadata(self, spec, resp_doc):
        """Document the `X-Pagination` header: a JSON object of its own fields."""
        resp_doc.setdefault("headers", {})[self.PAGINATION_HEADER_NAME] = {
            "description": "Pagination metadata",
            "content": {"application/json": {"schema": pagination.PageMetadataSchema}},
        }
