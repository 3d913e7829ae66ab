"""The task queue: one Huey instance chosen by QUEUE_URL, whose tasks run inside the Flask app.

`task` and `periodic_task` are Huey's decorators, plus an application context: a task called in
a request (immediate mode, in tests) reuses the current app; a task in the worker process runs in
an app that the worker builds once.
"""

from __future__ import annotations

import functools
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


huey = huey_from_url(os.environ.get("QUEUE_URL"))
_worker_app: Flask | None = None


def init_app(app: Flask) -> None:
    """Run tasks at once, in the caller, when the app says so (QUEUE_IMMEDIATE: tests)."""
    huey.immediate = bool(app.config.get("QUEUE_IMMEDIATE", False))


def _app_context():
    """The current app context if there is one, else the worker's own app."""
    global _worker_app
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


def task(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """Huey's `task` decorator for a function that needs the app (database, config)."""
    return lambda fn: huey.task(**options)(_in_app(fn))


def periodic_task(validate_datetime: Callable[..., bool], **options: Any) -> Callable[..., Any]:
    """Huey's `periodic_task` decorator for a function that needs the app."""
    return lambda fn: huey.periodic_task(validate_datetime, **options)(_in_app(fn))
