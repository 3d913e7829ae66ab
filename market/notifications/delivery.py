"""Deliver one outbox message exactly once: claim it, send it, record the outcome.

A worker first claims the message with a conditional UPDATE (pending → sending, with its own
token) committed before anything is sent, so of several workers only one sends. A failed
attempt returns the message to `pending` with a growing delay, and after the last attempt it
is `failed`, kept with its error for a coordinator to retry. A claim older than
NOTIFY_CLAIM_STALE_SECONDS (a worker that died while sending) may be taken again.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from market.accounts.models import User
from market.common.lifecycle import may_become
from market.common.rows import fetch
from market.common.transaction import begin_write, rows_changed
from market.common.types import utcnow
from market.extensions import db
from market.notifications.models import Notification, NotificationStatus
from market.notifications.senders import email_sender, sms_sender

log = logging.getLogger("market.notifications")

INTERRUPTED = "interrupted: the worker stopped while sending"
# The sweep leaves alone messages written or due less than this long ago (their task is queued).
SWEEP_GRACE_SECONDS = 120


@dataclass(frozen=True)
class Outcome:
    """What one delivery call did: sent, retry (after `delay` seconds), failed or skipped."""

    result: str
    delay: float = 0.0


def max_attempts() -> int:
    """How many times a message is tried before it is `failed` (NOTIFY_MAX_ATTEMPTS)."""
    return int(current_app.config["NOTIFY_MAX_ATTEMPTS"])


def retry_delay(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failure: the base delay, doubled each time."""
    return float(current_app.config["NOTIFY_RETRY_DELAY_SECONDS"]) * 2 ** max(attempts - 1, 0)


def _stale_before(now: datetime) -> datetime:
    return now - timedelta(seconds=int(current_app.config["NOTIFY_CLAIM_STALE_SECONDS"]))


def claimable(now: datetime) -> sa.ColumnElement[bool]:
    """Messages a worker may take now: pending and due, or claimed by a worker long gone."""
    due = sa.or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now)
    return sa.and_(
        Notification.attempts < max_attempts(),
        sa.or_(
            sa.and_(Notification.status == NotificationStatus.PENDING, due),
            sa.and_(Notification.status == NotificationStatus.SENDING,
                    Notification.claimed_at < _stale_before(now)),
        ),
    )


def claim(note_id: int) -> str | None:
    """Take the message for this worker and count the attempt; None if another has it."""
    now, token = utcnow(), uuid.uuid4().hex
    begin_write()
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.id == note_id, claimable(now))
        .values(status=NotificationStatus.SENDING, claim_token=token, claimed_at=now,
                attempts=Notification.attempts + 1)
    )
    db.session.commit()
    return token if rows_changed(result) == 1 else None


def deliver(note_id: int) -> Outcome:
    """Claim, send and record one message; never raises for a sender's failure."""
    token = claim(note_id)
    if token is None:
        return Outcome("skipped")
    channel, to, subject, body, attempts = _message(note_id)
    db.session.commit()  # no transaction stays open while the mail server answers
    sender = sms_sender() if channel == "sms" else email_sender()
    try:
        sender.send(to, subject, body)
    except Exception as exc:  # noqa: BLE001 - any sender failure is recorded and retried
        log.warning("notification %s attempt %s failed: %s", note_id, attempts, exc)
        return _record_failure(note_id, token, attempts, str(exc) or type(exc).__name__)
    _finish(note_id, token, NotificationStatus.SENT, sent_at=utcnow())
    return Outcome("sent")


def _message(note_id: int) -> tuple[str, str, str, str, int]:
    """Channel, address (e-mail, or the company's phone for SMS), subject, body, attempts."""
    note = fetch(Notification, note_id)
    user = db.session.get(User, note.user_id)
    if note.channel == "sms":
        org = user.organization if user else None
        to = org.phone if org else "unknown"
    else:
        to = user.email if user else "unknown"
    return note.channel, to, note.subject, note.body, note.attempts


def _record_failure(note_id: int, token: str, attempts: int, error: str) -> Outcome:
    if attempts >= max_attempts():
        _finish(note_id, token, NotificationStatus.FAILED, last_error=error[:500])
        return Outcome("failed")
    delay = retry_delay(attempts)
    _finish(note_id, token, NotificationStatus.PENDING, last_error=error[:500],
            next_attempt_at=utcnow() + timedelta(seconds=delay))
    return Outcome("retry", delay)


def _finish(note_id: int, token: str, status: NotificationStatus, **values: Any) -> None:
    """Write the outcome only if this worker still holds the claim and the lifecycle allows
    it (claimed_at stays: the time of the last attempt)."""
    db.session.execute(
        sa.update(Notification)
        .where(Notification.id == note_id, Notification.claim_token == token,
               may_become(Notification.status, status))
        .values(status=status, claim_token=None, **values)
    )
    db.session.commit()


def due_ids(limit: int = 500) -> list[int]:
    """Messages the sweep should (re-)enqueue: due pending ones and stale claims.

    Stale claims on their last attempt are marked `failed` (interrupted) first.
    """
    now = utcnow()
    db.session.execute(
        sa.update(Notification)
        .where(Notification.status == NotificationStatus.SENDING,
               Notification.claimed_at < _stale_before(now),
               Notification.attempts >= max_attempts())
        .values(status=NotificationStatus.FAILED, last_error=INTERRUPTED, claim_token=None)
    )
    db.session.commit()
    # A message written or due only just now still has its own task on the way.
    settled = now - timedelta(seconds=SWEEP_GRACE_SECONDS)
    overdue = sa.or_(
        Notification.status == NotificationStatus.SENDING,
        sa.func.coalesce(Notification.next_attempt_at, Notification.created_at) <= settled,
    )
    return list(db.session.scalars(
        sa.select(Notification.id).where(claimable(now), overdue)
        .order_by(Notification.id).limit(limit)
    ))
