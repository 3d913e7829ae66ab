"""Delivery by queue tasks: after the commit, claimed once, retried with back-off, swept."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from market.common.types import utcnow
from market.extensions import db
from market.notifications import delivery, tasks
from market.notifications.models import Notification
from market.notifications.services import notify_organization, notify_user
from market.queue import huey
from tests.market.notifications.conftest import RecordingSender, insert_pending


def _note(note_id: int) -> Notification:
    db.session.expire_all()
    return db.session.get(Notification, note_id)


def test_committed_notification_is_delivered_by_the_task_without_a_request(people, use_sender):
    sender = use_sender(RecordingSender())
    note = notify_user(people["buyer"], "Approved", "Your need was approved.")
    assert sender.sent == []  # nothing leaves before the commit
    db.session.commit()
    assert sender.sent == [(people["buyer"].email, "Approved", "Your need was approved.")]
    note = _note(note.id)
    assert (note.status, note.attempts, note.claim_token) == ("sent", 1, None)
    assert note.sent_at is not None


def test_a_request_that_notifies_delivers_through_the_task(client, people, login, use_sender):
    sender = use_sender(RecordingSender())
    org = people["supplier_a_org"]
    login(people["coordinator"])
    response = client.patch(f"/api/v1/organizations/{org.id}", json={"status": "suspended"})
    assert response.status_code == 200, response.json
    assert sender.sent, "the company's users were told"
    statuses = db.session.scalars(sa.select(Notification.status)).all()
    assert statuses
    assert set(statuses) == {"sent"}


def test_rolled_back_notification_is_never_sent(people, use_sender):
    sender = use_sender(RecordingSender())
    notify_organization(people["supplier_a_org"], "Suspended", "body")
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert sender.calls == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0


def test_sender_failing_three_times_then_succeeding_sends_once_with_four_attempts(
        people, use_sender):
    sender = use_sender(RecordingSender(failures=3))
    note = notify_user(people["buyer"], "Shipped", "On its way.")
    db.session.commit()
    assert sender.calls == 4
    assert sender.sent == [(people["buyer"].email, "Shipped", "On its way.")]
    note = _note(note.id)
    assert (note.status, note.attempts) == ("sent", 4)
    assert note.last_error == "mail server down (3)"


def test_sender_always_failing_ends_failed_after_five_attempts(people, use_sender):
    sender = use_sender(RecordingSender(failures=100))
    note = notify_user(people["buyer"], "Shipped", "On its way.")
    db.session.commit()
    assert (sender.calls, sender.sent) == (5, [])
    note = _note(note.id)
    assert (note.status, note.attempts, note.last_error) == ("failed", 5, "mail server down (5)")
    assert note.sent_at is None
    tasks.deliver_notification(note.id)  # a stray task (e.g. the sweep's) leaves it alone
    assert sender.calls == 5
    assert _note(note.id).attempts == 5


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": False}])
def test_failed_attempt_waits_a_growing_delay_before_the_next(app, people, use_sender):
    assert [delivery.retry_delay(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    sender = use_sender(RecordingSender(failures=1))
    note = notify_user(people["buyer"], "Shipped", "On its way.")
    db.session.commit()
    note = _note(note.id)
    assert (note.status, note.attempts, sender.calls) == ("pending", 1, 1)
    wait = note.next_attempt_at - utcnow()
    assert timedelta(seconds=25) < wait <= timedelta(seconds=30)
    assert len(huey.scheduled()) == 1  # the next attempt, queued with its delay
    # Not due yet: another task (e.g. the sweep's) leaves it alone.
    assert delivery.deliver(note.id).result == "skipped"
    note.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert delivery.deliver(note.id).result == "sent"
    assert (_note(note.id).attempts, len(sender.sent)) == (2, 1)


def test_claim_left_by_a_dead_worker_is_taken_again_once_stale(people, use_sender):
    sender = use_sender(RecordingSender())
    fresh = insert_pending(people["buyer"], status="sending", attempts=1, claim_token="x" * 32,
                           claimed_at=utcnow() - timedelta(minutes=1))
    stale = insert_pending(people["buyer"], status="sending", attempts=1, claim_token="y" * 32,
                           claimed_at=utcnow() - timedelta(minutes=11))
    assert delivery.deliver(fresh).result == "skipped"
    assert delivery.deliver(stale).result == "sent"
    assert len(sender.sent) == 1
    assert (_note(stale).status, _note(stale).attempts) == ("sent", 2)


def test_sweep_queues_messages_whose_enqueue_was_missed(people, use_sender):
    sender = use_sender(RecordingSender())
    old = utcnow() - timedelta(minutes=5)
    missed = insert_pending(people["buyer"], "Missed", created_at=old)
    just_written = insert_pending(people["buyer"], "Just written")
    last_try = insert_pending(people["buyer"], "Died on the last try", status="sending",
                              attempts=5, claim_token="z" * 32, claimed_at=old - timedelta(hours=1))
    tasks.sweep_outbox()
    assert [s for _, s, _ in sender.sent] == ["Missed"]
    assert _note(missed).status == "sent"
    assert _note(just_written).status == "pending"  # its own task is on the way
    assert (_note(last_try).status, _note(last_try).last_error) == ("failed", delivery.INTERRUPTED)


def test_sms_copy_goes_to_the_company_phone(people, use_sender):
    sender = use_sender(RecordingSender())
    org = people["supplier_a_org"]
    notify_organization(org, "Suspended", "body")
    db.session.commit()
    assert (org.phone, "Suspended", "body") in sender.sent
