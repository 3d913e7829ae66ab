"""Catalogue pages: the list in both languages, and the coordinator's add-item form."""

import pytest
import sqlalchemy as sa

from market.catalog.models import Item
from market.extensions import db


def test_catalog_page_lists_items_and_substitutes(client, catalog, people, login):
    login(people["buyer"])
    response = client.get("/catalog/?lang=en")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="items-table"' in page
    assert "Surgical mask" in page
    assert "MASK-KN95" in page
    assert 'id="new-item"' not in page  # only coordinators add items


def test_catalog_page_shows_chinese_names_in_chinese(client, catalog, people, login):
    login(people["buyer"])
    page = client.get("/catalog/?lang=zh").get_data(as_text=True)
    assert "医用外科口罩" in page
    assert "Surgical mask" not in page


def test_anonymous_is_sent_to_login(client, catalog):
    response = client.get("/catalog/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("who", "status"), [("supplier_a", 403), ("buyer", 403), ("coordinator", 200)]
)
def test_add_item_form_is_for_coordinators(client, catalog, people, login, who, status):
    login(people[who])
    assert client.get("/catalog/new").status_code == status


def test_coordinator_adds_an_item_through_the_form(client, catalog, people, login):
    login(people["coordinator"])
    response = client.post(
        "/catalog/new",
        data={"sku": "GOWN-ISOLATION", "name": "Isolation gown", "category": "clothing",
              "unit": "piece", "substitutes": ["MASK-KN95"]},
    )
    assert response.status_code == 302
    item = db.session.scalar(sa.select(Item).where(Item.sku == "GOWN-ISOLATION"))
    assert [s.sku for s in item.substitutes] == ["MASK-KN95"]


def test_bad_sku_is_shown_next_to_the_field(client, catalog, people, login):
    login(people["coordinator"])
    response = client.post(
        "/catalog/new",
        data={"sku": "gown isolation", "name": "Isolation gown", "category": "clothing",
              "unit": "piece"},
    )
    assert response.status_code == 200
    assert 'id="sku-error"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Item)) == len(catalog)


def test_duplicate_sku_in_the_form_is_refused(client, catalog, people, login):
    login(people["coordinator"])
    response = client.post(
        "/catalog/new",
        data={"sku": "MASK-KN95", "name": "Again", "category": "mask", "unit": "piece"},
    )
    assert response.status_code == 200
    assert "already exists" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Item)) == len(catalog)
