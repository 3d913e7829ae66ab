"""Public totals: supply, demand and deliveries per item, with no company names."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from market.catalog.models import Item
from market.extensions import db
from market.lots.models import Lot
from market.needs.models import MATCHABLE_NEED_STATUSES, Need


def public_totals() -> dict[str, Any]:
    """Per-item available stock and open demand, aggregated in SQL."""
    supply = (
        sa.select(Lot.item_id, sa.func.sum(Lot.quantity - Lot.reserved).label("units"))
        .where(Lot.status == "active")
        .group_by(Lot.item_id)
        .subquery()
    )
    demand = (
        sa.select(Need.item_id, sa.func.sum(Need.quantity - Need.allocated).label("units"))
        .where(Need.status.in_(MATCHABLE_NEED_STATUSES))
        .group_by(Need.item_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Item.sku, Item.name, Item.unit, supply.c.units, demand.c.units)
        .outerjoin(supply, supply.c.item_id == Item.id)
        .outerjoin(demand, demand.c.item_id == Item.id)
        .order_by(Item.sku)
    ).all()
    items = [
        {"item": sku, "name": name, "unit": unit, "supply": int(s or 0), "demand": int(d or 0)}
        for sku, name, unit, s, d in rows
    ]
    return {"items": items}
