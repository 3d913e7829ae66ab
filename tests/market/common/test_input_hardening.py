"""No input gives a 500, on either database (issue 9, point 4)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
import sqlalchemy as sa

from market.extensions import db
from market.lots.models import Lot
from market.needs.models import Need
from tests.factories import AllocationFactory

HUGE = "99999999999999999999"


def _json(client, method, path, body: str, headers):
    return client.open(path, method=method, data=body, headers=headers,
                       content_type="application/json")


def _count(model) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# --- ids, pages and numeric filters out of range ---------------------------------------

@pytest.mark.parametrize("path", [f"/api/v1/lots/{HUGE}", "/api/v1/lots/2147483648",
                                  f"/api/v1/needs/{HUGE}", f"/api/v1/allocations/{HUGE}"])
def test_an_id_beyond_any_column_is_404(client, people, token_for, path):
    response = client.get(path, headers=token_for(people["coordinator"]))
    assert response.status_code == 404
    assert response.json["code"] == 404


def test_a_page_with_an_id_beyond_any_column_is_404(client, people, login):
    login(people["supplier_a"])
    assert client.get(f"/lots/{HUGE}/edit").status_code == 404


def test_the_openapi_document_bounds_path_ids(client):
    spec = client.get("/api/v1/openapi.json").json
    param = spec["paths"]["/api/v1/lots/{lot_id}"]["parameters"][0]
    assert param["schema"]["maximum"] == 2**31 - 1


@pytest.mark.parametrize(("query", "field"), [
    ("per_page=501", "per_page"), ("per_page=0", "per_page"), (f"page={HUGE}", "page"),
    (f"organization_id={HUGE}", "organization_id"),
])
def test_pages_and_numeric_filters_out_of_range_are_422(client, people, token_for, query,
                                                         field):
    response = client.get(f"/api/v1/lots?{query}", headers=token_for(people["coordinator"]))
    assert response.status_code == 422
    assert field in response.json["errors"]


@pytest.mark.parametrize("path", [f"/matching/?page={HUGE}", f"/audit?page={HUGE}",
                                  f"/audit?entity_id={HUGE}", "/audit?entity_id=%C2%B2"])
def test_pages_past_the_end_or_ids_past_any_column_are_empty_pages(client, people, login,
                                                                     path):
    login(people["coordinator"])
    assert client.get(path).status_code == 200


def test_an_id_beyond_any_column_in_a_body_is_422(client, people, token_for, catalog):
    response = client.post("/api/v1/needs", json={
        "item": "MASK-SURGICAL", "quantity": 5, "organization_id": int(HUGE)},
        headers=token_for(people["coordinator"]))
    assert response.status_code == 422
    assert "organization_id" in response.json["errors"]


# --- NUL bytes and lone surrogates ------------------------------------------------------

@pytest.mark.parametrize("text", ["a\\u0000b", "\\ud800", "x\\udfff"])
def test_nul_or_lone_surrogate_in_json_text_is_422_naming_the_field(client, people, token_for,
                                                                     catalog, text):
    body = '{"item": "MASK-SURGICAL", "quantity": 5, "address": "' + text + '"}'
    response = _json(client, "POST", "/api/v1/needs", body, token_for(people["buyer"]))
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["address"]
    assert "NUL" in response.json["errors"]["address"][0]
    assert _count(Need) == 0


def test_nested_bad_text_is_named_by_its_path(client):
    body = '{"email": "a@b.cn", "password": "x", "organization": {"name": "\\u0000"}}'
    response = _json(client, "POST", "/api/v1/auth/register", body, {})
    assert response.status_code == 422
    assert "organization.name" in response.json["errors"]


def test_a_valid_surrogate_pair_is_text_like_any_other(client, people, token_for, catalog):
    body = '{"item": "MASK-SURGICAL", "quantity": 5, "address": "\\ud83d\\ude37 Depot"}'
    response = _json(client, "POST", "/api/v1/needs", body, token_for(people["buyer"]))
    assert response.status_code == 201
    assert response.json["address"] == "\U0001f637 Depot"


def test_nul_in_a_query_string_is_422_naming_the_parameter(client, people, token_for):
    response = client.get("/api/v1/lots?item=%00", headers=token_for(people["coordinator"]))
    assert response.status_code == 422
    assert "item" in response.json["errors"]


def test_nul_in_a_web_form_is_422_naming_the_field(client, people, login, catalog):
    login(people["supplier_a"])
    response = client.post("/lots/new", data={
        "item": "MASK-SURGICAL", "quantity": "5", "kind": "donation", "address": "a\x00b"})
    assert response.status_code == 422
    assert "address" in response.get_data(as_text=True)
    assert _count(Lot) == 0


def test_nul_in_a_csv_cell_is_a_row_error(client, people, token_for, catalog):
    text = ("item,quantity,kind,unit_price,latitude,longitude,address,available_until\n"
            "MASK-SURGICAL,10,donation,,31.2,121.4,ok,\n"
            "MASK-SURGICAL,10,donation,,31.2,121.4,bad\x00cell,\n")
    response = client.post("/api/v1/lots/import", headers=token_for(people["supplier_a"]),
                           data={"file": (io.BytesIO(text.encode()), "lots.csv")})
    assert response.status_code == 422
    assert response.json["errors"]["rows"] == [
        {"line": 3, "field": "address", "message": response.json["errors"]["rows"][0]["message"]}]
    assert _count(Lot) == 0


# --- decimals beyond their column ---------------------------------------------------------

@pytest.mark.parametrize("price", ["1e30", "NaN", "Infinity", "-Infinity", '"1e30"', '"NaN"',
                                   "10000000000"])
def test_a_price_beyond_its_column_is_422(client, people, token_for, catalog, price):
    body = '{"item": "MASK-SURGICAL", "quantity": 5, "kind": "sale", "unit_price": ' + price + "}"
    response = _json(client, "POST", "/api/v1/lots", body, token_for(people["supplier_a"]))
    assert response.status_code == 422
    assert "unit_price" in response.json["errors"]
    assert _count(Lot) == 0


@pytest.mark.parametrize("amount", ["1e30", '"1e30"', "NaN"])
def test_a_daily_use_beyond_its_column_is_422(client, people, token_for, catalog, amount):
    body = ('{"sku": "NEW-1", "name": "New", "category": "mask", "unit": "piece", '
            '"daily_use_per_person": ' + amount + "}")
    response = _json(client, "POST", "/api/v1/items", body, token_for(people["coordinator"]))
    assert response.status_code == 422
    assert "daily_use_per_person" in response.json["errors"]


def test_money_is_documented_as_strings_out_and_strings_or_numbers_in(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    assert schemas["Lot"]["properties"]["unit_price"]["type"] == "string"
    accepted = schemas["LotCreate"]["properties"]["unit_price"]["anyOf"]
    assert {branch["type"] for branch in accepted} == {"string", "number"}
    number = next(b for b in accepted if b["type"] == "number")
    assert number["maximum"] == float(Decimal("9999999999.99"))


# --- JSON nesting --------------------------------------------------------------------------

@pytest.mark.parametrize("depth", [33, 100_000])
def test_json_nested_deeper_than_the_limit_is_400(client, people, token_for, depth):
    body = '{"item": ' + "[" * depth + "]" * depth + "}"
    response = _json(client, "POST", "/api/v1/needs", body, token_for(people["buyer"]))
    assert response.status_code == 400
    assert "nested" in response.json["message"]


def test_brackets_inside_strings_do_not_count_as_nesting(client, people, token_for, catalog):
    body = json.dumps({"item": "MASK-SURGICAL", "quantity": 5, "address": "[" * 100})
    response = _json(client, "POST", "/api/v1/needs", body, token_for(people["buyer"]))
    assert response.status_code == 201


# --- CSV import: an over-long field ----------------------------------------------------------

@pytest.mark.parametrize("size", [301, 200_000])
def test_a_csv_with_an_over_long_field_is_422_with_its_line(client, people, token_for, catalog,
                                                           size):
    text = ("item,quantity,kind,unit_price,latitude,longitude,address,available_until\n"
            "MASK-SURGICAL,10,donation,,31.2,121.4,ok,\n"
            f"MASK-SURGICAL,10,donation,,31.2,121.4,{'x' * size},\n")
    response = client.post("/api/v1/lots/import", headers=token_for(people["supplier_a"]),
                           data={"file": (io.BytesIO(text.encode()), "lots.csv")})
    assert response.status_code == 422
    assert [row["line"] for row in response.json["errors"]["rows"]] == [3]
    assert _count(Lot) == 0


# --- CSV exports: one formula-safe writer ------------------------------------------------------

EVIL = '=HYPERLINK("http://evil.example","Click")'


@pytest.fixture
def evil_world(people, make_lot, make_need, make_run):
    """A buyer and a supplier whose names and addresses start like formulas, one allocation."""
    supplier, buyer = people["supplier_a_org"], people["buyer_org"]
    supplier.name, buyer.name = EVIL, "@SUM(A1:A9)"
    lot = make_lot(supplier, address="+86 Depot")
    need = make_need(buyer, address="-1 Basement")
    run = make_run()
    AllocationFactory(run=run, lot=lot, need=need, quantity=10)
    return people


@pytest.mark.parametrize("path", ["/api/v1/allocations.csv", "/api/v1/lots.csv",
                                  "/api/v1/needs.csv"])
def test_every_api_export_defuses_formulas_and_starts_with_a_bom(client, evil_world, token_for,
                                                                  path):
    response = client.get(path, headers=token_for(evil_world["coordinator"]))
    assert response.status_code == 200
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    cells = [cell for row in csv.reader(io.StringIO(raw.decode("utf-8-sig"))) for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert any(c.startswith("'") for c in cells)
    if path != "/api/v1/lots.csv":  # the lots export names no buyer
        assert any(c in ("'" + EVIL, "'@SUM(A1:A9)") for c in cells)


def test_the_dashboard_tables_start_with_a_bom(client, people, login, catalog):
    login(people["coordinator"])
    response = client.get("/reports/table/items.csv")
    assert response.status_code == 200
    assert response.get_data().startswith("\ufeff".encode())


def test_the_bad_text_message_follows_the_language(client, people, token_for, catalog):
    body = '{"item": "MASK-SURGICAL", "quantity": 5, "address": "\\u0000"}'
    headers = {**token_for(people["buyer"]), "Accept-Language": "zh-CN"}
    response = _json(client, "POST", "/api/v1/needs", body, headers)
    assert response.status_code == 422
    assert response.json["errors"]["address"] == ["不得包含 NUL 字节或不成对的代理字符"]
