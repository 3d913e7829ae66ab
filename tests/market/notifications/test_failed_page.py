"""The coordinators' page of failed deliveries: list, retry one, retry all; nobody else."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from market.audit.models import AuditEntry
from market.extensions import db
from market.notifications.models import Notification
from market.notifications.services import notify_user
from tests.market.notifications.conftest import RecordingSender

ROLES = ("anonymous", "supplier_a", "buyer", "coordinator", "admin")


@pytest.fixture
def failed(people, use_sender):
    """Two messages that failed all five attempts (the mail server was down)."""
    use_sender(RecordingSender(failures=10, error="550 mailbox unavailable"))
    notes = [notify_user(people["buyer"], "Shipped", "On its way."),
             notify_user(people["supplier_a"], "Approved", "Ship it.")]
    db.session.commit()
    return [n.id for n in notes]


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [("GET", "/notifications/failed", (302, 403, 403, 200, 200)),
     ("POST", "/notifications/failed/retry", (302, 403, 403, 302, 302)),
     ("POST", "/notifications/failed/999/retry", (302, 403, 403, 404, 404))],
)
@pytest.mark.parametrize("role_index", range(5))
def test_access(client, people, login, method, path, expected, role_index):
    role = ROLES[role_index]
    login(None if role == "anonymous" else people[role])
    assert client.open(path, method=method).status_code == expected[role_index]


def test_page_lists_failed_deliveries_with_their_error(client, people, login, failed):
    login(people["coordinator"])
    page = client.get("/notifications/failed")
    assert page.status_code == 200
    for note_id in failed:
        assert f'id="failed-{note_id}"'.encode() in page.data
    assert people["buyer"].email.encode() in page.data
    assert b"550 mailbox unavailable (5)" in page.data
    assert b'id="retry-all"' in page.data


def test_page_empty_state_and_nav_link(client, people, login):
    login(people["coordinator"])
    page = client.get("/notifications/failed")
    assert b"No failed deliveries." in page.data
    assert b'href="/notifications/failed"' in page.data
    login(people["buyer"])
    assert b'href="/notifications/failed"' not in client.get("/notifications").data


def test_retry_one_requeues_and_delivers_it(client, people, login, failed, use_sender):
    sender = use_sender(RecordingSender())
    login(people["coordinator"])
    response = client.post(f"/notifications/failed/{failed[0]}/retry")
    assert response.status_code == 302
    db.session.expire_all()
    first, second = (db.session.get(Notification, i) for i in failed)
    assert (first.status, first.attempts) == ("sent", 1)
    assert second.status == "failed"
    assert sender.sent == [(people["buyer"].email, "Shipped", "On its way.")]
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "notification.retry"))
    assert (entry.entity_id, entry.actor_id) == (failed[0], people["coordinator"].id)
    # A message that is no longer failed cannot be retried again.
    assert client.post(f"/notifications/failed/{failed[0]}/retry").status_code == 409


def test_retry_all_requeues_every_failed_message(client, people, login, failed, use_sender):
    sender = use_sender(RecordingSender())
    login(people["admin"])
    response = client.post("/notifications/failed/retry", follow_redirects=True)
    assert b"2 notifications queued again." in response.data
    assert len(sender.sent) == 2
    db.session.expire_all()
    assert set(db.session.scalars(sa.select(Notification.status))) == {"sent"}
    assert b"No failed deliveries." in response.data


def test_page_in_chinese(client, people, login, failed):
    login(people["coordinator"])
    page = client.get("/notifications/failed?lang=zh")
    assert "发送失败的通知".encode() in page.data
    assert "全部重试（2）".encode() in page.data
