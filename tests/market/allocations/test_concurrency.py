"""Approvals racing on PostgreSQL: row locks keep every lot and need within its quantity."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from market.allocations import services
from market.allocations.services import reservation_drift
from market.extensions import db
from market.lots.models import Lot
from market.matching.models import Allocation
from market.needs.models import Need
from tests.market.allocations.race import race

pytestmark = pytest.mark.postgres_only


@pytest.fixture(autouse=True)
def _on_postgres(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row-lock races need PostgreSQL (set TEST_DATABASE_URL; CI does)")


def test_eight_overlapping_approvals_never_overcommit(app, people, make_lot, make_need,
                                                      make_allocation, make_run):
    lot = make_lot(people["supplier_a_org"], quantity=350)
    needs = [make_need(people["buyer_org"], quantity=150) for _ in range(4)]
    run = make_run()
    lines = [make_allocation(lot, needs[i % 4], 100, run=run).id for i in range(8)]

    results = race(app, people["coordinator"].id, [
        (lambda actor, a=a: services.approve(actor, a).id) for a in lines
    ])

    outcomes = [o for o, _ in results]
    assert "crash" not in outcomes, results
    # the lot holds three lines of 100 and each need takes one: exactly three win
    assert outcomes.count("ok") == 3
    assert all(v.status == 409 for o, v in results if o == "refused")
    lot = db.session.get(Lot, lot.id)
    approved = db.session.scalar(
        sa.select(sa.func.sum(Allocation.quantity)).where(
            Allocation.lot_id == lot.id, Allocation.status == "approved")
    )
    assert lot.reserved == approved == 300
    for need in needs:
        need = db.session.get(Need, need.id)
        assert need.allocated <= need.quantity
        assert need.allocated == db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Allocation.quantity), 0)).where(
                Allocation.need_id == need.id, Allocation.status == "approved")
        )
    assert reservation_drift() == []


def test_the_same_line_approved_by_eight_threads_moves_once(app, world):
    a = world["allocation"].id
    results = race(app, world["coordinator"].id,
                   [lambda actor: services.approve(actor, a).id] * 8)
    outcomes = [o for o, _ in results]
    assert outcomes.count("ok") == 1, results
    assert outcomes.count("refused") == 7
    assert all("not proposed any more" in v.message for o, v in results if o == "refused")
    assert db.session.get(Lot, world["lot"].id).reserved == 100
    assert db.session.get(Need, world["need"].id).allocated == 100
    assert reservation_drift() == []


def test_ship_and_cancel_racing_leave_one_outcome(app, world, at_state):
    a = at_state("approved")
    results = race(app, world["coordinator"].id, [
        lambda actor: services.ship(actor, a).status,
        lambda actor: services.cancel(actor, a).status,
    ])
    assert sorted(o for o, _ in results) == ["ok", "refused"]
    winner = next(v for o, v in results if o == "ok")
    lot = db.session.get(Lot, world["lot"].id)
    # shipped: the units stay reserved (and in stock) until receipt; cancelled: released
    expected = (1000, 100, 100) if winner == "shipped" else (1000, 0, 0)
    assert (lot.quantity, lot.reserved, lot.shipped) == expected
    assert reservation_drift() == []
