"""Run service calls at the same moment from several threads, each with its own session."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from market.accounts.models import User
from market.common.errors import ServiceError
from market.extensions import db


def race(app, user_id: int, calls: list[Callable[[User], Any]]) -> list[tuple[str, Any]]:
    """Start every call together, each in its own app context; return (outcome, value) each.

    The outcome is "ok" with the call's result, "refused" with the ServiceError, or
    "crash" with any other exception (which a test should never see).
    """
    db.session.commit()  # release the test's own snapshot so no thread waits on it
    barrier = threading.Barrier(len(calls))
    results: list[tuple[str, Any]] = [("crash", "did not run")] * len(calls)

    def run(index: int, call: Callable[[User], Any]) -> None:
        with app.app_context():
            actor = db.session.get(User, user_id)
            try:
                barrier.wait(timeout=30)
                results[index] = ("ok", call(actor))
            except ServiceError as exc:
                results[index] = ("refused", exc)
            except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
                results[index] = ("crash", exc)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    db.session.expire_all()
    return results
