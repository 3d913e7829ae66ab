"""CSRF: cookie-session forms need the token; bearer API calls and token requests do not."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from market.accounts.models import Organization, User
from market.extensions import db


@pytest.fixture
def app_config():
    """Turn CSRF protection on, as in production."""
    return {"WTF_CSRF_ENABLED": True}


def test_login_post_without_token_is_rejected(client, make_user):
    make_user(None, role="coordinator", email="c@example.com")
    response = client.post("/login", data={"email": "c@example.com", "password": "correct horse"})
    assert response.status_code == 400
    assert client.get("/api/v1/me").status_code == 401


def test_register_post_without_token_is_rejected(client, registration):
    body = registration()
    form = {"email": body["email"], "password": body["password"], **body["organization"],
            "roles": "buyer"}
    response = client.post("/register", data=form)
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organization)) == 0


def test_login_with_the_form_token_works(client, make_user):
    make_user(None, role="coordinator", email="c@example.com")
    page = client.get("/login")
    token = page.data.split(b'name="csrf_token" type="hidden" value="')[1].split(b'"')[0]
    response = client.post("/login", data={"email": "c@example.com", "password": "correct horse",
                                           "csrf_token": token.decode()})
    assert response.status_code == 302


def test_bearer_api_post_needs_no_csrf_token(client, people, make_org, token_for):
    pending = make_org(name="Waiting Co", status="pending")
    response = client.post(
        f"/api/v1/organizations/{pending.id}/verification",
        json={"decision": "approve"},
        headers=token_for(people["coordinator"]),
    )
    assert response.status_code == 200
    assert response.json["status"] == "verified"


def test_api_register_and_token_need_no_csrf_token(client, registration):
    assert client.post("/api/v1/auth/register", json=registration()).status_code == 201
    response = client.post(
        "/api/v1/auth/tokens", json={"email": "new@example.com", "password": "long enough"}
    )
    assert response.status_code == 201
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_cookie_session_api_post_still_needs_the_token(client, people, login, make_org):
    pending = make_org(name="Waiting Co", status="pending")
    login(people["coordinator"])
    response = client.post(
        f"/api/v1/organizations/{pending.id}/verification", json={"decision": "approve"}
    )
    assert response.status_code == 400
    db.session.refresh(pending)
    assert pending.status == "pending"


@pytest.mark.parametrize("header", ["Bearer garbage", "Bearer ", "bearer x.y.z"])
def test_invalid_bearer_next_to_a_cookie_does_not_skip_csrf(client, people, login, make_org,
                                                            header):
    pending = make_org(name="Waiting Co", status="pending")
    login(people["coordinator"])
    response = client.post(
        f"/api/v1/organizations/{pending.id}/verification", json={"decision": "approve"},
        headers={"Authorization": header},
    )
    assert response.status_code == 400
    db.session.refresh(pending)
    assert pending.status == "pending"


def test_revoked_bearer_next_to_a_cookie_does_not_skip_csrf(client, people, login, token_for,
                                                            catalog):
    from market.accounts.models import ApiToken

    headers = token_for(people["buyer"])
    db.session.execute(sa.delete(ApiToken))
    db.session.commit()
    login(people["buyer"])
    response = client.post(
        "/api/v1/needs", json={"item": "MASK-SURGICAL", "quantity": 5,
                               "accept_substitutes": False}, headers=headers,
    )
    assert response.status_code == 400


def test_cookie_logout_needs_the_csrf_token(client, people, login):
    login(people["buyer"])
    assert client.post("/logout").status_code == 400
    assert client.get("/api/v1/me").status_code == 200
