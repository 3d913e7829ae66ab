"""The changes between runs, and the adapter's reading of the market (pins, exclusions, queries)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from market.common.types import utcnow
from market.extensions import db
from market.matching.adapter import load_market
from market.matching.diff import compare
from market.matching.models import Allocation, MatchConstraint
from market.matching.runs import start_run
from market.matching.services import exclude_line, pin_line, remove_constraint


def test_compare_counts_and_samples_lines():
    previous = {(1, 1): 10, (1, 2): 5, (2, 3): 7}
    current = {(1, 1): 10, (1, 2): 8, (3, 4): 2}

    changes = compare(previous, current)

    assert (changes["new"], changes["dropped"], changes["changed"], changes["unchanged"]) == (
        1, 1, 1, 1)
    assert changes["new_lines"] == [{"lot_id": 3, "need_id": 4, "before": None, "after": 2}]
    assert changes["dropped_lines"] == [{"lot_id": 2, "need_id": 3, "before": 7, "after": None}]
    assert changes["changed_lines"] == [{"lot_id": 1, "need_id": 2, "before": 5, "after": 8}]


def test_run_reports_changes_since_previous_run(small_market, make_need, people):
    first = start_run(people["coordinator"])
    assert first.changes["previous_run_id"] is None
    assert first.changes["new"] == 2
    small_market["trader_need"].status = "cancelled"
    newcomer = make_need(small_market["clinic"], quantity=40)

    second = start_run(people["coordinator"])

    lot = small_market["lot"].id
    changes = second.changes
    assert changes["previous_run_id"] == first.id
    assert (changes["new"], changes["dropped"], changes["changed"], changes["unchanged"]) == (
        1, 1, 0, 1)
    assert changes["new_lines"] == [
        {"lot_id": lot, "need_id": newcomer.id, "before": None, "after": 40}]
    assert changes["dropped_lines"] == [
        {"lot_id": lot, "need_id": small_market["trader_need"].id, "before": 100, "after": None}]


def test_pin_keeps_line_and_exclusion_forbids_pair(make_org, make_lot, make_need, people):
    supplier = make_org(roles=("supplier",))
    near = make_org(roles=("buyer",), latitude=31.0, longitude=121.0)
    far = make_org(roles=("buyer",), latitude=31.2, longitude=121.2)  # 29 km: within the limit
    lot_near = make_lot(supplier, quantity=100, latitude=31.0, longitude=121.0)
    lot_far = make_lot(supplier, quantity=100, latitude=31.2, longitude=121.2)
    need_near = make_need(near, quantity=100)
    make_need(far, quantity=100)
    coordinator = people["coordinator"]
    first = start_run(coordinator)
    line = db.session.scalar(sa.select(Allocation).where(
        Allocation.run_id == first.id, Allocation.need_id == need_near.id))
    assert line.lot_id == lot_near.id  # the cheapest, nearest lot

    excluded = exclude_line(coordinator, line.id)
    second = start_run(coordinator)
    got = db.session.scalars(sa.select(Allocation).where(
        Allocation.run_id == second.id, Allocation.need_id == need_near.id)).all()
    assert [(a.lot_id, a.quantity) for a in got] == [(lot_far.id, 100)]

    remove_constraint(coordinator, excluded.id)
    pinned_line = got[0]
    pin = pin_line(coordinator, pinned_line.id)
    assert (pin.kind, pin.quantity) == ("pin", 100)
    third = start_run(coordinator)
    got = db.session.scalars(sa.select(Allocation).where(
        Allocation.run_id == third.id, Allocation.need_id == need_near.id)).all()
    assert [(a.lot_id, a.quantity) for a in got] == [(lot_far.id, 100)]
    assert third.stats["pinned"] == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MatchConstraint)) == 0


def test_pins_are_clipped_to_what_is_left(small_market, people):
    run = start_run(people["coordinator"])
    line = db.session.scalar(sa.select(Allocation).where(
        Allocation.run_id == run.id, Allocation.need_id == small_market["clinic_need"].id))
    pin_line(people["coordinator"], line.id)
    small_market["lot"].reserved = 250  # stock approved elsewhere since the pin
    db.session.commit()

    market = load_market(date.today(), utcnow())

    assert [(f.lot_id, f.need_id, f.quantity) for f in market.policy.pinned] == [
        (small_market["lot"].id, small_market["clinic_need"].id, 50)]
    assert start_run(people["coordinator"]).status == "completed"


def test_loading_the_market_takes_a_fixed_number_of_queries(make_org, make_lot, make_need):
    def queries_for_market() -> int:
        statements: list[str] = []

        def count_it(_conn, _cursor, statement, *_args):
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", count_it)
        try:
            load_market(date.today(), utcnow())
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count_it)
        return len(statements)

    supplier = make_org(roles=("supplier",))
    make_lot(supplier, kind="donation")
    small = queries_for_market()
    for _ in range(15):
        buyer = make_org(roles=("buyer",))
        make_lot(supplier)
        make_need(buyer, accept_substitutes=True)
    assert queries_for_market() == small
