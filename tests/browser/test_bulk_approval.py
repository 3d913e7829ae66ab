"""Bulk approval in a real browser, on a phone, in Chinese: the totals to confirm, then one
action queues a job that approves the filtered set and keeps the coordinator's exception;
its page shows the outcome (issue 12.6)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from market.extensions import db
from market.matching.models import Allocation

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


@pytest.fixture
def review(make_org, make_lot, make_need, make_run, make_user) -> dict:
    """One run proposing three mask lines to two buyers and one glove line; one mask line
    already rejected by the coordinator."""
    supplier = make_org(name="Mask Works", roles=("supplier",))
    masks = make_lot(supplier, quantity=1000, unit_price=Decimal("2.50"))
    gloves = make_lot(supplier, item="GLOVES-NITRILE", quantity=100, unit_price=Decimal("1.00"))
    clinic = make_org(name="Clinic", roles=("buyer",), sector="medical")
    school = make_org(name="School", roles=("buyer",), sector="elder_care")
    run = make_run()
    lines = []
    for lot, need, units, status in (
        (masks, make_need(clinic, quantity=300), 300, "proposed"),
        (masks, make_need(school, quantity=200), 200, "proposed"),
        (masks, make_need(school, quantity=100), 100, "rejected"),
        (gloves, make_need(clinic, item="GLOVES-NITRILE", quantity=50), 50, "proposed"),
    ):
        line = Allocation(run_id=run.id, lot_id=lot.id, need_id=need.id, item_id=lot.item_id,
                          supplier_id=supplier.id, buyer_id=need.organization_id,
                          quantity=units, unit_price=lot.unit_price, distance_km=3.0,
                          tier=need.organization.tier, fill_rate=1.0, reasons=[],
                          status=status, decision_note="太远" if status == "rejected" else None)
        db.session.add(line)
        lines.append(line)
    email = make_user(None, role="coordinator", email="review@example.com",
                      password=PASSWORD).email
    db.session.commit()
    ids = [line.id for line in lines]
    db.session.commit()  # hold no read transaction while the server writes
    return {"email": email, "ids": ids}


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_bulk_approval_of_a_filtered_set_with_its_confirmation_on_a_phone_in_chinese(
        new_page, review):
    page = new_page("zh-CN")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/login?next=/allocations/proposals?item=MASK-SURGICAL")
    page.locator("#login-form #email").fill(review["email"])
    page.locator("#login-form #password").fill(PASSWORD)
    page.locator("#login-submit").click()
    expect(page).to_have_url(re.compile(r"/allocations/proposals\?item=MASK-SURGICAL$"))
    expect(page.locator("#approve-all-box")).to_contain_text("2 行")
    expect(page.locator("#approve-all")).to_be_visible()
    assert _no_sideways_scroll(page)

    page.locator("#approve-all").click()
    expect(page).to_have_url(re.compile(r"/allocations/approve-filtered\?"))
    expect(page.locator("h1")).to_contain_text("批准所选范围")
    expect(page.locator("#confirm-lines")).to_have_text("2")
    expect(page.locator("#confirm-units")).to_have_text("500")
    expect(page.locator("#confirm-buyers")).to_have_text("2")
    expect(page.locator("#confirm-value")).to_contain_text("1,250.00")
    assert _no_sideways_scroll(page)
    db.session.expire_all()
    assert [db.session.get(Allocation, i).status for i in review["ids"]] == [
        "proposed", "proposed", "rejected", "proposed"]  # nothing happens before the confirm
    db.session.commit()

    page.locator("#approve-filtered").click()  # queued for the worker (inline in tests)
    expect(page).to_have_url(re.compile(r"/allocations/approval-jobs/\d+$"))
    expect(page.locator("h1")).to_contain_text("批量批准")
    expect(page.locator("#approval-job")).to_have_attribute("data-status", "completed")
    expect(page.locator("#job-approved")).to_contain_text("已批准 2 行（500 个单位）")
    expect(page.locator("#job-refused")).to_have_count(0)
    assert _no_sideways_scroll(page)
    db.session.expire_all()
    assert [db.session.get(Allocation, i).status for i in review["ids"]] == [
        "approved", "approved", "rejected", "proposed"]
    db.session.commit()

    page.locator("#job-back").click()
    expect(page).to_have_url(re.compile(r"/allocations/proposals\?"))
    expect(page.locator("#approve-all")).to_have_count(0)  # nothing left to approve here
