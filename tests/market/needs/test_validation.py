"""Bad input to the needs API: 422, the field named, nothing written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from market.extensions import db
from market.needs.models import Need

GOOD = {"item": "MASK-SURGICAL", "quantity": 100}
YESTERDAY = (date.today() - timedelta(days=2)).isoformat()

CASES = [
    ("missing item", {"quantity": 10}, "item"),
    ("missing quantity", {"item": "MASK-SURGICAL"}, "quantity"),
    ("quantity as string", {**GOOD, "quantity": "10"}, "quantity"),
    ("quantity as decimal", {**GOOD, "quantity": 1.5}, "quantity"),
    ("quantity as bool", {**GOOD, "quantity": True}, "quantity"),
    ("negative quantity", {**GOOD, "quantity": -5}, "quantity"),
    ("zero quantity", {**GOOD, "quantity": 0}, "quantity"),
    ("too large quantity", {**GOOD, "quantity": 10**9 + 1}, "quantity"),
    ("unknown SKU", {**GOOD, "item": "MASK-GOLD"}, "item"),
    ("item wrong type", {**GOOD, "item": 12}, "item"),
    ("negative price", {**GOOD, "max_unit_price": "-1"}, "max_unit_price"),
    ("price not a number", {**GOOD, "max_unit_price": "cheap"}, "max_unit_price"),
    ("past needed_by", {**GOOD, "needed_by": YESTERDAY}, "needed_by"),
    ("bad date", {**GOOD, "needed_by": "next week"}, "needed_by"),
    ("latitude out of range", {**GOOD, "latitude": 91, "longitude": 1}, "latitude"),
    ("latitude without longitude", {**GOOD, "latitude": 30}, "longitude"),
    ("accept_substitutes wrong type", {**GOOD, "accept_substitutes": "maybe"},
     "accept_substitutes"),
    ("unknown field", {**GOOD, "colour": "blue"}, "colour"),
]


def _count() -> int:
    return db.session.query(Need).count()


@pytest.mark.parametrize(("case", "body", "field"), CASES, ids=[c[0] for c in CASES])
def test_post_bad_input(people, catalog, as_user, case, body, field):
    r = as_user(people["buyer"], "post", "/api/v1/needs", json=body)
    assert r.status_code == 422, (case, r.json)
    assert field in r.json["errors"], r.json
    assert r.json["code"] == 422
    assert _count() == 0


def test_post_malformed_json(people, catalog, as_user):
    r = as_user(people["buyer"], "post", "/api/v1/needs", data="{not json",
                content_type="application/json")
    assert r.status_code == 422
    assert r.json["errors"]
    assert _count() == 0


def test_post_json_that_is_not_an_object(people, catalog, as_user):
    r = as_user(people["buyer"], "post", "/api/v1/needs", json=[1, 2])
    assert r.status_code == 422
    assert _count() == 0


@pytest.mark.parametrize(("body", "field"), [
    ({"quantity": 0}, "quantity"), ({"quantity": "x"}, "quantity"),
    ({"quantity": 10**10}, "quantity"), ({"max_unit_price": "-3"}, "max_unit_price"),
    ({"needed_by": YESTERDAY}, "needed_by"), ({"status": "fulfilled"}, "status"),
])
def test_patch_bad_input_changes_nothing(people, make_need, as_user, body, field):
    need = make_need(people["buyer_org"], quantity=100)
    r = as_user(people["buyer"], "patch", f"/api/v1/needs/{need.id}", json=body)
    assert r.status_code == 422
    assert field in r.json["errors"]
    db.session.expire_all()
    fresh = db.session.get(Need, need.id)
    assert (fresh.quantity, fresh.max_unit_price, fresh.status) == (100, None, "open")
