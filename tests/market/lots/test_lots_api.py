"""The stock-lot API: listing, validation, changes, withdrawal, hotline intake, visibility."""

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from market.audit.models import AuditEntry
from market.common.types import utcnow
from market.extensions import db
from market.lots.models import Lot

SALE = {"item": "MASK-SURGICAL", "quantity": 500, "kind": "sale", "unit_price": "2.50"}


def test_supplier_lists_a_sale_lot_at_its_company_location(client, people, catalog, as_user):
    org = people["supplier_a_org"]
    response = client.post("/api/v1/lots", json=SALE, headers=as_user(people["supplier_a"]))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["item"] == "MASK-SURGICAL"
    assert (body["quantity"], body["reserved"], body["available"]) == (500, 0, 500)
    assert body["unit_price"] == "2.50"
    assert body["status"] == "active"
    assert (body["latitude"], body["longitude"], body["address"]) == (
        org.latitude, org.longitude, org.address,
    )
    assert body["organization"] == {"id": org.id, "name": "Supplier A"}
    assert body["entered_by"] is None
    lot = db.session.get(Lot, body["id"])
    assert (lot.organization_id, lot.quantity) == (org.id, 500)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "lot.create"))
    assert (entry.entity_id, entry.after["quantity"]) == (lot.id, 500)


def test_donation_with_own_location_and_deadline(client, people, catalog, as_user):
    until = (utcnow() + timedelta(days=10)).isoformat()
    body = {
        "item": "GLOVES-NITRILE", "quantity": 40, "kind": "donation", "latitude": 31.3,
        "longitude": 121.5, "address": "Warehouse 7", "available_until": until,
    }
    response = client.post("/api/v1/lots", json=body, headers=as_user(people["supplier_a"]))
    assert response.status_code == 201, response.json
    assert response.json["unit_price"] is None
    assert response.json["address"] == "Warehouse 7"
    assert response.json["latitude"] == 31.3
    assert response.json["available_until"].endswith("+00:00")


def test_price_accepts_a_number(client, people, catalog, as_user):
    body = dict(SALE, unit_price=3)
    response = client.post("/api/v1/lots", json=body, headers=as_user(people["supplier_a"]))
    assert response.json["unit_price"] == "3.00"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": None}, "quantity"),
        ({"quantity": "100"}, "quantity"),
        ({"quantity": 1.5}, "quantity"),
        ({"quantity": True}, "quantity"),
        ({"quantity": -5}, "quantity"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": 10**9 + 1}, "quantity"),
        ({"item": "MASK-FFP9"}, "item"),
        ({"item": 7}, "item"),
        ({"kind": "loan"}, "kind"),
        ({"unit_price": "-1"}, "unit_price"),
        ({"unit_price": "cheap"}, "unit_price"),
        ({"unit_price": None}, "unit_price"),
        ({"kind": "donation"}, "unit_price"),
        ({"latitude": 95, "longitude": 121}, "latitude"),
        ({"latitude": 31.2}, "longitude"),
        ({"longitude": "east", "latitude": 31}, "longitude"),
        ({"address": "Somewhere else"}, "latitude"),
        ({"available_until": "2020-01-01T00:00:00+00:00"}, "available_until"),
        ({"available_until": "2999-01-01T00:00:00"}, "available_until"),
        ({"available_until": "next week"}, "available_until"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_lots_are_refused_with_the_field_named(
    client, people, catalog, as_user, lot_count, change, field
):
    body = {**SALE, **change}
    response = client.post("/api/v1/lots", json=body, headers=as_user(people["supplier_a"]))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json
    assert lot_count() == 0


@pytest.mark.parametrize("missing", ["item", "quantity", "kind"])
def test_missing_fields_are_named(client, people, catalog, as_user, lot_count, missing):
    body = {k: v for k, v in SALE.items() if k != missing}
    response = client.post("/api/v1/lots", json=body, headers=as_user(people["supplier_a"]))
    assert response.status_code == 422
    assert missing in response.json["errors"]
    assert lot_count() == 0


def test_sale_without_price_and_donation_with_price(client, people, catalog, as_user, lot_count):
    headers = as_user(people["supplier_a"])
    no_price = {k: v for k, v in SALE.items() if k != "unit_price"}
    response = client.post("/api/v1/lots", json=no_price, headers=headers)
    assert response.status_code == 422
    assert response.json["errors"]["unit_price"] == ["required for a sale lot"]
    priced_gift = dict(SALE, kind="donation")
    response = client.post("/api/v1/lots", json=priced_gift, headers=headers)
    assert response.status_code == 422
    assert "donation" in response.json["errors"]["unit_price"][0]
    assert lot_count() == 0


def test_values_are_named_in_messages(client, people, catalog, as_user):
    body = dict(SALE, quantity=-5, item="MASK-FFP9")
    response = client.post("/api/v1/lots", json=body, headers=as_user(people["supplier_a"]))
    assert "-5" in response.json["errors"]["quantity"][0]


def test_unknown_sku_is_named(client, people, catalog, as_user):
    body = dict(SALE, item="MASK-FFP9")
    response = client.post("/api/v1/lots", json=body, headers=as_user(people["supplier_a"]))
    assert response.status_code == 422
    assert "MASK-FFP9" in response.json["errors"]["item"][0]


def test_malformed_json_is_refused(client, people, catalog, as_user, lot_count):
    response = client.post(
        "/api/v1/lots", data='{"item": "MASK-', content_type="application/json",
        headers=as_user(people["supplier_a"]),
    )
    assert response.status_code == 422
    assert lot_count() == 0


@pytest.mark.parametrize("status", ["pending", "rejected", "suspended"])
def test_unverified_supplier_cannot_list(
    client, make_org, make_user, catalog, as_user, lot_count, status
):
    user = make_user(make_org(roles=("supplier",), status=status))
    response = client.post("/api/v1/lots", json=SALE, headers=as_user(user))
    assert response.status_code == 403
    assert lot_count() == 0


def test_hotline_intake_records_who_entered_it(client, people, catalog, as_user):
    org = people["supplier_b_org"]
    body = dict(SALE, organization_id=org.id)
    response = client.post("/api/v1/lots", json=body, headers=as_user(people["coordinator"]))
    assert response.status_code == 201, response.json
    assert response.json["organization"]["id"] == org.id
    coordinator = people["coordinator"]
    assert response.json["entered_by"] == {"id": coordinator.id, "email": coordinator.email}
    assert db.session.get(Lot, response.json["id"]).entered_by_id == people["coordinator"].id


def test_hotline_intake_needs_a_verified_supplier(client, people, catalog, as_user, lot_count):
    coordinator = as_user(people["coordinator"])
    response = client.post("/api/v1/lots", json=SALE, headers=coordinator)
    assert response.status_code == 422
    assert "organization_id" in response.json["errors"]
    buyer = dict(SALE, organization_id=people["buyer_org"].id)
    assert client.post("/api/v1/lots", json=buyer, headers=coordinator).status_code == 403
    missing = dict(SALE, organization_id=9999)
    assert client.post("/api/v1/lots", json=missing, headers=coordinator).status_code == 404
    assert lot_count() == 0


def test_supplier_cannot_list_for_another_company(client, people, catalog, as_user, lot_count):
    body = dict(SALE, organization_id=people["supplier_b_org"].id)
    response = client.post("/api/v1/lots", json=body, headers=as_user(people["supplier_a"]))
    assert response.status_code == 403
    assert lot_count() == 0


def test_list_shows_own_lots_only_with_filters(client, people, make_lot, as_user):
    a, b = people["supplier_a_org"], people["supplier_b_org"]
    mine = make_lot(a, quantity=10)
    make_lot(a, item="GLOVES-NITRILE", kind="donation", status="paused")
    theirs = make_lot(b, unit_price=7)
    headers = as_user(people["supplier_a"])
    listed = client.get("/api/v1/lots", headers=headers)
    assert listed.status_code == 200
    assert {lot["organization"]["id"] for lot in listed.json} == {a.id}
    assert len(listed.json) == 2
    assert theirs.id not in {lot["id"] for lot in listed.json}
    assert "7.00" not in listed.get_data(as_text=True)  # never another supplier's price
    by_item = client.get("/api/v1/lots?item=MASK-SURGICAL", headers=headers).json
    assert [lot["id"] for lot in by_item] == [mine.id]
    donations = client.get("/api/v1/lots?kind=donation", headers=headers).json
    assert [lot["kind"] for lot in donations] == ["donation"]
    paused = client.get("/api/v1/lots?status=paused", headers=headers).json
    assert [lot["status"] for lot in paused] == ["paused"]


def test_coordinator_sees_every_lot_and_can_filter_by_company(client, people, make_lot, as_user):
    make_lot(people["supplier_a_org"])
    b_lot = make_lot(people["supplier_b_org"])
    headers = as_user(people["coordinator"])
    assert len(client.get("/api/v1/lots", headers=headers).json) == 2
    only_b = client.get(
        f"/api/v1/lots?organization_id={people['supplier_b_org'].id}", headers=headers
    ).json
    assert [lot["id"] for lot in only_b] == [b_lot.id]


def test_list_is_paginated(client, people, make_lot, as_user):
    for _ in range(3):
        make_lot(people["supplier_a_org"])
    response = client.get("/api/v1/lots?per_page=2&page=2", headers=as_user(people["supplier_a"]))
    assert len(response.json) == 1
    assert json.loads(response.headers["X-Pagination"]) == {
        "total": 3, "total_pages": 2, "page": 2, "per_page": 2,
    }


@pytest.mark.parametrize("query", ["status=sold", "kind=loan", "per_page=501", "page=0"])
def test_bad_filters_are_refused(client, people, as_user, query):
    response = client.get(f"/api/v1/lots?{query}", headers=as_user(people["supplier_a"]))
    assert response.status_code == 422
    assert query.split("=")[0] in response.json["errors"]


def test_raise_and_lower_quantity_and_change_price(client, people, make_lot, as_user):
    lot = make_lot(people["supplier_a_org"], quantity=100, reserved=30)
    headers = as_user(people["supplier_a"])
    response = client.patch(f"/api/v1/lots/{lot.id}", json={"quantity": 250}, headers=headers)
    assert response.status_code == 200
    assert (response.json["quantity"], response.json["available"]) == (250, 220)
    response = client.patch(
        f"/api/v1/lots/{lot.id}", json={"quantity": 30, "unit_price": 1.2}, headers=headers
    )
    assert response.status_code == 200
    assert (response.json["quantity"], response.json["unit_price"]) == (30, "1.20")
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "lot.update"))
    assert [(e.before["quantity"], e.after["quantity"]) for e in entries] == [(100, 250), (250, 30)]


def test_lowering_below_reserved_is_a_conflict(client, people, make_lot, as_user):
    lot = make_lot(people["supplier_a_org"], quantity=100, reserved=30)
    response = client.patch(
        f"/api/v1/lots/{lot.id}", json={"quantity": 29}, headers=as_user(people["supplier_a"])
    )
    assert response.status_code == 409
    assert f"Lot {lot.id}" in response.json["message"]
    assert "30" in response.json["message"]
    db.session.expire_all()
    assert db.session.get(Lot, lot.id).quantity == 100


def test_pause_and_resume(client, people, make_lot, as_user):
    lot = make_lot(people["supplier_a_org"])
    headers = as_user(people["supplier_a"])
    url = f"/api/v1/lots/{lot.id}"
    assert client.patch(url, json={"status": "paused"}, headers=headers).json["status"] == "paused"
    assert client.patch(url, json={"status": "active"}, headers=headers).json["status"] == "active"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "withdrawn"}, "status"),
        ({"status": "exhausted"}, "status"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": -1}, "quantity"),
        ({"quantity": "ten"}, "quantity"),
        ({"unit_price": -2}, "unit_price"),
        ({"unit_price": None}, "unit_price"),
        ({"reserved": 0}, "reserved"),
        ({}, "_schema"),
    ],
)
def test_bad_changes_are_refused(client, people, make_lot, as_user, body, field):
    lot = make_lot(people["supplier_a_org"], quantity=100)
    response = client.patch(
        f"/api/v1/lots/{lot.id}", json=body, headers=as_user(people["supplier_a"])
    )
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]
    db.session.expire_all()
    assert (lot.quantity, lot.status, lot.unit_price) == (100, "active", 1)


def test_a_donation_takes_no_price(client, people, make_lot, as_user):
    lot = make_lot(people["supplier_a_org"], kind="donation")
    response = client.patch(
        f"/api/v1/lots/{lot.id}", json={"unit_price": "1.00"}, headers=as_user(people["supplier_a"])
    )
    assert response.status_code == 422
    assert "unit_price" in response.json["errors"]


def test_withdraw(client, people, make_lot, as_user):
    lot = make_lot(people["supplier_a_org"])
    headers = as_user(people["supplier_a"])
    response = client.delete(f"/api/v1/lots/{lot.id}", headers=headers)
    assert response.status_code == 200
    assert response.json["status"] == "withdrawn"
    again = client.patch(f"/api/v1/lots/{lot.id}", json={"quantity": 5}, headers=headers)
    assert again.status_code == 409
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "lot.withdraw"))


@pytest.mark.parametrize("pack", [False, True], ids=["allocation", "gift pack"])
def test_withdraw_with_unshipped_reservation_is_a_conflict(
    client, people, make_lot, as_user, hold, pack
):
    lot = make_lot(people["supplier_a_org"], quantity=100)
    hold(lot, 40, "shipped", pack=pack)  # on its way: does not block on its own
    hold(lot, 1, "approved", pack=pack)
    response = client.delete(f"/api/v1/lots/{lot.id}", headers=as_user(people["supplier_a"]))
    assert response.status_code == 409
    assert "1 units reserved" in response.json["message"]
    assert "not shipped" in response.json["message"]
    db.session.expire_all()
    assert db.session.get(Lot, lot.id).status == "active"


@pytest.mark.parametrize("pack", [False, True], ids=["allocation", "gift pack"])
def test_shipped_but_unreceived_units_do_not_block_withdrawal(
    client, people, make_lot, as_user, hold, pack
):
    lot = make_lot(people["supplier_a_org"], quantity=100)
    hold(lot, 40, "shipped", pack=pack)
    hold(lot, 10, "received", pack=pack)  # delivered lines reserve nothing
    lot.reserved -= 10
    db.session.commit()
    headers = as_user(people["supplier_a"])
    # the 40 on their way are still reserved: the quantity cannot drop below them
    response = client.patch(f"/api/v1/lots/{lot.id}", json={"quantity": 39}, headers=headers)
    assert response.status_code == 409
    response = client.delete(f"/api/v1/lots/{lot.id}", headers=headers)
    assert response.status_code == 200
    db.session.expire_all()
    lot = db.session.get(Lot, lot.id)
    assert (lot.status, lot.quantity, lot.reserved) == ("withdrawn", 100, 40)


def test_stock_shipped_long_ago_does_not_block_withdrawal(client, people, make_lot, as_user):
    lot = make_lot(people["supplier_a_org"], quantity=60, reserved=0, shipped=40)
    response = client.delete(f"/api/v1/lots/{lot.id}", headers=as_user(people["supplier_a"]))
    assert response.status_code == 200


def test_unknown_lot_is_404(client, people, catalog, as_user):
    assert client.get("/api/v1/lots/999", headers=as_user(people["coordinator"])).status_code == 404
