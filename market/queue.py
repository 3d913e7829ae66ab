"""The task queue: one Huey instance chosen by QUEUE_URL, whose tasks run inside the Flask app.

`task` and `periodic_task` are Huey's decorators, plus an application context: a task called in
a request (immediate mode, in tests) reuses the current app; a task in the worker process runs in
an app that the worker builds once.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from flask import Flask, has_app_context
from huey import Huey, MemoryHuey, PostgresHuey, RedisHuey, SqliteHuey

QUEUE_NAME = "ppe-market"
DEFAULT_QUEUE_FILE = Path(__file__).resolve().parent.parent / "instance" / "queue.db"


def huey_from_url(url: str | None, name: str = QUEUE_NAME) -> Huey:
    """Build the Huey instance a QUEUE_URL names: sqlite:///file, postgresql://…, redis://…, memory://."""
    if not url:
        DEFAULT_QUEUE_FILE.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=str(DEFAULT_QUEUE_FILE))
    scheme = url.split(":", 1)[0].lower()
    if scheme.startswith("sqlite"):
        # sqlite:///relative/file or sqlite:////absolute/file, as SQLAlchemy spells them
        return SqliteHuey(name, filename=url.split(":///", 1)[1])
    if scheme.startswith("postgres"):
        return PostgresHuey(name, dsn=url.replace("+psycopg", "", 1))
    if scheme in ("redis", "rediss"):
        return RedisHuey(name, url=url)
    if scheme == "memory":
        return MemoryHuey(name)
    raise ValueError(f"QUEUE_URL: unknown scheme {scheme!r} in {url!r}")


huey = huey_from_url(os.environ.get("QUEUE_URL"), os.environ.get("QUEUE_NAME") or QUEUE_NAME)
_queue = (os.environ.get("QUEUE_URL") or None, huey.name)
_worker_app: Flask | None = None


def use_queue(url: str | None, name: str | None = None) -> None:
    """Point the one `huey` at the queue `url` and `name` give (its tasks stay registered).

    The instance is built at import from the QUEUE_URL and QUEUE_NAME environment
    variables; an app configured with another queue (a test's own) swaps the storage only.
    """
    global _queue
    wanted = (url or None, name or QUEUE_NAME)
    if wanted == _queue:
        return
    other = huey_from_url(*wanted)
    close = getattr(huey.storage, "close", None)
    if close is not None:
        close()  # its connections (PostgreSQL, SQLite) are not left to the garbage collector
    huey.name = wanted[1]
    huey.storage_class, huey.storage_kwargs = other.storage_class, other.storage_kwargs
    huey.storage = other.storage
    _queue = wanted


def init_app(app: Flask) -> None:
    """Use the app's QUEUE_URL; run tasks at once, in the caller, when QUEUE_IMMEDIATE (tests)."""
    if app.config.get("QUEUE_IMMEDIATE", False):
        huey.immediate = True  # an in-memory queue: no worker, no queue file touched
        return
    huey.immediate = False
    use_queue(app.config.get("QUEUE_URL"), app.config.get("QUEUE_NAME"))


def _app_context():
    """The caller's app context (immediate mode), or a fresh one per task in a worker."""
    global _worker_app
    if _worker_app is not None:
        return _worker_app.app_context()  # its own session, removed when the task ends
    if has_app_context():
        return nullcontext()
    if _worker_app is None:
        from market import create_app

        _worker_app = create_app()
    return _worker_app.app_context()


def _in_app(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _app_context():
            return fn(*args, **kwargs)

    return wrapper


def on_worker_start(fn: Callable[[], Any]) -> Callable[[], Any]:
    """Run `fn` (in the app) in each worker process as it starts: e.g. end interrupted runs."""
    huey.on_startup(f"{fn.__module__}.{fn.__name__}")(_in_app(fn))
    return fn


def task(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """Huey's `task` decorator for a function that needs the app (database, config)."""
    return lambda fn: huey.task(**options)(_in_app(fn))


def periodic_task(validate_datetime: Callable[..., bool], **options: Any) -> Callable[..., Any]:
    """Huey's `periodic_task` decorator for a function that needs the app."""
    return lambda fn: huey.periodic_task(validate_datetime, **options)(_in_app(fn))


TASK_MODULES = ("market.matching.tasks", "market.whatif.tasks",
                "market.notifications.tasks", "market.allocations.tasks")
log = logging.getLogger("market.queue")


def import_tasks() -> list[str]:
    """Import every module that defines tasks, so the worker knows them all; return their names."""
    import importlib

    for name in TASK_MODULES:
        importlib.import_module(name)
    return list(TASK_MODULES)


@huey.on_startup("market.queue.fresh_connections")
def _fresh_connections() -> None:
    """A forked worker must not share the parent's database connections: open its own."""
    if _worker_app is not None:
        from market.extensions import db

        with _worker_app.app_context():
            db.engine.dispose(close=False)


def run_worker(app: Flask, workers: int) -> None:
    """Run the Huey consumer with `workers` processes (the solver holds the GIL) until stopped."""
    global _worker_app
    from market.extensions import db

    if huey.immediate:
        raise RuntimeError("QUEUE_IMMEDIATE is set: tasks run in the caller, a worker has no work")
    import_tasks()
    _worker_app = app
    with app.app_context():
        db.engine.dispose()  # the forked processes open their own connections
    consumer = huey.create_consumer(workers=workers, worker_type="process", periodic=True,
                                    max_delay=1.0, check_worker_health=True,
                                    health_check_interval=2)
    consumer.run()
