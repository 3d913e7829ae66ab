"""Write notifications to the outbox; queue tasks deliver them after the transaction commits."""

from __future__ import annotations

import sqlalchemy as sa

from market.accounts.models import Organization, User
from market.extensions import db
from market.notifications.models import Notification


def notify_user(user: User, subject: str, body: str, channel: str = "email") -> Notification:
    """Queue one message to a user; it is written with the caller's transaction and
    delivered by a queue task once that transaction commits (see outbox)."""
    note = Notification(user_id=user.id, channel=channel, subject=subject, body=body)
    db.session.add(note)
    return note


def notify_organization(org: Organization, subject: str, body: str) -> list[Notification]:
    """Queue a message to every user of a company (e-mail, plus an SMS to its phone)."""
    users = db.session.scalars(sa.select(User).where(User.organization_id == org.id)).all()
    notes = [notify_user(u, subject, body) for u in users]
    if users:
        notes.append(notify_user(users[0], subject, body, channel="sms"))
    return notes
