"""Fixtures of the needs tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from market.needs.models import Need
from tests.rows import count_rows


@pytest.fixture
def count_needs(app) -> Callable[[], int]:
    """How many needs exist (to assert that a refused request wrote nothing)."""
    return lambda: count_rows(Need)
