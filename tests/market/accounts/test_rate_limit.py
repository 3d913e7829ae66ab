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
