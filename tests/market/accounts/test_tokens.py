"""Logging in through the API: bearer tokens, stored hashed, that expire."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from market.accounts.models import ApiToken
from market.auth_loaders import hash_token
from market.common.types import utcnow
from market.extensions import db


def test_token_for_good_credentials_works_on_me(client, make_org, make_user):
    org = make_org(name="Tokened Co")
    user = make_user(org, email="tok@example.com")

    response = client.post(
        "/api/v1/auth/tokens", json={"email": "TOK@example.com", "password": "correct horse"}
    )

    assert response.status_code == 201
    token = response.json["token"]
    assert response.json["expires_at"]
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    assert row.token_hash == hash_token(token)
    assert token not in row.token_hash
    assert row.expires_at - utcnow() > timedelta(days=29)
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json["user"]["email"] == "tok@example.com"
    assert me.json["organization"]["name"] == "Tokened Co"


def test_wrong_password_and_unknown_email_get_401(client, make_user):
    make_user(None, role="coordinator", email="c@example.com")
    for body in ({"email": "c@example.com", "password": "wrong horse"},
                 {"email": "nobody@example.com", "password": "correct horse"}):
        response = client.post("/api/v1/auth/tokens", json=body)
        assert response.status_code == 401
        assert response.json["code"] == 401
        assert "token" not in response.json
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_token_request_needs_both_fields(client):
    response = client.post("/api/v1/auth/tokens", json={"email": "a@example.com"})
    assert response.status_code == 422
    assert "password" in response.json["errors"]


def test_inactive_user_gets_no_token(client, make_user):
    make_user(None, role="coordinator", email="gone@example.com", active=False)
    response = client.post(
        "/api/v1/auth/tokens", json={"email": "gone@example.com", "password": "correct horse"}
    )
    assert response.status_code == 401


def test_expired_token_is_rejected(client, make_user):
    user = make_user(None, role="coordinator")
    db.session.add(ApiToken(user_id=user.id, token_hash=hash_token("old-secret"),
                            expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer old-secret"})
    assert response.status_code == 401


def test_garbage_token_is_rejected(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.json["code"] == 401


def test_me_for_a_coordinator_has_no_organization(client, people, token_for):
    response = client.get("/api/v1/me", headers=token_for(people["coordinator"]))
    assert response.status_code == 200
    assert response.json["user"]["role"] == "coordinator"
    assert response.json["organization"] is None


def test_me_with_cookie_session(client, people, login):
    login(people["buyer"])
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json["organization"]["name"] == "Buyer C"
