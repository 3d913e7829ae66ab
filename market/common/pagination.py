"""Page through a SELECT: the same helper serves the API lists and the pages."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import marshmallow as ma
import sqlalchemy as sa

from market.extensions import db
from market.i18n import N_

MAX_PER_PAGE = 500
MAX_PAGE = 2**31 - 1
"""Pages beyond this are empty: (page - 1) × per_page stays far inside a 64-bit OFFSET."""


class PageArgsSchema(ma.Schema):
    """`?page=1&per_page=50` (per_page at most 500)."""

    class Meta:
        unknown = ma.EXCLUDE

    page = ma.fields.Integer(
        load_default=1,
        validate=ma.validate.Range(min=1, max=MAX_PAGE,
                                   error=N_("must be 1 to {max}, got {input}")),
    )
    per_page = ma.fields.Integer(
        load_default=50,
        validate=ma.validate.Range(min=1, max=500, error=N_("must be 1 to 500, got {input}")),
    )


@dataclass(frozen=True)
class PageResult:
    """One page of rows plus the figures for the `X-Pagination` header."""

    items: list[Any]
    total: int
    page: int
    per_page: int

    @property
    def total_pages(self) -> int:
        """Number of pages (0 when there is nothing)."""
        return math.ceil(self.total / self.per_page) if self.total else 0

    @property
    def has_next(self) -> bool:
        """Whether a later page exists."""
        return self.page < self.total_pages

    @property
    def has_prev(self) -> bool:
        """Whether an earlier page exists."""
        return self.page > 1

    def header(self) -> dict[str, str]:
        """The `X-Pagination` response header of API.md."""
        meta = {
            "total": self.total,
            "total_pages": self.total_pages,
            "page": self.page,
            "per_page": self.per_page,
        }
        return {"X-Pagination": json.dumps(meta)}


def paginate(
    stmt: sa.Select, page: int = 1, per_page: int = 50, scalars: bool = True
) -> PageResult:
    """Run `stmt` for one page and count the whole result in SQL.

    Any page number is safe: below 1 reads as 1, and a page past `MAX_PAGE` is empty
    (its OFFSET would overflow the database's integers); per_page is kept to 1…500.
    """
    page = max(page, 1)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
    )
    rows: Sequence[Any] = []
    if page <= MAX_PAGE:
        paged = stmt.limit(per_page).offset((page - 1) * per_page)
        rows = db.session.scalars(paged).all() if scalars else db.session.execute(paged).all()
    return PageResult(items=list(rows), total=total or 0, page=page, per_page=per_page)
