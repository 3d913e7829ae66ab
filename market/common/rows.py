"""Read back a row the caller knows exists (it just wrote, claimed or locked it)."""

from __future__ import annotations

from typing import TypeVar

from flask_babel import gettext as _

from market.common.errors import NotFound
from market.extensions import db

RowT = TypeVar("RowT")


def fetch(model: type[RowT], row_id: int, *, populate_existing: bool = False) -> RowT:
    """The row `row_id` of `model`; a row deleted meanwhile is a 404 that names it.

    `db.session.get` answers None for a missing row; callers that just claimed or wrote the
    row would otherwise fail later on an attribute of None.
    """
    row = db.session.get(model, row_id, populate_existing=populate_existing)
    if row is None:
        table = getattr(model, "__tablename__", model.__name__)
        raise NotFound(_("%(table)s %(id)s no longer exists.", table=table, id=row_id))
    return row
