"""The what-if page in a real browser: it opens at once, then htmx brings the figures and chart.

Studies are queued here, as in production, on an in-memory queue that no worker reads: the
page opens before the figures exist and has to poll for them; the test then computes the
queued study itself, as the worker would.
"""

from __future__ import annotations

import os
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from market.extensions import db
from market.whatif.models import WhatIfStudy
from market.whatif.tasks import compute_study

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
PAGE = "/reports/what-if"


@pytest.fixture
def app_config(tmp_path) -> dict:
    """Queued studies (only the test computes them), a file database shared with the server."""
    config = {"WTF_CSRF_ENABLED": True, "QUEUE_IMMEDIATE": False, "QUEUE_URL": "memory://"}
    if not os.environ.get("TEST_DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'browser.db'}"
    return config


@pytest.fixture
def scarce_market(make_org, make_lot, make_need, make_user) -> str:
    """100 masks for two clinics asking 100 each; returns the coordinator's e-mail."""
    north = {"latitude": 31.21, "longitude": 121.40}
    supplier = make_org(name="Mask Works", roles=("supplier",), latitude=31.20, longitude=121.40)
    make_lot(supplier, quantity=100, latitude=31.20, longitude=121.40)
    for name in ("Clinic X", "Clinic Y"):
        make_need(make_org(name=name, roles=("buyer",), sector="medical", **north), quantity=100)
    user = make_user(None, role="coordinator", email="whatif@example.com", password=PASSWORD)
    email = user.email
    db.session.commit()  # hold no read transaction while the server writes
    return email


def test_whatif_opens_then_shows_figures_chart_and_table(new_page, scarce_market):
    page = new_page()
    page.goto(f"/login?next={PAGE}")
    page.locator("#login-form #email").fill(scarce_market)
    page.locator("#login-form #password").fill(PASSWORD)
    page.locator("#login-submit").click()
    expect(page).to_have_url(re.compile(re.escape(PAGE) + r"$"))
    expect(page.locator("#whatif-form")).to_be_visible()
    expect(page.locator("#whatif-progress")).to_contain_text(
        "Comparing 4 strategies on 2 needs and 1 lots")
    expect(page.locator("#whatif-progress")).to_contain_text("waiting to start")
    study_id = db.session.scalars(sa.select(WhatIfStudy.id)).one()
    assert compute_study.call_local(study_id) == "done"  # as the worker would
    db.session.remove()
    expect(page.locator("#table-whatif")).to_be_visible(timeout=60_000)
    expect(page.locator("#whatif-progress")).to_have_count(0)
    expect(page.locator("#cell-fcfs-lowest")).to_have_text("0.0 %")
    expect(page.locator("#cell-optimal-lowest")).to_have_text("50.0 %")
    expect(page.locator("#head-edited")).to_have_text("Optimised, edited policy")
    page.wait_for_function(
        "() => { const c = document.getElementById('chart-whatif');"
        " return c && window.Chart && Chart.getChart(c) && c.width > 0; }")
    datasets = page.evaluate(
        "() => Chart.getChart(document.getElementById('chart-whatif')).data.datasets"
        ".map(d => [d.label, d.data])")
    assert [label for label, _ in datasets] == [
        "First come, first served", "Proportional shares", "Optimised, current policy",
        "Optimised, edited policy"]
    assert datasets[0][1] == [50, 0]  # tier 1, lowest fill rate
    assert datasets[2][1] == [50, 50]
    # A second visit finds the finished study: the figures come with the page.
    page.goto(PAGE)
    expect(page.locator("#table-whatif")).to_be_visible()
    expect(page.locator("#whatif-progress")).to_have_count(0)
