"""Listing and revoking one's API tokens; the last use is noted, at most once a minute."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from market.accounts import sessions
from market.accounts.models import ApiToken
from market.common.types import utcnow
from market.extensions import db


def _token(client, user):
    response = client.post("/api/v1/auth/tokens",
                           json={"email": user.email, "password": "correct horse"})
    assert response.status_code == 201
    return response.json["token"]


def test_list_shows_own_tokens_without_the_secret(client, people):
    buyer = people["buyer"]
    first, second = _token(client, buyer), _token(client, buyer)
    _token(client, people["supplier_a"])

    response = client.get("/api/v1/auth/tokens", headers={"Authorization": f"Bearer {first}"})

    assert response.status_code == 200
    assert len(response.json) == 2
    assert set(response.json[0]) == {"id", "created_at", "last_used_at", "expires_at"}
    assert first not in response.text
    assert second not in response.text
    own = db.session.scalars(sa.select(ApiToken.id).where(ApiToken.user_id == buyer.id)).all()
    assert sorted(t["id"] for t in response.json) == sorted(own)


def test_list_needs_a_login(client):
    assert client.get("/api/v1/auth/tokens").status_code == 401


def test_revoked_token_answers_401(client, people):
    buyer = people["buyer"]
    keep, drop = _token(client, buyer), _token(client, buyer)
    drop_id = db.session.scalar(sa.select(sa.func.max(ApiToken.id)))

    response = client.delete(f"/api/v1/auth/tokens/{drop_id}",
                             headers={"Authorization": f"Bearer {keep}"})

    assert response.status_code == 204
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {drop}"}).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {keep}"}).status_code == 200


def test_a_token_can_revoke_itself(client, people):
    token = _token(client, people["buyer"])
    token_id = db.session.scalar(sa.select(ApiToken.id))
    headers = {"Authorization": f"Bearer {token}"}
    assert client.delete(f"/api/v1/auth/tokens/{token_id}", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_another_users_token_is_404_and_survives(client, people):
    victim = _token(client, people["supplier_a"])
    victim_id = db.session.scalar(sa.select(ApiToken.id))
    mine = _token(client, people["buyer"])

    response = client.delete(f"/api/v1/auth/tokens/{victim_id}",
                             headers={"Authorization": f"Bearer {mine}"})

    assert response.status_code == 404
    victim_headers = {"Authorization": f"Bearer {victim}"}
    assert client.get("/api/v1/me", headers=victim_headers).status_code == 200
    assert client.delete("/api/v1/auth/tokens/999999",
                         headers={"Authorization": f"Bearer {mine}"}).status_code == 404


def test_cookie_session_lists_and_revokes_too(client, people, login, token_for):
    buyer = people["buyer"]
    token_for(buyer)
    login(buyer)
    listed = client.get("/api/v1/auth/tokens").json
    assert len(listed) == 1
    # A cookie-session DELETE needs the CSRF token like every other write; it is off here.
    assert client.delete(f"/api/v1/auth/tokens/{listed[0]['id']}").status_code == 204
    assert client.get("/api/v1/auth/tokens").json == []


def test_last_used_at_is_written_at_most_once_a_minute(client, people, monkeypatch):
    token = _token(client, people["buyer"])
    headers = {"Authorization": f"Bearer {token}"}
    row = db.session.scalar(sa.select(ApiToken))
    assert row.last_used_at is None

    assert client.get("/api/v1/me", headers=headers).status_code == 200
    db.session.refresh(row)
    first_use = row.last_used_at
    assert first_use is not None

    assert client.get("/api/v1/me", headers=headers).status_code == 200
    db.session.refresh(row)
    assert row.last_used_at == first_use  # within the minute: no write

    later = utcnow() + timedelta(minutes=2)
    monkeypatch.setattr(sessions, "utcnow", lambda: later)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    db.session.refresh(row)
    assert row.last_used_at == later
