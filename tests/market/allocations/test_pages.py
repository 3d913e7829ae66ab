"""The allocation pages: review and decisions, the company's list, the delivery note."""

from __future__ import annotations

import pytest

from market.extensions import db
from market.matching.models import Allocation


def fresh(row_id):
    """Read an allocation as the database has it now."""
    db.session.expire_all()
    return db.session.get(Allocation, row_id)


def test_proposals_page_lists_lines_with_reasons_and_controls(client, login, world):
    login(world["coordinator"])
    page = client.get("/allocations/proposals").get_data(as_text=True)
    a = world["allocation"].id
    for element_id in (f"approve-{a}", f"approve-qty-{a}", f"reject-{a}", f"reject-reason-{a}",
                       f"select-{a}", "bulk-approve", "proposal-filters"):
        assert f'id="{element_id}"' in page
    assert "2.5 km away" in page
    assert "Supplier A" in page
    assert "Buyer C" in page
    filtered = client.get("/allocations/proposals?item=GLOVES-NITRILE").get_data(as_text=True)
    assert f'id="approve-{a}"' not in filtered
    assert "No proposals match these filters." in filtered


def test_proposals_page_empty_state_without_runs(client, login, people):
    login(people["coordinator"])
    page = client.get("/allocations/proposals").get_data(as_text=True)
    assert "No matching run has proposed anything yet." in page


def test_approve_with_a_lower_quantity_on_the_page(client, login, world):
    login(world["coordinator"])
    a = world["allocation"].id
    response = client.post(f"/allocations/{a}/approve", data={"quantity": "60"},
                           follow_redirects=True)
    assert response.status_code == 200
    assert f"Allocation #{a} approved." in response.get_data(as_text=True)
    line = fresh(a)
    assert (line.status, line.quantity) == ("approved", 60)


def test_raising_the_quantity_on_the_page_is_refused(client, login, world):
    login(world["coordinator"])
    a = world["allocation"].id
    response = client.post(f"/allocations/{a}/approve", data={"quantity": "500"},
                           follow_redirects=True)
    assert "may only lower the proposed 100" in response.get_data(as_text=True)
    assert fresh(a).status == "proposed"


def test_reject_on_the_page_needs_a_reason(client, login, world):
    login(world["coordinator"])
    a = world["allocation"].id
    response = client.post(f"/allocations/{a}/reject", data={"reason": ""}, follow_redirects=True)
    assert "Reason" in response.get_data(as_text=True)
    assert fresh(a).status == "proposed"
    client.post(f"/allocations/{a}/reject", data={"reason": "Wrong item"})
    line = fresh(a)
    assert (line.status, line.decision_note) == ("rejected", "Wrong item")


def test_bulk_approve_on_the_page_reports_each_failure(client, login, world, make_need,
                                                       make_allocation):
    big = make_allocation(world["lot"], make_need(world["buyer_org"], quantity=950), 950)
    login(world["coordinator"])
    a = world["allocation"].id
    response = client.post("/allocations/approve", data={"ids": [str(a), str(big.id)]},
                           follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "1 lines approved." in text
    assert f"#{big.id}: Not enough MASK-SURGICAL" in text
    assert fresh(a).status == "approved"
    assert fresh(big.id).status == "proposed"


def test_supplier_ships_and_buyer_reports_a_short_delivery(client, login, world, at_state):
    a = at_state("approved")
    login(world["supplier_a"])
    page = client.get("/allocations/mine").get_data(as_text=True)
    for text in ("Buyer C", "13800000000", "9 Care Home Road", f'id="ship-{a}"'):
        assert text in page
    client.post(f"/allocations/{a}/ship")
    assert fresh(a).status == "shipped"

    login(world["buyer"])
    page = client.get("/allocations/mine").get_data(as_text=True)
    for text in ("Supplier A", "1 Depot Lane", f'id="receive-{a}"', f'id="receive-qty-{a}"',
                 f'id="receive-note-{a}"'):
        assert text in page
    response = client.post(f"/allocations/{a}/receive", data={"quantity": "90"},
                           follow_redirects=True)
    assert "Note" in response.get_data(as_text=True)
    assert fresh(a).status == "shipped"
    client.post(f"/allocations/{a}/receive", data={"quantity": "90", "note": "one box wet"})
    line = fresh(a)
    assert (line.status, line.received_quantity, line.receipt_note) == (
        "disputed", 90, "one box wet")


def test_mine_page_empty_state(client, login, world):
    login(world["supplier_b"])
    page = client.get("/allocations/mine").get_data(as_text=True)
    assert "No approved allocations yet." in page


@pytest.mark.parametrize("who", ["supplier_a", "buyer", "coordinator"])
def test_delivery_note_names_both_companies(client, login, world, at_state, who):
    a = at_state("approved")
    login(world[who])
    page = client.get(f"/allocations/{a}/delivery-note").get_data(as_text=True)
    for text in ("Supplier A", "Buyer C", "1 Depot Lane", "9 Care Home Road", "MASK-SURGICAL",
                 'id="note-quantity">100<', "signature", 'id="print-note"'):
        assert text in page


def test_coordinator_cancels_on_the_page(client, login, world, at_state):
    a = at_state("approved")
    login(world["coordinator"])
    page = client.get(f"/allocations/proposals?run_id={world['run'].id}").get_data(as_text=True)
    assert f'id="cancel-{a}"' in page
    client.post(f"/allocations/{a}/cancel", data={"reason": "buyer closed"})
    assert fresh(a).status == "cancelled"
