"""The catalogue API: reading, adding items, SKU and substitute rules."""

import json

import pytest
import sqlalchemy as sa

from market.audit.models import AuditEntry
from market.catalog.models import Item
from market.extensions import db

NEW_ITEM = {
    "sku": "GOWN-ISOLATION",
    "name": "Isolation gown",
    "category": "clothing",
    "unit": "piece",
    "substitutes": ["MASK-KN95"],
}


def item_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Item))


def test_any_logged_in_user_lists_items_with_substitutes(client, catalog, people, token_for):
    response = client.get("/api/v1/items", headers=token_for(people["buyer"]))
    assert response.status_code == 200
    by_sku = {i["sku"]: i for i in response.json}
    assert set(by_sku) == set(catalog)
    assert by_sku["MASK-SURGICAL"]["substitutes"] == ["MASK-KN95"]
    assert by_sku["MASK-SURGICAL"]["unit"] == "piece"
    assert by_sku["MASK-SURGICAL"]["name_zh"] == "医用外科口罩"
    assert json.loads(response.headers["X-Pagination"])["total"] == len(catalog)


def test_items_filter_by_category(client, catalog, people, token_for):
    response = client.get("/api/v1/items?category=mask", headers=token_for(people["buyer"]))
    assert {i["sku"] for i in response.json} == {"MASK-SURGICAL", "MASK-KN95", "MASK-CIVIL"}


def test_coordinator_adds_an_item_and_it_is_audited(client, catalog, people, token_for):
    response = client.post("/api/v1/items", json=NEW_ITEM, headers=token_for(people["coordinator"]))
    assert response.status_code == 201, response.json
    assert response.json["sku"] == "GOWN-ISOLATION"
    assert response.json["substitutes"] == ["MASK-KN95"]
    item = db.session.scalar(sa.select(Item).where(Item.sku == "GOWN-ISOLATION"))
    assert [s.sku for s in item.substitutes] == ["MASK-KN95"]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "item.create"))
    assert entry.entity_id == item.id
    assert entry.after["substitutes"] == ["MASK-KN95"]


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("supplier_a", 403), ("buyer", 403), ("coordinator", 201), ("admin", 201)],
)
def test_only_coordinators_add_items(client, catalog, people, token_for, who, status):
    headers = token_for(people[who]) if who else {}
    response = client.post("/api/v1/items", json=NEW_ITEM, headers=headers)
    assert response.status_code == status
    assert item_count() == len(catalog) + (1 if status == 201 else 0)


def test_anonymous_cannot_list_items(client, catalog):
    assert client.get("/api/v1/items").status_code == 401


def test_duplicate_sku_is_a_conflict(client, catalog, people, token_for):
    body = dict(NEW_ITEM, sku="MASK-KN95")
    response = client.post("/api/v1/items", json=body, headers=token_for(people["coordinator"]))
    assert response.status_code == 409
    assert "MASK-KN95" in response.json["message"]
    assert item_count() == len(catalog)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sku": "mask-lower"}, "sku"),
        ({"sku": "MASK_UNDERSCORE"}, "sku"),
        ({"sku": "MASK--DOUBLE"}, "sku"),
        ({"sku": "-LEADING"}, "sku"),
        ({"sku": 12}, "sku"),
        ({"name": ""}, "name"),
        ({"unit": None}, "unit"),
        ({"category": "x" * 61}, "category"),
        ({"substitutes": ["NOPE-1"]}, "substitutes"),
        ({"substitutes": "MASK-KN95"}, "substitutes"),
        ({"substitutes": ["GOWN-ISOLATION"]}, "substitutes"),
        ({"daily_use_per_person": -1}, "daily_use_per_person"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_items_are_refused_with_the_field_named(
    client, catalog, people, token_for, change, field
):
    body = dict(NEW_ITEM, **change)
    response = client.post("/api/v1/items", json=body, headers=token_for(people["coordinator"]))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]
    assert item_count() == len(catalog)


@pytest.mark.parametrize("missing", ["sku", "name", "category", "unit"])
def test_missing_item_fields_are_named(client, catalog, people, token_for, missing):
    body = {k: v for k, v in NEW_ITEM.items() if k != missing}
    response = client.post("/api/v1/items", json=body, headers=token_for(people["coordinator"]))
    assert response.status_code == 422
    assert missing in response.json["errors"]
    assert item_count() == len(catalog)


def test_unknown_substitute_is_named_in_the_error(client, catalog, people, token_for):
    body = dict(NEW_ITEM, substitutes=["MASK-KN95", "MASK-FFP9"])
    response = client.post("/api/v1/items", json=body, headers=token_for(people["coordinator"]))
    assert response.status_code == 422
    assert "MASK-FFP9" in response.json["errors"]["substitutes"][0]


def test_malformed_json_is_refused(client, catalog, people, token_for):
    response = client.post(
        "/api/v1/items", data="{not json", content_type="application/json",
        headers=token_for(people["coordinator"]),
    )
    assert response.status_code == 422
    assert item_count() == len(catalog)
