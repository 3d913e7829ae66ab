"""Fixtures of the what-if tests: the reports' hand-built market and its allocations."""

from tests.market.reports.conftest import make_allocation, market  # noqa: F401 - fixtures
