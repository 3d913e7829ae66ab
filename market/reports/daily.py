"""The printable daily report: that day's totals and the shipments approved on it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from market.accounts.access import require_coordinator
from market.accounts.models import Organization, User
from market.catalog.models import Item
from market.common.display import district_today, district_zone
from market.common.errors import Invalid
from market.extensions import db
from market.matching.models import Allocation, AllocationStatus

MAX_DAYS = 31
# A day's list is printed; beyond this many lines the page says how many were left out.
MAX_LINES = 2000


def parse_day(value: str | None, field: str) -> date | None:
    """A YYYY-MM-DD query value as a date; a bad value names the field (422)."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid.field(field, _("must be a date YYYY-MM-DD, got %(value)s",
                                     value=repr(value))) from None


def day_window(day: date) -> tuple[datetime, datetime]:
    """The UTC start and end of a local calendar day."""
    zone = district_zone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def _day_totals(start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Units approved, shipped and received in the window, per item (one grouped query)."""

    def within(column: Any) -> Any:
        return sa.and_(column >= start, column < end)

    def units(condition: Any, value: Any = Allocation.quantity) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)

    approved = sa.and_(
        within(Allocation.decided_at), Allocation.status.in_(AllocationStatus.ALLOCATED)
    )
    rows = db.session.execute(
        sa.select(
            Item.sku, Item.name, Item.unit,
            units(approved),
            sa.func.coalesce(sa.func.sum(sa.case((approved, 1), else_=0)), 0),
            units(within(Allocation.shipped_at)),
            units(within(Allocation.received_at),
                  sa.func.coalesce(Allocation.received_quantity, Allocation.quantity)),
        )
        .join(Item, Item.id == Allocation.item_id)
        .where(sa.or_(within(Allocation.decided_at), within(Allocation.shipped_at),
                      within(Allocation.received_at)))
        .group_by(Item.sku, Item.name, Item.unit)
        .order_by(Item.sku)
    ).all()
    totals = {
        sku: {"item": sku, "name": name, "unit": unit, "approved": int(a),
              "approved_lines": int(n), "shipped": int(s), "received": int(r), "gift_packs": 0}
        for sku, name, unit, a, n, s, r in rows
    }
    _add_packs(totals, start, end)
    return [totals[sku] for sku in sorted(totals)]


def _add_packs(totals: dict[str, dict[str, Any]], start: datetime, end: datetime) -> None:
    """Count the gift packs shipped and received in the window into the day's item totals."""
    from market.reports.packs import pack_units_by_item

    packs = {k: v for k, v in pack_units_by_item(start, end).items()
             if v["shipped"] or v["received"]}
    if not packs:
        return
    items = db.session.execute(
        sa.select(Item.id, Item.sku, Item.name, Item.unit).where(Item.id.in_(packs))
    ).all()
    for item_id, sku, name, unit in items:
        row = totals.setdefault(sku, {"item": sku, "name": name, "unit": unit, "approved": 0,
                                      "approved_lines": 0, "shipped": 0, "received": 0,
                                      "gift_packs": 0})
        row["shipped"] += packs[item_id]["shipped"]
        row["received"] += packs[item_id]["received"]
        row["gift_packs"] += packs[item_id]["received"]


def _day_shipments(start: datetime, end: datetime) -> tuple[list[Allocation], int]:
    """The allocations approved in the window, with both companies and the item loaded."""
    where = (
        Allocation.decided_at >= start,
        Allocation.decided_at < end,
        Allocation.status.in_(AllocationStatus.ALLOCATED),
    )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Allocation).where(*where))
    supplier, buyer = so.aliased(Organization), so.aliased(Organization)
    lines = db.session.scalars(
        sa.select(Allocation)
        .join(supplier, Allocation.supplier)
        .join(buyer, Allocation.buyer)
        .join(Item, Allocation.item)
        .options(
            so.contains_eager(Allocation.supplier.of_type(supplier)),
            so.contains_eager(Allocation.buyer.of_type(buyer)),
            so.contains_eager(Allocation.item),
        )
        .where(*where)
        .order_by(Item.sku, supplier.name, buyer.name, Allocation.id)
        .limit(MAX_LINES)
    ).all()
    return list(lines), int(total or 0)


def daily_report(actor: User | None, first_text: str | None = None,
                 last_text: str | None = None) -> list[dict[str, Any]]:
    """One section per day from `date` to `to` (YYYY-MM-DD; default today in the district)."""
    require_coordinator(actor)
    first = parse_day(first_text, "date") or district_today()
    last = parse_day(last_text, "to") or first
    if last < first:
        raise Invalid.field("to", _("must not be before the date %(date)s",
                                    date=first.isoformat()))
    if (last - first).days >= MAX_DAYS:
        raise Invalid.field("to", _("at most %(max)s days in one report", max=MAX_DAYS))
    days = []
    day = first
    while day <= last:
        days.append(day_section(day))
        day += timedelta(days=1)
    return days


def day_section(day: date) -> dict[str, Any]:
    """One local day's totals per item and the shipments approved on it (no access check:
    the page checks the reader, the mailed report goes to coordinators only)."""
    start, end = day_window(day)
    lines, total = _day_shipments(start, end)
    return {"date": day, "totals": _day_totals(start, end), "lines": lines, "line_count": total}
