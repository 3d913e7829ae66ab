"""Fixtures of the notifications tests."""

from tests.market.accounts.conftest import fast_password_hashing  # noqa: F401 - autouse fixture
