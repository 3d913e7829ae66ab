"""Read the market in a few set-based queries and adapt it to the solver's records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask import current_app

import solver
from market.accounts.models import Organization
from market.catalog.models import Item, item_substitutes
from market.extensions import db
from market.giftpacks.models import (
    GiftPack,
    GiftPackApplication,
    GiftPackTemplate,
    PackStatus,
    TemplateContent,
)
from market.lots.models import Lot
from market.matching.knobs import KNOB_DEFAULTS
from market.matching.models import MatchConstraint, Quota
from market.needs.models import Need, NeedStatus
from solver.geo import distance_km

# Packs in these states already went (or are going) to the company: no second pack.


class LotRow(NamedTuple):
    """The unreserved part of an active lot, as the run sees it (a named tuple: cheap to make)."""

    id: int
    organization_id: int
    item_id: int
    sku: str
    available: int
    unit_price: Decimal | None
    lat: float
    lon: float


class NeedRow(NamedTuple):
    """The outstanding part of a matchable need, with its company's tier.

    A named tuple rather than a frozen dataclass: a run makes one per open need (50,000 at
    city scale), and a tuple is several times cheaper to make.
    """

    id: int
    organization_id: int
    item_id: int
    sku: str
    quantity: int
    allocated: int
    outstanding: int
    tier: int
    max_unit_price: Decimal | None
    lat: float
    lon: float
    substitutes: frozenset[str]


@dataclass
class Market:
    """Everything one run reads, as plain rows and as solver records."""

    lots: dict[int, LotRow]
    donated: dict[int, LotRow]
    needs: dict[int, NeedRow]
    policy: solver.Policy
    knobs: dict[str, Any]
    templates: list[solver.PackTemplate] = field(default_factory=list)
    applicants: list[solver.Applicant] = field(default_factory=list)
    applicant_orgs: dict[int, int] = field(default_factory=dict)

    def solver_lots(self) -> list[solver.Lot]:
        """The sale lots as solver records."""
        return [_solver_lot(row) for row in self.lots.values()]

    def solver_donated(self) -> list[solver.Lot]:
        """The donated lots as solver records (for gift packs only)."""
        return [_solver_lot(row) for row in self.donated.values()]

    def solver_needs(self) -> list[solver.Need]:
        """The needs as solver records."""
        return [
            solver.Need(
                id=n.id, company=n.organization_id, item=n.sku, quantity=n.outstanding,
                tier=n.tier, lat=n.lat, lon=n.lon, substitutes=n.substitutes,
                max_unit_price=None if n.max_unit_price is None else float(n.max_unit_price),
            )
            for n in self.needs.values()
        ]


def _solver_lot(row: LotRow) -> solver.Lot:
    price = float(row.unit_price) if row.unit_price is not None else 0.0
    return solver.Lot(id=row.id, item=row.sku, quantity=row.available, unit_price=price,
                      lat=row.lat, lon=row.lon)


def default_knobs() -> dict[str, Any]:
    """The policy knobs from the app config (MATCH_* settings), falling back to defaults."""
    cfg = current_app.config
    return {name: cfg.get(f"MATCH_{name.upper()}", value) for name, value in KNOB_DEFAULTS.items()}


def load_market(today: date, now: datetime, overrides: Mapping[str, Any] | None = None) -> Market:
    """Read needs, lots, caps, pins, exclusions and gift-pack inputs for one run."""
    knobs = default_knobs()
    knobs.update({k: v for k, v in (overrides or {}).items() if k in KNOB_DEFAULTS})
    sale, donated = _load_lots(now)
    needs = _load_needs(today)
    caps = _load_caps()
    excluded = _load_exclusions()
    pinned = usable_pins(sale, needs, caps, excluded, knobs.get("max_distance_km"))
    policy = solver.Policy(
        transport_cost_per_unit_km=float(knobs["transport_cost_per_unit_km"]),
        max_distance_km=knobs["max_distance_km"],
        fairness_steps=int(knobs["fairness_steps"]),
        nearest=knobs["nearest"],
        caps=caps,
        pinned=tuple(pinned),
        excluded=excluded,
    )
    market = Market(lots=sale, donated=donated, needs=needs, policy=policy, knobs=knobs)
    if donated:
        market.templates = _load_templates()
        market.applicants, market.applicant_orgs = _load_applicants(needs, now)
    return market


def _load_lots(now: datetime) -> tuple[dict[int, LotRow], dict[int, LotRow]]:
    available = (Lot.quantity - Lot.reserved).label("available")
    stmt = (
        sa.select(Lot.id, Lot.organization_id, Lot.item_id, Item.sku, available, Lot.unit_price,
                  Lot.latitude, Lot.longitude, Lot.kind)
        .join(Item, Item.id == Lot.item_id)
        .join(Organization, Organization.id == Lot.organization_id)
        .where(Organization.status == "verified", *matchable_lots_filter(now))
        .order_by(Lot.id)
    )
    sale: dict[int, LotRow] = {}
    donated: dict[int, LotRow] = {}
    for r in db.session.execute(stmt):
        row = LotRow(r.id, r.organization_id, r.item_id, r.sku, int(r.available), r.unit_price,
                     r.latitude, r.longitude)
        (donated if r.kind == "donation" else sale)[r.id] = row
    return sale, donated


def _substitute_skus() -> dict[int, frozenset[str]]:
    stmt = sa.select(item_substitutes.c.item_id, Item.sku).join(
        Item, Item.id == item_substitutes.c.substitute_id
    )
    subs: dict[int, set[str]] = defaultdict(set)
    for item_id, sku in db.session.execute(stmt):
        subs[item_id].add(sku)
    return {k: frozenset(v) for k, v in subs.items()}


def matchable_lots_filter(now: datetime) -> list[sa.ColumnElement[bool]]:
    """The conditions that make a lot matchable: active, unexpired, some stock unreserved."""
    return [
        Lot.status == "active",
        Lot.quantity - Lot.reserved > 0,
        sa.or_(Lot.available_until.is_(None), Lot.available_until > now),
    ]


def matchable_needs_filter(today: date) -> list[sa.ColumnElement[bool]]:
    """The conditions that make a need matchable: open, not expired, something outstanding."""
    return [
        Need.status.in_(NeedStatus.MATCHABLE),
        Need.quantity - Need.allocated > 0,
        sa.or_(Need.needed_by.is_(None), Need.needed_by >= today),
    ]


def _load_needs(today: date) -> dict[int, NeedRow]:
    subs = _substitute_skus()
    stmt = (
        sa.select(Need.id, Need.organization_id, Need.item_id, Item.sku, Need.quantity,
                  Need.allocated, Organization.tier, Need.max_unit_price, Need.latitude,
                  Need.longitude, Need.accept_substitutes)
        .join(Item, Item.id == Need.item_id)
        .join(Organization, Organization.id == Need.organization_id)
        .where(Organization.status == "verified", *matchable_needs_filter(today))
        .order_by(Need.id)
    )
    none: frozenset[str] = frozenset()
    return {
        need_id: NeedRow(need_id, org_id, item_id, sku, int(qty), int(allocated),
                         int(qty - allocated), int(tier), cap, lat, lon,
                         subs.get(item_id, none) if accepts else none)
        for need_id, org_id, item_id, sku, qty, allocated, tier, cap, lat, lon, accepts
        in db.session.execute(stmt).tuples()
    }


def _load_caps() -> dict[tuple[Hashable, str], int]:
    stmt = sa.select(Quota.organization_id, Item.sku, Quota.max_units).join(
        Item, Item.id == Quota.item_id
    )
    return {(org, sku): int(units) for org, sku, units in db.session.execute(stmt)}


def _load_exclusions() -> frozenset[tuple[int, int]]:
    stmt = sa.select(MatchConstraint.lot_id, MatchConstraint.need_id).where(
        MatchConstraint.kind == "exclude"
    )
    return frozenset((lot, need) for lot, need in db.session.execute(stmt))


def usable_pins(
    lots: dict[int, LotRow],
    needs: dict[int, NeedRow],
    caps: Mapping[tuple[Hashable, str], int],
    excluded: frozenset[tuple[Hashable, Hashable]],
    max_distance_km: float | None,
) -> list[solver.Flow]:
    """Keep the pins the solver can honour, each clipped to the stock, need and cap left."""
    stmt = sa.select(MatchConstraint.lot_id, MatchConstraint.need_id, MatchConstraint.quantity)
    stmt = stmt.where(MatchConstraint.kind == "pin").order_by(MatchConstraint.id)
    lot_left = {k: v.available for k, v in lots.items()}
    need_left = {k: v.outstanding for k, v in needs.items()}
    cap_left = dict(caps)
    flows = []
    for lot_id, need_id, quantity in db.session.execute(stmt):
        lot, need = lots.get(lot_id), needs.get(need_id)
        if lot is None or need is None or not _lawful(lot, need, excluded, max_distance_km):
            continue
        key = (need.organization_id, need.sku)
        qty = min(int(quantity or 0), lot_left[lot_id], need_left[need_id],
                  cap_left.get(key, need_left[need_id]))
        if qty <= 0:
            continue
        lot_left[lot_id] -= qty
        need_left[need_id] -= qty
        if key in cap_left:
            cap_left[key] -= qty
        flows.append(solver.Flow(lot_id, need_id, qty))
    return flows


def _lawful(lot: LotRow, need: NeedRow, excluded: frozenset, max_distance_km: float | None) -> bool:
    if lot.sku != need.sku and lot.sku not in need.substitutes:
        return False
    price = lot.unit_price or Decimal(0)
    if need.max_unit_price is not None and price > need.max_unit_price:
        return False
    if (lot.id, need.id) in excluded:
        return False
    far = distance_km(lot.lat, lot.lon, need.lat, need.lon)
    return max_distance_km is None or far <= max_distance_km


def _load_templates() -> list[solver.PackTemplate]:
    stmt = (
        sa.select(GiftPackTemplate.id, Item.sku, TemplateContent.quantity)
        .join(TemplateContent, TemplateContent.template_id == GiftPackTemplate.id)
        .join(Item, Item.id == TemplateContent.item_id)
        .where(GiftPackTemplate.active.is_(True), TemplateContent.quantity > 0)
        .order_by(GiftPackTemplate.id)
    )
    contents: dict[int, dict[str, int]] = {}
    for template_id, sku, qty in db.session.execute(stmt):
        contents.setdefault(template_id, {})[sku] = int(qty)
    return [solver.PackTemplate(id=tid, contents=c) for tid, c in contents.items()]


def _load_applicants(
    needs: dict[int, NeedRow], now: datetime
) -> tuple[list[solver.Applicant], dict[int, int]]:
    shortage: dict[int, int] = defaultdict(int)
    for need in needs.values():
        shortage[need.organization_id] += need.outstanding
    taken = sa.select(GiftPack.id).where(
        GiftPack.application_id == GiftPackApplication.id,
        GiftPack.status.in_(PackStatus.ALLOCATED),
    )
    stmt = (
        sa.select(GiftPackApplication.id, GiftPackApplication.organization_id,
                  GiftPackApplication.created_at, Organization.tier, Organization.headcount,
                  Organization.latitude, Organization.longitude)
        .join(Organization, Organization.id == GiftPackApplication.organization_id)
        .where(GiftPackApplication.status == "waiting", Organization.status == "verified",
               ~sa.exists(taken))
        .order_by(GiftPackApplication.id)
    )
    applicants, orgs = [], {}
    for r in db.session.execute(stmt):
        created = r.created_at or now
        applicants.append(solver.Applicant(
            id=r.id, company=r.organization_id, tier=int(r.tier), headcount=max(1, r.headcount),
            shortage=shortage.get(r.organization_id, 0),
            waiting_days=max(0.0, (now - created).total_seconds() / 86400),
            lat=r.latitude, lon=r.longitude,
        ))
        orgs[r.id] = r.organization_id
    return applicants, orgs
