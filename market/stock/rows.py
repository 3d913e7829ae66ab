"""Row locks and the guarded status move that every allocation and gift-pack write uses.

Every write that moves units locks the lots first (in id order) and the need second (one
order everywhere, so two transactions never wait on each other in a cycle), then changes
the status with a conditional UPDATE whose row count proves no one moved it meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from market.common.errors import Conflict, NotFound
from market.common.lifecycle import Status, require_move, status_label
from market.common.transaction import begin_write, is_postgres, rows_changed
from market.extensions import db
from market.lots.models import Lot
from market.needs.models import Need

RowT = TypeVar("RowT")


def start_write() -> None:
    """Open the write transaction (BEGIN IMMEDIATE on SQLite, row locks follow on PostgreSQL)."""
    begin_write()


def load(model: type[RowT], row_id: int, what: Any, lock: bool = False) -> RowT:
    """Read a row afresh inside the write transaction, locked if asked (404 when missing)."""
    key = sa.inspect(model, raiseerr=True).primary_key[0]
    stmt = sa.select(model).where(key == row_id).execution_options(populate_existing=True)
    if lock and is_postgres():
        stmt = stmt.with_for_update()
    row = db.session.scalar(stmt)
    if row is None:
        raise NotFound(_("%(what)s %(id)s not found.", what=str(what), id=row_id))
    return row


def lock_lots(lot_ids: Iterable[int]) -> None:
    """Lock these lots for the rest of the transaction, in id order (PostgreSQL)."""
    ids = sorted(lot_ids)
    if is_postgres() and ids:
        db.session.scalars(
            sa.select(Lot).where(Lot.id.in_(ids)).order_by(Lot.id).with_for_update()
        ).all()


def lock_lot(lot_id: int) -> Lot:
    """Lock a lot row for the rest of the transaction (SELECT … FOR UPDATE on PostgreSQL)."""
    return load(Lot, lot_id, _l("Lot"), lock=True)


def lock_need(need_id: int) -> Need:
    """Lock a need row for the rest of the transaction (SELECT … FOR UPDATE on PostgreSQL)."""
    return load(Need, need_id, _l("Need"), lock=True)


def move_status(row: Any, what: Any, new: Status, values: dict[str, Any]) -> str:
    """Move an allocation or pack to `new` if its lifecycle allows it from where it is now.

    409 (naming the current status) when the transitions table forbids the move, or when
    another transaction moved the row first. Returns the status it had before.
    """
    table = type(row).__table__
    current = str(db.session.scalar(sa.select(table.c.status).where(table.c.id == row.id)))
    require_move(what, row.id, current, new)
    result = db.session.execute(
        sa.update(table)
        .where(table.c.id == row.id, table.c.status == current)
        .values(status=new.value, **values)
    )
    if rows_changed(result) != 1:  # moved by another transaction since we read it
        now = db.session.scalar(sa.select(table.c.status).where(table.c.id == row.id))
        raise Conflict(_("%(what)s %(id)s is %(current)s, not %(expected)s any more.",
                         what=str(what), id=row.id, current=status_label(now or ""),
                         expected=status_label(current)))
    db.session.refresh(row)
    return current
