"""A cheap fingerprint of what a what-if comparison reads: open needs, lots, caps, pins.

One aggregate query instead of reading the market: counts, id and quantity sums
and the latest change times of the rows `adapter.load_market` would read (the
same filters), plus the caps, exclusions, pins and substitutes. Any change a
comparison could see changes the fingerprint, so a study keyed on it is stale
exactly when the market moved.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa

from market.accounts.models import Organization
from market.catalog.models import item_substitutes
from market.common.display import district_today
from market.common.types import utcnow
from market.extensions import db
from market.lots.models import Lot
from market.matching.adapter import matchable_lots_filter, matchable_needs_filter
from market.matching.models import MatchConstraint, Quota
from market.needs.models import Need


@dataclass(frozen=True)
class Snapshot:
    """How many open needs and lots the comparison will see, and a digest of everything."""

    needs: int
    lots: int
    digest: str


def _needs_part() -> sa.Subquery:
    return (
        sa.select(sa.func.count().label("n"), sa.func.coalesce(sa.func.sum(Need.id), 0),
                  sa.func.coalesce(sa.func.sum(Need.quantity - Need.allocated), 0),
                  sa.func.max(Need.updated_at), sa.func.max(Organization.updated_at))
        .join(Organization, Organization.id == Need.organization_id)
        .where(Organization.status == "verified", *matchable_needs_filter(district_today()))
        .subquery()
    )


def _lots_part() -> sa.Subquery:
    return (
        sa.select(sa.func.count().label("n"), sa.func.coalesce(sa.func.sum(Lot.id), 0),
                  sa.func.coalesce(sa.func.sum(Lot.quantity - Lot.reserved), 0),
                  sa.func.max(Lot.updated_at), sa.func.max(Organization.updated_at))
        .join(Organization, Organization.id == Lot.organization_id)
        .where(Lot.kind != "donation", Organization.status == "verified",
               *matchable_lots_filter(utcnow()))
        .subquery()
    )


def _rules_parts() -> list[sa.Subquery]:
    quotas = sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Quota.id), 0),
                       sa.func.coalesce(sa.func.sum(Quota.max_units), 0))
    constraints = sa.select(
        sa.func.count(), sa.func.coalesce(sa.func.sum(MatchConstraint.id), 0),
        sa.func.coalesce(sa.func.sum(sa.func.coalesce(MatchConstraint.quantity, 0)), 0))
    subs = sa.select(sa.func.count()).select_from(item_substitutes)
    return [quotas.subquery(), constraints.subquery(), subs.subquery()]


def snapshot() -> Snapshot:
    """Return the fingerprint of the current market (one query)."""
    needs, lots = _needs_part(), _lots_part()
    parts = [needs, lots, *_rules_parts()]
    stmt = sa.select(*[col for part in parts for col in part.c])
    for part in parts[1:]:
        stmt = stmt.join_from(parts[0], part, sa.true())
    row = db.session.execute(stmt).one()
    digest = hashlib.sha256(repr(tuple(str(v) for v in row)).encode()).hexdigest()
    return Snapshot(needs=int(row[0]), lots=int(row[5]), digest=digest)
