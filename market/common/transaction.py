"""One write = one transaction: commit on success, roll back on any error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

import sqlalchemy as sa

from market.extensions import db


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit the session when the block succeeds; roll everything back if it raises."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def is_postgres() -> bool:
    """Tell whether the bound database is PostgreSQL (row locks, advisory locks)."""
    return db.engine.dialect.name == "postgresql"


def begin_write() -> None:
    """Start a write transaction that holds the write lock from its first statement.

    On SQLite this is `BEGIN IMMEDIATE`, so two workers cannot both read the same stock
    and then both reserve it; on PostgreSQL it is an ordinary transaction and the caller
    locks rows with `SELECT … FOR UPDATE`.
    """
    if db.session().in_transaction():  # the scoped_session proxy lacks in_transaction()
        db.session.commit()  # end the read snapshot opened while loading the user
    db.session.connection(execution_options={"sqlite_immediate": True})


def rows_changed(result: sa.Result[Any]) -> int:
    """How many rows the UPDATE or DELETE behind `result` changed (a conditional update won?).

    SQLAlchemy 2.0 types `Session.execute` as returning `Result`; for a DML statement it is a
    `CursorResult`, which counts the rows.
    """
    return cast(sa.CursorResult[Any], result).rowcount
