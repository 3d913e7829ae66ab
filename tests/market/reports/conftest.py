"""Fixtures of the reports tests: runs, allocations and a small hand-built market."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from market.common.types import utcnow
from tests.factories import AllocationFactory, MatchRunFactory


@pytest.fixture
def make_allocation(app) -> Callable[..., Any]:
    """Factory: an allocation from a lot to a need (approved now unless told otherwise), all
    in one run of 30 days ago unless `run` is given (so the market's runs stay the latest)."""
    default_run: list[Any] = []

    def make(lot, need, quantity: int, status: str = "approved", **kw: Any):
        if "run" not in kw:
            if not default_run:
                default_run.append(MatchRunFactory(started_at=utcnow() - timedelta(days=30)))
            kw["run"] = default_run[0]
        return AllocationFactory(lot=lot, need=need, quantity=quantity, status=status, **kw)

    return make


@pytest.fixture
def market(people, make_org, make_lot, make_need, make_allocation, make_run) -> dict[str, Any]:
    """A small district whose every figure is worked out by hand in the tests."""
    sup_a, sup_b = people["supplier_a_org"], people["supplier_b_org"]
    care_home = people["buyer_org"]
    clinic = make_org(name="Clinic D", roles=("buyer",), sector="medical")  # tier 1
    make_org(name="Waiting E", roles=("buyer",), sector="office", status="pending")
    masks_a = make_lot(sup_a, quantity=1000)
    make_lot(sup_b, quantity=500, status="paused")  # not supply: paused
    gloves_b = make_lot(sup_b, item="GLOVES-NITRILE", quantity=300, unit_price=Decimal("1.50"))
    make_lot(sup_a, quantity=200, kind="donation")
    care_masks = make_need(care_home, quantity=400, allocated=250, status="partially_allocated")
    make_need(care_home, quantity=100, status="cancelled")  # not demand: cancelled
    clinic_masks = make_need(clinic, quantity=300, allocated=250, status="partially_allocated")
    clinic_gloves = make_need(clinic, item="GLOVES-NITRILE", quantity=50, allocated=40,
                              status="partially_allocated")
    make_allocation(masks_a, care_masks, 200, "approved")
    make_allocation(masks_a, clinic_masks, 150, "shipped")
    make_allocation(masks_a, clinic_masks, 100, "received")
    make_allocation(masks_a, care_masks, 50, "disputed", received_quantity=30)
    make_allocation(masks_a, care_masks, 80, "proposed")
    make_allocation(masks_a, clinic_masks, 70, "rejected")
    make_allocation(gloves_b, clinic_gloves, 40, "approved")
    now = utcnow()
    make_run({"fill_rate": 0.4, "lowest_fill_rate": 0.1, "units_proposed": 400,
              "unmet_by_reason": {"no_stock": 999}}, started_at=now - timedelta(days=2))
    latest = make_run({"fill_rate": 0.5, "lowest_fill_rate": 0.2, "units_proposed": 580,
                       "cost": "123.40", "unmet_by_reason": {"no_stock": 120, "price_cap": 30},
                       "unmet_by_item": {"MASK-SURGICAL": 150}},
                      started_at=now - timedelta(days=1))
    make_run({"unmet_by_reason": {"no_stock": 1}}, dry_run=True,
             started_at=now - timedelta(hours=2))
    make_run({}, status="failed", started_at=now - timedelta(hours=1))
    return {"latest_run": latest, "clinic": clinic}
