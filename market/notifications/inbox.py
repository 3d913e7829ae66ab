"""A user's own notifications: listing them and marking them read."""

from __future__ import annotations

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from market.accounts.access import require_user
from market.accounts.models import User
from market.common.pagination import paginate
from market.common.transaction import rows_changed, unit_of_work
from market.common.types import utcnow
from market.extensions import db
from market.notifications.models import Notification


def _mine(user: User) -> sa.ColumnElement[bool]:
    # The SMS copy repeats the e-mail of the same message; the page shows each message once.
    return sa.and_(Notification.user_id == user.id, Notification.channel != "sms")


def list_notifications(
    actor: User | None, unread: bool = False, page: int = 1, per_page: int = 50
) -> Pagination:
    """The logged-in user's notifications, newest first."""
    actor = require_user(actor)
    stmt = sa.select(Notification).where(_mine(actor))
    if unread:
        stmt = stmt.where(Notification.read_at.is_(None))
    stmt = stmt.order_by(Notification.created_at.desc(), Notification.id.desc())
    return paginate(stmt, page, per_page)


def unread_count(actor: User | None) -> int:
    """How many of the user's notifications are unread."""
    actor = require_user(actor)
    query = sa.select(sa.func.count()).where(_mine(actor), Notification.read_at.is_(None))
    return db.session.scalar(query) or 0


def mark_all_read(actor: User | None) -> int:
    """Mark every unread notification of the user read; returns how many changed."""
    actor = require_user(actor)
    with unit_of_work():
        result = db.session.execute(
            sa.update(Notification)
            .where(_mine(actor), Notification.read_at.is_(None))
            .values(read_at=utcnow())
        )
    return rows_changed(result) or 0
