"""Review at city scale (issue 12.6): grouped by need, approval of a filtered set, totals."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from market.allocations import review, services
from market.audit.models import AuditEntry
from market.extensions import db
from market.lots.models import Lot
from market.matching.models import Allocation
from market.needs.models import Need
from tests.market.test_query_counts import counting_queries


def selects(statements):
    """The SELECT statements among those sent (BEGIN depends on the session's state)."""
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


def fresh(model, row_id):
    """Read a row as the database has it now."""
    db.session.expire_all()
    return db.session.get(model, row_id)


def _market(people, make_lot, make_need, make_run, make_allocation, make_org):
    """One run: two needs of masks, one of gloves, five proposed lines."""
    lot = make_lot(people["supplier_a_org"], quantity=1000, unit_price=Decimal("2.00"))
    gloves = make_lot(people["supplier_b_org"], item="GLOVES-NITRILE", quantity=500,
                      unit_price=Decimal("1.50"))
    other_buyer = make_org(name="Buyer D", roles=("buyer",), sector="elder_care")
    need_c = make_need(people["buyer_org"], quantity=300)
    need_d = make_need(other_buyer, quantity=300)
    need_g = make_need(people["buyer_org"], item="GLOVES-NITRILE", quantity=200)
    run = make_run()
    lines = [make_allocation(lot, need_c, 100, run=run), make_allocation(lot, need_c, 50, run=run),
             make_allocation(lot, need_d, 120, run=run), make_allocation(lot, need_d, 80, run=run),
             make_allocation(gloves, need_g, 200, run=run)]
    return dict(lot=lot, gloves=gloves, need_c=need_c, need_d=need_d, need_g=need_g, run=run,
                lines=[line.id for line in lines])


def test_filtered_approval_approves_the_set_and_keeps_exceptions(
        people, make_lot, make_need, make_run, make_allocation, make_org):
    m = _market(people, make_lot, make_need, make_run, make_allocation, make_org)
    coordinator = people["coordinator"]
    c1, c2, d1, d2, g1 = m["lines"]
    services.reject(coordinator, c2, "too far")
    services.approve(coordinator, d1, 60)  # lowered: an exception the bulk keeps
    result = review.approve_filtered(coordinator, {"run_id": m["run"].id,
                                                   "item": "MASK-SURGICAL"})
    assert (result["approved"], result["failed"], result["units"]) == (2, 0, 180)
    statuses = {i: fresh(Allocation, i) for i in m["lines"]}
    assert statuses[c1].status == "approved"
    assert statuses[d2].status == "approved"
    assert (statuses[c2].status, statuses[c2].decision_note) == ("rejected", "too far")
    assert (statuses[d1].status, statuses[d1].quantity) == ("approved", 60)
    assert statuses[g1].status == "proposed"  # outside the filter
    assert fresh(Lot, m["lot"].id).reserved == 100 + 60 + 80
    assert fresh(Need, m["need_d"].id).allocated == 140
    assert fresh(Need, m["need_c"].id).status == "partially_allocated"
    assert services.reservation_drift() == []
    audited = db.session.scalars(sa.select(AuditEntry.entity_id).where(
        AuditEntry.action == "allocation.approve")).all()
    assert set(audited) == {c1, d1, d2}


def test_filtered_approval_rechecks_stock_like_single_approval(
        people, make_lot, make_need, make_run, make_allocation):
    lot = make_lot(people["supplier_a_org"], quantity=150)
    need_1 = make_need(people["buyer_org"], quantity=100)
    need_2 = make_need(people["buyer_org"], quantity=100)
    run = make_run()
    first = make_allocation(lot, need_1, 100, run=run)
    second = make_allocation(lot, need_2, 100, run=run)
    result = review.approve_filtered(people["coordinator"], {"run_id": run.id})
    assert (result["approved"], result["failed"]) == (1, 1)
    assert result["failures"][0]["id"] == second.id
    assert "short by 50" in result["failures"][0]["message"]
    assert fresh(Allocation, first.id).status == "approved"
    assert fresh(Allocation, second.id).status == "proposed"
    assert fresh(Lot, lot.id).reserved == 100
    assert services.reservation_drift() == []


def test_filtered_approval_works_across_chunks(
        monkeypatch, people, make_lot, make_need, make_run, make_allocation):
    monkeypatch.setattr(review, "CHUNK", 2)
    lot = make_lot(people["supplier_a_org"], quantity=1000)
    need = make_need(people["buyer_org"], quantity=500)
    run = make_run()
    ids = [make_allocation(lot, need, 10, run=run).id for _ in range(5)]
    result = review.approve_filtered(people["coordinator"], {})  # latest run by default
    assert (result["run_id"], result["approved"], result["units"]) == (run.id, 5, 50)
    assert {fresh(Allocation, i).status for i in ids} == {"approved"}
    assert fresh(Need, need.id).allocated == 50


def test_totals_count_only_proposed_lines_of_the_selection(
        people, make_lot, make_need, make_run, make_allocation, make_org):
    m = _market(people, make_lot, make_need, make_run, make_allocation, make_org)
    services.reject(people["coordinator"], m["lines"][1], "no")
    totals = review.approval_totals(people["coordinator"], {"run_id": m["run"].id})
    # 100 + 120 + 80 masks at 2.00 and 200 gloves at 1.50; two buyers
    assert totals == {"run_id": m["run"].id, "lines": 4, "units": 500, "buyers": 2,
                      "value": Decimal("900.00")}
    tier = review.approval_totals(people["coordinator"], {"buyer": "Buyer D"})
    assert (tier["lines"], tier["units"], tier["buyers"]) == (2, 200, 1)


def test_groups_show_each_need_once_with_its_lines(
        people, make_lot, make_need, make_run, make_allocation, make_org):
    m = _market(people, make_lot, make_need, make_run, make_allocation, make_org)
    page, run_id = review.proposal_groups(people["coordinator"], {}, 1, 2)
    assert run_id == m["run"].id
    assert page.total == 3  # needs, not lines
    assert [len(g.lines) for g in page.items] == [2, 2]
    assert all(len({line.need_id for line in g.lines}) == 1 for g in page.items)


def test_proposals_page_shows_reasons_once_per_need_and_real_fill(
        client, login, people, make_lot, make_need, make_run, make_allocation, make_org):
    m = _market(people, make_lot, make_need, make_run, make_allocation, make_org)
    services.approve(people["coordinator"], m["lines"][0])
    login(people["coordinator"])
    page = client.get("/allocations/proposals").get_data(as_text=True)
    assert page.count("2.5 km away") == 3  # once per need, not once per line (5 lines)
    assert 'id="need-' + str(m["need_c"].id) + '"' in page
    fill = page.split(f'id="need-fill-{m["need_c"].id}"')[1].split("</p>")[0]
    assert "approved 100 (33 %)" in fill
    assert "received 0 (0 %)" in fill
    assert "Buyer D" in page
    assert 'data-label="Supplier"' in page
    assert 'class="cards proposals"' in page
    assert 'id="approve-all"' in page


def test_confirmation_page_shows_totals_then_the_post_approves(
        client, login, people, make_lot, make_need, make_run, make_allocation, make_org):
    m = _market(people, make_lot, make_need, make_run, make_allocation, make_org)
    services.reject(people["coordinator"], m["lines"][1], "no")
    login(people["coordinator"])
    page = client.get(f"/allocations/approve-filtered?run_id={m['run'].id}&item=MASK-SURGICAL")
    text = page.get_data(as_text=True)
    assert 'id="confirm-lines">3<' in text
    assert 'id="confirm-units">300<' in text
    assert 'id="confirm-buyers">2<' in text
    assert "600.00" in text
    assert {fresh(Allocation, i).status for i in m["lines"]} == {"proposed", "rejected"}
    done = client.post("/allocations/approve-filtered",
                       data={"run_id": m["run"].id, "item": "MASK-SURGICAL"},
                       follow_redirects=True)
    assert "3 lines approved (300 units)." in done.get_data(as_text=True)
    assert fresh(Allocation, m["lines"][4]).status == "proposed"
    assert fresh(Allocation, m["lines"][1]).status == "rejected"


def test_companies_cannot_approve_a_selection(client, login, token_for, world):
    login(world["supplier_a"])
    assert client.get("/allocations/approve-filtered").status_code == 403
    response = client.post("/api/v1/allocations/approve-filtered", json={},
                           headers=token_for(world["buyer"]))
    assert response.status_code == 403
    assert fresh(Allocation, world["allocation"].id).status == "proposed"


def test_api_totals_and_filtered_approval(client, token_for, world):
    headers = token_for(world["coordinator"])
    totals = client.get(f"/api/v1/allocations/approval-totals?run_id={world['run'].id}",
                        headers=headers).get_json()
    assert (totals["lines"], totals["units"], totals["buyers"]) == (1, 100, 1)
    bad = client.post("/api/v1/allocations/approve-filtered", json={"tier": 9}, headers=headers)
    assert bad.status_code == 422
    assert "tier" in bad.get_data(as_text=True)
    done = client.post("/api/v1/allocations/approve-filtered",
                       json={"run_id": world["run"].id}, headers=headers).get_json()
    assert (done["status"], done["approved"], done["refused"], done["units"]) == (
        "completed", 1, 0, 100)
    assert fresh(Allocation, world["allocation"].id).status == "approved"


def test_grouped_page_sends_the_same_queries_for_more_lines(
        client, login, people, make_lot, make_need, make_run, make_allocation):
    run = make_run()
    lot = make_lot(people["supplier_a_org"], quantity=100000)
    need = make_need(people["buyer_org"], quantity=100000)

    def add(n):
        for _ in range(n):
            make_allocation(lot, need, 1, run=run)

    login(people["coordinator"])
    add(3)
    client.get("/allocations/proposals")
    with counting_queries() as few:
        client.get("/allocations/proposals")
    add(60)
    with counting_queries() as many:
        text = client.get("/allocations/proposals").get_data(as_text=True)
    assert text.count('name="ids"') == 63
    assert len(selects(many)) == len(selects(few))


def test_bulk_approval_does_not_query_per_line(
        people, make_lot, make_need, make_run, make_allocation):
    run = make_run()
    lots = [make_lot(people["supplier_a_org"], quantity=1000) for _ in range(2)]
    need = make_need(people["buyer_org"], quantity=10000)
    for i in range(4):
        make_allocation(lots[i % 2], need, 1, run=run)
    with counting_queries() as few:
        review.approve_filtered(people["coordinator"], {"run_id": run.id})
    run2 = make_run()
    for i in range(40):
        make_allocation(lots[i % 2], need, 1, run=run2)
    with counting_queries() as many:
        result = review.approve_filtered(people["coordinator"], {"run_id": run2.id})
    assert result["approved"] == 40
    assert len(many) == len(few)
