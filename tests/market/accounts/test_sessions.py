"""Sessions live on the server: logout and a password change end them (and the tokens)."""

from __future__ import annotations

import sqlalchemy as sa

from market.accounts.models import ApiToken, LoginSession
from market.audit.models import AuditEntry
from market.extensions import db


def _page_login(client, email, password="correct horse"):  # noqa: S107 - test data
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302
    return client.get_cookie("session").value


def _client_with_cookie(app, cookie):
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def test_a_cookie_copied_before_logout_stops_working(app, client, people):
    cookie = _page_login(client, people["buyer"].email)
    thief = _client_with_cookie(app, cookie)
    assert thief.get("/api/v1/me").status_code == 200  # the copy works while logged in

    assert client.post("/logout").status_code == 302

    assert thief.get("/api/v1/me").status_code == 401
    page = thief.get("/company")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/login")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginSession)) == 0


def test_each_login_is_its_own_session(app, client, people):
    first = _page_login(client, people["buyer"].email)
    second_client = app.test_client()
    second = _page_login(second_client, people["buyer"].email)
    client.post("/logout")
    assert _client_with_cookie(app, first).get("/api/v1/me").status_code == 401
    assert _client_with_cookie(app, second).get("/api/v1/me").status_code == 200


def test_a_cookie_without_a_server_session_is_anonymous(client, people):
    with client.session_transaction() as sess:  # a signed cookie naming the user, no row
        sess["_user_id"] = str(people["buyer"].id)
        sess["_fresh"] = True
    assert client.get("/api/v1/me").status_code == 401


def test_password_change_ends_other_sessions_and_tokens(app, client, people):
    buyer = people["buyer"]
    other_browser = _client_with_cookie(app, _page_login(app.test_client(), buyer.email))
    token = app.test_client().post("/api/v1/auth/tokens",
                        json={"email": buyer.email, "password": "correct horse"}).json["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    _page_login(client, buyer.email)

    response = client.post("/account/password", data={
        "current_password": "correct horse", "new_password": "violet tram lantern",
        "confirm": "violet tram lantern"})

    assert response.status_code == 302
    assert other_browser.get("/api/v1/me").status_code == 401
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 401
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0
    assert client.get("/api/v1/me").status_code == 200  # the browser that changed it stays in
    assert "user.password_changed" in db.session.scalars(sa.select(AuditEntry.action)).all()
    client.post("/logout")
    assert client.post("/login", data={"email": buyer.email, "password": "correct horse"}
                       ).status_code == 200  # the old password is gone
    assert client.post("/login", data={"email": buyer.email, "password": "violet tram lantern"}
                       ).status_code == 302


def test_password_change_needs_the_current_password(client, people, login):
    buyer = people["buyer"]
    login(buyer)
    old_hash = buyer.password_hash
    response = client.post("/account/password", data={
        "current_password": "wrong horse", "new_password": "violet tram lantern",
        "confirm": "violet tram lantern"})
    assert response.status_code == 422
    assert b"is not your current password" in response.data
    db.session.refresh(buyer)
    assert buyer.password_hash == old_hash


def test_password_change_refuses_a_weak_new_password(client, people, login):
    buyer = people["buyer"]
    login(buyer)
    old_hash = buyer.password_hash
    response = client.post("/account/password", data={
        "current_password": "correct horse", "new_password": "12345678", "confirm": "12345678"})
    assert response.status_code == 422
    assert b"too easy to guess" in response.data
    db.session.refresh(buyer)
    assert buyer.password_hash == old_hash


def test_password_page_is_linked_and_needs_a_login(client, people, login):
    assert client.get("/account/password").status_code == 302
    login(people["buyer"])
    assert b'id="password-link"' in client.get("/company").data
    assert client.get("/account/password").status_code == 200


def test_a_session_lapses_after_login_session_days(app, client, people, monkeypatch):
    from datetime import timedelta

    from market.accounts import sessions
    from market.common.types import utcnow

    _page_login(client, people["buyer"].email)
    assert client.get("/api/v1/me").status_code == 200
    later = utcnow() + timedelta(days=app.config["LOGIN_SESSION_DAYS"], minutes=1)
    monkeypatch.setattr(sessions, "utcnow", lambda: later)
    assert client.get("/api/v1/me").status_code == 401
    _page_login(app.test_client(), people["buyer"].email)  # a new log-in sweeps the old row
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginSession)) == 1
