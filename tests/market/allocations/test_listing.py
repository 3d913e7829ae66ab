"""Who sees which allocation lines, and the filters of the list."""

from __future__ import annotations

import pytest

from market.allocations import services
from market.common.errors import Forbidden, NotAuthenticated, NotFound


@pytest.fixture
def lines(world, make_lot, make_need, make_run, make_allocation):
    """Two runs: an old rejected line, and in the latest run a proposed and an approved line."""
    old_run = world["run"]
    services.reject(world["coordinator"], world["allocation"].id, "old")
    new_run = make_run()
    lot_b = make_lot(world["supplier_b_org"], item="GLOVES-NITRILE", quantity=500)
    gloves = make_allocation(lot_b, make_need(world["buyer_org"], item="GLOVES-NITRILE"), 50,
                             run=new_run)
    masks = make_allocation(world["lot"], make_need(world["buyer_org"]), 80, run=new_run)
    services.approve(world["coordinator"], masks.id)
    return {"old_run": old_run, "new_run": new_run, "old": world["allocation"],
            "gloves": gloves, "masks": masks}


def ids(page):
    return sorted(a.id for a in page.items)


def test_coordinator_sees_all_and_filters(world, lines):
    c = world["coordinator"]
    assert ids(services.list_allocations(c, {})) == sorted(
        [lines["old"].id, lines["gloves"].id, lines["masks"].id])
    assert ids(services.list_allocations(c, {"run_id": lines["old_run"].id})) == [lines["old"].id]
    assert ids(services.list_allocations(c, {"status": "approved"})) == [lines["masks"].id]
    assert ids(services.list_allocations(c, {"item": "gloves-nitrile"})) == [lines["gloves"].id]
    assert ids(services.list_allocations(c, {"supplier_id": world["supplier_b_org"].id})) == [
        lines["gloves"].id]
    assert ids(services.list_allocations(c, {"buyer_id": world["buyer_org"].id, "tier": 2})) == \
        sorted([lines["old"].id, lines["gloves"].id, lines["masks"].id])
    assert ids(services.list_allocations(c, {"tier": 1})) == []
    assert ids(services.list_allocations(c, {"lot_id": world["lot"].id})) == sorted(
        [lines["old"].id, lines["masks"].id])


def test_proposals_default_to_the_latest_run(world, lines, make_run):
    c = world["coordinator"]
    page, run_id = services.list_proposals(c, {})
    assert run_id == lines["new_run"].id
    assert ids(page) == sorted([lines["gloves"].id, lines["masks"].id])
    page, _ = services.list_proposals(c, {"supplier": "supplier b"})
    assert ids(page) == [lines["gloves"].id]
    make_run(dry_run=True)
    make_run(status="failed")
    assert services.list_proposals(c, {})[1] == lines["new_run"].id
    with pytest.raises(Forbidden):
        services.list_proposals(world["buyer"], {})


def test_companies_see_their_own_lines_once_approved(world, lines):
    assert ids(services.list_allocations(world["supplier_a"], {})) == [lines["masks"].id]
    assert ids(services.list_allocations(world["buyer"], {})) == [lines["masks"].id]
    assert ids(services.list_allocations(world["supplier_b"], {})) == []  # gloves still proposed
    assert ids(services.list_mine(world["supplier_a"])) == [lines["masks"].id]
    with pytest.raises(NotFound):
        services.get_allocation(world["supplier_b"], lines["masks"].id)
    with pytest.raises(NotFound):
        services.get_allocation(world["buyer"], lines["gloves"].id)
    with pytest.raises(NotAuthenticated):
        services.list_allocations(None, {})


def test_delivery_note_only_for_approved_lines(world, lines):
    assert services.delivery_note(world["buyer"], lines["masks"].id).id == lines["masks"].id
    with pytest.raises(NotFound):
        services.delivery_note(world["coordinator"], lines["gloves"].id)
    with pytest.raises(NotFound):
        services.delivery_note(world["supplier_b"], lines["masks"].id)
