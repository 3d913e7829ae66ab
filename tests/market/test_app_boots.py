"""The application factory builds an app whose pages and API answer."""

import json

import sqlalchemy as sa

from market.extensions import db


def test_home_page_shows_public_totals(client, catalog):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Surgical mask" in response.data


def test_unknown_api_path_answers_json_error_shape(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json["code"] == 404
    assert response.json["status"] == "Not Found"
    assert "message" in response.json


def test_openapi_document_and_offline_docs_page(client):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    assert json.loads(spec.data)["info"]["title"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs.data
    asset = client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")
    assert asset.status_code == 200
    asset.close()


def test_times_come_back_timezone_aware(app, make_org):
    org = make_org()
    db.session.expire_all()
    assert org.created_at.tzinfo is not None


def test_seed_catalog_is_idempotent(app, catalog):
    from market.catalog.models import Item
    from market.catalog.seed import seed_catalog

    assert seed_catalog() == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Item)) == len(catalog)
    assert [s.sku for s in catalog["MASK-SURGICAL"].substitutes] == ["MASK-KN95"]
