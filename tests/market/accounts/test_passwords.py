"""Common and trivially weak passwords are refused, with a clear message in the reader's tongue."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from market.accounts.models import User
from market.extensions import db

WEAK = ["12345678", "aaaaaaaa", "password1", "qwertyuiop", "iloveyou1", "abcdefgh"]


@pytest.mark.parametrize("password", WEAK)
def test_api_registration_refuses_weak_passwords(client, registration, count, password):
    response = client.post("/api/v1/auth/register", json=registration(password=password))
    assert response.status_code == 422
    assert "password" in response.json["errors"]
    assert "too easy to guess" in response.json["errors"]["password"][0]
    assert count(User) == 0


def test_the_email_itself_is_refused(client, registration, count):
    body = registration(email="harbour.clinic@example.com", password="harbour.clinic@example.com")
    response = client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 422
    assert "e-mail" in response.json["errors"]["password"][0]
    assert count(User) == 0


def test_the_message_follows_the_readers_language(client, registration):
    response = client.post("/api/v1/auth/register", json=registration(password="12345678"),
                           headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 422
    assert "太容易被猜到" in response.json["errors"]["password"][0]


def test_the_registration_page_refuses_a_weak_password(client, registration, count):
    body = registration(password="aaaaaaaa")
    form = {"email": body["email"], "password": body["password"], **body["organization"],
            "roles": "buyer"}
    response = client.post("/register", data=form)
    assert response.status_code == 422
    assert b"too easy to guess" in response.data
    assert count(User) == 0


def test_a_passphrase_is_accepted(client, registration):
    response = client.post("/api/v1/auth/register",
                           json=registration(password="violet tram lantern"))
    assert response.status_code == 201


def test_the_command_line_refuses_a_weak_password(app):
    from market.accounts.services import create_user
    from market.common.errors import Invalid

    with pytest.raises(Invalid) as caught:
        create_user(None, "coord@example.com", "coordinator", "password1")
    assert "password" in caught.value.errors
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
