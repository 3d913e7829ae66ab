"""Paging through lists: `page`/`per_page` read in one place, pages of a SELECT from `db.paginate`.

The API lists use flask-smorest's `@blp.paginate()` (see `market.common.api.Blueprint`),
which reads the arguments with `PageArgsSchema` and writes the `X-Pagination` header; the
pages read the same arguments with `page_args` and render a `db.paginate` page.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import current_app, request
from flask_smorest.pagination import PaginationParameters
from flask_sqlalchemy.pagination import Pagination

from market.i18n import N_

MAX_PER_PAGE = 500
MAX_PAGE = 2**31 - 1
"""Pages beyond this are refused: (page - 1) × per_page stays far inside a 64-bit OFFSET."""


class PageArgsSchema(ma.Schema):
    """`?page=1&per_page=50` (per_page at most 500): the one reader of page arguments."""

    class Meta:
        unknown = ma.EXCLUDE

    page = ma.fields.Integer(
        load_default=1,
        validate=ma.validate.Range(min=1, max=MAX_PAGE,
                                   error=N_("must be 1 to {max}, got {input}")),
    )
    per_page = ma.fields.Integer(
        load_default=50,
        validate=ma.validate.Range(min=1, max=MAX_PER_PAGE,
                                   error=N_("must be 1 to 500, got {input}")),
    )


class PageMetadataSchema(ma.Schema):
    """The JSON of the `X-Pagination` header (API.md), as the OpenAPI document shows it."""

    total = ma.fields.Integer(metadata={"description": "Number of items in all pages."})
    total_pages = ma.fields.Integer(metadata={"description": "Number of pages (0 if none)."})
    page = ma.fields.Integer(metadata={"description": "This page's number."})
    per_page = ma.fields.Integer(metadata={"description": "Items per page."})


def page_metadata(page: int, per_page: int, total: int) -> dict[str, int]:
    """The `X-Pagination` figures of one page of `total` items."""
    total_pages = (total + per_page - 1) // per_page
    return {"total": total, "total_pages": total_pages, "page": page, "per_page": per_page}


def page_args(
    default_per_page: int | None = None, max_per_page: int = MAX_PER_PAGE, page_key: str = "page"
) -> tuple[int, int]:
    """Read a page's `page` (or `page_key`) and `per_page` with the API's schema.

    A page never fails on them: a value the API would refuse reads as its default (page 1,
    `default_per_page` or the PER_PAGE setting); `max_per_page` caps a long page.
    """
    raw = {"page": request.args.get(page_key), "per_page": request.args.get("per_page")}
    raw = {name: value for name, value in raw.items() if value not in (None, "")}
    try:
        args = PageArgsSchema().load(raw)
    except ma.ValidationError as exc:
        raw = {name: value for name, value in raw.items() if name not in exc.messages}
        args = PageArgsSchema().load(raw)
    per_page = args["per_page"] if "per_page" in raw else (
        default_per_page or current_app.config["PER_PAGE"]
    )
    return args["page"], min(per_page, max_per_page)


def paginate(stmt: sa.Select, page: int = 1, per_page: int = 50) -> Pagination:
    """One page of `stmt`'s rows (as scalars) and the count of all of them, by `db.paginate`.

    A page past the end is empty (no 404): the API and the pages show an empty list.
    """
    from market.extensions import db  # market.extensions imports this module (via the Api)

    return db.paginate(
        stmt, page=page, per_page=per_page, max_per_page=MAX_PER_PAGE, error_out=False
    )


def empty_page(page: int = 1, per_page: int = 50) -> Pagination:
    """A page of nothing (e.g. no run to review yet), shaped like every other page."""
    return paginate(sa.select(sa.literal(1)).where(sa.false()), page, per_page)


def api_page(result: Pagination, parameters: PaginationParameters) -> list[Any]:
    """Hand one page to `@blp.paginate()`: its rows, with its total for `X-Pagination`."""
    parameters.item_count = result.total
    return result.items
