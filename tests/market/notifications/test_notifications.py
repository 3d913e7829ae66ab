"""A user's notifications: the page, the API, marking them read."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from market.extensions import db
from market.notifications.models import Notification
from market.notifications.services import notify_organization, notify_user

ROLES = ("anonymous", "supplier_a", "supplier_b", "buyer", "coordinator")


@pytest.fixture
def inbox(people):
    """Two messages to supplier A's company (with its SMS copy), one to the buyer."""
    notify_organization(people["supplier_a_org"], "First", "first body")
    notify_organization(people["supplier_a_org"], "Second", "second body")
    notify_user(people["buyer"], "For the buyer", "buyer body")
    db.session.commit()


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [("GET", "/api/v1/notifications", (401, 200, 200, 200, 200)),
     ("POST", "/api/v1/notifications/read", (401, 200, 200, 200, 200)),
     ("GET", "/notifications", (302, 200, 200, 200, 200)),
     ("POST", "/notifications/read", (302, 302, 302, 302, 302))],
)
@pytest.mark.parametrize("role_index", range(5))
def test_access(client, people, login, method, path, expected, role_index):
    role = ROLES[role_index]
    login(None if role == "anonymous" else people[role])
    assert client.open(path, method=method).status_code == expected[role_index]


def test_api_lists_own_notifications_newest_first(client, people, token_for, inbox):
    response = client.get("/api/v1/notifications", headers=token_for(people["supplier_a"]))
    assert response.status_code == 200
    assert [n["subject"] for n in response.json] == ["Second", "First"]
    assert response.json[0]["read_at"] is None
    assert '"total": 2' in response.headers["X-Pagination"]
    other = client.get("/api/v1/notifications", headers=token_for(people["supplier_b"]))
    assert other.json == []


def test_mark_all_read_through_the_api(client, people, token_for, inbox):
    headers = token_for(people["supplier_a"])
    assert client.post("/api/v1/notifications/read", headers=headers).json["marked"] == 2
    assert client.get("/api/v1/notifications?unread=true", headers=headers).json == []
    buyer_unread = db.session.scalars(
        sa.select(Notification).where(Notification.user_id == people["buyer"].id,
                                      Notification.read_at.is_(None))
    ).all()
    assert len(buyer_unread) == 1


def test_page_lists_and_marks_read(client, people, login, inbox):
    login(people["supplier_a"])
    page = client.get("/notifications")
    assert page.status_code == 200
    assert page.data.index(b"Second") < page.data.index(b"First")
    assert b"For the buyer" not in page.data
    assert b'id="mark-all-read"' in page.data
    assert b'id="unread-count"' in page.data
    assert client.post("/notifications/read").status_code == 302
    page = client.get("/notifications")
    assert b'id="mark-all-read"' not in page.data


def test_page_empty_state(client, people, login):
    login(people["coordinator"])
    assert b"You have no notifications yet." in client.get("/notifications").data


def test_page_escapes_message_text(client, people, login):
    notify_user(people["buyer"], "<b>bold</b>", "<script>alert(1)</script>")
    db.session.commit()
    login(people["buyer"])
    page = client.get("/notifications")
    assert b"<script>alert(1)</script>" not in page.data
    assert b"&lt;script&gt;" in page.data
