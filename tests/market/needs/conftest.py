"""Fixtures of the needs tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from market.extensions import db
from market.needs.models import Need


@pytest.fixture
def count_needs(app) -> Callable[[], int]:
    """How many needs exist (to assert that a refused request wrote nothing)."""

    def count() -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(Need)) or 0

    return count


@pytest.fixture
def as_user(client, token_for) -> Callable[..., Any]:
    """Call the API as a user (None = anonymous): as_user(user, "get", path, json=...)."""

    def call(user, method: str, path: str, **kw: Any):
        headers = token_for(user) if user is not None else {}
        return getattr(client, method)(path, headers=headers, **kw)

    return call
