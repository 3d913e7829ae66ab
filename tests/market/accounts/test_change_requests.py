"""Priority is the coordinator's: a company's change of sector or headcount waits for approval."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from market.audit.models import AuditEntry
from market.extensions import db
from market.notifications.models import Notification

RAISE = {"sector": "medical", "headcount": 999999}


def _emails(user) -> list[Notification]:
    stmt = sa.select(Notification).where(Notification.user_id == user.id,
                                         Notification.channel == "email")
    return list(db.session.scalars(stmt.order_by(Notification.id)))


def _audit(org_id: int, action: str) -> list[AuditEntry]:
    stmt = sa.select(AuditEntry).where(
        AuditEntry.entity == "organization", AuditEntry.entity_id == org_id,
        AuditEntry.action == action,
    ).order_by(AuditEntry.id)
    return list(db.session.scalars(stmt))


@pytest.fixture
def requested(client, people, token_for):
    """The verified buyer (elder care, tier 2, 50 people) asks for medical and 999999."""
    org = people["buyer_org"]
    response = client.patch(f"/api/v1/organizations/{org.id}", json=RAISE,
                            headers=token_for(people["buyer"]))
    assert response.status_code == 200, response.json
    return org, response


def test_a_buyer_cannot_raise_its_own_tier(requested, client, people, token_for):
    org, response = requested
    assert (response.json["sector"], response.json["tier"]) == ("elder_care", 2)
    assert response.json["headcount"] == 50
    db.session.refresh(org)
    assert (org.sector, org.tier, org.headcount) == ("elder_care", 2, 50)
    seen = client.get(f"/api/v1/organizations/{org.id}", headers=token_for(people["buyer"]))
    change = seen.json["pending_change"]
    assert (change["sector"], change["headcount"], change["tier"]) == ("medical", 999999, 1)
    assert change["current"] == {"sector": "elder_care", "headcount": 50, "tier": 2}
    assert change["requested_at"].endswith("+00:00")
    assert change["requested_by"] == people["buyer"].email
    assert _audit(org.id, "organization.change_requested")[0].after["pending_change"][
        "sector"] == "medical"


def test_coordinators_list_the_change_requests(requested, client, people, token_for):
    org, _ = requested
    headers = token_for(people["coordinator"])
    waiting = client.get("/api/v1/organizations?pending_change=true", headers=headers)
    assert [o["id"] for o in waiting.json] == [org.id]
    others = client.get("/api/v1/organizations?pending_change=false", headers=headers)
    assert org.id not in [o["id"] for o in others.json]
    assert len(others.json) == 2


def test_unchanged_values_do_not_make_a_request(client, people, token_for):
    org = people["buyer_org"]
    response = client.patch(f"/api/v1/organizations/{org.id}",
                            json={"sector": "elder_care", "headcount": 50, "phone": "13912345678"},
                            headers=token_for(people["buyer"]))
    assert response.status_code == 200
    assert response.json["pending_change"] is None
    assert response.json["phone"] == "13912345678"


def test_a_later_request_adds_to_the_waiting_one(requested, client, people, token_for):
    org, _ = requested
    response = client.patch(f"/api/v1/organizations/{org.id}", json={"headcount": 80},
                            headers=token_for(people["buyer"]))
    change = response.json["pending_change"]
    assert (change["sector"], change["headcount"]) == ("medical", 80)


def test_sending_the_approved_value_withdraws_that_part(requested, client, people, token_for):
    org, _ = requested
    headers = token_for(people["buyer"])
    url = f"/api/v1/organizations/{org.id}"
    response = client.patch(url, json={"sector": "elder_care"}, headers=headers)
    change = response.json["pending_change"]
    assert "sector" not in change
    assert change["headcount"] == 999999
    response = client.patch(url, json={"headcount": 50}, headers=headers)
    assert response.json["pending_change"] is None
    assert response.json["tier"] == 2
    assert len(_audit(org.id, "organization.change_withdrawn")) == 1


def test_approve_applies_audits_and_notifies(requested, client, people, token_for):
    org, _ = requested
    response = client.post(f"/api/v1/organizations/{org.id}/change-request",
                           json={"decision": "approve"},
                           headers=token_for(people["coordinator"]))
    assert response.status_code == 200, response.json
    assert (response.json["sector"], response.json["tier"]) == ("medical", 1)
    assert response.json["headcount"] == 999999
    assert response.json["pending_change"] is None
    entry = _audit(org.id, "organization.change_approved")[0]
    assert entry.actor == people["coordinator"].email
    assert (entry.before["tier"], entry.after["tier"]) == (2, 1)
    assert entry.before["pending_change"]["sector"] == "medical"
    assert entry.after["pending_change"] is None
    note = _emails(people["buyer"])[-1]
    assert "approved" in note.subject
    assert "tier is 1" in note.body


def test_reject_keeps_the_old_values_audits_and_notifies(requested, client, people, token_for):
    org, _ = requested
    headers = token_for(people["coordinator"])
    url = f"/api/v1/organizations/{org.id}/change-request"
    missing = client.post(url, json={"decision": "reject"}, headers=headers)
    assert missing.status_code == 422
    assert "reason" in missing.json["errors"]
    response = client.post(url, json={"decision": "reject", "reason": "Not a clinic"},
                           headers=headers)
    assert response.status_code == 200
    assert (response.json["sector"], response.json["tier"], response.json["headcount"]) == (
        "elder_care", 2, 50)
    assert response.json["pending_change"] is None
    entry = _audit(org.id, "organization.change_rejected")[0]
    assert entry.after["reason"] == "Not a clinic"
    assert entry.after["tier"] == 2
    note = _emails(people["buyer"])[-1]
    assert "rejected" in note.subject
    assert "Not a clinic" in note.body
    again = client.post(url, json={"decision": "approve"}, headers=headers)
    assert again.status_code == 409


def test_only_coordinators_decide(requested, client, people, token_for):
    org, _ = requested
    response = client.post(f"/api/v1/organizations/{org.id}/change-request",
                           json={"decision": "approve"}, headers=token_for(people["buyer"]))
    assert response.status_code == 403
    db.session.refresh(org)
    assert org.tier == 2


def test_a_tier_override_survives_an_approved_sector(requested, client, people, token_for):
    org, _ = requested
    headers = token_for(people["coordinator"])
    client.patch(f"/api/v1/organizations/{org.id}", json={"tier": 3}, headers=headers)
    response = client.post(f"/api/v1/organizations/{org.id}/change-request",
                           json={"decision": "approve"}, headers=headers)
    assert (response.json["sector"], response.json["tier"]) == ("medical", 3)


def test_a_coordinators_patch_applies_at_once(client, people, token_for):
    org = people["buyer_org"]
    response = client.patch(f"/api/v1/organizations/{org.id}",
                            json={"sector": "medical", "headcount": 70},
                            headers=token_for(people["coordinator"]))
    assert (response.json["sector"], response.json["tier"], response.json["headcount"]) == (
        "medical", 1, 70)
    assert response.json["pending_change"] is None


def test_an_unverified_filing_is_corrected_directly(client, make_org, make_user, token_for):
    org = make_org(status="pending", sector="trade")
    response = client.patch(f"/api/v1/organizations/{org.id}", json={"sector": "medical"},
                            headers=token_for(make_user(org)))
    assert (response.json["sector"], response.json["tier"]) == ("medical", 1)
    assert response.json["pending_change"] is None


def test_suggestions_use_the_approved_headcount(requested, client, people, token_for, catalog):
    url = "/api/v1/needs/suggestion?item=MASK-SURGICAL&days=7"
    response = client.get(url, headers=token_for(people["buyer"]))
    assert response.status_code == 200, response.json
    assert (response.json["headcount"], response.json["quantity"]) == (50, 700)


def test_the_filings_page_shows_old_and_new_and_decides(requested, client, people, login):
    org, _ = requested
    login(people["coordinator"])
    page = client.get("/filings")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'id="change-{org.id}"' in html
    assert "50 → <strong>999999</strong>" in html
    assert "2 → <strong>1</strong>" in html
    response = client.post(f"/organizations/{org.id}/change-request",
                           data={"decision": "reject", "reason": "Care home, not a clinic"})
    assert response.status_code == 302
    db.session.refresh(org)
    assert (org.tier, org.pending_change) == (2, None)
    assert f'id="change-{org.id}"' not in client.get("/filings").get_data(as_text=True)


def test_the_company_page_requests_and_shows_the_change(client, people, login):
    org = people["buyer_org"]
    login(people["buyer"])
    form = {"name": org.name, "sector": "medical", "headcount": "50", "address": "1 Road",
            "latitude": "31.2", "longitude": "121.5", "phone": "13800000000"}
    response = client.post("/company", data=form, follow_redirects=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="pending-change"' in html
    db.session.refresh(org)
    assert (org.sector, org.tier, org.address) == ("elder_care", 2, "1 Road")
    assert org.pending_change["sector"] == "medical"
    form_page = client.get("/company").get_data(as_text=True)
    assert '<option selected value="medical">' in form_page  # the request stays on a resave


def test_the_company_detail_page_decides_too(requested, client, people, login):
    org, _ = requested
    login(people["coordinator"])
    html = client.get(f"/organizations/{org.id}").get_data(as_text=True)
    assert 'id="org-change-request"' in html
    assert f'id="approve-change-{org.id}"' in html
    response = client.post(f"/organizations/{org.id}/change-request",
                           data={"decision": "approve", "next": f"/organizations/{org.id}"})
    assert response.headers["Location"].endswith(f"/organizations/{org.id}")
    db.session.refresh(org)
    assert (org.sector, org.tier, org.headcount) == ("medical", 1, 999999)


def test_no_change_request_section_when_none_waits(client, people, login):
    login(people["coordinator"])
    html = client.get("/filings").get_data(as_text=True)
    assert 'id="change-requests"' not in html
    assert html.count('class="empty"') == 1


def test_the_decision_names_fields_and_sector_in_the_readers_language(
        requested, client, people, token_for):
    org, _ = requested
    people["buyer"].language = "zh"
    db.session.commit()
    response = client.post(f"/api/v1/organizations/{org.id}/change-request",
                           json={"decision": "approve"},
                           headers=token_for(people["coordinator"]))
    assert response.status_code == 200, response.json
    body = _emails(people["buyer"])[-1].body
    assert "行业“医疗卫生”，在岗员工数“999,999”" in body
    assert "medical" not in body
    assert "headcount" not in body
