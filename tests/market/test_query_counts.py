"""No N+1 queries: every list page and JSON list sends as many statements for 200 rows as for 20.

Each step of the market adds rows whose related records all differ (a company, an item, a
user per row), so a relationship loaded lazily per row shows up as a growing count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from itertools import count
from typing import Any

import pytest
import sqlalchemy as sa

from market.common.types import utcnow
from market.extensions import db

SMALL, LARGE = 20, 200


@contextmanager
def counting_queries() -> Iterator[list[str]]:
    """Collect the SQL statements sent to the database inside the block."""
    statements: list[str] = []

    def collect(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", collect)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", collect)


def _insert(model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Bulk insert `rows` and return their ids in order."""
    stmt = sa.insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.session.scalars(stmt, rows))


class Market:
    """Grows a market step by step: `add(n)` adds n rows of every listed kind."""

    def __init__(self, people: dict[str, Any]) -> None:
        self.serial = count(1)
        self.supplier_id = people["supplier_a_org"].id
        self.buyer_id = people["buyer_org"].id
        self.coordinator_id = people["coordinator"].id
        self.run_id = self._run(dry_run=False)  # the run whose lines the review pages show
        db.session.commit()

    def _run(self, dry_run: bool, started_by_id: int | None = None) -> int:
        from market.matching.models import MatchRun

        return _insert(MatchRun, [{
            "trigger": "manual", "status": "completed", "dry_run": dry_run,
            "started_at": utcnow(), "finished_at": utcnow(), "started_by_id": started_by_id,
            "policy": {}, "changes": {},
            "stats": {"fill_rate": 0.5, "lowest_fill_rate": 0.1, "proposals": 1,
                      "unmet_by_reason": {"no_stock": 1}},
        }])[0]

    def add(self, n: int) -> None:
        """Add n companies, filings, items, users, lots, needs, lines, packs, log rows."""
        from market.accounts.models import Organization, User
        from market.catalog.models import Item, item_substitutes

        keys = [next(self.serial) for _ in range(n)]
        orgs = _insert(Organization, [_org(k, "verified") for k in keys])
        _insert(Organization, [_org(10**6 + k, "pending") for k in keys])  # filings
        items = _insert(Item, [{
            "sku": f"TEST-{k}", "name": f"Test item {k}", "category": "masks", "unit": "piece",
            "daily_use_per_person": Decimal("0"),
        } for k in keys])
        db.session.execute(sa.insert(item_substitutes), [
            {"item_id": items[i], "substitute_id": items[i - 1]} for i in range(n)])
        users = _insert(User, [{
            "email": f"coordinator{k}@example.com", "password_hash": "x", "role": "coordinator",
            "active": True, "created_at": utcnow(),
        } for k in keys])
        rows = [
            {"org": o, "item": i, "user": u} for o, i, u in zip(orgs, items, users, strict=True)
        ]
        self._stock(rows)
        self._packs(rows)
        self._history(rows)
        db.session.commit()

    def _stock(self, rows: list[dict[str, Any]]) -> None:
        """Lots and needs of each new company, of supplier A and of the buyer, and lines."""
        from market.lots.models import Lot
        from market.matching.models import Allocation
        from market.needs.models import Need

        now = utcnow()

        def lot(org: int, r: dict[str, Any], kind: str = "sale") -> dict[str, Any]:
            return {"organization_id": org, "item_id": r["item"], "kind": kind,
                    "quantity": 1000, "reserved": 0, "shipped": 0,
                    "unit_price": None if kind == "donation" else Decimal("1.00"),
                    "latitude": 31.2, "longitude": 121.4, "status": "active",
                    "entered_by_id": r["user"], "created_at": now, "updated_at": now}

        def need(org: int, r: dict[str, Any]) -> dict[str, Any]:
            return {"organization_id": org, "item_id": r["item"], "quantity": 100,
                    "allocated": 0, "received": 0, "latitude": 31.2, "longitude": 121.4,
                    "status": "open", "entered_by_id": r["user"], "created_at": now,
                    "updated_at": now}

        their_lots = _insert(Lot, [lot(r["org"], r) for r in rows])
        our_lots = _insert(Lot, [lot(self.supplier_id, r) for r in rows])
        their_needs = _insert(Need, [need(r["org"], r) for r in rows])
        buyer_needs = _insert(Need, [need(self.buyer_id, r) for r in rows])
        for r, theirs in zip(rows, _insert(Lot, [lot(r["org"], r, "donation") for r in rows]),
                             strict=True):
            r["donated_lot"] = theirs

        def line(lot_id, need_id, supplier, buyer, r, status):
            return {"run_id": self.run_id, "lot_id": lot_id, "need_id": need_id,
                    "item_id": r["item"], "supplier_id": supplier, "buyer_id": buyer,
                    "quantity": 10, "unit_price": Decimal("1.00"), "distance_km": 1.0,
                    "tier": 1 + r["item"] % 4, "fill_rate": 0.1, "reasons": ["cheapest"],
                    "status": status, "decided_by_id": r["user"], "decided_at": now,
                    "created_at": now}

        lines = []
        for i, r in enumerate(rows):
            # Supplier A ships to a different company each line; the buyer gets from one.
            lines.append(line(our_lots[i], their_needs[i], self.supplier_id, r["org"], r,
                              "approved"))
            lines.append(line(their_lots[i], buyer_needs[i], r["org"], self.buyer_id, r,
                              "shipped"))
        _insert(Allocation, lines)

    def _packs(self, rows: list[dict[str, Any]]) -> None:
        """A template per item, and a pack for the buyer filled from each company's donation."""
        from market.giftpacks.models import (
            GiftPack,
            GiftPackApplication,
            GiftPackComponent,
            GiftPackTemplate,
            TemplateContent,
        )

        now = utcnow()
        templates = _insert(GiftPackTemplate, [
            {"name": f"Pack {r['item']}", "active": True, "created_at": now} for r in rows])
        db.session.execute(sa.insert(TemplateContent), [
            {"template_id": t, "item_id": r["item"], "quantity": 5}
            for t, r in zip(templates, rows, strict=True)])
        applications = _insert(GiftPackApplication, [
            {"organization_id": org, "status": "assigned", "entered_by_id": r["user"],
             "created_at": now}
            for r in rows for org in (r["org"], self.buyer_id)])
        packs = _insert(GiftPack, [
            {"run_id": self.run_id, "template_id": t, "application_id": applications[2 * i + 1],
             "organization_id": self.buyer_id, "status": "approved", "created_at": now,
             "decided_by_id": rows[i]["user"], "decided_at": now}
            for i, t in enumerate(templates)])
        db.session.execute(sa.insert(GiftPackComponent), [
            {"pack_id": p, "lot_id": r["donated_lot"], "item_id": r["item"], "quantity": 5}
            for p, r in zip(packs, rows, strict=True)])

    def _history(self, rows: list[dict[str, Any]]) -> None:
        """Dry runs (so the latest real run stays the reviewed one), log rows, messages."""
        from market.audit.models import AuditEntry
        from market.matching.models import MatchRun
        from market.notifications.models import Notification

        now = utcnow()
        _insert(MatchRun, [{
            "trigger": "schedule", "status": "completed", "dry_run": True, "started_at": now,
            "finished_at": now, "started_by_id": r["user"], "policy": {}, "changes": {},
            "stats": {"fill_rate": 0.5, "unmet_by_reason": {"no_stock": 1}}} for r in rows])
        _insert(AuditEntry, [{
            "at": now, "actor_id": r["user"], "actor": f"user{r['user']}@example.com",
            "action": "lot.create", "entity": "lot", "entity_id": r["donated_lot"],
            "before": None, "after": {"quantity": 1}} for r in rows])
        _insert(Notification, [{
            "user_id": self.coordinator_id, "channel": "email", "subject": f"Line {r['item']}",
            "body": "Approved.", "status": "sent", "created_at": now} for r in rows])


def _org(key: int, status: str) -> dict[str, Any]:
    now = utcnow()
    return {
        "name": f"Bulk company {key}", "credit_code": f"B{key:017d}", "is_supplier": True,
        "is_buyer": True, "sector": "trade", "tier": 3, "tier_overridden": False,
        "headcount": 10, "address": f"{key} Bulk Road", "latitude": 31.2, "longitude": 121.4,
        "phone": "13800000000", "status": status, "created_at": now, "updated_at": now,
    }


# (who, path): pages at their largest page size (some are capped at 50 or 100 rows, still
# enough to show growth), API lists with per_page=500.
CASES = [
    ("supplier_a", "/lots/?per_page=500"),
    ("coordinator", "/lots/?per_page=500"),
    ("buyer", "/needs/?per_page=100"),
    ("coordinator", "/needs/?per_page=100"),
    ("coordinator", "/allocations/proposals?per_page=500"),
    ("supplier_a", "/allocations/mine?per_page=500"),
    ("buyer", "/allocations/mine?per_page=500"),
    ("coordinator", "/filings?per_page=500"),
    ("coordinator", "/organizations?per_page=500"),
    ("coordinator", "/gift-packs/?per_page=50"),
    ("buyer", "/gift-packs/?per_page=50"),
    ("coordinator", "/audit?per_page=500"),
    ("coordinator", "/notifications"),
    ("coordinator", "/matching/"),
    ("coordinator", "/matching/runs/{run_id}"),
    ("coordinator", "/catalog/?per_page=500"),
    ("coordinator", "/reports/"),
    ("coordinator", "/api/v1/lots?per_page=500"),
    ("supplier_a", "/api/v1/lots?per_page=500"),
    ("coordinator", "/api/v1/needs?per_page=500"),
    ("buyer", "/api/v1/needs?per_page=500"),
    ("coordinator", "/api/v1/allocations?per_page=500"),
    ("supplier_a", "/api/v1/allocations?per_page=500"),
    ("coordinator", "/api/v1/organizations?per_page=500"),
    ("coordinator", "/api/v1/gift-packs?per_page=500"),
    ("buyer", "/api/v1/gift-packs?per_page=500"),
    ("coordinator", "/api/v1/audit?per_page=500"),
    ("coordinator", "/api/v1/match-runs?per_page=500"),
    ("coordinator", "/api/v1/items?per_page=500"),
    ("coordinator", "/api/v1/gift-pack-templates?per_page=500"),
    ("coordinator", "/api/v1/gift-pack-applications?per_page=500"),
    ("buyer", "/api/v1/gift-pack-applications?per_page=500"),
    ("coordinator", "/api/v1/notifications?per_page=500"),
    # CSV exports read in batches of 500; these stay within one batch at 200 rows.
    ("supplier_a", "/api/v1/lots.csv"),
    ("coordinator", "/api/v1/needs.csv"),
    ("coordinator", "/api/v1/allocations.csv"),
]


def statements_for(client, path: str) -> list[str]:
    """The statements one request sends, starting from an empty session as a real one does."""
    db.session.remove()
    with counting_queries() as statements:
        response = client.get(path)
        response.get_data()  # a streamed CSV reads its rows only now
    assert response.status_code == 200, (path, response.status_code, response.data[:300])
    db.session.remove()
    return statements


@pytest.mark.parametrize(("who", "path"), CASES, ids=[f"{w}:{p}" for w, p in CASES])
def test_statement_count_does_not_grow_with_rows(client, login, people, catalog, who, path):
    login(people[who])
    market = Market(people)
    path = path.format(run_id=market.run_id)
    market.add(SMALL)
    statements_for(client, path)  # warm up: first-request work is not per row
    small = statements_for(client, path)
    market.add(LARGE - SMALL)
    large = statements_for(client, path)
    grown = Counter(large) - Counter(small)
    repeated = "\n".join(f"{n}x {s[:400]}" for s, n in grown.most_common(3))
    n_small, n_large = len(small), len(large)
    assert n_small == n_large, f"{SMALL} rows: {n_small}, {LARGE} rows: {n_large}; {repeated}"
