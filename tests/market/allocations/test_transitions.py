"""The allocation lifecycle's transitions table: what it allows, and that services obey it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from market.allocations import services
from market.audit.models import AuditEntry
from market.common.errors import Conflict
from market.extensions import db
from market.lots.models import Lot
from market.matching.models import Allocation, AllocationStatus
from market.needs.models import Need

S = AllocationStatus


def test_the_table_allows_only_the_lifecycle_moves():
    assert S.PROPOSED.moves == {S.APPROVED, S.REJECTED, S.SUPERSEDED}
    assert S.APPROVED.moves == {S.SHIPPED, S.CANCELLED}
    assert S.SHIPPED.moves == {S.RECEIVED, S.DISPUTED}
    for final in (S.REJECTED, S.SUPERSEDED, S.RECEIVED, S.DISPUTED, S.CANCELLED):
        assert final.moves == frozenset()
    assert S.sources(S.CANCELLED) == (S.APPROVED,)


def _counts(world):
    db.session.expire_all()
    lot, need = db.session.get(Lot, world["lot"].id), db.session.get(Need, world["need"].id)
    audits = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    line = db.session.get(Allocation, world["allocation"].id)
    return (line.status, lot.reserved, lot.shipped, lot.quantity, need.allocated, need.status,
            audits)


@pytest.mark.parametrize(
    ("state", "action", "message"),
    [
        ("proposed", "ship", "is proposed, not approved: it cannot become shipped"),
        ("proposed", "cancel", "is proposed, not approved: it cannot become cancelled"),
        ("approved", "receive", "is approved, not shipped: it cannot become received"),
        ("shipped", "cancel", "is shipped, not approved: it cannot become cancelled"),
        ("shipped", "approve", "is shipped, not proposed any more"),
    ],
)
def test_a_forbidden_move_is_409_and_changes_nothing(world, at_state, state, action, message):
    allocation_id = at_state(state)
    before = _counts(world)
    # A coordinator may record a shipment; companies do not see proposals at all (404).
    actor = world["buyer"] if action == "receive" else world["coordinator"]
    with pytest.raises(Conflict) as err:
        getattr(services, action)(actor, allocation_id)
    assert err.value.status == 409
    assert f"Allocation {allocation_id} {message}" in err.value.message
    db.session.rollback()
    assert _counts(world) == before


def test_every_stock_move_audits_the_lot_like_a_gift_pack(world, at_state):
    allocation_id = at_state("shipped")
    services.receive(world["buyer"], allocation_id)
    rows = db.session.execute(
        sa.select(AuditEntry.action, AuditEntry.after)
        .where(AuditEntry.entity == "lot", AuditEntry.entity_id == world["lot"].id)
        .order_by(AuditEntry.id)
    ).all()
    assert [(action, after.get("allocation_id")) for action, after in rows] == [
        ("lot.reserve", allocation_id), ("lot.ship", allocation_id),
        ("lot.deliver", allocation_id),
    ]
