"""Needs services that other areas call: expiry, status recomputation, suggestion."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from market.audit.models import AuditEntry
from market.extensions import db
from market.needs.services import expire_stale_needs, recompute_need_status, suggest_quantity


def test_expire_stale_needs_only_touches_live_needs_past_their_date(people, make_need):
    org = people["buyer_org"]
    past = date.today() - timedelta(days=1)
    stale = make_need(org, needed_by=past)
    partly = make_need(org, needed_by=past, allocated=10, status="partially_allocated")
    fresh = make_need(org, needed_by=date.today())
    done = make_need(org, needed_by=past, allocated=100, status="allocated")
    assert expire_stale_needs(date.today()) == 2
    db.session.expire_all()
    assert [n.status for n in (stale, partly, fresh, done)] == [
        "expired", "expired", "open", "allocated"]
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "need.expire"))
    expected = {(stale.id, "system"), (partly.id, "system")}
    assert {(e.entity_id, e.actor) for e in entries} == expected
    assert expire_stale_needs(date.today()) == 0


@pytest.mark.parametrize(("start", "allocated", "received", "expected"), [
    ("open", 0, 0, "open"), ("open", 40, 0, "partially_allocated"),
    ("partially_allocated", 100, 0, "allocated"), ("allocated", 100, 100, "fulfilled"),
    ("allocated", 60, 0, "partially_allocated"), ("cancelled", 0, 0, "cancelled"),
    ("expired", 40, 0, "expired"), ("expired", 100, 0, "allocated"),
])
def test_recompute_need_status(people, make_need, start, allocated, received, expected):
    need = make_need(people["buyer_org"], quantity=100, status=start)
    need.allocated, need.received = allocated, received
    assert recompute_need_status(need) == expected
    assert need.status == expected


def test_suggest_quantity_rounds_up(catalog):
    assert suggest_quantity(catalog["MASK-SURGICAL"], 50, 7) == 700
    assert suggest_quantity(catalog["THERMOMETER-IR"], 30, 1) == 1  # 0.3 → 1
