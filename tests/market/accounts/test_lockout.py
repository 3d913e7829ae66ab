"""Failed log-ins per account, counted in the database: ten lock the account for a while."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from market.accounts import lockout
from market.accounts.models import User
from market.audit.models import AuditEntry
from market.common.types import utcnow
from market.extensions import db
from market.notifications.models import Notification


@pytest.fixture
def app_config():
    """The production lock settings, and address limits high enough not to interfere."""
    return {"WTF_CSRF_ENABLED": False, "LOGIN_MAX_FAILURES": 10, "LOGIN_LOCK_MINUTES": 15}


def _api(client, email, password):
    return client.post("/api/v1/auth/tokens", json={"email": email, "password": password})


def test_ten_failures_lock_the_account_even_for_the_right_password(client, people):
    buyer = people["buyer"]
    for _ in range(9):
        assert _api(client, buyer.email, "wrong horse").status_code == 401
    locked = _api(client, buyer.email, "wrong horse")
    assert locked.status_code == 429
    assert locked.json["code"] == 429
    assert "locked" in locked.json["message"]

    response = _api(client, buyer.email, "correct horse")
    assert response.status_code == 429
    assert "token" not in response.json
    page = client.post("/login", data={"email": buyer.email, "password": "correct horse"})
    assert page.status_code == 429
    assert b"locked until" in page.data
    assert client.get("/api/v1/me").status_code == 401
    # Other accounts are untouched.
    assert _api(client, people["supplier_a"].email, "correct horse").status_code == 201


def test_the_owner_is_notified_and_the_lock_audited(client, people):
    buyer = people["buyer"]
    for _ in range(10):
        _api(client, buyer.email, "wrong horse")
    notes = db.session.scalars(sa.select(Notification).where(Notification.user_id == buyer.id))
    subjects = [n.subject for n in notes]
    assert subjects == ["Your account is locked for a while"]
    assert "user.locked" in db.session.scalars(sa.select(AuditEntry.action)).all()


def test_the_lock_ends_after_the_window(client, people, monkeypatch):
    buyer = people["buyer"]
    for _ in range(10):
        _api(client, buyer.email, "wrong horse")
    assert _api(client, buyer.email, "correct horse").status_code == 429

    later = utcnow() + timedelta(minutes=16)
    monkeypatch.setattr(lockout, "utcnow", lambda: later)

    assert _api(client, buyer.email, "correct horse").status_code == 201


def test_the_count_lives_in_the_database_and_a_success_clears_it(client, people):
    buyer = people["buyer"]
    for _ in range(9):
        _api(client, buyer.email, "wrong horse")
    assert db.session.scalar(sa.select(User.failed_logins).where(User.id == buyer.id)) == 9
    assert _api(client, buyer.email, "correct horse").status_code == 201
    assert db.session.scalar(sa.select(User.failed_logins).where(User.id == buyer.id)) == 0
    assert _api(client, buyer.email, "wrong horse").status_code == 401  # not locked


def test_page_failures_count_too(client, people):
    buyer = people["buyer"]
    for _ in range(10):
        client.post("/login", data={"email": buyer.email, "password": "wrong horse"})
    response = _api(client, buyer.email, "correct horse")
    assert response.status_code == 429


def test_the_lock_message_follows_the_readers_language(client, people):
    buyer = people["buyer"]
    for _ in range(10):
        _api(client, buyer.email, "wrong horse")
    response = client.post("/api/v1/auth/tokens", headers={"Accept-Language": "zh-CN"},
                           json={"email": buyer.email, "password": "correct horse"})
    assert response.status_code == 429
    assert "锁定" in response.json["message"]


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": False, "LOGIN_MAX_FAILURES": 3}])
def test_the_threshold_is_configurable(client, people):
    buyer = people["buyer"]
    assert [_api(client, buyer.email, "wrong horse").status_code for _ in range(3)] == [
        401, 401, 429]
