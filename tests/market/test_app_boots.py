"""The application factory builds an app whose pages and API answer."""

import importlib
import json
import sys

import pytest
import sqlalchemy as sa

from market import create_app
from market.config import TestConfig
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


@pytest.mark.parametrize("module", ["market.lots.views", "market.whatif.api"])
def test_an_area_missing_its_views_or_api_module_stops_the_app(monkeypatch, module):
    package_name, _, name = module.rpartition(".")
    monkeypatch.delattr(importlib.import_module(package_name), name, raising=False)
    monkeypatch.setitem(sys.modules, module, None)  # as if the file were gone
    with pytest.raises(ImportError, match=module):
        create_app(TestConfig)


def test_whatif_is_its_own_area_at_the_same_addresses(app):
    urls = app.url_map.bind("localhost")
    assert urls.match("/reports/what-if")[0] == "whatif.page"
    assert urls.match("/reports/what-if/studies/3")[0] == "whatif.study"
    assert urls.match("/api/v1/reports/what-if", method="POST")[0] == "whatif_api.what_if"
    assert urls.match("/api/v1/reports/what-if/studies/3")[0] == "whatif_api.what_if_study"
    assert not [r for r in app.url_map.iter_rules()
                if r.endpoint.startswith("reports") and "what-if" in r.rule]
