"""Gift-pack templates and applications through the API."""

from __future__ import annotations

import pytest

from market.giftpacks.models import GiftPackApplication, GiftPackTemplate
from tests.rows import count_rows as _count


def test_coordinator_defines_lists_and_deactivates_a_template(people, catalog, as_user):
    coordinator = people["coordinator"]
    r = as_user(coordinator, "post", "/api/v1/gift-pack-templates", json={
        "name": "Reopening pack",
        "contents": [{"item": "MASK-SURGICAL", "quantity": 500},
                     {"item": "DISINFECTANT-ALCOHOL-75", "quantity": 5}],
    })
    assert r.status_code == 201, r.json
    assert r.json["name"] == "Reopening pack"
    assert r.json["active"] is True
    assert r.json["contents"] == [{"item": "DISINFECTANT-ALCOHOL-75", "quantity": 5},
                                  {"item": "MASK-SURGICAL", "quantity": 500}]
    tid = r.json["id"]
    listed = as_user(coordinator, "get", "/api/v1/gift-pack-templates").json
    assert [t["id"] for t in listed] == [tid]
    r = as_user(coordinator, "patch", f"/api/v1/gift-pack-templates/{tid}", json={"active": False})
    assert r.status_code == 200
    assert r.json["active"] is False
    assert as_user(coordinator, "get", "/api/v1/gift-pack-templates?active=true").json == []


@pytest.mark.parametrize(("body", "field"), [
    ({"contents": [{"item": "MASK-SURGICAL", "quantity": 1}]}, "name"),
    ({"name": "P"}, "contents"),
    ({"name": "P", "contents": []}, "contents"),
    ({"name": "P", "contents": [{"item": "NOPE", "quantity": 1}]}, "contents"),
    ({"name": "P", "contents": [{"item": "MASK-SURGICAL", "quantity": 0}]}, "contents"),
    ({"name": "P", "contents": [{"item": "MASK-SURGICAL", "quantity": -3}]}, "contents"),
    ({"name": "P", "contents": [{"item": "MASK-SURGICAL", "quantity": "5"}]}, "contents"),
    ({"name": "P", "contents": [{"item": "MASK-SURGICAL", "quantity": 10**9 + 1}]}, "contents"),
    ({"name": "P", "contents": [{"item": "MASK-SURGICAL", "quantity": 1},
                                {"item": "MASK-SURGICAL", "quantity": 2}]}, "contents"),
    ({"name": "   ", "contents": [{"item": "MASK-SURGICAL", "quantity": 1}]}, "name"),
])
def test_template_validation(people, catalog, as_user, body, field):
    r = as_user(people["coordinator"], "post", "/api/v1/gift-pack-templates", json=body)
    assert r.status_code == 422, r.json
    assert field in r.json["errors"]
    assert _count(GiftPackTemplate) == 0


def test_template_malformed_json(people, catalog, as_user):
    r = as_user(people["coordinator"], "post", "/api/v1/gift-pack-templates", data="{",
                content_type="application/json")
    assert r.status_code == 422
    assert _count(GiftPackTemplate) == 0


def test_buyer_applies_once_and_withdraws(people, as_user):
    buyer = people["buyer"]
    r = as_user(buyer, "post", "/api/v1/gift-pack-applications", json={"reason": "reopening"})
    assert r.status_code == 201, r.json
    body = r.json
    assert (body["status"], body["reason"]) == ("waiting", "reopening")
    assert body["organization"] == {"id": people["buyer_org"].id, "name": "Buyer C"}
    assert body["entered_by"]["id"] == buyer.id
    r = as_user(buyer, "post", "/api/v1/gift-pack-applications", json={})
    assert r.status_code == 409
    assert _count(GiftPackApplication) == 1
    assert [a["id"] for a in as_user(buyer, "get", "/api/v1/gift-pack-applications").json] == [
        body["id"]]
    r = as_user(buyer, "delete", f"/api/v1/gift-pack-applications/{body['id']}")
    assert r.status_code == 200
    assert r.json["status"] == "withdrawn"
    r = as_user(buyer, "delete", f"/api/v1/gift-pack-applications/{body['id']}")
    assert r.status_code == 409
    assert as_user(buyer, "post", "/api/v1/gift-pack-applications", json={}).status_code == 201


def test_coordinator_applies_on_behalf_of_a_company(people, as_user):
    coordinator, org = people["coordinator"], people["buyer_org"]
    r = as_user(coordinator, "post", "/api/v1/gift-pack-applications",
                json={"organization_id": org.id, "reason": "phoned in"})
    assert r.status_code == 201
    assert r.json["organization"]["id"] == org.id
    assert r.json["entered_by"]["id"] == coordinator.id
    r = as_user(coordinator, "post", "/api/v1/gift-pack-applications", json={})
    assert r.status_code == 422
    assert "organization_id" in r.json["errors"]


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_unverified_company_cannot_apply(make_org, make_user, as_user, status):
    user = make_user(make_org(roles=("buyer",), status=status))
    r = as_user(user, "post", "/api/v1/gift-pack-applications", json={})
    assert r.status_code == 403
    assert _count(GiftPackApplication) == 0


def test_supplier_only_company_cannot_apply(people, as_user):
    r = as_user(people["supplier_a"], "post", "/api/v1/gift-pack-applications", json={})
    assert r.status_code == 403


def test_application_validation(people, as_user):
    r = as_user(people["buyer"], "post", "/api/v1/gift-pack-applications",
                json={"reason": "x" * 501})
    assert r.status_code == 422
    assert "reason" in r.json["errors"]
    r = as_user(people["buyer"], "post", "/api/v1/gift-pack-applications", json={"reason": 5})
    assert r.status_code == 422
    assert "reason" in r.json["errors"]
    assert _count(GiftPackApplication) == 0


def test_applications_are_private_to_their_company(people, make_org, make_user, as_user):
    other = make_user(make_org(roles=("buyer",)))
    mine = as_user(people["buyer"], "post", "/api/v1/gift-pack-applications", json={}).json
    as_user(other, "post", "/api/v1/gift-pack-applications", json={})
    assert as_user(other, "get", f"/api/v1/gift-pack-applications/{mine['id']}").status_code == 404
    assert as_user(other, "delete",
                   f"/api/v1/gift-pack-applications/{mine['id']}").status_code == 404
    assert len(as_user(people["coordinator"], "get", "/api/v1/gift-pack-applications").json) == 2
