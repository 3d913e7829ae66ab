"""One matching run at a time, across every process and scheduler.

PostgreSQL: a transaction-level advisory lock taken inside the run's own
transaction, so it is released by the commit or rollback, even when the process
dies. SQLite: the single `run_locks` row is claimed with a conditional UPDATE
committed before the run and cleared after it; a claim older than
MATCH_LOCK_STALE_SECONDS (a crashed run) may be taken over.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from market.common.errors import Conflict
from market.common.transaction import begin_write, is_postgres
from market.common.types import utcnow
from market.extensions import db
from market.matching.models import RunLock

# Any constant that no other part of the application uses for an advisory lock.
ADVISORY_KEY = 0x5050455F4D41  # "PPE_MA"
LOCK_ROW_ID = 1
BUSY_MESSAGE = "Another matching run is under way; try again when it has finished."


def _holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


@contextmanager
def run_lock() -> Iterator[None]:
    """Hold the run lock for the block and leave a write transaction open; 409 when busy."""
    if is_postgres():
        if db.session().in_transaction():
            db.session.commit()  # the lock must belong to the run's fresh transaction
        if not try_advisory_lock():
            db.session.rollback()
            raise Conflict(BUSY_MESSAGE)
        yield  # the caller's commit or rollback releases it
        return
    me = _holder()
    if not claim_row(me):
        raise Conflict(BUSY_MESSAGE)
    try:
        begin_write()
        yield
    finally:
        db.session.rollback()  # a no-op after the caller's commit
        release_row(me)


def try_advisory_lock() -> bool:
    """Take the transaction-level advisory lock of matching runs if it is free."""
    return bool(db.session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(ADVISORY_KEY))))


def claim_row(me: str) -> bool:
    """Claim the lock row for `me` in a committed transaction; False when someone holds it."""
    if db.session().in_transaction():
        db.session.commit()
    stale = utcnow() - timedelta(seconds=current_app.config.get("MATCH_LOCK_STALE_SECONDS", 1800))
    try:
        _ensure_row()
        claimed = db.session.execute(
            sa.update(RunLock)
            .where(RunLock.id == LOCK_ROW_ID,
                   sa.or_(RunLock.holder.is_(None), RunLock.acquired_at < stale))
            .values(holder=me, acquired_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return claimed == 1


def _ensure_row() -> None:
    exists = db.session.scalar(sa.select(RunLock.id).where(RunLock.id == LOCK_ROW_ID))
    if exists is None:
        # Two processes may both see no row; the loser's insert is ignored.
        stmt = sa.insert(RunLock).values(id=LOCK_ROW_ID, holder=None, acquired_at=None)
        db.session.execute(stmt.prefix_with("OR IGNORE"))


def release_row(me: str) -> None:
    """Clear the lock row if `me` still holds it."""
    try:
        db.session.execute(
            sa.update(RunLock)
            .where(RunLock.id == LOCK_ROW_ID, RunLock.holder == me)
            .values(holder=None, acquired_at=None)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
