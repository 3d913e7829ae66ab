"""Review at city scale: proposals grouped by need, and approval of a whole filtered set.

A run may propose tens of thousands of lines. The page shows them one need at a time (the
need's reasons once, since every line of a need carries the same ones), paginated by need,
in a fixed number of queries whatever the number of lines. A coordinator approves a run,
or the filtered part of it, in one server-side action: `approval_totals` gives the totals
to confirm, and `approve_filtered` (run by the worker's approval job, see jobs.py)
approves every line still `proposed`, chunk by chunk, each chunk in its own transaction
with the lots and needs locked and re-checked exactly as a single approval does. Lines
already rejected or approved with a lower quantity are not `proposed` any more, so they
are kept as the coordinator left them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination

from market.accounts.access import require_coordinator
from market.accounts.models import Organization, User
from market.allocations.services import _narrow, latest_run_id
from market.audit.models import AuditEntry
from market.catalog.models import Item
from market.common.lifecycle import may_become
from market.common.pagination import empty_page, paginate
from market.common.transaction import is_postgres, rows_changed, unit_of_work
from market.common.types import utcnow
from market.extensions import db
from market.i18n import status_word
from market.lots.models import Lot
from market.matching.models import Allocation, AllocationStatus
from market.needs.models import Need
from market.needs.services import recompute_need_status as refresh_need_status
from market.notifications.services import notify_organization
from market.stock.rows import start_write

CHUNK = 500
MAX_FAILURES_LISTED = 100
OPEN_NEED_STATUSES = ("open", "partially_allocated")


@dataclass
class NeedGroup:
    """One need with its proposed lines, its reasons once and its real fill rates."""

    need: Need
    lines: list[Allocation] = field(default_factory=list)

    @property
    def reasons(self) -> list[Any]:
        """The need's reasons (stored on each of its lines; the first line's stand for all)."""
        return list(self.lines[0].reasons or ()) if self.lines else []

    @property
    def proposed_units(self) -> int:
        """Units the shown lines carry."""
        return sum(line.quantity for line in self.lines)

    @property
    def approved_rate(self) -> float:
        """Share of the need really approved (reserved) so far, from the need's counters."""
        return self.need.allocated / self.need.quantity if self.need.quantity else 0.0

    @property
    def received_rate(self) -> float:
        """Share of the need really received so far."""
        return self.need.received / self.need.quantity if self.need.quantity else 0.0


def review_filters(filters: dict[str, Any], any_run: bool = False) -> dict[str, Any]:
    """The filters with `run_id` defaulting to the latest run that proposed lines
    (unless `any_run`: then no run means every run)."""
    filters = {k: v for k, v in filters.items() if v is not None}
    if filters.get("run_id") is None and not any_run:
        run_id = latest_run_id()
        if run_id is not None:
            filters["run_id"] = run_id
    return filters


def proposal_groups(
    actor: User | None, filters: dict[str, Any], page: int = 1, per_page: int = 20
) -> tuple[Pagination, int | None]:
    """One page of needs (highest priority first) with their lines, in three queries.

    The page counts needs, not lines: a need is never split across two pages. A status
    filter other than `proposed` (e.g. the disputed deliveries) reads every run.
    """
    require_coordinator(actor)
    any_run = filters.get("status") not in (None, "proposed")
    filters = review_filters(filters, any_run)
    if filters.get("run_id") is None and not any_run:
        return empty_page(page, per_page), None
    needs = (
        _narrow(sa.select(Allocation.need_id), filters)
        .group_by(Allocation.need_id)
        .order_by(sa.func.min(Allocation.tier), Allocation.need_id)
    )
    result = paginate(needs, page, per_page)
    need_ids = list(result.items)
    groups: dict[int, NeedGroup] = {}
    if need_ids:
        lines = db.session.scalars(
            _narrow(sa.select(Allocation), filters)
            .where(Allocation.need_id.in_(need_ids))
            .options(
                so.joinedload(Allocation.item),
                so.joinedload(Allocation.supplier),
                so.joinedload(Allocation.buyer),
                so.joinedload(Allocation.need),
            )
            .order_by(Allocation.id)
        ).unique().all()
        for line in lines:
            groups.setdefault(line.need_id, NeedGroup(line.need)).lines.append(line)
    result.items = [groups[i] for i in need_ids if i in groups]
    return result, filters.get("run_id")


def _proposed(filters: dict[str, Any]) -> dict[str, Any]:
    narrowed = dict(filters)
    narrowed.pop("statuses", None)
    narrowed["status"] = "proposed"  # only lines still waiting; decided ones are kept
    return narrowed


def approval_totals(actor: User | None, filters: dict[str, Any]) -> dict[str, Any]:
    """What approving the filtered set would approve: lines, units, buyers, value (one query)."""
    require_coordinator(actor)
    filters = review_filters(filters)
    if filters.get("run_id") is None:
        return {"run_id": None, "lines": 0, "units": 0, "buyers": 0, "value": Decimal("0.00")}
    value = sa.func.coalesce(
        sa.func.sum(Allocation.quantity * sa.func.coalesce(Allocation.unit_price, 0)), 0
    )
    row = db.session.execute(
        _narrow(
            sa.select(
                sa.func.count(Allocation.id),
                sa.func.coalesce(sa.func.sum(Allocation.quantity), 0),
                sa.func.count(sa.distinct(Allocation.buyer_id)),
                value,
            ),
            _proposed(filters),
        )
    ).one()
    return {
        "run_id": filters["run_id"], "lines": int(row[0]), "units": int(row[1]),
        "buyers": int(row[2]), "value": Decimal(str(row[3])).quantize(Decimal("0.01")),
    }


def approve_filtered(
    actor: User | None,
    filters: dict[str, Any],
    progress: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Approve every still-proposed line of the filtered set, in chunked transactions.

    Each chunk locks its lots, then its needs (the order single approval uses), re-reads
    the lines, and approves those the stock and the needs still cover; the others are
    reported as failed with the reason a single approval would give. `progress`, when
    given, is called with the report inside each chunk's transaction (the approval job
    records its counters there, so they commit with the chunk). Returns the counts
    (`total` lines found, `done`, `approved`, `units`, `failed`) and the first failures.
    """
    actor = require_coordinator(actor)
    who = {"id": actor.id, "label": actor.label}
    filters = review_filters(filters)
    report: dict[str, Any] = {"run_id": filters.get("run_id"), "approved": 0, "failed": 0,
                              "units": 0, "failures": [], "total": 0, "done": 0}
    if filters.get("run_id") is None:
        return report
    ids = db.session.scalars(
        _narrow(sa.select(Allocation.id), _proposed(filters)).order_by(Allocation.id)
    ).all()
    report["total"] = len(ids)
    for chunk in _chunks(list(ids), CHUNK):
        with unit_of_work():
            start_write()
            approved, units, failures = _approve_chunk(who, chunk)
            _count(report, len(chunk), approved, units, failures)
            if progress is not None:
                progress(report)
    return report


def _count(report: dict[str, Any], done: int, approved: int, units: int,
           failures: list[dict[str, Any]]) -> None:
    """Add one chunk's outcome to the report (keeping the first failures only)."""
    report["done"] += done
    report["approved"] += approved
    report["units"] += units
    report["failed"] += len(failures)
    room = MAX_FAILURES_LISTED - len(report["failures"])
    report["failures"].extend(failures[:max(room, 0)])


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


LockedT = TypeVar("LockedT", Lot, Need)


def _lock_all(model: type[LockedT], ids: set[int]) -> dict[int, LockedT]:
    stmt = (
        sa.select(model).where(model.id.in_(sorted(ids))).order_by(model.id)
        .execution_options(populate_existing=True)
    )
    if is_postgres():
        stmt = stmt.with_for_update()
    return {row.id: row for row in db.session.scalars(stmt)}


def _approve_chunk(who: dict[str, Any], chunk: list[int]) -> tuple[int, int, list[dict]]:
    """Approve one chunk inside the caller's write transaction (see `approve_filtered`)."""
    keys = db.session.execute(
        sa.select(Allocation.lot_id, Allocation.need_id).where(Allocation.id.in_(chunk))
    ).all()
    lots = _lock_all(Lot, {k.lot_id for k in keys})
    needs = _lock_all(Need, {k.need_id for k in keys})
    # Plain rows, not ORM objects: tens of thousands of lines must not fill the session.
    lines = db.session.execute(
        sa.select(Allocation.id, Allocation.lot_id, Allocation.need_id, Allocation.quantity,
                  Allocation.supplier_id, Allocation.buyer_id, Item.sku)
        .join(Item, Item.id == Allocation.item_id)
        .where(Allocation.id.in_(chunk), Allocation.status == "proposed")
        .order_by(Allocation.id)
    ).all()
    lot_left = {i: lot.quantity - lot.reserved for i, lot in lots.items()}
    need_left = {i: need.quantity - need.allocated for i, need in needs.items()}
    accepted: list[Any] = []
    failures: list[dict[str, Any]] = []
    for line in lines:
        message = _refusal(line, lots[line.lot_id], needs[line.need_id], lot_left, need_left)
        if message:
            failures.append({"id": line.id, "message": message})
            continue
        lot_left[line.lot_id] -= line.quantity
        need_left[line.need_id] -= line.quantity
        accepted.append(line)
    if not accepted:
        return 0, 0, failures
    _write(who, accepted, lots, needs)
    return len(accepted), sum(line.quantity for line in accepted), failures


def _refusal(line: Any, lot: Lot, need: Need, lot_left: dict, need_left: dict) -> str:
    """Why a line cannot be approved now (the single approval's messages), or ''."""
    sku = line.sku
    if lot.status != "active":
        return _("Lot %(id)s is %(status)s; only active lots can be allocated.",
                 id=lot.id, status=status_word(lot.status))
    if need.status not in OPEN_NEED_STATUSES:
        return _("Need %(id)s is %(status)s; it takes no more units.",
                 id=need.id, status=status_word(need.status))
    left = lot_left[lot.id]
    if left < line.quantity:
        return _("Not enough %(sku)s left in lot %(lot)s: %(left)s available, %(asked)s "
                 "asked (short by %(short)s).", sku=sku, lot=lot.id, left=left,
                 asked=line.quantity, short=line.quantity - left)
    left = need_left[need.id]
    if left < line.quantity:
        return _("Need %(need)s for %(sku)s has only %(left)s units still open, "
                 "%(asked)s asked (short by %(short)s).", need=need.id, sku=sku, left=left,
                 asked=line.quantity, short=line.quantity - left)
    return ""


def _write(who: dict[str, Any], accepted: list[Any], lots: dict, needs: dict) -> None:
    """Set the lines approved and move the counters: one statement per table, no per-line SQL."""
    now = utcnow()
    ids = [line.id for line in accepted]
    done = rows_changed(db.session.execute(
        sa.update(Allocation)
        .where(Allocation.id.in_(ids),
               may_become(Allocation.status, AllocationStatus.APPROVED))
        .values(status=AllocationStatus.APPROVED, decided_by_id=who["id"], decided_at=now),
        execution_options={"synchronize_session": False},
    ))
    if done != len(ids):  # cannot happen under the locks; refuse rather than half-apply
        raise RuntimeError("proposals changed during bulk approval")
    per_lot: dict[int, int] = defaultdict(int)
    per_need: dict[int, int] = defaultdict(int)
    for line in accepted:
        per_lot[line.lot_id] += line.quantity
        per_need[line.need_id] += line.quantity
    for lot_id, units in per_lot.items():
        lots[lot_id].reserved += units
    for need_id, units in per_need.items():
        need = needs[need_id]
        need.allocated += units
        refresh_need_status(need)
    db.session.execute(sa.insert(AuditEntry), [
        {"at": now, "actor_id": who["id"], "actor": who["label"], "action": "allocation.approve",
         "entity": "allocation", "entity_id": line.id,
         "before": {"status": AllocationStatus.PROPOSED.value, "quantity": line.quantity},
         "after": {"status": AllocationStatus.APPROVED.value, "quantity": line.quantity,
                   "bulk": True}}
        for line in accepted
    ])
    db.session.flush()
    _notify(accepted)


def _notify(accepted: list[Any]) -> None:
    """One message per company of the chunk (not one per line): how many lines, units."""
    supplied: dict[int, list[Any]] = defaultdict(list)
    bought: dict[int, list[Any]] = defaultdict(list)
    for line in accepted:
        supplied[line.supplier_id].append(line)
        bought[line.buyer_id].append(line)
    orgs = {o.id: o for o in db.session.scalars(
        sa.select(Organization).where(Organization.id.in_(set(supplied) | set(bought)))
    )}
    for org_id, lines in supplied.items():
        units = sum(line.quantity for line in lines)
        notify_organization(
            orgs[org_id],
            f"{len(lines)} allocations approved: ship {units} units",
            f"A coordinator approved {len(lines)} allocations from your lots ({units} units). "
            "See them, with each buyer's contact, under My allocations.",
        )
    for org_id, lines in bought.items():
        units = sum(line.quantity for line in lines)
        notify_organization(
            orgs[org_id],
            f"{len(lines)} allocations approved: {units} units for you",
            f"A coordinator approved {len(lines)} allocations for your needs ({units} units). "
            "See them, with each supplier's contact, under My allocations.",
        )
