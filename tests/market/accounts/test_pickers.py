"""Hotline forms offer every company in a district but stay small at city scale."""

import re

import pytest

from market.accounts import pickers


@pytest.fixture
def buyers(make_org):
    return [make_org(name=f"Buyer {n}", roles=("buyer",)) for n in range(3)]


def _options(html: str, select_id: str) -> list[str]:
    select = re.search(rf'<select[^>]*id="{select_id}".*?</select>', html, re.S)
    assert select, f"no select #{select_id}"
    return re.findall(r'<option[^>]*value="(\d+)"', select.group(0))


def test_district_lists_every_verified_buyer(client, login, make_user, buyers, catalog):
    login(make_user(None, role="coordinator"))
    html = client.get("/needs/new").get_data(as_text=True)
    assert sorted(_options(html, "need-organization")) == sorted(str(b.id) for b in buyers)


def test_city_offers_only_the_company_named_in_the_link(
    client, login, make_user, buyers, catalog, monkeypatch
):
    monkeypatch.setattr(pickers, "PICKER_LIMIT", 2)
    login(make_user(None, role="coordinator"))
    assert _options(client.get("/needs/new").get_data(as_text=True), "need-organization") == []
    chosen = buyers[1]
    html = client.get(f"/needs/new?organization_id={chosen.id}").get_data(as_text=True)
    assert _options(html, "need-organization") == [str(chosen.id)]
    selected = rf'<option selected value="{chosen.id}"|<option value="{chosen.id}" selected'
    assert re.search(selected, html)


def test_company_page_links_to_hotline_forms(client, login, make_user, buyers):
    login(make_user(None, role="coordinator"))
    html = client.get(f"/organizations/{buyers[0].id}").get_data(as_text=True)
    assert f"/needs/new?organization_id={buyers[0].id}" in html
    assert 'id="hotline-lot"' not in html  # a buyer-only company lists no lots
