"""The gift-pack page for coordinators, buyers and donors."""

from __future__ import annotations

import sqlalchemy as sa

from market.extensions import db
from market.giftpacks.models import GiftPack, GiftPackApplication, GiftPackTemplate
from market.lots.models import Lot


def test_coordinator_creates_a_template_from_item_rows(people, catalog, page_as):
    html = page_as(people["coordinator"], "get", "/gift-packs/").get_data(as_text=True)
    assert 'id="template-form"' in html
    assert 'id="template-item-0"' in html
    r = page_as(people["coordinator"], "post", "/gift-packs/templates", data={
        "name": "Clinic pack", "contents-0-item": "MASK-KN95", "contents-0-quantity": "200",
        "contents-1-item": "GLOVES-NITRILE", "contents-1-quantity": "100"})
    assert r.status_code == 302
    template = db.session.scalar(sa.select(GiftPackTemplate))
    assert template.name == "Clinic pack"
    assert sorted((c.item.sku, c.quantity) for c in template.contents) == [
        ("GLOVES-NITRILE", 100), ("MASK-KN95", 200)]


def test_buyer_applies_and_sees_the_waiting_status(people, page_as):
    html = page_as(people["buyer"], "get", "/gift-packs/").get_data(as_text=True)
    assert 'id="apply-gift-pack"' in html
    page_as(people["buyer"], "post", "/gift-packs/apply", data={"reason": "reopening Monday"})
    application = db.session.scalar(sa.select(GiftPackApplication))
    assert application.reason == "reopening Monday"
    html = page_as(people["buyer"], "get", "/gift-packs/").get_data(as_text=True)
    assert 'id="application-status"' in html
    assert 'id="apply-gift-pack"' not in html


def test_coordinator_applies_on_behalf(people, page_as):
    org = people["buyer_org"]
    page_as(people["coordinator"], "post", "/gift-packs/apply",
            data={"organization_id": str(org.id), "reason": "hotline"})
    application = db.session.scalar(sa.select(GiftPackApplication))
    assert (application.organization_id, application.entered_by_id) == (
        org.id, people["coordinator"].id)


def test_pack_journey_through_the_page(people, donations, make_pack, page_as):
    pack = make_pack(people["buyer_org"], [(donations["masks"], 300)])
    html = page_as(people["coordinator"], "get", "/gift-packs/").get_data(as_text=True)
    assert f'id="approve-pack-{pack.id}"' in html
    assert f'id="reject-pack-{pack.id}"' in html
    page_as(people["coordinator"], "post", f"/gift-packs/{pack.id}/approve")
    html = page_as(people["supplier_a"], "get", "/gift-packs/").get_data(as_text=True)
    assert f'id="ship-pack-{pack.id}"' in html
    page_as(people["supplier_a"], "post", f"/gift-packs/{pack.id}/ship")
    db.session.expire_all()
    lot = db.session.get(Lot, donations["masks"].id)
    assert (lot.quantity, lot.reserved, lot.shipped) == (1000, 300, 300)  # on its way
    html = page_as(people["buyer"], "get", "/gift-packs/").get_data(as_text=True)
    assert f'id="pack-components-{pack.id}"' in html
    assert f'id="receive-pack-{pack.id}"' in html
    page_as(people["buyer"], "post", f"/gift-packs/{pack.id}/receive",
            data={"quantity": "250", "note": "short"})
    db.session.expire_all()
    assert db.session.get(GiftPack, pack.id).status == "disputed"
    lot = db.session.get(Lot, donations["masks"].id)
    assert (lot.quantity, lot.reserved, lot.shipped) == (700, 0, 300)


def test_shortage_is_flashed_on_the_page(people, donations, make_pack, page_as):
    pack = make_pack(people["buyer_org"], [(donations["alcohol"], 50)])
    r = page_as(people["coordinator"], "post", f"/gift-packs/{pack.id}/approve",
                follow_redirects=True)
    assert "short by 30" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(GiftPack, pack.id).status == "proposed"
