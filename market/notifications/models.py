"""The notification outbox: written in the same transaction, delivered afterwards."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from market.common.types import UTCDateTime, utcnow
from market.extensions import db


class Notification(db.Model):
    """A message to one user, shown on their page and sent by the configured sender."""

    __tablename__ = "notifications"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    channel: so.Mapped[str] = so.mapped_column(sa.String(10), default="email")
    subject: so.Mapped[str] = so.mapped_column(sa.String(200))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="pending", index=True)
    error: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    read_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
