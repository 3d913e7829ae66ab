"""The needs pages: post (with a suggestion), list, edit, cancel, renew."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from market.extensions import db
from market.matching.tasks import expire_needs
from market.needs.models import Need


def test_buyer_posts_a_need_through_the_form(people, catalog, page_as):
    r = page_as(people["buyer"], "get", "/needs/new")
    html = r.get_data(as_text=True)
    for element in ("need-form", "need-item", "need-quantity", "need-max-price", "need-needed-by",
                    "need-accept-substitutes", "need-submit", "need-suggest"):
        assert f'id="{element}"' in html
    r = page_as(people["buyer"], "post", "/needs/new", data={
        "item": "GLOVES-NITRILE", "quantity": "250", "max_unit_price": "0.80",
        "needed_by": (date.today() + timedelta(days=3)).isoformat(), "accept_substitutes": "y",
    })
    assert r.status_code == 302
    need = db.session.scalar(sa.select(Need))
    assert (need.quantity, str(need.max_unit_price), need.accept_substitutes) == (250, "0.80", True)
    assert need.organization_id == people["buyer_org"].id
    r = page_as(people["buyer"], "get", "/needs/")
    assert f'id="need-{need.id}"' in r.get_data(as_text=True)


def test_form_shows_field_errors_and_writes_nothing(people, catalog, page_as):
    r = page_as(people["buyer"], "post", "/needs/new", data={
        "item": "GLOVES-NITRILE", "quantity": "0",
        "needed_by": (date.today() - timedelta(days=3)).isoformat()})
    assert r.status_code == 200
    assert 'id="need-quantity-error"' in r.get_data(as_text=True)
    r = page_as(people["buyer"], "post", "/needs/new", data={
        "item": "GLOVES-NITRILE", "quantity": "5",
        "needed_by": (date.today() - timedelta(days=3)).isoformat()})
    assert 'id="need-needed-by-error"' in r.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Need)) == 0


def test_suggest_button_prefills_the_quantity(people, catalog, page_as):
    r = page_as(people["buyer"], "get", "/needs/new?item=MASK-SURGICAL&days=10&suggest=1")
    assert r.status_code == 200
    assert 'value="1000"' in r.get_data(as_text=True)  # 50 people × 10 days × 2


def test_empty_state_and_expired_need_greyed_with_renew(people, make_need, page_as):
    html = page_as(people["buyer"], "get", "/needs/").get_data(as_text=True)
    assert 'class="empty"' in html
    need = make_need(people["buyer_org"], needed_by=date.today() - timedelta(days=1))
    expire_needs.call_local()  # the worker's periodic task; listing writes nothing
    html = page_as(people["buyer"], "get", "/needs/").get_data(as_text=True)
    assert f'id="need-{need.id}" class="greyed"' in html
    assert f'id="renew-need-{need.id}"' in html
    new_date = (date.today() + timedelta(days=9)).isoformat()
    r = page_as(people["buyer"], "post", f"/needs/{need.id}/renew", data={"needed_by": new_date})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Need, need.id).status == "open"


def test_edit_and_cancel_through_pages(people, make_need, page_as):
    need = make_need(people["buyer_org"], quantity=100, allocated=40, status="partially_allocated")
    r = page_as(people["buyer"], "post", f"/needs/{need.id}/edit", data={"quantity": "30"})
    assert r.status_code == 200  # re-shown with the conflict flashed
    assert "40" in r.get_data(as_text=True)
    r = page_as(people["buyer"], "post", f"/needs/{need.id}/edit", data={"quantity": "150"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Need, need.id).quantity == 150
    free = make_need(people["buyer_org"])
    assert page_as(people["buyer"], "post", f"/needs/{free.id}/cancel").status_code == 302
    db.session.expire_all()
    assert db.session.get(Need, free.id).status == "cancelled"


def test_coordinator_enters_a_need_for_a_company(people, catalog, page_as):
    org = people["buyer_org"]
    r = page_as(people["coordinator"], "post", "/needs/new", data={
        "organization_id": str(org.id), "item": "MASK-CIVIL", "quantity": "60"})
    assert r.status_code == 302
    need = db.session.scalar(sa.select(Need))
    assert (need.organization_id, need.entered_by_id) == (org.id, people["coordinator"].id)
