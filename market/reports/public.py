"""Public totals: supply, demand and deliveries per item, with no company names."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from market.catalog.models import Item
from market.extensions import db
from market.lots.models import Lot
from market.matching.models import Allocation, AllocationStatus
from market.needs.models import Need, NeedStatus


def public_totals() -> dict[str, Any]:
    """Per-item available stock, open demand and delivered units (allocations and gift
    packs received), aggregated in SQL."""
    from market.reports.packs import pack_flows

    packs = pack_flows()
    supply = (
        sa.select(Lot.item_id, sa.func.sum(Lot.quantity - Lot.reserved).label("units"))
        .where(Lot.status == "active")
        .group_by(Lot.item_id)
        .subquery()
    )
    demand = (
        sa.select(Need.item_id, sa.func.sum(Need.quantity - Need.allocated).label("units"))
        .where(Need.status.in_(NeedStatus.MATCHABLE))
        .group_by(Need.item_id)
        .subquery()
    )
    delivered = (
        sa.select(
            Allocation.item_id,
            sa.func.sum(sa.func.coalesce(Allocation.received_quantity, Allocation.quantity))
            .label("units"),
        )
        .where(Allocation.status.in_(AllocationStatus.DELIVERED))
        .group_by(Allocation.item_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Item.sku, Item.name, Item.unit, supply.c.units, demand.c.units, delivered.c.units,
                  packs.c.received)
        .outerjoin(supply, supply.c.item_id == Item.id)
        .outerjoin(demand, demand.c.item_id == Item.id)
        .outerjoin(delivered, delivered.c.item_id == Item.id)
        .outerjoin(packs, packs.c.item_id == Item.id)
        .order_by(Item.sku)
    ).all()
    items = [
        {
            "item": sku, "name": name, "unit": unit,
            "supply": int(s or 0), "demand": int(d or 0),
            "delivered": int(r or 0) + int(p or 0),
        }
        for sku, name, unit, s, d, r, p in rows
    ]
    return {"items": items}


def public_report() -> dict[str, Any]:
    """The district totals per item and per tier for anyone: figures only, no company names."""
    from market.reports.services import item_totals, tier_totals

    items = [
        {key: row[key] for key in ("item", "name", "unit", "supply", "demand", "allocated",
                                   "shipped", "received", "fill_rate")}
        for row in item_totals()
    ]
    return {"items": items, "tiers": tier_totals()}
