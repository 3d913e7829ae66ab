"""Two workers racing for the same message: exactly one sends it (SQLite file, PostgreSQL)."""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import pytest
import sqlalchemy as sa

from market.extensions import db
from market.notifications import delivery
from market.notifications.models import Notification
from tests.market.notifications.conftest import insert_pending


@pytest.fixture
def app_config(tmp_path) -> dict[str, Any]:
    """A database two connections share: a SQLite file (not memory), or PostgreSQL."""
    config: dict[str, Any] = {"WTF_CSRF_ENABLED": False}
    if not os.environ.get("TEST_DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'race.db'}"
    return config


class SlowSender:
    """Records every send, and takes a moment so that racing workers overlap."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.lock = threading.Lock()

    def send(self, to: str, subject: str, body: str) -> None:
        """Record the message after a short pause."""
        time.sleep(0.2)
        with self.lock:
            self.sent.append(subject)


def test_two_workers_racing_send_each_message_once(app, people, monkeypatch):
    sender = SlowSender()
    monkeypatch.setattr("market.notifications.delivery.email_sender", lambda: sender)
    ids = [insert_pending(people["buyer"], f"Message {n}") for n in range(3)]
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def worker(note_id: int, barrier: threading.Barrier) -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                outcomes.append(delivery.deliver(note_id).result)
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            errors.append(exc)

    for note_id in ids:
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=worker, args=(note_id, barrier)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
    assert sorted(sender.sent) == ["Message 0", "Message 1", "Message 2"]
    assert sorted(outcomes) == ["sent"] * 3 + ["skipped"] * 3
    db.session.expire_all()
    rows = db.session.execute(sa.select(Notification.status, Notification.attempts)).all()
    assert sorted(rows) == [("sent", 1)] * 3
