"""Build the demo district in one transaction with bulk inserts (fast even at city scale)."""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from market.accounts.models import Organization, User
from market.catalog.models import Item
from market.catalog.seed import seed_catalog
from market.common.transaction import unit_of_work
from market.common.types import utcnow
from market.demo import people, stock
from market.extensions import db
from market.giftpacks.models import GiftPackApplication, GiftPackTemplate, TemplateContent
from market.lots.models import Lot
from market.needs.models import Need

PASSWORD = "demo-password"  # noqa: S105 - the published password of the demo accounts
DOMAIN = "demo.local"
COORDINATOR = f"coordinator@{DOMAIN}"
ADMIN = f"admin@{DOMAIN}"
PACK_NAME = "Reopening pack: 500 surgical masks + 5 L 75% alcohol"
PACK_CONTENTS = (("MASK-SURGICAL", 500), ("DISINFECTANT-ALCOHOL-75", 5))
CHUNK = 5000


def any_organization() -> bool:
    """Whether the database holds any company yet."""
    return db.session.scalar(sa.select(Organization.id).limit(1)) is not None


def demo_loaded() -> bool:
    """Whether the demo accounts exist already."""
    return db.session.scalar(sa.select(User.id).where(User.email == COORDINATOR)) is not None


def bulk_insert(model: Any, rows: list[dict[str, Any]]) -> None:
    """Insert many rows with executemany, in chunks to bound memory and statement size."""
    # Core insert on the session's connection: same transaction, no per-row ORM bookkeeping.
    table = model.__table__
    for start in range(0, len(rows), CHUNK):
        db.session.execute(table.insert(), rows[start:start + CHUNK])


def _insert_companies(rows: list[dict[str, Any]]) -> None:
    """Insert the companies and write their new ids back into `rows` (matched by credit code)."""
    bulk_insert(Organization, rows)
    ids: dict[str, int] = dict(
        db.session.execute(
            sa.select(Organization.credit_code, Organization.id)
            .where(Organization.credit_code.like(f"{people.CODE_PREFIX}%"))
        ).tuples().all()
    )
    for row in rows:
        row["id"] = ids[row["credit_code"]]


def _insert_users(suppliers: list[dict], buyers: list[dict], now: Any) -> None:
    """One login per company plus the coordinator and the admin, all with one password hash."""
    password_hash = generate_password_hash(PASSWORD)  # hashed once: hashing is slow on purpose

    def user(email: str, role: str, org_id: int | None) -> dict[str, Any]:
        return {"email": email, "password_hash": password_hash, "role": role,
                "organization_id": org_id, "active": True, "created_at": now}

    rows = [user(COORDINATOR, "coordinator", None), user(ADMIN, "admin", None)]
    rows += [user(f"supplier{i}@{DOMAIN}", "company", s["id"]) for i, s in enumerate(suppliers, 1)]
    rows += [user(f"buyer{i}@{DOMAIN}", "company", b["id"]) for i, b in enumerate(buyers, 1)]
    bulk_insert(User, rows)


def _insert_gift_packs(rng: random.Random, buyers: list[dict], scale: people.Scale,
                       now: Any) -> None:
    """The reopening-pack template and a few waiting applications."""
    template = db.session.scalar(
        sa.select(GiftPackTemplate).where(GiftPackTemplate.name == PACK_NAME)
    )
    if template is None:
        items = {i.sku: i for i in db.session.scalars(sa.select(Item))}
        template = GiftPackTemplate(name=PACK_NAME, active=True, created_at=now)
        template.contents = [TemplateContent(item_id=items[sku].id, quantity=q)
                             for sku, q in PACK_CONTENTS]
        db.session.add(template)
    bulk_insert(GiftPackApplication, stock.application_rows(rng, buyers, scale.applications, now))


def seed_demo(scale_name: str = "district", seed: int = 2020) -> dict[str, int]:
    """Build a demo district of the given scale; returns how many rows of each kind it wrote."""
    seed_catalog()
    scale = people.SCALES[scale_name]
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    now = utcnow()
    geo = people.Geography(rng, scale.clusters, scale.spread_km)
    items = {i.sku: i for i in db.session.scalars(sa.select(Item))}
    with unit_of_work():
        suppliers = people.supplier_rows(rng, geo, scale, now)
        buyers = people.buyer_rows(rng, geo, scale, now)
        _insert_companies(suppliers + buyers)
        _insert_users(suppliers, buyers, now)
        verified = [b for b in buyers if b["status"] == "verified"]
        # companies that both supply and buy post needs too
        askers = verified + [s for s in suppliers if s["is_buyer"]]
        needs = stock.need_rows(rng, askers, items, scale.needs, now)
        bulk_insert(Need, needs)
        demand: dict[int, int] = defaultdict(int)
        for row in needs:
            demand[row["item_id"]] += row["quantity"]
        lots = stock.lot_rows(rng, suppliers, items, scale.lots, demand, now)
        bulk_insert(Lot, lots)
        _insert_gift_packs(rng, verified, scale, now)
    if db.engine.dialect.name == "postgresql":
        # Fresh statistics after a bulk load, or the planner guesses "6 companies" and loops.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("ANALYZE"))
    return {
        "suppliers": len(suppliers), "buyers": len(buyers),
        "pending": sum(1 for b in buyers if b["status"] == "pending"),
        "needs": len(needs), "lots": len(lots),
        "donation_lots": sum(1 for lot in lots if lot["kind"] == "donation"),
        "applications": min(scale.applications, len(verified)),
    }
