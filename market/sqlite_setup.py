"""SQLite settings so that several workers can share the embedded database safely."""

from __future__ import annotations

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.engine import Engine

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def write_request() -> bool:
    """Whether the current request may write (any method but GET, HEAD and OPTIONS)."""
    return has_request_context() and request.method not in SAFE_METHODS


def configure(engine: Engine) -> None:
    """Turn on foreign keys, WAL and a busy timeout, and let services BEGIN IMMEDIATE."""
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy emit BEGIN itself (pysqlite's own handling defers it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        # IMMEDIATE takes the write lock at BEGIN, so read-then-write cannot interleave.
        # Every transaction of a writing request takes it: a deferred transaction that read
        # first cannot upgrade once another writer committed (SQLITE_BUSY at once, no wait),
        # while BEGIN IMMEDIATE waits its turn within the busy timeout. GETs stay deferred,
        # so reads run side by side (WAL).
        immediate = (connection.get_execution_options().get("sqlite_immediate", False)
                     or write_request())
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def end_write_request(_exc: BaseException | None = None) -> None:
    """teardown_request: release the write lock a writing request may still hold on SQLite.

    Reading after the commit (e.g. building the answer) opens another IMMEDIATE
    transaction; ending it here, as removing the session at the end of the app context
    would, lets other writers (workers, child processes) go on at once even when the app
    context outlives the request.
    """
    from market.extensions import db

    if write_request() and db.engine.dialect.name == "sqlite":
        db.session.rollback()

