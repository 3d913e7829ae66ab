"""Factories for allocation tests: runs and allocation lines written directly."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from market.extensions import db


@pytest.fixture
def make_allocation(app, make_run) -> Callable[..., Any]:
    """Factory: an allocation line from a lot to a need (proposed unless told)."""
    from market.matching.models import Allocation

    def make(lot, need, quantity: int = 100, run=None, **kw: Any) -> Allocation:
        run = run or make_run()
        fields: dict[str, Any] = {
            "run_id": run.id,
            "lot_id": lot.id,
            "need_id": need.id,
            "item_id": lot.item_id,
            "supplier_id": lot.organization_id,
            "buyer_id": need.organization_id,
            "quantity": quantity,
            "unit_price": lot.unit_price if lot.unit_price is not None else Decimal("0"),
            "distance_km": 2.5,
            "tier": need.organization.tier,
            "fill_rate": 1.0,
            "reasons": ["tier 2 (elder care)", "2.5 km away", "gives the buyer 100 % fill"],
            "status": "proposed",
        }
        fields.update(kw)
        allocation = Allocation(**fields)
        db.session.add(allocation)
        db.session.commit()
        return allocation

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
