"""Fixtures of the allocation tests: lines written directly, and a world with one line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.factories import AllocationFactory


@pytest.fixture
def make_allocation(app) -> Callable[..., Any]:
    """Factory: an allocation line from a lot to a need (proposed unless told), in a run of
    its own unless `run` is given."""

    def make(lot, need, quantity: int = 100, run=None, **kw: Any):
        if run is not None:
            kw["run"] = run
        return AllocationFactory(lot=lot, need=need, quantity=quantity, **kw)

    return make


@pytest.fixture
def world(people, make_lot, make_need, make_run, make_allocation) -> dict[str, Any]:
    """Supplier A's lot of 1000 masks, the buyer's need of 100, and one proposed line."""
    lot = make_lot(people["supplier_a_org"], quantity=1000, address="1 Depot Lane")
    need = make_need(people["buyer_org"], quantity=100, address="9 Care Home Road")
    run = make_run()
    allocation = make_allocation(lot, need, 100, run=run)
    return dict(people, lot=lot, need=need, run=run, allocation=allocation)


@pytest.fixture
def at_state(world) -> Callable[[str], Any]:
    """Move the world's line to `proposed`, `approved` or `shipped` through the services."""
    from market.allocations import services

    def move(state: str):
        allocation_id = world["allocation"].id
        if state in ("approved", "shipped"):
            services.approve(world["coordinator"], allocation_id)
        if state == "shipped":
            services.ship(world["supplier_a"], allocation_id)
        return allocation_id

    return move
