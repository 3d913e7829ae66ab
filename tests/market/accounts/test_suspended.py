"""Suspended companies cannot act: every write answers 403 naming the status, reads and
receipt of goods already shipped to them still work."""

from __future__ import annotations

import io
from typing import Any

import pytest
import sqlalchemy as sa

from market.allocations import services as allocations
from market.audit.models import AuditEntry
from market.extensions import db
from tests.factories import (
    AllocationFactory,
    GiftPackApplicationFactory,
    GiftPackFactory,
    MatchRunFactory,
)

CSV = "item,quantity,kind,unit_price,latitude,longitude,address,available_until\n" \
      "MASK-SURGICAL,10,sale,1.00,,,,\n"


@pytest.fixture
def suspended(people, make_org, make_user, make_lot, make_need, catalog) -> dict[str, Any]:
    """Company S (supplier and buyer) with lots, needs, lines and packs, then suspended.

    `to_ship` is S's approved line to partner P; `incoming` is P's line shipped to S;
    `pack_out` is an approved pack from S's donation; `pack_in` a pack shipped to S.
    """
    org = make_org(name="Suspended Co")
    user = make_user(org)
    partner = make_org(name="Partner Co")
    partner_user = make_user(partner)
    coordinator = people["coordinator"]
    lot, need = make_lot(org, quantity=100), make_need(org, quantity=50)
    partner_lot, partner_need = make_lot(partner, quantity=100), make_need(partner, quantity=50)
    run = MatchRunFactory()
    to_ship = AllocationFactory(run=run, lot=lot, need=partner_need, quantity=10)
    incoming = AllocationFactory(run=run, lot=partner_lot, need=need, quantity=10)
    allocations.approve(coordinator, to_ship.id)
    allocations.approve(coordinator, incoming.id)
    allocations.ship(partner_user, incoming.id)
    donation = make_lot(org, quantity=20, kind="donation", reserved=5)
    partner_donation = make_lot(partner, quantity=20, kind="donation", reserved=5, shipped=5)
    pack_out = GiftPackFactory(run=run, organization=partner, lines=[(donation, 5)],
                               status="approved")
    pack_in = GiftPackFactory(run=run, organization=org, lines=[(partner_donation, 5)],
                              status="shipped")
    waiting = GiftPackApplicationFactory(organization=org)
    expired = make_need(org, quantity=5, status="expired")
    org.status = "suspended"
    db.session.commit()
    return {"org": org, "user": user, "lot": lot, "need": need, "to_ship": to_ship,
            "incoming": incoming, "pack_out": pack_out, "pack_in": pack_in,
            "application": waiting, "expired": expired}


WRITES = [
    ("post", "/api/v1/lots", {"json": {"item": "MASK-SURGICAL", "quantity": 5, "kind": "sale",
                                       "unit_price": "1.00"}}),
    ("patch", "/api/v1/lots/{lot}", {"json": {"quantity": 90}}),
    ("patch", "/api/v1/lots/{lot}", {"json": {"status": "paused"}}),
    ("delete", "/api/v1/lots/{lot}", {}),
    ("post", "/api/v1/lots/import", {"csv": True}),
    ("post", "/api/v1/needs", {"json": {"item": "MASK-SURGICAL", "quantity": 5,
                                        "accept_substitutes": False}}),
    ("patch", "/api/v1/needs/{need}", {"json": {"quantity": 60}}),
    ("delete", "/api/v1/needs/{need}", {}),
    ("post", "/api/v1/needs/{expired}/renew", {"json": {"needed_by": "2099-01-01"}}),
    ("post", "/api/v1/allocations/{to_ship}/ship", {}),
    ("post", "/api/v1/gift-pack-applications", {"json": {"reason": "please"}}),
    ("delete", "/api/v1/gift-pack-applications/{application}", {}),
    ("post", "/api/v1/gift-packs/{pack_out}/ship", {}),
    ("patch", "/api/v1/organizations/{org}", {"json": {"phone": "13900000000"}}),
    ("patch", "/api/v1/organizations/{org}", {"json": {"sector": "medical"}}),
]


def _path(template: str, world: dict[str, Any]) -> str:
    return template.format(**{k: getattr(v, "id", None) for k, v in world.items()})


def _audit_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))


@pytest.mark.parametrize(("method", "path", "kw"), WRITES,
                         ids=[f"{m} {p} {sorted(k.get('json', k))}" for m, p, k in WRITES])
def test_every_write_of_a_suspended_company_is_403(
    client, token_for, suspended, method, path, kw
):
    headers = token_for(suspended["user"])
    before = _audit_count()
    options: dict[str, Any] = {"headers": headers}
    if kw.get("csv"):
        options["data"] = {"file": (io.BytesIO(CSV.encode()), "lots.csv")}
        options["content_type"] = "multipart/form-data"
    elif "json" in kw:
        options["json"] = kw["json"]
    response = getattr(client, method)(_path(path, suspended), **options)
    assert response.status_code == 403, response.json
    assert "suspended" in response.json["message"]
    assert _audit_count() == before
    db.session.expire_all()
    org = suspended["org"]
    assert (org.phone, org.pending_change, org.status) == ("13800000000", None, "suspended")
    assert (suspended["lot"].quantity, suspended["lot"].status) == (100, "active")
    assert (suspended["need"].quantity, suspended["need"].status) == (50, "partially_allocated")
    assert suspended["to_ship"].status == "approved"
    assert suspended["application"].status == "waiting"
    assert suspended["pack_out"].status == "approved"


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [("post", "/company", {"name": "X", "sector": "trade", "headcount": "50", "address": "a",
                           "latitude": "31", "longitude": "121", "phone": "13800000000"}),
     ("post", "/lots/{lot}/withdraw", {}), ("post", "/lots/{lot}/pause", {}),
     ("post", "/allocations/{to_ship}/ship", {}), ("get", "/lots/new", None),
     ("get", "/needs/new", None)],
)
def test_the_pages_refuse_a_suspended_company_too(client, login, suspended, method, path, data):
    login(suspended["user"])
    response = getattr(client, method)(_path(path, suspended), data=data)
    assert response.status_code == 403
    assert "suspended" in response.get_data(as_text=True)
    db.session.expire_all()
    assert suspended["lot"].status == "active"
    assert suspended["to_ship"].status == "approved"


def test_a_suspended_company_still_reads_its_own_data(client, token_for, suspended):
    headers = token_for(suspended["user"])
    for path in ("/api/v1/me", "/api/v1/lots", "/api/v1/needs", "/api/v1/allocations",
                 "/api/v1/gift-pack-applications", f"/api/v1/organizations/{suspended['org'].id}",
                 f"/api/v1/lots/{suspended['lot'].id}", "/api/v1/lots.csv", "/api/v1/needs.csv"):
        assert client.get(path, headers=headers).status_code == 200, path


def test_a_suspended_company_confirms_goods_already_shipped_to_it(client, token_for, suspended):
    headers = token_for(suspended["user"])
    line = suspended["incoming"]
    received = client.post(f"/api/v1/allocations/{line.id}/receive", json={}, headers=headers)
    assert received.status_code == 200, received.json
    assert received.json["status"] == "received"
    pack = suspended["pack_in"]
    short = client.post(f"/api/v1/gift-packs/{pack.id}/receive",
                        json={"quantity": 3, "note": "two boxes missing"}, headers=headers)
    assert short.status_code == 200, short.json
    assert short.json["status"] == "disputed"


def test_reinstated_company_acts_again(client, token_for, people, suspended):
    org = suspended["org"]
    reinstated = client.patch(f"/api/v1/organizations/{org.id}", json={"status": "verified"},
                              headers=token_for(people["coordinator"]))
    assert reinstated.status_code == 200
    response = client.patch(f"/api/v1/lots/{suspended['lot'].id}", json={"quantity": 90},
                            headers=token_for(suspended["user"]))
    assert response.status_code == 200
