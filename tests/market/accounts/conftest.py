"""Fixtures of the accounts tests: a valid registration body and a row counter."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from tests.factories import make_credit_code
from tests.rows import count_rows

VALID_CODE = make_credit_code(424242)


@pytest.fixture
def registration() -> Callable[..., dict[str, Any]]:
    """Factory: a valid `POST /auth/register` body; keyword arguments change the company."""

    def make(email: str = "new@example.com", password: str = "long enough", **org: Any):  # noqa: S107 - test data
        body: dict[str, Any] = {
            "email": email,
            "password": password,
            "organization": {
                "name": "Harbour Clinic",
                "credit_code": VALID_CODE,
                "roles": ["buyer"],
                "sector": "medical",
                "headcount": 40,
                "address": "8 Harbour Road",
                "latitude": 31.2,
                "longitude": 121.5,
                "phone": "+86 21 5555 0101",
            },
        }
        body["organization"].update(org)
        return copy.deepcopy(body)

    return make


@pytest.fixture
def count() -> Callable[[Any], int]:
    """How many rows a model's table holds."""
    return count_rows


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Hash test passwords cheaply: scrypt costs a noticeable fraction of a second per user."""
    import werkzeug.security

    original = werkzeug.security.generate_password_hash

    def fast(password: str, method: str = "pbkdf2:sha256:1000", salt_length: int = 16) -> str:
        return original(password, method=method, salt_length=salt_length)

    monkeypatch.setattr(werkzeug.security, "generate_password_hash", fast)
    monkeypatch.setattr("market.accounts.services.generate_password_hash", fast)
