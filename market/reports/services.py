"""District figures for coordinators: every total is aggregated in SQL, never row by row."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from market.accounts.access import require_coordinator
from market.accounts.models import Organization, User
from market.catalog.models import Item
from market.common.pagination import paginate
from market.extensions import db
from market.giftpacks.models import GiftPack, GiftPackApplication
from market.lots.models import Lot
from market.matching.models import Allocation, AllocationStatus, MatchRun
from market.needs.models import Need, NeedStatus
from solver.tiers import TIERS

RUN_HISTORY_LIMIT = 60


def fill_rate(allocated: int, demand: int) -> float:
    """Share of the demand that is allocated, 0 when there is no demand."""
    return round(allocated / demand, 4) if demand else 0.0


def _sum_when(condition: Any, value: Any) -> Any:
    """SUM(CASE WHEN condition THEN value ELSE 0 END): one pass, many totals."""
    return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)


def item_totals() -> list[dict[str, Any]]:
    """Supply, demand, allocated, shipped, received and unmet units per item, in one query.

    Shipped and received count gift packs too (`gift_packs`: their units received);
    allocated and the fill rate are about needs, so they count allocations only.
    """
    from market.reports.packs import pack_flows

    packs = pack_flows()
    supply = (
        sa.select(Lot.item_id, sa.func.sum(Lot.quantity).label("units"))
        .where(Lot.status == "active")
        .group_by(Lot.item_id)
        .subquery()
    )
    demand = (
        sa.select(
            Need.item_id,
            sa.func.sum(Need.quantity).label("units"),
            _sum_when(Need.status.in_(NeedStatus.MATCHABLE), Need.quantity - Need.allocated)
            .label("open_units"),
        )
        .where(Need.status != "cancelled")
        .group_by(Need.item_id)
        .subquery()
    )
    received_units = sa.func.coalesce(Allocation.received_quantity, Allocation.quantity)
    status, units = Allocation.status, Allocation.quantity
    flows = (
        sa.select(
            Allocation.item_id,
            _sum_when(status.in_(AllocationStatus.ALLOCATED), units).label("alloc"),
            _sum_when(status.in_(AllocationStatus.SHIPPED_OR_LATER), units).label("shipped"),
            _sum_when(status.in_(AllocationStatus.DELIVERED), received_units).label("received"),
        )
        .where(Allocation.status.in_(AllocationStatus.ALLOCATED))
        .group_by(Allocation.item_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            Item.sku, Item.name, Item.unit, supply.c.units, demand.c.units, demand.c.open_units,
            flows.c.alloc, flows.c.shipped, flows.c.received, packs.c.shipped, packs.c.received,
        )
        .outerjoin(supply, supply.c.item_id == Item.id)
        .outerjoin(demand, demand.c.item_id == Item.id)
        .outerjoin(flows, flows.c.item_id == Item.id)
        .outerjoin(packs, packs.c.item_id == Item.id)
        .order_by(Item.sku)
    ).all()
    items = []
    for (sku, name, unit, sup, dem, open_units, alloc, shipped, received, pack_shipped,
         pack_received) in rows:
        dem, alloc, pack_received = int(dem or 0), int(alloc or 0), int(pack_received or 0)
        items.append({
            "item": sku, "name": name, "unit": unit, "supply": int(sup or 0), "demand": dem,
            "allocated": alloc, "shipped": int(shipped or 0) + int(pack_shipped or 0),
            "received": int(received or 0) + pack_received, "gift_packs": pack_received,
            "unmet": int(open_units or 0), "fill_rate": fill_rate(alloc, dem),
        })
    return items


def tier_totals() -> list[dict[str, Any]]:
    """Demand (by the buyer's tier) and allocated units (by the allocation's tier) per tier."""
    demand: dict[int, int] = dict(
        db.session.execute(
            sa.select(Organization.tier, sa.func.sum(Need.quantity))
            .join(Organization, Organization.id == Need.organization_id)
            .where(Need.status != "cancelled")
            .group_by(Organization.tier)
        ).tuples().all()
    )
    allocated: dict[int, int] = dict(
        db.session.execute(
            sa.select(Allocation.tier, sa.func.sum(Allocation.quantity))
            .where(Allocation.status.in_(AllocationStatus.ALLOCATED))
            .group_by(Allocation.tier)
        ).tuples().all()
    )
    tiers = sorted(set(TIERS) | set(demand) | set(allocated))
    return [
        {
            "tier": tier,
            "demand": int(demand.get(tier) or 0),
            "allocated": int(allocated.get(tier) or 0),
            "fill_rate": fill_rate(int(allocated.get(tier) or 0), int(demand.get(tier) or 0)),
        }
        for tier in tiers
    ]


def queue_counts() -> dict[str, int]:
    """What waits for a coordinator: filings, proposals, gift packs, applications (one query)."""

    def count(model: Any, *where: Any) -> Any:
        return sa.select(sa.func.count()).select_from(model).where(*where).scalar_subquery()

    row = db.session.execute(
        sa.select(
            count(Organization, Organization.status == "pending"),
            count(Allocation, Allocation.status == "proposed"),
            count(GiftPack, GiftPack.status == "proposed"),
            count(GiftPackApplication, GiftPackApplication.status == "waiting"),
        )
    ).one()
    keys = ("pending_filings", "proposals_waiting", "packs_waiting", "applications_waiting")
    return {key: int(value or 0) for key, value in zip(keys, row, strict=True)}


def _stat(stats: dict[str, Any], *names: str) -> Any:
    """The first of several possible stats keys that the run recorded, or None."""
    for name in names:
        if stats.get(name) is not None:
            return stats[name]
    return None


def _units_dict(value: Any) -> dict[str, int]:
    """A `{name: units}` mapping from run stats, tolerating absent or odd values."""
    if not isinstance(value, dict):
        return {}
    out = {}
    for key, units in value.items():
        try:
            out[str(key)] = int(units)
        except (TypeError, ValueError):
            continue
    return out


def unmet_by_reason() -> dict[str, Any]:
    """Unmet units per reason (and per item when recorded) from the latest completed run."""
    run = db.session.scalar(
        sa.select(MatchRun)
        .where(MatchRun.status == "completed", MatchRun.dry_run.is_(False))
        .order_by(MatchRun.started_at.desc(), MatchRun.id.desc())
        .limit(1)
    )
    if run is None:
        return {"run_id": None, "reasons": [], "items": []}
    stats = run.stats or {}
    reasons = _units_dict(stats.get("unmet_by_reason"))
    by_item = _units_dict(stats.get("unmet_by_item"))
    return {
        "run_id": run.id,
        "reasons": [{"reason": r, "units": u} for r, u in sorted(reasons.items())],
        "items": [{"item": i, "units": u} for i, u in sorted(by_item.items())],
    }


def _run_row(run: MatchRun) -> dict[str, Any]:
    stats = run.stats or {}
    return {
        "id": run.id,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "trigger": run.trigger,
        "status": run.status,
        "dry_run": run.dry_run,
        "fill_rate": _stat(stats, "fill_rate"),
        "lowest_fill_rate": _stat(stats, "lowest_fill_rate", "min_fill_rate"),
        "units": _stat(stats, "units_proposed", "units"),
        "gini": _stat(stats, "gini"),
        "cost": _stat(stats, "cost", "total_cost"),
        "proposals": _stat(stats, "proposals"),
        "solve_seconds": _stat(stats, "solve_seconds"),
    }


def run_history_page(actor: User | None, page: int = 1,
                     per_page: int = RUN_HISTORY_LIMIT) -> Pagination:
    """One page of runs, newest first, each as its headline figures."""
    require_coordinator(actor)
    result = paginate(
        sa.select(MatchRun).order_by(MatchRun.started_at.desc(), MatchRun.id.desc()),
        page, per_page,
    )
    result.items = [_run_row(run) for run in result.items]
    return result


def run_history(actor: User | None, limit: int = RUN_HISTORY_LIMIT) -> list[dict[str, Any]]:
    """The latest runs, newest first, with their headline figures."""
    return run_history_page(actor, 1, limit).items


def summary(actor: User | None) -> dict[str, Any]:
    """The coordinator's summary: per item, per tier, queues and unmet demand."""
    require_coordinator(actor)
    data: dict[str, Any] = {"items": item_totals(), "tiers": tier_totals()}
    data.update(queue_counts())
    data["unmet"] = unmet_by_reason()
    return data


def dashboard(actor: User | None) -> dict[str, Any]:
    """Everything the dashboard shows: the summary, its card totals and the run history."""
    data = summary(actor)
    data["runs"] = run_history(actor)
    data["totals"] = {
        key: sum(row[key] for row in data["items"])
        for key in ("supply", "demand", "allocated", "shipped", "received", "unmet")
    }
    return data
