"""Shipping, receipt, disputes and cancellation, with the lot and need counters they move."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from market.allocations import services
from market.allocations.services import reservation_drift
from market.audit.models import AuditEntry
from market.common.errors import Conflict, Forbidden, Invalid, NotFound
from market.extensions import db
from market.lots.models import Lot
from market.matching.models import Allocation
from market.needs.models import Need


def fresh(model, row_id):
    """Read a row as the database has it now."""
    db.session.expire_all()
    return db.session.get(model, row_id)


def test_ship_keeps_the_units_reserved_until_receipt(world, at_state):
    allocation_id = at_state("approved")
    services.ship(world["supplier_a"], allocation_id)
    line = fresh(Allocation, allocation_id)
    assert line.status == "shipped"
    assert line.shipped_at is not None
    lot = fresh(Lot, world["lot"].id)
    # on their way: still in the lot's quantity and reserved, so never offered again
    assert (lot.quantity, lot.reserved, lot.shipped, lot.status) == (1000, 100, 100, "active")
    assert lot.available == 900
    assert fresh(Need, world["need"].id).allocated == 100
    assert reservation_drift() == []


def test_receiving_the_whole_lot_exhausts_it(world, make_lot, make_allocation):
    lot = make_lot(world["supplier_a_org"], quantity=100)
    line = make_allocation(lot, world["need"], 100)
    services.approve(world["coordinator"], line.id)
    services.ship(world["coordinator"], line.id)  # a coordinator may record a phoned-in shipment
    lot = fresh(Lot, lot.id)
    assert (lot.quantity, lot.reserved, lot.shipped, lot.status) == (100, 100, 100, "active")
    services.receive(world["buyer"], line.id)
    lot = fresh(Lot, lot.id)
    assert (lot.quantity, lot.reserved, lot.shipped, lot.status) == (0, 0, 100, "exhausted")
    entry = db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.action == "lot.exhausted", AuditEntry.entity_id == lot.id))
    assert (entry.before["status"], entry.after["status"]) == ("active", "exhausted")
    assert reservation_drift() == []


def test_ship_twice_or_before_approval_is_refused(world, at_state):
    allocation_id = world["allocation"].id
    with pytest.raises(NotFound):  # the supplier does not see proposals
        services.ship(world["supplier_a"], allocation_id)
    with pytest.raises(Conflict, match="is proposed, not approved"):
        services.ship(world["coordinator"], allocation_id)
    at_state("shipped")
    with pytest.raises(Conflict, match="is shipped, not approved"):
        services.ship(world["supplier_a"], allocation_id)
    lot = fresh(Lot, world["lot"].id)
    assert (lot.quantity, lot.reserved, lot.shipped) == (1000, 100, 100)  # counted once


def test_ship_by_the_wrong_company(world, at_state):
    allocation_id = at_state("approved")
    with pytest.raises(NotFound):
        services.ship(world["supplier_b"], allocation_id)
    with pytest.raises(Forbidden):
        services.ship(world["buyer"], allocation_id)
    assert fresh(Allocation, allocation_id).status == "approved"


def test_receive_in_full_fulfils_the_need(world, at_state):
    allocation_id = at_state("shipped")
    services.receive(world["buyer"], allocation_id)
    line = fresh(Allocation, allocation_id)
    assert (line.status, line.received_quantity) == ("received", 100)
    need = fresh(Need, world["need"].id)
    assert (need.received, need.allocated, need.status) == (100, 100, "fulfilled")
    lot = fresh(Lot, world["lot"].id)
    assert (lot.quantity, lot.reserved, lot.shipped, lot.status) == (900, 0, 100, "active")
    assert reservation_drift() == []


def test_short_delivery_is_disputed_with_the_note(world, at_state):
    allocation_id = at_state("shipped")
    services.receive(world["buyer"], allocation_id, quantity=60, note="40 boxes crushed")
    line = fresh(Allocation, allocation_id)
    assert (line.status, line.received_quantity, line.receipt_note) == (
        "disputed", 60, "40 boxes crushed")
    need = fresh(Need, world["need"].id)
    # the 40 that never arrived are open again for the next run
    assert (need.received, need.allocated, need.status) == (60, 60, "partially_allocated")
    # all 100 shipped left the supplier's stock; the 40 missing are the coordinator's matter
    lot = fresh(Lot, world["lot"].id)
    assert (lot.quantity, lot.reserved, lot.shipped) == (900, 0, 100)
    assert reservation_drift() == []


@pytest.mark.parametrize(
    ("quantity", "note", "field"), [(101, None, "quantity"), (-1, None, "quantity"),
                                    (60, None, "note"), (60, "  ", "note"), (60, "x" * 501, "note")]
)
def test_receive_validates_quantity_and_note(world, at_state, quantity, note, field):
    allocation_id = at_state("shipped")
    with pytest.raises(Invalid) as err:
        services.receive(world["buyer"], allocation_id, quantity=quantity, note=note)
    assert field in err.value.errors
    assert fresh(Allocation, allocation_id).status == "shipped"
    assert fresh(Need, world["need"].id).received == 0
    lot = fresh(Lot, world["lot"].id)
    assert (lot.quantity, lot.reserved) == (1000, 100)


def test_receive_before_ship_is_a_conflict(world, at_state):
    allocation_id = at_state("approved")
    with pytest.raises(Conflict, match="is approved, not shipped"):
        services.receive(world["buyer"], allocation_id)
    assert fresh(Need, world["need"].id).received == 0
    lot = fresh(Lot, world["lot"].id)
    assert (lot.quantity, lot.reserved, lot.shipped) == (1000, 100, 0)


def test_only_the_buyer_receives(world, at_state):
    allocation_id = at_state("shipped")
    with pytest.raises(Forbidden):
        services.receive(world["supplier_a"], allocation_id)
    with pytest.raises(Forbidden):
        services.receive(world["coordinator"], allocation_id)
    with pytest.raises(NotFound):
        services.receive(world["supplier_b"], allocation_id)
    services.receive(world["buyer"], allocation_id)
    with pytest.raises(Conflict, match="is received"):
        services.receive(world["buyer"], allocation_id)


def test_cancel_releases_the_reservation(world, at_state):
    allocation_id = at_state("approved")
    services.cancel(world["coordinator"], allocation_id, "Supplier's truck broke down")
    line = fresh(Allocation, allocation_id)
    assert (line.status, line.decision_note) == ("cancelled", "Supplier's truck broke down")
    assert fresh(Lot, world["lot"].id).reserved == 0
    need = fresh(Need, world["need"].id)
    assert (need.allocated, need.status) == (0, "open")
    assert reservation_drift() == []


@pytest.mark.parametrize("state", ["proposed", "shipped"])
def test_cancel_only_approved_unshipped_lines(world, at_state, state):
    allocation_id = at_state(state)
    with pytest.raises(Conflict, match=f"is {state}, not approved"):
        services.cancel(world["coordinator"], allocation_id)
    assert fresh(Lot, world["lot"].id).reserved == (100 if state == "shipped" else 0)
    assert reservation_drift() == []


def test_only_coordinators_cancel(world, at_state):
    allocation_id = at_state("approved")
    for who in ("supplier_a", "buyer"):
        with pytest.raises(Forbidden):
            services.cancel(world[who], allocation_id)
    assert fresh(Allocation, allocation_id).status == "approved"


def test_reservation_invariant_holds_through_a_sequence(world, make_need, make_allocation):
    lot, coordinator, buyer = world["lot"], world["coordinator"], world["buyer_org"]
    lines = [world["allocation"]] + [
        make_allocation(lot, make_need(buyer, quantity=q), q) for q in (200, 150, 300, 250)
    ]
    steps = [
        lambda: services.approve(coordinator, lines[0].id),
        lambda: services.approve(coordinator, lines[1].id, quantity=120),
        lambda: services.approve(coordinator, lines[2].id),
        lambda: services.ship(world["supplier_a"], lines[0].id),
        lambda: services.cancel(coordinator, lines[2].id),
        lambda: services.approve(coordinator, lines[3].id),
        lambda: services.reject(coordinator, lines[4].id, "too far"),
        lambda: services.receive(world["buyer"], lines[0].id, quantity=90, note="10 missing"),
        lambda: services.ship(world["supplier_a"], lines[3].id),
    ]
    for step in steps:
        step()
        assert reservation_drift() == []
    lot = fresh(Lot, lot.id)
    # line 3's 300 are on their way: reserved with line 1's 120, still in the quantity
    assert (lot.quantity, lot.reserved, lot.shipped) == (900, 420, 400)
    services.receive(world["buyer"], lines[3].id)
    assert reservation_drift() == []
    lot = fresh(Lot, lot.id)
    assert (lot.quantity, lot.reserved, lot.shipped) == (600, 120, 400)


def test_reservation_drift_reports_a_wrong_lot(world, at_state):
    at_state("approved")
    lot = fresh(Lot, world["lot"].id)
    lot.reserved = 130
    db.session.commit()
    assert reservation_drift() == [{"lot_id": lot.id, "reserved": 130, "expected": 100}]


def test_a_lot_withdrawn_while_goods_travel_still_takes_the_receipt(world, at_state):
    from market.lots.services import withdraw_lot

    allocation_id = at_state("shipped")
    withdraw_lot(world["supplier_a"], world["lot"].id)  # only shipped units are reserved
    services.receive(world["buyer"], allocation_id)
    lot = fresh(Lot, world["lot"].id)
    assert (lot.status, lot.quantity, lot.reserved, lot.shipped) == ("withdrawn", 900, 0, 100)
    assert reservation_drift() == []


def test_receipt_audits_the_lot_counters(world, at_state):
    allocation_id = at_state("shipped")
    services.receive(world["buyer"], allocation_id, quantity=70, note="wet")
    entry = db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.action == "allocation.disputed", AuditEntry.entity_id == allocation_id))
    assert (entry.after["lot_quantity"], entry.after["lot_reserved"]) == (900, 0)
