"""Gift packs count (issue 12.10): received units in the totals; applications follow packs."""

from __future__ import annotations

from market.common.display import district_today
from market.reports import daily, services
from market.reports.public import public_totals


def _received_pack(people, donations, make_pack, as_user, quantity=None):
    pack = make_pack(people["buyer_org"], [(donations["masks"], 500), (donations["alcohol"], 5)],
                     application_status="waiting")
    as_user(people["coordinator"], "post", f"/api/v1/gift-packs/{pack.id}/approve")
    as_user(people["supplier_a"], "post", f"/api/v1/gift-packs/{pack.id}/ship")
    body = {} if quantity is None else {"quantity": quantity, "note": "short"}
    r = as_user(people["buyer"], "post", f"/api/v1/gift-packs/{pack.id}/receive", json=body)
    assert r.status_code == 200, r.json
    return pack


def _by_item(rows):
    return {row["item"]: row for row in rows}


def test_received_pack_units_appear_in_every_total(people, donations, make_pack, as_user):
    _received_pack(people, donations, make_pack, as_user)
    assert _by_item(public_totals()["items"])["MASK-SURGICAL"]["delivered"] == 500
    dashboard = _by_item(services.dashboard(people["coordinator"])["items"])
    masks = dashboard["MASK-SURGICAL"]
    assert (masks["shipped"], masks["received"], masks["gift_packs"]) == (500, 500, 500)
    assert masks["allocated"] == 0  # packs serve no need: the fill rate stays about needs
    assert dashboard["DISINFECTANT-ALCOHOL-75"]["received"] == 5
    day = _by_item(daily.day_section(district_today())["totals"])
    assert (day["MASK-SURGICAL"]["shipped"], day["MASK-SURGICAL"]["received"]) == (500, 500)
    assert day["DISINFECTANT-ALCOHOL-75"]["gift_packs"] == 5


def test_a_short_pack_counts_each_item_by_its_share(people, donations, make_pack, as_user):
    _received_pack(people, donations, make_pack, as_user, quantity=404)  # 80 % of 505
    items = _by_item(services.item_totals())
    assert items["MASK-SURGICAL"]["received"] == 400
    assert items["DISINFECTANT-ALCOHOL-75"]["received"] == 4


def test_home_page_shows_delivered_pack_units(client, people, donations, make_pack, as_user):
    _received_pack(people, donations, make_pack, as_user)
    page = client.get("/").get_data(as_text=True)
    assert 'id="home-delivered">505<' in page


def _progress(as_user, user, application_id):
    r = as_user(user, "get", f"/api/v1/gift-pack-applications/{application_id}")
    assert r.status_code == 200, r.json
    return r.json["progress"]


def test_application_progress_follows_its_pack(
        client, login, people, donations, make_pack, as_user):
    pack = make_pack(people["buyer_org"], [(donations["masks"], 500)],
                     application_status="waiting")
    app_id = pack.application_id
    assert _progress(as_user, people["coordinator"], app_id) == "proposed"
    assert _progress(as_user, people["buyer"], app_id) == "waiting"  # proposals are hidden
    as_user(people["coordinator"], "post", f"/api/v1/gift-packs/{pack.id}/approve")
    assert _progress(as_user, people["buyer"], app_id) == "approved"
    as_user(people["supplier_a"], "post", f"/api/v1/gift-packs/{pack.id}/ship")
    assert _progress(as_user, people["buyer"], app_id) == "shipped"
    as_user(people["buyer"], "post", f"/api/v1/gift-packs/{pack.id}/receive")
    assert _progress(as_user, people["buyer"], app_id) == "received"
    login(people["buyer"])
    page = client.get("/gift-packs/").get_data(as_text=True)
    cell = page.split(f'id="application-progress-{app_id}"')[1].split("</td>")[0]
    assert "badge-received" in cell


def test_a_rejected_pack_puts_the_application_back_to_waiting(
        people, donations, make_pack, as_user):
    pack = make_pack(people["buyer_org"], [(donations["masks"], 500)],
                     application_status="waiting")
    as_user(people["coordinator"], "post", f"/api/v1/gift-packs/{pack.id}/reject",
            json={"reason": "not now"})
    assert _progress(as_user, people["coordinator"], pack.application_id) == "waiting"
