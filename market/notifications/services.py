"""Write notifications to the outbox; queue tasks deliver them after the transaction commits.

Each message is written in its recipient's language: callers pass a `compose` function
that builds the `Text` with gettext, and it is called once per recipient under that
person's saved language (`User.language`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from market.accounts.models import Organization, User
from market.extensions import db
from market.i18n import language_of
from market.notifications.models import Notification

SMS_LIMIT = 70
"""Characters of one SMS segment holding Chinese (UCS-2); longer texts are cut to it."""
SMS_LIMIT_ASCII = 160
"""Characters of one SMS segment of plain Latin text (GSM 7-bit)."""


@dataclass(frozen=True)
class Text:
    """One message in one language: e-mail subject and body, and the short SMS text."""

    subject: str
    body: str
    sms: str | None = None


Compose = Callable[[], Text]


def notify_user(
    user: User, compose: Compose | str, body: str | None = None, channel: str = "email"
) -> Notification:
    """Queue one message to a user, written in the user's language.

    It is stored with the caller's transaction and delivered by a queue task once that
    transaction commits (see outbox). An SMS carries the short text only. A plain
    subject and body (already worded) are also accepted, e.g. for an operator's message.
    """
    text = _text(user, compose, body)
    subject, body = text.subject, text.body
    if channel == "sms":
        body = short_sms(text.sms or text.body)
    note = Notification(user_id=user.id, channel=channel, subject=subject[:200], body=body)
    db.session.add(note)
    return note


def _text(user: User, compose: Compose | str, body: str | None) -> Text:
    if isinstance(compose, str):
        return Text(compose, body or "")
    with language_of(user):
        return compose()


def notify_organization(
    org: Organization, compose: Compose | str, body: str | None = None
) -> list[Notification]:
    """Queue a message to every user of a company (e-mail, plus an SMS to its phone),
    each in the language that user reads."""
    users = db.session.scalars(
        sa.select(User).where(User.organization_id == org.id).order_by(User.id)
    ).all()
    notes = [notify_user(u, compose, body) for u in users]
    if users:
        notes.append(notify_user(users[0], compose, body, channel="sms"))
    return notes


def short_sms(text: str) -> str:
    """The SMS text in at most one segment, cut with an ellipsis when longer.

    A segment holds 70 characters once any Chinese character is in it, 160 otherwise.
    """
    text = " ".join(text.split())
    limit = SMS_LIMIT_ASCII if text.isascii() else SMS_LIMIT
    if len(text) <= limit:
        return text
    return text[: limit - 1] + "…"
