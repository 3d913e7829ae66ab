"""Production: Secure, HttpOnly, SameSite=Lax cookies; plain HTTP redirected to HTTPS; HSTS.

The application is built from ProductionConfig itself (on an in-memory SQLite database:
these are HTTP settings, the same on every database).
"""

from __future__ import annotations

import pytest

from market import create_app
from market.config import ProductionConfig
from market.extensions import db


@pytest.fixture
def production_app():
    """An app with the production settings."""
    app = create_app(
        ProductionConfig,
        overrides={"SECRET_KEY": "production-test-key", "SQLALCHEMY_DATABASE_URI": "sqlite://"},
    )
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_production_settings_make_every_cookie_secure_httponly_and_lax(production_app):
    config = production_app.config
    for cookie in ("SESSION", "REMEMBER"):
        assert config[f"{cookie}_COOKIE_SECURE"] is True
        assert config[f"{cookie}_COOKIE_HTTPONLY"] is True
        assert config[f"{cookie}_COOKIE_SAMESITE"] == "Lax"


def test_production_session_cookie_is_secure_httponly_and_lax(production_app):
    client = production_app.test_client()
    response = client.get("/login", base_url="https://market.example")
    assert response.status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "; Secure" in cookie
    assert "; HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_sends_hsts_over_https(production_app):
    response = production_app.test_client().get("/login", base_url="https://market.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_production_redirects_plain_http_to_https(production_app):
    response = production_app.test_client().get("/login?next=/lots/")
    assert response.status_code == 302
    assert response.headers["Location"] == "https://localhost/login?next=/lots/"


def test_production_behind_a_tls_proxy_is_not_redirected(production_app):
    response = production_app.test_client().get(
        "/login", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response.headers


def test_development_neither_redirects_nor_sends_hsts(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers
