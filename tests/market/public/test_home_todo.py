"""The home page says what needs doing for each role (issue 12.8)."""

from __future__ import annotations

from market.allocations import services
from market.extensions import db
from market.notifications.models import Notification


def _item(page: str, key: str) -> str:
    """The text of one to-do line, or '' when it is not shown."""
    marker = f'id="todo-{key}"'
    return page.split(marker)[1].split("</li>")[0] if marker in page else ""


def test_visitors_keep_the_public_totals_without_a_todo(client, catalog):
    page = client.get("/").get_data(as_text=True)
    assert 'id="home-todo"' not in page
    assert 'id="public-totals"' in page


def test_coordinator_sees_filings_proposals_disputes_and_failed_deliveries(
        client, login, people, make_org, make_lot, make_need, make_run, make_allocation):
    make_org(name="Waiting Co", status="pending")
    make_org(name="Changing Co", pending_change={"headcount": 80, "requested_at":
                                                 "2026-11-30T10:00:00+00:00"})
    lot = make_lot(people["supplier_a_org"], quantity=1000)
    need = make_need(people["buyer_org"], quantity=500)
    run = make_run()
    for _ in range(3):
        make_allocation(lot, need, 10, run=run)
    make_allocation(lot, need, 10, run=run, status="disputed", received_quantity=5)
    db.session.add(Notification(user_id=people["buyer"].id, subject="s", body="b",
                                status="failed"))
    db.session.commit()
    login(people["coordinator"])
    page = client.get("/").get_data(as_text=True)
    assert "<strong>1</strong>" in _item(page, "filings")
    assert "/filings" in _item(page, "filings")
    assert "<strong>1</strong>" in _item(page, "changes")
    assert "<strong>3</strong>" in _item(page, "proposals")
    assert "/allocations/proposals" in _item(page, "proposals")
    assert "status=disputed" in _item(page, "disputes")
    assert "<strong>1</strong>" in _item(page, "disputes")
    assert "/notifications/failed" in _item(page, "failed")
    # the dispute link lists disputed lines of any run
    disputed = client.get("/allocations/proposals?status=disputed").get_data(as_text=True)
    assert disputed.count('class="badge badge-disputed"') == 1


def test_supplier_sees_lines_to_ship_and_buyer_deliveries_to_confirm(
        client, login, world):
    services.approve(world["coordinator"], world["allocation"].id)
    login(world["supplier_a"])
    page = client.get("/").get_data(as_text=True)
    assert "<strong>1</strong>" in _item(page, "ship")
    assert "status=approved" in _item(page, "ship")
    assert _item(page, "confirm") == ""
    services.ship(world["supplier_a"], world["allocation"].id)
    login(world["buyer"])
    page = client.get("/").get_data(as_text=True)
    assert "<strong>1</strong>" in _item(page, "confirm")
    assert 'id="home-filing-ok"' in page


def test_pending_company_sees_its_filing_status_not_forms(client, login, make_org, make_user):
    org = make_org(name="New Clinic", status="pending", roles=("buyer",))
    login(make_user(org))
    page = client.get("/").get_data(as_text=True)
    assert 'id="home-filing"' in page
    assert "waiting for a district coordinator to verify" in page
    assert 'id="home-tasks"' not in page
    needs = client.get("/needs/").get_data(as_text=True)
    assert 'id="new-need"' not in needs
    assert "Only verified buyers can post needs." in needs


def test_rejected_company_sees_the_reason(client, login, make_org, make_user):
    org = make_org(name="Odd Co", status="rejected", rejection_reason="credit code unknown")
    login(make_user(org))
    page = client.get("/").get_data(as_text=True)
    assert "was rejected" in page
    assert "credit code unknown" in page
