"""The run button in a real browser: while a run is computing, the page says so."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from market.extensions import db

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
BUSY = ("Matching is running: the run opens here when it is done. On a city-scale market this "
        "takes about a minute.")


@pytest.fixture
def coordinator(make_org, make_lot, make_need, make_user) -> str:
    """A one-lot, one-need market and a coordinator; returns the coordinator's e-mail."""
    supplier = make_org(name="Mask Works", roles=("supplier",))
    make_lot(supplier, quantity=100)
    make_need(make_org(name="Clinic", roles=("buyer",), sector="medical"), quantity=40)
    email = make_user(None, role="coordinator", email="runs@example.com",
                      password=PASSWORD).email
    db.session.commit()  # hold no read transaction while the server writes
    return email


def test_run_button_says_the_run_is_under_way_and_cannot_be_pressed_twice(new_page,
                                                                          coordinator):
    page = new_page()
    page.goto("/login?next=/matching/")
    page.locator("#login-form #email").fill(coordinator)
    page.locator("#login-form #password").fill(PASSWORD)
    page.locator("#login-submit").click()
    expect(page).to_have_url(re.compile(r"/matching/$"))
    expect(page.locator("#run-busy")).to_be_hidden()

    # Keep the page here after the click (a navigating page cannot be inspected): the test's
    # own listener, added after the page's, cancels the post once the page has reacted.
    page.evaluate("document.getElementById('run-form')"
                  ".addEventListener('submit', e => e.preventDefault())")
    page.locator("#run-matching").click()
    expect(page.locator("#run-busy")).to_have_text(BUSY)
    expect(page.locator("#run-busy")).to_be_visible()
    expect(page.locator("#run-matching")).to_be_disabled()
    expect(page.locator("#preview-matching")).to_be_enabled()
    expect(page.locator("#run-form")).to_have_attribute("aria-busy", "true")

    page.evaluate("document.getElementById('run-form').submit()")  # the post, as sent
    expect(page).to_have_url(re.compile(r"/matching/runs/\d+$"))
    expect(page.locator("h1 .badge")).to_have_text("completed")
