"""Login attempts are rate-limited (RATELIMIT_LOGIN)."""

from __future__ import annotations

import pytest


@pytest.fixture
def app_config():
    """A small limit so the test reaches it quickly."""
    return {"WTF_CSRF_ENABLED": False, "RATELIMIT_LOGIN": "3 per minute"}


def test_fourth_login_page_attempt_gets_429(client):
    for _ in range(3):
        response = client.post("/login", data={"email": "x@example.com", "password": "wrong one"})
        assert response.status_code == 200
    response = client.post("/login", data={"email": "x@example.com", "password": "wrong one"})
    assert response.status_code == 429
    assert client.get("/login").status_code == 200  # only the POST is limited


def test_fourth_token_request_gets_429_in_the_api_error_shape(client):
    body = {"email": "x@example.com", "password": "wrong one"}
    for _ in range(3):
        assert client.post("/api/v1/auth/tokens", json=body).status_code == 401
    response = client.post("/api/v1/auth/tokens", json=body)
    assert response.status_code == 429
    assert response.json["code"] == 429
    assert response.json["status"] == "Too Many Requests"
    assert "message" in response.json


def test_successful_logins_from_one_address_are_not_limited(app, client, people):
    # A shared office: many colleagues behind one address log in correctly.
    for _ in range(6):
        page = app.test_client().post(
            "/login", data={"email": people["buyer"].email, "password": "correct horse"})
        assert page.status_code == 302
        token = client.post("/api/v1/auth/tokens",
                            json={"email": people["supplier_a"].email, "password": "correct horse"})
        assert token.status_code == 201


def test_failures_still_count_between_successes(client, people):
    body = {"email": people["buyer"].email, "password": "wrong horse"}
    good = {"email": people["buyer"].email, "password": "correct horse"}
    assert client.post("/api/v1/auth/tokens", json=body).status_code == 401
    assert client.post("/api/v1/auth/tokens", json=good).status_code == 201
    assert client.post("/api/v1/auth/tokens", json=body).status_code == 401
    assert client.post("/api/v1/auth/tokens", json=body).status_code == 401
    assert client.post("/api/v1/auth/tokens", json=good).status_code == 429


def test_the_address_limit_message_follows_the_readers_language(client):
    body = {"email": "x@example.com", "password": "wrong one"}
    for _ in range(3):
        client.post("/api/v1/auth/tokens", json=body)
    response = client.post("/api/v1/auth/tokens", json=body, headers={"Accept-Language": "zh"})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.json["message"]


@pytest.mark.parametrize(
    "app_config", [{"WTF_CSRF_ENABLED": False, "RATELIMIT_REGISTER": "2 per hour"}]
)
def test_registration_is_limited_per_address(client, registration):
    from tests.conftest import make_credit_code

    codes = [make_credit_code(7000 + n) for n in range(4)]
    for n in range(2):
        body = registration(email=f"r{n}@example.com", credit_code=codes[n])
        assert client.post("/api/v1/auth/register", json=body).status_code == 201
    body = registration(email="r2@example.com", credit_code=codes[2])
    response = client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 429
    assert "registrations" in response.json["message"]
    page = client.post("/register", data={"email": "r3@example.com"})
    assert page.status_code == 429
    assert client.get("/register").status_code == 200  # only the POST is limited
