"""No N+1: the report pages run the same number of queries for 20 rows as for 200."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from market.common.types import utcnow
from market.extensions import db


@contextmanager
def counting_queries():
    """Count the SQL statements sent to the database inside the block."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def fill_market(people, catalog, make_org, n: int) -> None:
    """`n` lots, needs, allocations and runs spread over items and buyers (bulk inserted)."""
    from market.lots.models import Lot
    from market.matching.models import Allocation, MatchRun
    from market.needs.models import Need

    skus = sorted(catalog)
    supplier = people["supplier_a_org"]
    buyers = [make_org(roles=("buyer",), sector=s) for s in ("medical", "office", "trade")]
    now = utcnow()
    db.session.execute(sa.insert(MatchRun), [
        {"trigger": "manual", "status": "completed", "dry_run": False,
         "started_at": now - timedelta(hours=i), "stats": {"fill_rate": 0.5,
         "unmet_by_reason": {"no_stock": i}}} for i in range(n)])
    run_id = db.session.scalar(sa.select(sa.func.min(MatchRun.id)))
    db.session.execute(sa.insert(Lot), [
        {"organization_id": supplier.id, "item_id": catalog[skus[i % len(skus)]].id,
         "kind": "sale", "quantity": 1000, "reserved": 0, "shipped": 0,
         "unit_price": Decimal("1.00"), "latitude": 31.2, "longitude": 121.4, "status": "active",
         "created_at": now, "updated_at": now} for i in range(n)])
    db.session.execute(sa.insert(Need), [
        {"organization_id": buyers[i % 3].id, "item_id": catalog[skus[i % len(skus)]].id,
         "quantity": 100, "allocated": 0, "received": 0, "latitude": 31.2, "longitude": 121.4,
         "status": "open", "created_at": now, "updated_at": now} for i in range(n)])
    lots = db.session.scalars(sa.select(Lot).order_by(Lot.id)).all()
    needs = db.session.scalars(sa.select(Need).order_by(Need.id)).all()
    statuses = ("approved", "shipped", "received", "proposed")
    db.session.execute(sa.insert(Allocation), [
        {"run_id": run_id, "lot_id": lot.id, "need_id": need.id, "item_id": lot.item_id,
         "supplier_id": lot.organization_id, "buyer_id": need.organization_id, "quantity": 10,
         "unit_price": Decimal("1.00"), "distance_km": 1.0, "tier": 1 + i % 4,
         "status": statuses[i % 4], "decided_at": now, "created_at": now}
        for i, (lot, need) in enumerate(zip(lots, needs, strict=True))])
    db.session.commit()


def queries_for(client, path: str) -> int:
    with counting_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200
    return len(statements)


PATHS = ("/reports/", "/reports/daily", "/reports/table/items.csv", "/reports/table/runs.csv",
         "/api/v1/reports/summary", "/api/v1/reports/runs", "/api/v1/reports/public", "/")


@pytest.mark.parametrize("path", PATHS)
def test_query_count_does_not_grow_with_rows(client, login, people, catalog, make_org, path):
    login(people["coordinator"])
    fill_market(people, catalog, make_org, 20)
    small = queries_for(client, path)
    fill_market(people, catalog, make_org, 180)  # 200 of each in all
    large = queries_for(client, path)
    assert small == large, (small, large)
    assert small <= 15
