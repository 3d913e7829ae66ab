"""Enqueue the delivery of every outbox message once the transaction that wrote it commits.

Services only add `Notification` rows; these session events notice the new rows and hand
their ids to the queue after the commit, so a message is never sent for a rolled-back
change and no request waits for a mail server. A missed enqueue (the queue down) is caught
by the periodic sweep.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
import sqlalchemy.orm as so

from market.notifications.models import Notification

log = logging.getLogger("market.notifications")

_FLUSHED = "outbox_flushed"  # ids written in the open transaction
_COMMITTED = "outbox_committed"  # ids whose transaction committed, to enqueue at its end


@sa.event.listens_for(so.Session, "after_flush")
def _collect_new(session: so.Session, _context: so.UOWTransaction) -> None:
    """Remember the ids of the notifications this flush inserted."""
    ids = [obj.id for obj in session.new if isinstance(obj, Notification)]
    if ids:
        session.info.setdefault(_FLUSHED, []).extend(ids)


@sa.event.listens_for(so.Session, "after_commit")
def _mark_committed(session: so.Session) -> None:
    """The outer transaction committed: its messages may be delivered (a savepoint's may not)."""
    if session.in_nested_transaction():
        return
    ids = session.info.pop(_FLUSHED, None)
    if ids:
        session.info.setdefault(_COMMITTED, []).extend(ids)


@sa.event.listens_for(so.Session, "after_rollback")
def _forget(session: so.Session) -> None:
    """Messages of a rolled-back transaction were never written; nothing to deliver."""
    if not session.in_nested_transaction():
        session.info.pop(_FLUSHED, None)


@sa.event.listens_for(so.Session, "after_transaction_end")
def _enqueue_committed(session: so.Session, transaction: so.SessionTransaction) -> None:
    """Enqueue the committed messages once the session may run SQL again (immediate mode)."""
    if transaction.parent is not None:
        return
    ids = session.info.pop(_COMMITTED, None)
    if ids:
        enqueue(ids)


def enqueue(ids: list[int]) -> None:
    """Queue one delivery task per message; a queue failure is logged (the sweep retries)."""
    from market.notifications.tasks import deliver_notification

    for note_id in ids:
        try:
            deliver_notification(note_id)
        except Exception:
            log.exception("could not enqueue notification %s; the sweep will", note_id)
