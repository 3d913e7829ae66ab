"""Failed log-ins per account, counted in the database: too many lock the account a while.

The count lives in the `users` row, so every worker and machine sees the same number; the
owner is told by the notification service when their account gets locked.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import gettext

from market.accounts.models import User
from market.audit.services import record
from market.common.display import local_time
from market.common.errors import ServiceError
from market.common.transaction import begin_write, unit_of_work
from market.common.types import utcnow
from market.extensions import db


class AccountLocked(ServiceError):
    """Too many failed log-ins for this account: refused until the lock ends (429)."""

    status = 429


def _locked_message(user: User) -> str:
    until = local_time(user.locked_until)
    message = "Too many failed log-ins: this account is locked until %(time)s. Try again later."
    return gettext(message, time=until) if has_request_context() else message % {"time": until}


def refuse_if_locked(user: User) -> None:
    """Raise AccountLocked while the user's lock lasts (even the right password is refused)."""
    if user.locked_until is not None and user.locked_until > utcnow():
        raise AccountLocked(_locked_message(user))


def record_failure(user: User) -> None:
    """Count one failed log-in; the LOGIN_MAX_FAILURES-th locks the account and tells its owner."""
    from market.notifications import texts
    from market.notifications.services import notify_user

    with unit_of_work():
        begin_write()
        # One UPDATE adds to the stored count, so concurrent workers never lose a failure.
        db.session.execute(
            sa.update(User).where(User.id == user.id)
            .values(failed_logins=User.failed_logins + 1)
            .execution_options(synchronize_session=False)
        )
        failures = db.session.scalar(sa.select(User.failed_logins).where(User.id == user.id)) or 0
        if failures < current_app.config["LOGIN_MAX_FAILURES"]:
            return
        minutes = current_app.config["LOGIN_LOCK_MINUTES"]
        locked_until = utcnow() + timedelta(minutes=minutes)
        db.session.execute(
            sa.update(User).where(User.id == user.id)
            .values(failed_logins=0, locked_until=locked_until)
            .execution_options(synchronize_session=False)
        )
        record(None, "user.locked", "user", user.id, None,
               {"failures": failures, "locked_until": locked_until.isoformat()})
        notify_user(user, texts.account_locked(user.email, failures, minutes,
                                               local_time(locked_until)))
    db.session.refresh(user)


def record_success(user: User) -> None:
    """A successful log-in clears the count of failures (only when there is one)."""
    if user.failed_logins:
        with unit_of_work():
            begin_write()
            user.failed_logins = 0
