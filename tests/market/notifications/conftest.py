"""Fixtures of the notifications tests: the queue in immediate mode and recording senders."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from market.common.types import utcnow
from market.extensions import db
from market.notifications.models import Notification
from market.queue import huey
from tests.market.accounts.conftest import fast_password_hashing  # noqa: F401 - autouse fixture


@pytest.fixture(autouse=True)
def immediate_queue(app) -> Iterator[None]:
    """Tasks run at once in the caller (Huey's immediate mode, with in-memory storage); set
    after the app is built, whatever its QUEUE_IMMEDIATE says."""
    before = huey.immediate
    huey.immediate = True
    yield
    huey.flush()
    huey.immediate = before


@pytest.fixture
def app_config() -> dict[str, Any]:
    """No CSRF in the test client; retries without waiting (the back-off is tested apart)."""
    return {"WTF_CSRF_ENABLED": False, "NOTIFY_RETRY_DELAY_SECONDS": 0}


class RecordingSender:
    """A sender that fails its first `failures` calls, then records what it sends."""

    def __init__(self, failures: int = 0, error: str = "mail server down"):
        self.failures, self.error = failures, error
        self.calls = 0
        self.sent: list[tuple[str, str, str]] = []

    def send(self, to: str, subject: str, body: str) -> None:
        """Fail while failures remain, else record the message."""
        self.calls += 1
        if self.calls <= self.failures:
            raise ConnectionError(f"{self.error} ({self.calls})")
        self.sent.append((to, subject, body))


@pytest.fixture
def use_sender(monkeypatch):
    """Install a RecordingSender for e-mail (and SMS) delivery; returns it."""

    def install(sender: RecordingSender, sms: bool = True) -> RecordingSender:
        monkeypatch.setattr("market.notifications.delivery.email_sender", lambda: sender)
        if sms:
            monkeypatch.setattr("market.notifications.delivery.sms_sender", lambda: sender)
        return sender

    return install


def insert_pending(user, subject: str = "Hello", **values: Any) -> int:
    """Write an outbox row without the ORM's enqueue (as if the enqueue had been missed)."""
    row = {"user_id": user.id, "channel": "email", "subject": subject, "body": "body",
           "status": "pending", "attempts": 0, "created_at": utcnow(), **values}
    note_id = db.session.execute(sa.insert(Notification).values(**row).returning(Notification.id))
    note_id = note_id.scalar_one()
    db.session.commit()
    return note_id
