"""What needs doing, per role, for the home page: counted in SQL, one query per reader.

A coordinator sees the queues waiting for a decision; a company sees the deliveries it
has to ship or confirm. A company that is not verified sees its filing status instead,
since it cannot use the forms yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from market.accounts.models import Organization, User
from market.extensions import db
from market.giftpacks.models import GiftPack, GiftPackComponent
from market.lots.models import Lot
from market.matching.models import Allocation
from market.notifications.models import Notification


@dataclass(frozen=True)
class Task:
    """One line of the to-do list: how many, what, and the page where it is done."""

    key: str
    count: int
    label: Any
    endpoint: str
    args: dict[str, Any]


def _count(model: Any, *where: Any) -> Any:
    return sa.select(sa.func.count()).select_from(model).where(*where).scalar_subquery()


def _counts(**columns: Any) -> dict[str, int]:
    row = db.session.execute(sa.select(*columns.values())).one()
    return {key: int(value or 0) for key, value in zip(columns, row, strict=True)}


def coordinator_tasks() -> list[Task]:
    """Filings, change requests, proposals, disputes and failed deliveries waiting."""
    counts = _counts(
        filings=_count(Organization, Organization.status == "pending"),
        changes=_count(Organization, Organization.pending_change.is_not(None)),
        proposals=_count(Allocation, Allocation.status == "proposed"),
        disputes=_count(Allocation, Allocation.status == "disputed"),
        pack_disputes=_count(GiftPack, GiftPack.status == "disputed"),
        packs=_count(GiftPack, GiftPack.status == "proposed"),
        failed=_count(Notification, Notification.status == "failed"),
    )
    return [
        Task("filings", counts["filings"], _l("company filings waiting for verification"),
             "accounts.filings", {}),
        Task("changes", counts["changes"], _l("change requests waiting for a decision"),
             "accounts.organizations", {}),
        Task("proposals", counts["proposals"], _l("proposed allocations waiting for approval"),
             "allocations.proposals", {}),
        Task("packs", counts["packs"], _l("proposed gift packs waiting for approval"),
             "giftpacks.index", {}),
        Task("disputes", counts["disputes"] + counts["pack_disputes"],
             _l("disputed deliveries (short receipts)"), "allocations.proposals",
             {"status": "disputed"}),
        Task("failed", counts["failed"], _l("notifications that could not be delivered"),
             "notifications.failed", {}),
    ]


def company_tasks(org: Organization) -> list[Task]:
    """Lines and packs the company has to ship (as supplier) or confirm (as buyer)."""
    columns: dict[str, Any] = {}
    if org.is_supplier:
        own_lots = sa.select(GiftPackComponent.pack_id).join(Lot).where(
            Lot.organization_id == org.id)
        columns["ship"] = _count(Allocation, Allocation.supplier_id == org.id,
                                 Allocation.status == "approved")
        columns["ship_packs"] = _count(GiftPack, GiftPack.status == "approved",
                                       GiftPack.id.in_(own_lots))
    if org.is_buyer:
        columns["confirm"] = _count(Allocation, Allocation.buyer_id == org.id,
                                    Allocation.status == "shipped")
        columns["confirm_packs"] = _count(GiftPack, GiftPack.organization_id == org.id,
                                          GiftPack.status == "shipped")
    if not columns:
        return []
    counts = _counts(**columns)
    tasks = []
    if org.is_supplier:
        tasks += [
            Task("ship", counts["ship"], _l("approved allocations to ship"),
                 "allocations.mine", {"status": "approved"}),
            Task("ship_packs", counts["ship_packs"], _l("approved gift packs to ship"),
                 "giftpacks.index", {}),
        ]
    if org.is_buyer:
        tasks += [
            Task("confirm", counts["confirm"], _l("deliveries to confirm on receipt"),
                 "allocations.mine", {"status": "shipped"}),
            Task("confirm_packs", counts["confirm_packs"], _l("gift packs to confirm on receipt"),
                 "giftpacks.index", {}),
        ]
    return tasks


def home_tasks(actor: User | None) -> dict[str, Any] | None:
    """What the reader has to do: None for visitors; for a company not verified, only its
    filing status (`filing`), since its forms would refuse it."""
    if actor is None:
        return None
    if actor.is_coordinator:
        return {"role": "coordinator", "tasks": coordinator_tasks(), "filing": None}
    org = actor.organization
    if org is None:
        return {"role": "company", "tasks": [], "filing": None}
    filing = {"status": org.status, "reason": org.rejection_reason, "name": org.name,
              "change": bool(org.pending_change)}
    if org.status != "verified":
        tasks = company_tasks(org) if org.status == "suspended" else []
        # a suspended company may still confirm receipt; it ships nothing
        tasks = [t for t in tasks if t.key.startswith("confirm")]
        return {"role": "company", "tasks": tasks, "filing": filing}
    return {"role": "company", "tasks": company_tasks(org), "filing": filing}
