"""Failed deliveries for coordinators: list them and queue them again."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination

from market.accounts.access import require_coordinator
from market.accounts.models import User
from market.audit import services as audit
from market.common.errors import Conflict, NotFound
from market.common.pagination import paginate
from market.common.transaction import unit_of_work
from market.extensions import db
from market.i18n import status_word
from market.notifications import outbox
from market.notifications.models import Notification, NotificationStatus

# What a retry writes: a pending message with all its attempts ahead of it.
RETRY_RESET = {"status": NotificationStatus.PENDING, "attempts": 0, "next_attempt_at": None}


def list_failed(actor: User | None, page: int = 1, per_page: int = 50) -> Pagination:
    """Messages whose every attempt failed, newest first, as `(message, recipient's e-mail)`."""
    require_coordinator(actor)
    stmt = (
        sa.select(Notification)
        .where(Notification.status == NotificationStatus.FAILED)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    result = paginate(stmt, page, per_page)
    user_ids = {note.user_id for note in result.items}
    rows = db.session.execute(sa.select(User.id, User.email).where(User.id.in_(user_ids)))
    emails: dict[int, str] = {user_id: email for user_id, email in rows}
    result.items = [(note, emails.get(note.user_id)) for note in result.items]
    return result


def retry(actor: User | None, note_id: int) -> None:
    """Queue one failed message again with a fresh set of attempts."""
    actor = require_coordinator(actor)
    note = db.session.get(Notification, note_id)
    if note is None:
        raise NotFound(_("Notification %(id)s not found.", id=note_id))
    if note.status != NotificationStatus.FAILED:
        raise Conflict(_("Notification %(id)s is %(status)s, not failed.", id=note_id,
                         status=status_word(note.status)))
    _requeue(actor, [note_id])


def retry_all(actor: User | None) -> int:
    """Queue every failed message again; returns how many."""
    actor = require_coordinator(actor)
    ids = list(db.session.scalars(
        sa.select(Notification.id).where(Notification.status == NotificationStatus.FAILED)
        .order_by(Notification.id)
    ))
    if ids:
        _requeue(actor, ids)
    return len(ids)


def _requeue(actor: User, ids: list[int]) -> None:
    with unit_of_work():
        db.session.execute(
            sa.update(Notification)
            .where(Notification.id.in_(ids), Notification.status == NotificationStatus.FAILED)
            .values(**RETRY_RESET),
            execution_options={"synchronize_session": False},
        )
        for note_id in ids:
            audit.record(actor, "notification.retry", "notification", note_id,
                         {"status": NotificationStatus.FAILED.value},
                         {"status": NotificationStatus.PENDING.value, "attempts": 0})
    outbox.enqueue(ids)
