"""Units of gift packs per item, for the totals: shipped, received (and approved), in SQL.

A pack holds components of several items; a short receipt (`disputed`) records only the
pack's total received, so each component counts its share of it (rounded down).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from market.extensions import db
from market.giftpacks.models import GiftPack, GiftPackComponent

APPROVED = ("approved", "shipped", "received", "disputed")
SHIPPED = ("shipped", "received", "disputed")
RECEIVED = ("received", "disputed")


def _received_units() -> Any:
    """A component's units that arrived: all of them, or its share of a short receipt."""
    other = so.aliased(GiftPackComponent)
    pack_units = (
        sa.select(sa.func.sum(other.quantity)).where(other.pack_id == GiftPack.id)
        .correlate(GiftPack).scalar_subquery()
    )
    return sa.case(
        (GiftPack.received_quantity.is_(None), GiftPackComponent.quantity),
        else_=GiftPackComponent.quantity * GiftPack.received_quantity / pack_units,
    )


def _sum_when(condition: Any, value: Any) -> Any:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)


def pack_flows(start: datetime | None = None, end: datetime | None = None) -> sa.Subquery:
    """Per item: pack units approved, shipped and received (within [start, end) if given).

    Columns `item_id`, `approved`, `shipped`, `received`; one grouped query.
    """

    def within(column: Any) -> Any:
        if start is None:
            return sa.true()
        return sa.and_(column >= start, column < end)

    status, units = GiftPack.status, GiftPackComponent.quantity
    return (
        sa.select(
            GiftPackComponent.item_id,
            _sum_when(sa.and_(status.in_(APPROVED), within(GiftPack.decided_at)), units)
            .label("approved"),
            _sum_when(sa.and_(status.in_(SHIPPED), within(GiftPack.shipped_at)), units)
            .label("shipped"),
            _sum_when(sa.and_(status.in_(RECEIVED), within(GiftPack.received_at)),
                      _received_units()).label("received"),
        )
        .join(GiftPack, GiftPack.id == GiftPackComponent.pack_id)
        .where(GiftPack.status.in_(APPROVED))
        .group_by(GiftPackComponent.item_id)
        .subquery()
    )


def pack_units_by_item(start: datetime | None = None,
                       end: datetime | None = None) -> dict[int, dict[str, int]]:
    """`{item_id: {approved, shipped, received}}` of gift packs (see `pack_flows`)."""
    flows = pack_flows(start, end)
    rows = db.session.execute(sa.select(flows)).all()
    return {
        row.item_id: {"approved": int(row.approved), "shipped": int(row.shipped),
                      "received": int(row.received)}
        for row in rows
    }
