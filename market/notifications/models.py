"""The notification outbox: written in the same transaction, delivered afterwards by a task."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from market.common.lifecycle import Status, describe, status_check
from market.common.types import UTCDateTime, utcnow
from market.extensions import Model


class NotificationStatus(Status):
    """Delivery: pending → sending (claimed by one worker) → sent, or back to pending for a
    retry, or failed after the last attempt (a coordinator may queue a failed one again)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


describe(
    NotificationStatus,
    {
        NotificationStatus.PENDING: _l("pending"),
        NotificationStatus.SENDING: _l("sending"),
        NotificationStatus.SENT: _l("sent"),
        NotificationStatus.FAILED: _l("failed"),
    },
    {
        NotificationStatus.PENDING: {NotificationStatus.SENDING, NotificationStatus.FAILED},
        NotificationStatus.SENDING: {NotificationStatus.SENT, NotificationStatus.PENDING,
                                     NotificationStatus.FAILED},
        NotificationStatus.FAILED: {NotificationStatus.PENDING},
    },
)


class Notification(Model):
    """A message to one user, shown on their page and sent by the configured sender."""

    __tablename__ = "notifications"
    __table_args__ = (status_check(NotificationStatus, "ck_notifications_status"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    channel: so.Mapped[str] = so.mapped_column(sa.String(10), default="email")
    subject: so.Mapped[str] = so.mapped_column(sa.String(200))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default=NotificationStatus.PENDING,
                                                index=True)
    # Delivery attempts made so far, and the error of the last failed one.
    attempts: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    last_error: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    # The worker holding the message (a random token, while sending) and when the last attempt
    # began; a claim left by a worker that died is re-taken once stale.
    claim_token: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    claimed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # A failed attempt is retried no earlier than this (back-off).
    next_attempt_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Set for messages that must be written at most once (e.g. a day's report per coordinator).
    dedupe_key: so.Mapped[str | None] = so.mapped_column(sa.String(100), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    read_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
