"""One matching run at a time, across every process, worker and machine.

Two guards. The run row itself: a run is created `active` (queued or running) and
the unique constraint on `match_runs.active` refuses a second one (409). And, while
a run computes, the run lock:
- PostgreSQL: a session-level advisory lock held on a connection of its own for the
  whole run, released at the end, or by the server at once when the process dies;
- SQLite: the single `run_locks` row, claimed with a conditional UPDATE committed
  before the run and cleared after it. A claim whose owner process is gone (same
  machine) or older than MATCH_LOCK_STALE_SECONDS (another machine) is taken over.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import gettext as _

from market.common.errors import Conflict
from market.common.transaction import begin_write, is_postgres, rows_changed
from market.common.types import utcnow
from market.extensions import db
from market.matching.models import RunLock

# Any constant that no other part of the application uses for an advisory lock.
ADVISORY_KEY = 0x5050455F4D41  # "PPE_MA"
LOCK_ROW_ID = 1
BUSY_TEXT = "Another matching run is queued or under way; try again when it has finished."


def busy_message() -> str:
    """The 409 message: in the request's language, or English for the CLI and the worker."""
    if has_request_context():
        return _("Another matching run is queued or under way; try again when it has finished.")
    return BUSY_TEXT


def worker_id() -> str:
    """This process as "host:pid", the owner recorded on the runs and studies it computes."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _holder() -> str:
    return f"{worker_id()}:{uuid.uuid4().hex[:12]}"


def pid_alive(pid: int) -> bool:
    """Tell whether process `pid` of this machine still runs (a zombie counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def owner_gone(owner: str | None, seen_at: datetime | None, stale_seconds: int) -> bool:
    """Tell whether the process named `owner` ("host:pid[:…]") has died.

    On this machine its pid tells at once; a process on another machine is taken for
    gone when it gave no sign of life (`seen_at`) for `stale_seconds`.
    """
    if not owner:
        return False
    host, _, rest = owner.partition(":")
    pid = rest.split(":", 1)[0]
    if host == socket.gethostname() and pid.isdigit():
        return not pid_alive(int(pid))
    return seen_at is None or utcnow() - seen_at > timedelta(seconds=stale_seconds)


def stale_seconds() -> int:
    """How long a run on another machine may stay silent before it counts as interrupted."""
    return int(current_app.config.get("MATCH_LOCK_STALE_SECONDS", 1800))


@contextmanager
def run_lock() -> Iterator[None]:
    """Hold the run lock for the block, whatever transactions it commits; 409 when busy."""
    if is_postgres():
        with _advisory_lock():
            yield
        return
    me = _holder()
    if not claim_row(me):
        raise Conflict(busy_message())
    try:
        yield
    finally:
        db.session.rollback()  # a no-op after the caller's commit
        release_row(me)


@contextmanager
def _advisory_lock() -> Iterator[None]:
    connection = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        if not connection.scalar(sa.select(sa.func.pg_try_advisory_lock(ADVISORY_KEY))):
            raise Conflict(busy_message())
        try:
            yield
        finally:
            try:
                connection.scalar(sa.select(sa.func.pg_advisory_unlock(ADVISORY_KEY)))
            except sa.exc.DBAPIError:
                connection.invalidate()  # closing the session releases the lock anyway
    finally:
        connection.close()


def claim_row(me: str) -> bool:
    """Claim the lock row for `me` in a committed transaction; False when a live owner holds it."""
    # Read and claim under the write lock: on SQLite a deferred transaction that read first
    # cannot upgrade once another worker wrote (SQLITE_BUSY at once, without waiting).
    begin_write()
    try:
        _ensure_row()
        row = db.session.execute(
            sa.select(RunLock.holder, RunLock.acquired_at).where(RunLock.id == LOCK_ROW_ID)
        ).one()
        free = sa.or_(RunLock.holder.is_(None), RunLock.holder == row.holder) \
            if row.holder is None or owner_gone(row.holder, row.acquired_at, stale_seconds()) \
            else RunLock.holder.is_(None)
        claimed = rows_changed(db.session.execute(
            sa.update(RunLock)
            .where(RunLock.id == LOCK_ROW_ID, free)
            .values(holder=me, acquired_at=utcnow())
            .execution_options(synchronize_session=False)
        ))
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
