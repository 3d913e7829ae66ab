"""The allocation API: shapes, happy paths through every transition, and bad input."""

from __future__ import annotations

import csv
import io
import json

import pytest

from market.extensions import db
from market.lots.models import Lot
from market.matching.models import Allocation


def fresh(model, row_id):
    """Read a row as the database has it now."""
    db.session.expire_all()
    return db.session.get(model, row_id)


@pytest.fixture
def api(client, world, token_for):
    """Call the API as one of the world's people: api("coordinator", "post", path, json=…)."""
    tokens = {}

    def call(who, method, path, **kwargs):
        if who not in tokens:
            tokens[who] = token_for(world[who])
        return getattr(client, method)(path, headers=tokens[who], **kwargs)

    return call


def test_list_shape_and_pagination_header(api, world):
    response = api("coordinator", "get", "/api/v1/allocations?per_page=10")
    assert response.status_code == 200
    assert json.loads(response.headers["X-Pagination"]) == {
        "total": 1, "total_pages": 1, "page": 1, "per_page": 10}
    (line,) = response.json
    assert line["id"] == world["allocation"].id
    assert line["item"] == "MASK-SURGICAL"
    assert line["supplier"] == {"id": world["supplier_a_org"].id, "name": "Supplier A"}
    assert line["buyer"] == {"id": world["buyer_org"].id, "name": "Buyer C"}
    assert (line["quantity"], line["unit_price"], line["tier"], line["status"]) == (
        100, "1.00", 2, "proposed")
    assert {"run_id", "lot_id", "need_id", "distance_km", "fill_rate", "reasons"} <= set(line)
    assert line["reasons"][0].startswith("tier 2")


@pytest.mark.parametrize("query", ["status=nonsense", "tier=9", "run_id=abc", "per_page=501"])
def test_list_rejects_bad_filters(api, query):
    response = api("coordinator", "get", f"/api/v1/allocations?{query}")
    assert response.status_code == 422
    assert query.split("=")[0] in response.json["errors"]


def test_full_journey_through_the_api(api, world):
    allocation_id = world["allocation"].id
    base = f"/api/v1/allocations/{allocation_id}"
    response = api("coordinator", "post", f"{base}/approve", json={"quantity": 80})
    assert response.status_code == 200
    assert (response.json["status"], response.json["quantity"]) == ("approved", 80)
    assert api("buyer", "get", base).json["status"] == "approved"
    assert api("supplier_a", "post", f"{base}/ship").json["status"] == "shipped"
    lot = fresh(Lot, world["lot"].id)
    assert (lot.quantity, lot.reserved, lot.shipped) == (1000, 80, 80)
    response = api("buyer", "post", f"{base}/receive", json={"quantity": 70, "note": "dented"})
    assert response.status_code == 200
    body = response.json
    assert (body["status"], body["received_quantity"], body["receipt_note"]) == (
        "disputed", 70, "dented")
    lot = fresh(Lot, world["lot"].id)
    assert (lot.quantity, lot.reserved, lot.shipped) == (920, 0, 80)


def test_approve_conflicts_answer_409_with_the_shortfall(api, world, make_need, make_allocation):
    big = make_allocation(world["lot"], make_need(world["buyer_org"], quantity=950), 950)
    assert api("coordinator", "post", f"/api/v1/allocations/{big.id}/approve").status_code == 200
    response = api("coordinator", "post", f"/api/v1/allocations/{world['allocation'].id}/approve",
                   json={})
    assert response.status_code == 409
    assert "MASK-SURGICAL" in response.json["message"]
    assert "short by 50" in response.json["message"]
    again = api("coordinator", "post", f"/api/v1/allocations/{big.id}/approve")
    assert again.status_code == 409
    assert "not proposed any more" in again.json["message"]


@pytest.mark.parametrize(
    "body", [{"quantity": 101}, {"quantity": 0}, {"quantity": -3}, {"quantity": "ten"},
             {"quantity": 2.5}, {"quantity": True}, {"quantity": 10**10}],
)
def test_approve_rejects_bad_quantities(api, world, body):
    response = api("coordinator", "post", f"/api/v1/allocations/{world['allocation'].id}/approve",
                   json=body)
    assert response.status_code == 422
    assert "quantity" in response.json["errors"]
    assert fresh(Allocation, world["allocation"].id).status == "proposed"
    assert fresh(Lot, world["lot"].id).reserved == 0


def test_malformed_json_is_refused_and_nothing_changes(api, world):
    response = api("coordinator", "post", f"/api/v1/allocations/{world['allocation'].id}/approve",
                   data="{not json", content_type="application/json")
    assert response.status_code == 422
    assert "json" in response.json["errors"]
    assert fresh(Allocation, world["allocation"].id).status == "proposed"


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "  "}, {"reason": 5},
                                  {"reason": "x" * 501}])
def test_reject_needs_a_reason(api, world, body):
    response = api("coordinator", "post", f"/api/v1/allocations/{world['allocation'].id}/reject",
                   json=body)
    assert response.status_code == 422
    assert "reason" in response.json["errors"]
    assert fresh(Allocation, world["allocation"].id).status == "proposed"


def test_reject_then_reject_again(api, world):
    path = f"/api/v1/allocations/{world['allocation'].id}/reject"
    response = api("coordinator", "post", path, json={"reason": "too far"})
    assert (response.status_code, response.json["status"]) == (200, "rejected")
    assert response.json["decision_note"] == "too far"
    assert api("coordinator", "post", path, json={"reason": "x"}).status_code == 409


def test_bulk_approve_partial_failure(api, world, make_need, make_allocation):
    big = make_allocation(world["lot"], make_need(world["buyer_org"], quantity=950), 950)
    response = api("coordinator", "post", "/api/v1/allocations/approve",
                   json={"ids": [world["allocation"].id, big.id]})
    assert response.status_code == 200
    assert response.json["approved"] == [world["allocation"].id]
    (failure,) = response.json["failed"]
    assert failure["id"] == big.id
    assert "short by 50" in failure["message"]


@pytest.mark.parametrize("body", [{}, {"ids": []}, {"ids": "1"}, {"ids": ["a"]}, {"ids": [1.5]}])
def test_bulk_approve_validates_ids(api, body):
    response = api("coordinator", "post", "/api/v1/allocations/approve", json=body)
    assert response.status_code == 422
    assert "ids" in response.json["errors"]


def test_receive_before_ship_and_bad_receipts(api, world, at_state):
    allocation_id = at_state("approved")
    path = f"/api/v1/allocations/{allocation_id}/receive"
    response = api("buyer", "post", path, json={})
    assert response.status_code == 409
    assert "not shipped" in response.json["message"]
    api("supplier_a", "post", f"/api/v1/allocations/{allocation_id}/ship")
    assert "note" in api("buyer", "post", path, json={"quantity": 10}).json["errors"]
    assert "quantity" in api("buyer", "post", path, json={"quantity": 500}).json["errors"]
    assert "quantity" in api("buyer", "post", path, json={"quantity": "x"}).json["errors"]
    assert api("buyer", "post", path, json={"quantity": 100}).json["status"] == "received"


def test_cancel_through_the_api_releases_stock(api, world, at_state):
    allocation_id = at_state("approved")
    response = api("coordinator", "post", f"/api/v1/allocations/{allocation_id}/cancel",
                   json={"reason": "duplicate"})
    assert (response.status_code, response.json["status"]) == (200, "cancelled")
    assert fresh(Lot, world["lot"].id).reserved == 0


def test_csv_export_has_a_header_and_only_visible_rows(api, world, at_state, make_lot,
                                                       make_need, make_allocation):
    make_allocation(make_lot(world["supplier_b_org"]), make_need(world["buyer_org"]), 10)
    at_state("approved")
    rows = list(csv.reader(io.StringIO(api("coordinator", "get",
                                           "/api/v1/allocations.csv").get_data().decode("utf-8-sig"))))
    assert rows[0][:5] == ["id", "run_id", "lot_id", "need_id", "item"]
    assert len(rows) == 3
    response = api("supplier_a", "get", "/api/v1/allocations.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert [int(r["id"]) for r in rows] == [world["allocation"].id]
    assert rows[0]["supplier"] == "Supplier A"
    assert rows[0]["unit_price"] == "1.00"
    filtered = api("coordinator", "get", "/api/v1/allocations.csv?status=proposed")
    assert len(filtered.get_data().decode("utf-8-sig").strip().splitlines()) == 2


def test_openapi_documents_the_allocation_paths(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/api/v1/allocations", "/api/v1/allocations.csv",
                 "/api/v1/allocations/{allocation_id}/approve", "/api/v1/allocations/approve",
                 "/api/v1/allocations/{allocation_id}/receive"):
        assert path in paths
