"""The needs API: post, list, read, edit, cancel, renew, CSV, suggestion."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from market.audit.models import AuditEntry
from market.extensions import db
from market.matching.tasks import expire_needs
from market.needs.models import Need


def test_buyer_posts_a_need_with_defaults_from_the_company(people, catalog, as_user):
    buyer = people["buyer"]
    org = people["buyer_org"]
    needed_by = (date.today() + timedelta(days=7)).isoformat()
    r = as_user(buyer, "post", "/api/v1/needs", json={
        "item": "MASK-SURGICAL", "quantity": 500, "max_unit_price": "1.20",
        "needed_by": needed_by, "accept_substitutes": True,
    })
    assert r.status_code == 201, r.json
    body = r.json
    assert body["item"] == "MASK-SURGICAL"
    assert body["quantity"] == 500
    assert body["allocated"] == 0
    assert body["received"] == 0
    assert body["outstanding"] == 500
    assert body["status"] == "open"
    assert body["max_unit_price"] == "1.20"
    assert body["needed_by"] == needed_by
    assert body["accept_substitutes"] is True
    assert body["latitude"] == org.latitude
    assert body["longitude"] == org.longitude
    assert body["address"] == org.address
    assert body["organization"] == {"id": org.id, "name": org.name}
    assert body["entered_by"]["id"] == buyer.id
    need = db.session.get(Need, body["id"])
    assert need.organization_id == org.id
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "need.create"))
    assert entry.entity_id == need.id
    assert entry.actor == buyer.email


def test_coordinator_hotline_intake_keeps_who_entered_it(people, catalog, as_user):
    coordinator, org = people["coordinator"], people["buyer_org"]
    r = as_user(coordinator, "post", "/api/v1/needs", json={
        "item": "GLOVES-NITRILE", "quantity": 40, "organization_id": org.id,
        "latitude": 31.0, "longitude": 121.0, "address": "Gate 2",
    })
    assert r.status_code == 201, r.json
    assert r.json["organization"]["id"] == org.id
    assert r.json["entered_by"] == {"id": coordinator.id, "email": coordinator.email}
    assert (r.json["latitude"], r.json["longitude"], r.json["address"]) == (31.0, 121.0, "Gate 2")


def test_coordinator_without_organization_id_gets_422(people, catalog, as_user, count_needs):
    r = as_user(people["coordinator"], "post", "/api/v1/needs",
                json={"item": "MASK-SURGICAL", "quantity": 5})
    assert r.status_code == 422
    assert "organization_id" in r.json["errors"]
    assert count_needs() == 0


@pytest.mark.parametrize("status", ["pending", "rejected", "suspended"])
def test_unverified_buyer_cannot_post(make_org, make_user, catalog, as_user, count_needs, status):
    user = make_user(make_org(roles=("buyer",), status=status))
    r = as_user(user, "post", "/api/v1/needs", json={"item": "MASK-SURGICAL", "quantity": 5})
    assert r.status_code == 403
    assert count_needs() == 0


def test_list_filters_and_pagination(people, make_need, as_user):
    org = people["buyer_org"]
    for _ in range(3):
        make_need(org, item="MASK-SURGICAL")
    make_need(org, item="GLOVES-NITRILE", status="cancelled")
    make_need(people["supplier_a_org"], item="MASK-SURGICAL")  # not the buyer's
    buyer = people["buyer"]
    r = as_user(buyer, "get", "/api/v1/needs?per_page=2")
    assert r.status_code == 200
    assert len(r.json) == 2
    assert json.loads(r.headers["X-Pagination"]) == {
        "total": 4, "total_pages": 2, "page": 1, "per_page": 2}
    r = as_user(buyer, "get", "/api/v1/needs?item=GLOVES-NITRILE")
    assert [n["item"] for n in r.json] == ["GLOVES-NITRILE"]
    r = as_user(buyer, "get", "/api/v1/needs?status=open")
    assert len(r.json) == 3
    r = as_user(people["coordinator"], "get", "/api/v1/needs")
    assert len(r.json) == 5


def test_list_rejects_an_unknown_status_filter(people, as_user):
    r = as_user(people["buyer"], "get", "/api/v1/needs?status=lost")
    assert r.status_code == 422
    assert "status" in r.json["errors"]


def test_edit_quantity_and_price(people, make_need, as_user):
    need = make_need(people["buyer_org"], quantity=100)
    r = as_user(people["buyer"], "patch", f"/api/v1/needs/{need.id}",
                json={"quantity": 150, "max_unit_price": 2, "accept_substitutes": True})
    assert r.status_code == 200, r.json
    assert (r.json["quantity"], r.json["max_unit_price"], r.json["accept_substitutes"]) == (
        150, "2.00", True)
    db.session.expire_all()
    assert db.session.get(Need, need.id).quantity == 150


def test_edit_below_allocated_is_a_conflict(people, make_need, as_user):
    need = make_need(people["buyer_org"], quantity=100, allocated=60,
                     status="partially_allocated")
    r = as_user(people["buyer"], "patch", f"/api/v1/needs/{need.id}", json={"quantity": 59})
    assert r.status_code == 409
    assert "60" in r.json["message"]
    db.session.expire_all()
    assert db.session.get(Need, need.id).quantity == 100


def test_lowering_to_allocated_makes_it_allocated(people, make_need, as_user):
    need = make_need(people["buyer_org"], quantity=100, allocated=60,
                     status="partially_allocated")
    r = as_user(people["buyer"], "patch", f"/api/v1/needs/{need.id}", json={"quantity": 60})
    assert r.status_code == 200
    assert r.json["status"] == "allocated"


@pytest.mark.parametrize("status", ["allocated", "fulfilled", "cancelled"])
def test_only_live_needs_are_editable(people, make_need, as_user, status):
    need = make_need(people["buyer_org"], status=status)
    r = as_user(people["buyer"], "patch", f"/api/v1/needs/{need.id}", json={"quantity": 120})
    assert r.status_code == 409


def test_cancel_and_cancel_with_allocated_units(people, make_need, as_user):
    free = make_need(people["buyer_org"])
    busy = make_need(people["buyer_org"], quantity=100, allocated=30,
                     status="partially_allocated")
    r = as_user(people["buyer"], "delete", f"/api/v1/needs/{free.id}")
    assert r.status_code == 200
    assert r.json["status"] == "cancelled"
    r = as_user(people["buyer"], "delete", f"/api/v1/needs/{busy.id}")
    assert r.status_code == 409
    assert "30" in r.json["message"]
    r = as_user(people["buyer"], "delete", f"/api/v1/needs/{free.id}")
    assert r.status_code == 409
    db.session.expire_all()
    assert db.session.get(Need, busy.id).status == "partially_allocated"


def test_expired_need_is_listed_as_expired_and_renewed(people, make_need, as_user):
    need = make_need(people["buyer_org"], needed_by=date.today() - timedelta(days=3))
    r = as_user(people["buyer"], "get", "/api/v1/needs?status=expired")
    assert r.json == []  # GET requests never write: the worker's periodic task expires needs
    expire_needs.call_local()
    r = as_user(people["buyer"], "get", "/api/v1/needs?status=expired")
    assert [n["id"] for n in r.json] == [need.id]
    new_date = (date.today() + timedelta(days=5)).isoformat()
    r = as_user(people["buyer"], "post", f"/api/v1/needs/{need.id}/renew",
                json={"needed_by": new_date})
    assert r.status_code == 200, r.json
    assert (r.json["status"], r.json["needed_by"]) == ("open", new_date)
    r = as_user(people["buyer"], "post", f"/api/v1/needs/{need.id}/renew",
                json={"needed_by": new_date})
    assert r.status_code == 409


def test_renew_with_a_past_date_is_refused(people, make_need, as_user):
    need = make_need(people["buyer_org"], status="expired",
                     needed_by=date.today() - timedelta(days=3))
    r = as_user(people["buyer"], "post", f"/api/v1/needs/{need.id}/renew",
                json={"needed_by": (date.today() - timedelta(days=1)).isoformat()})
    assert r.status_code == 422
    assert "needed_by" in r.json["errors"]


def test_patch_with_a_future_date_renews_an_expired_need(people, make_need, as_user):
    need = make_need(people["buyer_org"], status="expired",
                     needed_by=date.today() - timedelta(days=3))
    r = as_user(people["buyer"], "patch", f"/api/v1/needs/{need.id}",
                json={"needed_by": (date.today() + timedelta(days=3)).isoformat()})
    assert r.status_code == 200
    assert r.json["status"] == "open"


def test_suggestion_uses_the_buyers_headcount(people, catalog, as_user):
    # headcount 50 × 7 days × 2 masks a day
    r = as_user(people["buyer"], "get", "/api/v1/needs/suggestion?item=MASK-SURGICAL&days=7")
    assert r.status_code == 200, r.json
    assert r.json["quantity"] == 700
    assert r.json["headcount"] == 50
    # 50 × 3 × 0.05 L = 7.5 → 8
    r = as_user(people["buyer"], "get",
                "/api/v1/needs/suggestion?item=DISINFECTANT-ALCOHOL-75&days=3")
    assert r.json["quantity"] == 8


def test_coordinator_suggestion_names_the_company(people, catalog, as_user):
    org = people["buyer_org"]
    r = as_user(people["coordinator"], "get",
                f"/api/v1/needs/suggestion?item=GLOVES-NITRILE&days=2&organization_id={org.id}")
    assert r.status_code == 200
    assert r.json["quantity"] == 100
    r = as_user(people["coordinator"], "get", "/api/v1/needs/suggestion?item=GLOVES-NITRILE&days=2")
    assert r.status_code == 422


@pytest.mark.parametrize(("query", "field"), [
    ("item=NOPE&days=3", "item"), ("item=MASK-SURGICAL&days=0", "days"),
    ("item=MASK-SURGICAL&days=x", "days"), ("item=MASK-SURGICAL", "days"), ("days=3", "item"),
])
def test_suggestion_validation(people, catalog, as_user, query, field):
    r = as_user(people["buyer"], "get", f"/api/v1/needs/suggestion?{query}")
    assert r.status_code == 422
    assert field in r.json["errors"]


def test_csv_export_has_a_header_and_only_own_rows(people, make_need, as_user):
    mine = make_need(people["buyer_org"], quantity=70, max_unit_price="1.50")
    make_need(people["supplier_a_org"], quantity=80)
    r = as_user(people["buyer"], "get", "/api/v1/needs.csv")
    assert r.status_code == 200
    assert r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.get_data().decode("utf-8-sig"))))
    assert [(int(x["id"]), x["quantity"], x["max_unit_price"]) for x in rows] == [
        (mine.id, "70", "1.50")]
    r = as_user(people["coordinator"], "get", "/api/v1/needs.csv?item=MASK-SURGICAL")
    assert len(list(csv.DictReader(io.StringIO(r.get_data().decode("utf-8-sig"))))) == 2
