"""Approval, rejection and bulk approval: every transition and every refusal."""

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
from market.notifications.models import Notification


def fresh(model, row_id):
    """Read a row as the database has it now."""
    db.session.expire_all()
    return db.session.get(model, row_id)


def test_approve_reserves_lot_and_need_and_audits(world):
    a = services.approve(world["coordinator"], world["allocation"].id)
    assert a.status == "approved"
    lot, need = fresh(Lot, world["lot"].id), fresh(Need, world["need"].id)
    assert (lot.reserved, lot.quantity) == (100, 1000)
    assert (need.allocated, need.status) == (100, "allocated")
    line = fresh(Allocation, a.id)
    assert line.decided_by_id == world["coordinator"].id
    assert line.decided_at is not None
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "allocation.approve")
    )
    assert entry.entity_id == a.id
    assert (entry.before["status"], entry.after["status"]) == ("proposed", "approved")
    assert reservation_drift() == []


def test_approve_notifies_both_companies_with_the_other_contact(world, make_user):
    world["buyer_org"].phone = "13911112222"
    db.session.commit()
    services.approve(world["coordinator"], world["allocation"].id)
    notes = db.session.scalars(sa.select(Notification).where(Notification.channel == "email")).all()
    by_user = {n.user_id: n for n in notes}
    to_supplier = by_user[world["supplier_a"].id]
    to_buyer = by_user[world["buyer"].id]
    for text in ("Buyer C", "13911112222", "9 Care Home Road"):
        assert text in to_supplier.body
    for text in ("Supplier A", "1 Depot Lane"):
        assert text in to_buyer.body
    assert world["supplier_b"].id not in by_user


def test_approve_with_a_lower_quantity(world):
    services.approve(world["coordinator"], world["allocation"].id, quantity=60)
    assert fresh(Allocation, world["allocation"].id).quantity == 60
    assert fresh(Lot, world["lot"].id).reserved == 60
    need = fresh(Need, world["need"].id)
    assert (need.allocated, need.status) == (60, "partially_allocated")
    assert reservation_drift() == []


@pytest.mark.parametrize("quantity", [101, 0, -5, True, "50"])
def test_approve_rejects_a_raised_or_bad_quantity_and_writes_nothing(world, quantity):
    with pytest.raises(Invalid) as err:
        services.approve(world["coordinator"], world["allocation"].id, quantity=quantity)
    assert "quantity" in err.value.errors
    assert fresh(Allocation, world["allocation"].id).status == "proposed"
    assert fresh(Lot, world["lot"].id).reserved == 0


def test_approve_twice_is_a_conflict_and_reserves_once(world):
    services.approve(world["coordinator"], world["allocation"].id)
    with pytest.raises(Conflict, match="not proposed any more"):
        services.approve(world["coordinator"], world["allocation"].id)
    assert fresh(Lot, world["lot"].id).reserved == 100
    assert fresh(Need, world["need"].id).allocated == 100


@pytest.mark.parametrize("status", ["rejected", "superseded", "cancelled", "shipped"])
def test_approve_a_line_that_is_not_proposed_is_a_conflict(world, status):
    world["allocation"].status = status
    db.session.commit()
    with pytest.raises(Conflict, match=f"is {status}, not proposed any more"):
        services.approve(world["coordinator"], world["allocation"].id)
    assert fresh(Lot, world["lot"].id).reserved == 0


def test_short_lot_names_item_and_shortfall_and_changes_nothing(
    world, make_need, make_allocation
):
    other = make_need(world["buyer_org"], quantity=960)
    big = make_allocation(world["lot"], other, 960)
    services.approve(world["coordinator"], big.id)
    with pytest.raises(Conflict) as err:
        services.approve(world["coordinator"], world["allocation"].id)
    lot_id = world["lot"].id
    assert err.value.message == (
        f"Not enough MASK-SURGICAL left in lot {lot_id}: 40 available, 100 asked (short by 60)."
    )
    assert fresh(Allocation, world["allocation"].id).status == "proposed"
    assert fresh(Lot, lot_id).reserved == 960
    assert fresh(Need, world["need"].id).allocated == 0
    assert reservation_drift() == []


def test_short_need_names_the_shortfall_and_leaves_the_lot_alone(
    world, make_lot, make_allocation
):
    other_lot = make_lot(world["supplier_b_org"], quantity=500)
    first = make_allocation(other_lot, world["need"], 70)
    services.approve(world["coordinator"], first.id)
    with pytest.raises(Conflict) as err:
        services.approve(world["coordinator"], world["allocation"].id)
    assert "MASK-SURGICAL" in err.value.message
    assert "30 units still open, 100 asked (short by 70)" in err.value.message
    # the lot was reserved first inside the transaction: the rollback must undo it
    assert fresh(Lot, world["lot"].id).reserved == 0
    assert fresh(Need, world["need"].id).allocated == 70
    assert fresh(Allocation, world["allocation"].id).status == "proposed"
    assert reservation_drift() == []


def test_lowered_quantity_fits_where_the_full_one_does_not(world, make_need, make_allocation):
    other = make_need(world["buyer_org"], quantity=960)
    services.approve(world["coordinator"], make_allocation(world["lot"], other, 960).id)
    services.approve(world["coordinator"], world["allocation"].id, quantity=40)
    assert fresh(Lot, world["lot"].id).reserved == 1000
    assert reservation_drift() == []


@pytest.mark.parametrize(("model", "status"), [(Lot, "paused"), (Lot, "withdrawn"),
                                               (Need, "cancelled"), (Need, "expired")])
def test_approve_refuses_closed_lots_and_needs(world, model, status):
    row = world["lot"] if model is Lot else world["need"]
    row.status = status
    db.session.commit()
    with pytest.raises(Conflict, match=status):
        services.approve(world["coordinator"], world["allocation"].id)
    assert fresh(Allocation, world["allocation"].id).status == "proposed"


def test_only_coordinators_approve(world):
    with pytest.raises(Forbidden):
        services.approve(world["supplier_a"], world["allocation"].id)
    with pytest.raises(NotFound):
        services.approve(world["coordinator"], 999_999)


def test_reject_needs_a_reason_and_keeps_it(world):
    with pytest.raises(Invalid) as err:
        services.reject(world["coordinator"], world["allocation"].id, "   ")
    assert "reason" in err.value.errors
    services.reject(world["coordinator"], world["allocation"].id, "Buyer phoned: no longer needed")
    line = fresh(Allocation, world["allocation"].id)
    assert (line.status, line.decision_note) == ("rejected", "Buyer phoned: no longer needed")
    assert fresh(Lot, world["lot"].id).reserved == 0
    with pytest.raises(Conflict, match="not proposed any more"):
        services.reject(world["coordinator"], world["allocation"].id, "again")


def test_bulk_approve_reports_partial_failure(world, make_need, make_allocation):
    lot, coordinator = world["lot"], world["coordinator"]
    ok = world["allocation"]
    rejected = make_allocation(lot, make_need(world["buyer_org"], quantity=50), 50)
    services.reject(coordinator, rejected.id, "no")
    too_big = make_allocation(lot, make_need(world["buyer_org"], quantity=950), 950)
    result = services.bulk_approve(coordinator, [ok.id, rejected.id, too_big.id, 424242, ok.id])
    assert result["approved"] == [ok.id]
    failed = {f["id"]: f["message"] for f in result["failed"]}
    assert set(failed) == {rejected.id, too_big.id, 424242}
    assert "not proposed any more" in failed[rejected.id]
    assert "short by 50" in failed[too_big.id]
    assert "not found" in failed[424242]
    assert fresh(Lot, lot.id).reserved == 100
    assert reservation_drift() == []
