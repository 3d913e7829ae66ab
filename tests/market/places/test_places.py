"""Places without typing coordinates: subdistricts with centroids, a replaceable file, map pin."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from market.accounts.models import Organization
from market.config import Config
from market.extensions import db
from market.lots.models import Lot
from market.matching.models import Allocation
from market.matching.runs import start_run
from market.needs.models import Need
from market.places.places import places
from tests.market.accounts.conftest import VALID_CODE

ZHANSHAN = "370202006"  # 湛山街道, about 36.0625N 120.3640E
BADAXIA = "370202001"  # 八大峡街道, at the district's western tip


def _centre(code):
    return next((p.lat, p.lon) for p in places() if p.code == code)


def _register_body(**org):
    body = {"email": "new@example.com", "password": "long enough", "organization": {
        "name": "Harbour Clinic", "credit_code": VALID_CODE, "roles": ["buyer"],
        "sector": "medical", "headcount": 40, "address": "香港中路10号",
        "phone": "0532 8888 0101"}}
    body["organization"].update(org)
    return body


def test_shinan_subdistricts_ship_with_centroids_in_shinan(app):
    with app.test_request_context("/"):
        shipped = places()
    names = {p.name_zh for p in shipped}
    assert names == {"八大关街道", "香港中路街道", "八大峡街道", "云南路街道", "中山路街道",
                     "江苏路街道", "金门路街道", "珠海路街道", "金湖路街道", "湛山街道"}
    for p in shipped:
        assert 36.03 < p.lat < 36.10
        assert 120.28 < p.lon < 120.43
        assert p.name_en


def test_api_lists_the_places(client):
    response = client.get("/api/v1/places")
    assert response.status_code == 200
    zhanshan = next(p for p in response.json if p["code"] == ZHANSHAN)
    assert zhanshan["name_zh"] == "湛山街道"


def test_a_deployment_replaces_the_places_file(app, client, tmp_path):
    other = tmp_path / "elsewhere.json"
    other.write_text(json.dumps({"subdistricts": [
        {"code": "X1", "name_zh": "某街道", "name_en": "Somewhere", "lat": 30.5, "lon": 114.3}]}),
        encoding="utf-8")
    app.config["DISTRICT_PLACES_FILE"] = str(other)
    assert [p["code"] for p in client.get("/api/v1/places").json] == ["X1"]
    response = client.post("/api/v1/auth/register", json=_register_body(subdistrict="X1"))
    assert response.status_code == 201, response.json
    assert (response.json["organization"]["latitude"], response.json["organization"]["longitude"]
            ) == (30.5, 114.3)


def test_api_register_with_a_subdistrict_takes_its_centre(client):
    response = client.post("/api/v1/auth/register", json=_register_body(subdistrict=ZHANSHAN))
    assert response.status_code == 201, response.json
    org = db.session.scalar(sa.select(Organization))
    assert org.subdistrict == ZHANSHAN
    assert (org.latitude, org.longitude) == _centre(ZHANSHAN)
    assert response.json["organization"]["subdistrict_name"] == "Zhanshan"


def test_api_register_keeps_given_coordinates_with_a_subdistrict(client):
    body = _register_body(subdistrict=ZHANSHAN, latitude=36.061, longitude=120.371)
    assert client.post("/api/v1/auth/register", json=body).status_code == 201
    org = db.session.scalar(sa.select(Organization))
    assert (org.subdistrict, org.latitude, org.longitude) == (ZHANSHAN, 36.061, 120.371)


@pytest.mark.parametrize(("extra", "field", "says"), [
    ({"subdistrict": "999999"}, "subdistrict", "999999"),
    ({}, "latitude", "subdistrict"),
    ({"latitude": 36.06}, "longitude", "subdistrict"),
])
def test_api_register_needs_a_known_subdistrict_or_coordinates(client, extra, field, says):
    response = client.post("/api/v1/auth/register", json=_register_body(**extra))
    assert response.status_code == 422
    assert says in str(response.json["errors"]["organization"][field])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organization)) == 0


def _register_form(**extra):
    body = _register_body()
    form = {"email": body["email"], "password": body["password"], **body["organization"],
            "roles": "buyer", "latitude": "", "longitude": ""}
    form.update(extra)
    return form


def test_register_page_lists_subdistricts_in_the_page_language(client):
    chinese = client.get("/register?lang=zh").get_data(as_text=True)
    english = client.get("/register?lang=en").get_data(as_text=True)
    assert f'<option value="{ZHANSHAN}">湛山街道</option>' in chinese
    assert f'<option value="{ZHANSHAN}">Zhanshan</option>' in english


def test_register_page_places_the_company_by_its_subdistrict(client):
    response = client.post("/register", data=_register_form(subdistrict=ZHANSHAN))
    assert response.status_code == 302
    org = db.session.scalar(sa.select(Organization))
    assert (org.subdistrict, org.latitude, org.longitude) == (ZHANSHAN, *_centre(ZHANSHAN))


def test_register_page_takes_a_pin(client):
    form = _register_form(subdistrict=ZHANSHAN, latitude="36.0601", longitude="120.3702")
    assert client.post("/register", data=form).status_code == 302
    org = db.session.scalar(sa.select(Organization))
    assert (org.latitude, org.longitude) == (36.0601, 120.3702)


def test_register_page_asks_for_the_subdistrict(client):
    response = client.post("/register", data=_register_form())
    assert response.status_code == 422
    assert 'id="subdistrict-error"' in response.get_data(as_text=True)


def test_company_page_moves_to_a_new_subdistricts_centre(client, make_org, make_user, login):
    org = make_org(roles=("buyer",), subdistrict=ZHANSHAN, latitude=_centre(ZHANSHAN)[0],
                   longitude=_centre(ZHANSHAN)[1], status="pending")
    login(make_user(org))
    page = client.get("/company").get_data(as_text=True)
    latitude = page[page.index('id="latitude"'):].split(">", 1)[0]
    assert 'value="36' not in latitude  # at the centre: no pin shown, so a new subdistrict moves it
    form = {"name": org.name, "credit_code": org.credit_code, "roles": "buyer",
            "sector": org.sector, "headcount": "10", "subdistrict": BADAXIA,
            "address": "云南路1号", "latitude": "", "longitude": "", "phone": "0532 1234 5678"}
    assert client.post("/company", data=form).status_code == 302
    db.session.expire_all()
    assert (org.subdistrict, org.latitude, org.longitude) == (BADAXIA, *_centre(BADAXIA))


def test_lot_and_need_api_take_a_subdistrict(client, people, catalog, token_for):
    supplier = token_for(people["supplier_a"])
    buyer = token_for(people["buyer"])
    lot = client.post("/api/v1/lots", headers=supplier, json={
        "item": "MASK-SURGICAL", "quantity": 10, "kind": "donation", "subdistrict": ZHANSHAN,
        "address": "湛山三路5号"})
    need = client.post("/api/v1/needs", headers=buyer, json={
        "item": "MASK-SURGICAL", "quantity": 10, "subdistrict": BADAXIA})
    assert lot.status_code == 201, lot.json
    assert need.status_code == 201, need.json
    assert (lot.json["subdistrict"], lot.json["latitude"]) == (ZHANSHAN, _centre(ZHANSHAN)[0])
    stored = db.session.get(Need, need.json["id"])
    assert (stored.subdistrict, stored.latitude, stored.longitude) == (BADAXIA, *_centre(BADAXIA))
    bad = client.post("/api/v1/needs", headers=buyer, json={
        "item": "MASK-SURGICAL", "quantity": 10, "subdistrict": "nowhere"})
    assert bad.status_code == 422
    assert "nowhere" in str(bad.json["errors"]["subdistrict"])


def test_lot_without_a_place_takes_the_companys_subdistrict(client, people, catalog, token_for):
    org = people["supplier_a_org"]
    org.subdistrict = ZHANSHAN
    db.session.commit()
    headers = token_for(people["supplier_a"])
    response = client.post("/api/v1/lots", headers=headers, json={
        "item": "MASK-SURGICAL", "quantity": 10, "kind": "donation"})
    assert response.status_code == 201, response.json
    assert db.session.get(Lot, response.json["id"]).subdistrict == ZHANSHAN


def test_lot_page_posts_with_a_subdistrict(client, people, catalog, login):
    login(people["supplier_a"])
    page = client.get("/lots/new").get_data(as_text=True)
    assert 'id="lot-subdistrict"' in page
    response = client.post("/lots/new", data={
        "item": "MASK-SURGICAL", "quantity": "5", "kind": "donation", "subdistrict": BADAXIA,
        "address": "八大峡广场"})
    assert response.status_code == 302
    lot = db.session.scalar(sa.select(Lot))
    assert (lot.subdistrict, lot.latitude) == (BADAXIA, _centre(BADAXIA)[0])
    assert lot.address == "八大峡广场"


def test_forms_work_without_map_tiles_and_load_leaflet_with_them(app, client):
    plain = client.get("/register").get_data(as_text=True)
    assert 'id="map-data"' in plain
    assert "leaflet.js" not in plain
    assert 'name="latitude"' in plain  # typed by hand when there is no map
    app.config["MAP_TILE_URL"] = "https://tiles.example/{z}/{x}/{y}.png"
    mapped = client.get("/register").get_data(as_text=True)
    assert "vendor/leaflet/leaflet.js" in mapped
    assert "js/map.js" in mapped
    assert "tiles.example" in mapped
    vendored = Path(app.static_folder) / "vendor" / "leaflet"
    assert (vendored / "leaflet.js").is_file()
    assert "BSD" in (vendored / "LICENSE").read_text() or "Redistribution" in (
        vendored / "LICENSE").read_text()


def test_default_max_distance_suits_a_city(monkeypatch):
    assert Config.MATCH_MAX_DISTANCE_KM == 50.0
    from market import config
    monkeypatch.setenv("MATCH_MAX_DISTANCE_KM", "none")
    assert config._distance_limit("MATCH_MAX_DISTANCE_KM", 50.0) is None
    monkeypatch.setenv("MATCH_MAX_DISTANCE_KM", "12.5")
    assert config._distance_limit("MATCH_MAX_DISTANCE_KM", 50.0) == 12.5


def test_a_misplaced_lot_is_not_proposed_546_km_away(app, make_org, make_lot, make_need, people):
    assert app.config["MATCH_MAX_DISTANCE_KM"] == 50.0
    supplier = make_org(roles=("supplier",), sector="trade", latitude=31.23, longitude=121.47)
    near = make_org(roles=("supplier",), sector="trade", latitude=36.07, longitude=120.37)
    clinic = make_org(roles=("buyer",), sector="medical", latitude=36.06, longitude=120.38)
    far_lot = make_lot(supplier, quantity=100, unit_price=Decimal("0.50"))  # Shanghai: ~546 km
    near_lot = make_lot(near, quantity=30, unit_price=Decimal("0.90"))
    make_need(clinic, quantity=100)
    start_run(people["coordinator"])
    lots = set(db.session.scalars(sa.select(Allocation.lot_id)))
    assert lots == {near_lot.id}
    assert far_lot.id not in lots


def test_whatif_page_shows_the_distance_limit(client, login, people):
    login(people["coordinator"])
    html = client.get("/reports/what-if").get_data(as_text=True)
    assert "50 km" in html or "50.0 km" in html


def test_csp_lets_the_configured_tile_server_in():
    from market.config import _tile_origin
    assert _tile_origin("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png") == (
        "https://*.tile.openstreetmap.org")
    assert _tile_origin("/tiles/{z}/{x}/{y}.png") == ""  # own tiles: 'self' covers them
    assert _tile_origin("") == ""
