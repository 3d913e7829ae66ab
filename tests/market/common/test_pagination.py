"""Paging: the API's `@blp.paginate` lists and the pages read `page`/`per_page` alike."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def three_lots(people, make_lot):
    """Three lots of supplier A."""
    return [make_lot(people["supplier_a_org"]) for _ in range(3)]


def header(response) -> dict:
    """The `X-Pagination` JSON of a list answer."""
    return json.loads(response.headers["X-Pagination"])


def test_a_page_past_the_end_is_empty_with_the_same_header(client, people, token_for,
                                                            three_lots):
    response = client.get("/api/v1/lots?per_page=2&page=7",
                          headers=token_for(people["supplier_a"]))
    assert response.status_code == 200
    assert response.json == []
    assert header(response) == {"total": 3, "total_pages": 2, "page": 7, "per_page": 2}


def test_an_empty_list_has_no_pages(client, people, token_for):
    response = client.get("/api/v1/lots", headers=token_for(people["supplier_a"]))
    assert header(response) == {"total": 0, "total_pages": 0, "page": 1, "per_page": 50}


@pytest.mark.parametrize(("query", "field", "value"), [
    ("per_page=501", "per_page", "501"), ("page=0", "page", "0"),
    ("per_page=abc", "per_page", None), ("page=2&per_page=0", "per_page", "0"),
])
def test_bad_page_arguments_are_422_naming_field_and_value(client, people, token_for, query,
                                                           field, value):
    response = client.get(f"/api/v1/match-runs?{query}", headers=token_for(people["coordinator"]))
    assert response.status_code == 422
    assert list(response.json["errors"]) == [field]
    if value is not None:
        assert f"got {value}" in response.json["errors"][field][0]


def test_the_openapi_document_shows_per_page_and_the_header_fields(client):
    spec = client.get("/api/v1/openapi.json").json
    listing = spec["paths"]["/api/v1/needs"]["get"]
    names = [p["name"] for p in listing["parameters"]]
    assert names.count("page") == names.count("per_page") == 1
    assert "page_size" not in names
    per_page = next(p for p in listing["parameters"] if p["name"] == "per_page")
    assert per_page["schema"]["maximum"] == 500
    documented = listing["responses"]["200"]["headers"]["X-Pagination"]
    ref = documented["content"]["application/json"]["schema"]["$ref"]
    fields = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]
    assert set(fields) == {"total", "total_pages", "page", "per_page"}


@pytest.mark.parametrize("query", ["per_page=501", "per_page=abc", "page=-3", "page=99999999999"])
def test_a_page_reads_a_bad_page_argument_as_its_default(client, people, login, three_lots,
                                                          query):
    login(people["supplier_a"])
    response = client.get(f"/lots/?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert all(f'id="lot-{lot.id}"' in html for lot in three_lots)


def test_a_page_pages_on_with_its_per_page(client, people, login, three_lots):
    login(people["supplier_a"])
    first = client.get("/lots/?per_page=2").get_data(as_text=True)
    assert 'id="page-next"' in first
    second = client.get("/lots/?per_page=2&page=2").get_data(as_text=True)
    assert 'id="page-prev"' in second
    assert 'id="page-next"' not in second
