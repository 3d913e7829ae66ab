"""Queue notifications in the outbox and deliver them after the transaction commits."""

from __future__ import annotations

import logging

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import g, has_app_context

from market.accounts.models import Organization, User
from market.common.types import utcnow
from market.extensions import db
from market.notifications.models import Notification
from market.notifications.senders import email_sender, sms_sender

log = logging.getLogger("market.notifications")


def notify_user(user: User, subject: str, body: str, channel: str = "email") -> Notification:
    """Queue one message to a user; it is written with the caller's transaction."""
    note = Notification(user_id=user.id, channel=channel, subject=subject, body=body)
    db.session.add(note)
    if has_app_context():
        g.outbox_dirty = True  # delivered by the after_request hook once committed
    return note


def notify_organization(org: Organization, subject: str, body: str) -> list[Notification]:
    """Queue a message to every user of a company (e-mail, plus an SMS to its phone)."""
    users = db.session.scalars(sa.select(User).where(User.organization_id == org.id)).all()
    notes = [notify_user(u, subject, body) for u in users]
    if users:
        notes.append(notify_user(users[0], subject, body, channel="sms"))
    return notes


def deliver_pending(limit: int = 200) -> int:
    """Send queued messages; failures are kept with their error. Returns how many were sent."""
    pending = db.session.scalars(
        sa.select(Notification).where(Notification.status == "pending").limit(limit)
    ).all()
    users = {
        u.id: u
        for u in db.session.scalars(
            sa.select(User)
            .options(so.selectinload(User.organization))
            .where(User.id.in_({n.user_id for n in pending}))
        )
    }
    sent = 0
    for note in pending:
        user = users.get(note.user_id)
        to = (user.email if user else "unknown") if note.channel == "email" else _phone_of(user)
        sender = email_sender() if note.channel == "email" else sms_sender()
        try:
            sender.send(to, note.subject, note.body)
        except Exception as exc:  # noqa: BLE001 - any sender failure is recorded, not raised
            note.status, note.error = "failed", str(exc)[:500]
            log.warning("notification %s failed: %s", note.id, exc)
        else:
            note.status, note.sent_at = "sent", utcnow()
            sent += 1
    db.session.commit()
    return sent


def _phone_of(user: User | None) -> str:
    if user is None or user.organization is None:
        return "unknown"
    return user.organization.phone
