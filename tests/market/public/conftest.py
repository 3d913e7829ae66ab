"""The allocation factories, shared with the home page tests."""

from tests.market.allocations.conftest import make_allocation, world  # noqa: F401
