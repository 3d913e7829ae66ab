"""The run button in a real browser: the run is queued, its page shows the progress, then the run.

The queue here is in memory and no worker reads it: the test computes the queued run itself,
as the worker would, while the page polls; the page then reloads with the run's figures.
"""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from market.extensions import db
from market.matching.tasks import run_matching

from .helpers import PASSWORD, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(tmp_path) -> dict:
    """Real CSRF, a queue no worker reads, and a file database shared with the server thread."""
    config = {"WTF_CSRF_ENABLED": True, "QUEUE_IMMEDIATE": False, "QUEUE_URL": "memory://"}
    if not os.environ.get("TEST_DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'browser.db'}"
    return config


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


def test_run_button_queues_the_run_and_its_page_follows_it_to_the_end(new_page, coordinator):
    page = new_page()
    log_in(page, coordinator, "/matching/")

    page.locator("#run-matching").click()  # answers at once: the run is only queued
    expect(page).to_have_url(re.compile(r"/matching/runs/\d+$"))
    expect(page.locator("h1 .badge")).to_have_text("queued")
    expect(page.locator("#run-phase")).to_have_text("Waiting for a worker to start the run…")
    expect(page.locator("#run-progress")).to_have_attribute("hx-trigger", "every 1s")

    # A second start while this one is queued is refused, and says why.
    page.goto("/matching/")
    page.locator("#preview-matching").click()
    expect(page.locator(".flash-error")).to_contain_text("queued or under way")
    page.go_back()
    page.go_back()
    expect(page).to_have_url(re.compile(r"/matching/runs/\d+$"))

    run_id = int(page.url.rsplit("/", 1)[1])
    assert run_matching.call_local(run_id) == "completed"  # as the worker would
    db.session.remove()
    # The polled fragment sees the end and reloads the page with the run's figures.
    expect(page.locator("h1 .badge")).to_have_text("completed", timeout=15_000)
    expect(page.locator("#run-progress")).to_have_count(0)
    expect(page.locator("#review-proposals")).to_be_visible()
