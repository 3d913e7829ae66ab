"""The location map pin in a real browser: vendored Leaflet, own tiles, no CSP violation."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from market.accounts.models import Organization
from market.extensions import db
from tests.conftest import make_credit_code

pytestmark = pytest.mark.browser

ZHANSHAN = "370202006"


@pytest.fixture
def app_config(tmp_path) -> dict:
    """Tiles from the app itself (any image will do), a file database shared with the server."""
    config = {"WTF_CSRF_ENABLED": True,
              "MAP_TILE_URL": "/static/vendor/leaflet/images/layers.png?{z}-{x}-{y}"}
    if not os.environ.get("TEST_DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'browser.db'}"
    return config


def test_a_click_on_the_map_pins_the_company(new_page):
    page = new_page("zh-CN")
    page.goto("/register")
    form = page.locator("#register-form")
    form.locator("#email").fill("pin@example.com")
    form.locator("#password").fill("correct horse battery")
    form.locator("#name").fill("湛山诊所")
    form.locator("#credit_code").fill(make_credit_code(601))
    form.locator("#sector").select_option("medical")
    form.locator("#headcount").fill("12")
    form.locator("#subdistrict").select_option(ZHANSHAN)
    form.locator("#address").fill("湛山三路5号")
    form.locator("#phone").fill("0532 8888 0101")
    page.locator("#company-map-pin summary").click()
    box = page.locator("#company-map")
    expect(box).to_be_visible()
    expect(box.locator(".leaflet-tile-loaded").first).to_be_attached()
    size = box.bounding_box()
    box.click(position={"x": size["width"] * 0.75, "y": size["height"] * 0.25})
    expect(form.locator("#latitude")).not_to_have_value("")
    lat = float(form.locator("#latitude").input_value())
    lon = float(form.locator("#longitude").input_value())
    assert 36.0625 < lat < 36.08  # north-east of Zhanshan's centre, still in the district
    assert 120.364 < lon < 120.39
    page.locator("#register-submit").click()
    expect(page.locator("#company-status")).to_be_visible()
    org = db.session.scalar(sa.select(Organization).where(Organization.name == "湛山诊所"))
    assert (org.subdistrict, round(org.latitude, 6), round(org.longitude, 6)) == (
        ZHANSHAN, lat, lon)


def test_choosing_another_subdistrict_clears_the_pin(new_page):
    page = new_page("en-GB")
    page.goto("/register")
    form = page.locator("#register-form")
    form.locator("#subdistrict").select_option(ZHANSHAN)
    page.locator("#company-map-pin summary").click()
    page.locator("#company-map").click()
    expect(form.locator("#latitude")).not_to_have_value("")
    form.locator("#subdistrict").select_option("370202001")
    expect(form.locator("#latitude")).to_have_value("")
    expect(form.locator("#longitude")).to_have_value("")
