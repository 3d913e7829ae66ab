"""Coordinators verify filings; a rejected company fixes its data and files again."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from market.accounts.models import Organization
from market.audit.models import AuditEntry
from market.extensions import db
from market.notifications.models import Notification
from tests.conftest import make_credit_code


def _notes(user) -> list[Notification]:
    stmt = sa.select(Notification).where(Notification.user_id == user.id,
                                         Notification.channel == "email")
    return list(db.session.scalars(stmt.order_by(Notification.id)))


def _actions(org_id: int) -> list[str]:
    stmt = sa.select(AuditEntry.action).where(
        AuditEntry.entity == "organization", AuditEntry.entity_id == org_id
    ).order_by(AuditEntry.id)
    return list(db.session.scalars(stmt))


@pytest.fixture
def pending(make_org, make_user):
    """A pending company with one user."""
    org = make_org(name="Filing Co", status="pending", sector="supermarket")
    return org, make_user(org, email="owner@example.com")


def test_reject_refile_approve_cycle(client, people, token_for, pending):
    org, owner = pending
    coordinator = token_for(people["coordinator"])
    own = token_for(owner)

    rejected = client.post(f"/api/v1/organizations/{org.id}/verification",
                           json={"decision": "reject", "reason": "Licence photo unreadable"},
                           headers=coordinator)
    assert rejected.status_code == 200
    assert rejected.json["status"] == "rejected"
    assert rejected.json["rejection_reason"] == "Licence photo unreadable"
    assert "Licence photo unreadable" in _notes(owner)[-1].body
    seen = client.get(f"/api/v1/organizations/{org.id}", headers=own)
    assert seen.json["rejection_reason"] == "Licence photo unreadable"

    refiled = client.patch(f"/api/v1/organizations/{org.id}",
                           json={"phone": "13911112222", "headcount": 75}, headers=own)
    assert refiled.status_code == 200
    assert refiled.json["status"] == "pending"
    assert refiled.json["rejection_reason"] is None
    assert refiled.json["headcount"] == 75

    approved = client.post(f"/api/v1/organizations/{org.id}/verification",
                           json={"decision": "approve"}, headers=coordinator)
    assert approved.status_code == 200
    assert approved.json["status"] == "verified"
    assert approved.json["verified_at"]
    assert "approved" in _notes(owner)[-1].subject
    assert len(_notes(owner)) == 2
    assert _actions(org.id) == [
        "organization.rejected", "organization.refiled", "organization.approved"
    ]
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "organization.rejected")
    )
    assert entry.actor == people["coordinator"].email
    assert (entry.before["status"], entry.after["status"]) == ("pending", "rejected")


def test_reject_needs_a_reason(client, people, token_for, pending):
    org, owner = pending
    for body in ({"decision": "reject"}, {"decision": "reject", "reason": "  "}):
        response = client.post(f"/api/v1/organizations/{org.id}/verification", json=body,
                               headers=token_for(people["coordinator"]))
        assert response.status_code == 422
        assert "reason" in response.json["errors"]
    db.session.refresh(org)
    assert org.status == "pending"
    assert _notes(owner) == []
    assert _actions(org.id) == []


@pytest.mark.parametrize("body", [{}, {"decision": "maybe"}, {"decision": 1}])
def test_bad_decision_is_422(client, people, token_for, pending, body):
    org, _owner = pending
    response = client.post(f"/api/v1/organizations/{org.id}/verification", json=body,
                           headers=token_for(people["coordinator"]))
    assert response.status_code == 422
    assert "decision" in response.json["errors"]


def test_deciding_twice_is_a_conflict(client, people, token_for, pending):
    org, _owner = pending
    headers = token_for(people["coordinator"])
    url = f"/api/v1/organizations/{org.id}/verification"
    assert client.post(url, json={"decision": "approve"}, headers=headers).status_code == 200
    again = client.post(url, json={"decision": "reject", "reason": "late"}, headers=headers)
    assert again.status_code == 409
    db.session.refresh(org)
    assert org.status == "verified"


def test_unknown_company_is_404(client, people, token_for):
    response = client.post("/api/v1/organizations/999/verification", json={"decision": "approve"},
                           headers=token_for(people["coordinator"]))
    assert response.status_code == 404


def test_coordinator_overrides_and_restores_tier(client, people, token_for):
    org = people["buyer_org"]  # elder_care: tier 2
    headers = token_for(people["coordinator"])
    response = client.patch(f"/api/v1/organizations/{org.id}", json={"tier": 1}, headers=headers)
    assert response.status_code == 200
    assert (response.json["tier"], response.json["tier_overridden"]) == (1, True)
    back = client.patch(f"/api/v1/organizations/{org.id}", json={"tier": None}, headers=headers)
    assert (back.json["tier"], back.json["tier_overridden"]) == (2, False)
    assert _actions(org.id) == ["organization.updated", "organization.updated"]


@pytest.mark.parametrize("tier", [0, 5, "1", 1.5, True])
def test_bad_tier_is_422(client, people, token_for, tier):
    org = people["buyer_org"]
    response = client.patch(f"/api/v1/organizations/{org.id}", json={"tier": tier},
                            headers=token_for(people["coordinator"]))
    assert response.status_code == 422
    assert "tier" in response.json["errors"]
    db.session.refresh(org)
    assert org.tier == 2


def test_coordinator_suspends_and_reinstates(client, people, token_for):
    org = people["supplier_a_org"]
    headers = token_for(people["coordinator"])
    url = f"/api/v1/organizations/{org.id}"
    assert client.patch(url, json={"status": "suspended"}, headers=headers).json["status"] == (
        "suspended"
    )
    assert "suspended" in _notes(people["supplier_a"])[-1].subject
    assert client.patch(url, json={"status": "verified"}, headers=headers).json["status"] == (
        "verified"
    )
    bad = client.patch(url, json={"status": "rejected"}, headers=headers)
    assert bad.status_code == 422


def test_company_user_cannot_set_tier_or_status(client, people, token_for):
    org = people["supplier_a_org"]
    for body in ({"tier": 1}, {"status": "verified"}):
        response = client.patch(f"/api/v1/organizations/{org.id}", json=body,
                                headers=token_for(people["supplier_a"]))
        assert response.status_code == 403
    db.session.refresh(org)
    assert (org.tier, org.status) == (3, "verified")


def test_own_user_edits_contact_fields_but_sector_only_requests(client, people, token_for):
    org = people["supplier_a_org"]
    response = client.patch(
        f"/api/v1/organizations/{org.id}",
        json={"name": "Supplier A Ltd", "sector": "medical", "address": "2 New St"},
        headers=token_for(people["supplier_a"]),
    )
    assert response.status_code == 200
    assert response.json["name"] == "Supplier A Ltd"
    assert (response.json["sector"], response.json["tier"]) == ("trade", 3)
    assert response.json["pending_change"]["sector"] == "medical"
    assert response.json["status"] == "verified"


def test_other_companies_cannot_see_or_edit(client, people, token_for):
    org = people["supplier_a_org"]
    headers = token_for(people["supplier_b"])
    assert client.get(f"/api/v1/organizations/{org.id}", headers=headers).status_code == 404
    response = client.patch(f"/api/v1/organizations/{org.id}", json={"name": "Mine now"},
                            headers=headers)
    assert response.status_code == 404
    db.session.refresh(org)
    assert org.name == "Supplier A"


def test_credit_code_is_fixed_once_verified_but_editable_when_rejected(
    client, people, token_for, make_org, make_user
):
    verified = people["supplier_a_org"]
    response = client.patch(f"/api/v1/organizations/{verified.id}",
                            json={"credit_code": make_credit_code(5555)},
                            headers=token_for(people["supplier_a"]))
    assert response.status_code == 409

    rejected = make_org(status="rejected", rejection_reason="wrong code")
    owner = make_user(rejected)
    fixed = client.patch(f"/api/v1/organizations/{rejected.id}",
                         json={"credit_code": make_credit_code(5555), "roles": ["buyer"]},
                         headers=token_for(owner))
    assert fixed.status_code == 200
    assert fixed.json["credit_code"] == make_credit_code(5555)
    assert fixed.json["roles"] == ["buyer"]
    assert fixed.json["status"] == "pending"


@pytest.mark.parametrize(
    ("body", "field"),
    [({"headcount": -1}, "headcount"), ({"headcount": "ten"}, "headcount"),
     ({"sector": "moon"}, "sector"), ({"latitude": 91}, "latitude"), ({"name": ""}, "name"),
     ({"credit_code": "91110108000000001X"}, "credit_code"), ({"owner": "me"}, "owner")],
)
def test_bad_patch_is_422_and_changes_nothing(client, people, token_for, body, field):
    org = people["supplier_a_org"]
    response = client.patch(f"/api/v1/organizations/{org.id}", json=body,
                            headers=token_for(people["supplier_a"]))
    assert response.status_code == 422
    assert field in response.json["errors"]
    db.session.refresh(org)
    assert org.headcount == 50


def test_list_filters_by_status_and_paginates(client, people, make_org, token_for):
    for n in range(3):
        make_org(name=f"Pending {n}", status="pending")
    headers = token_for(people["coordinator"])
    response = client.get("/api/v1/organizations?status=pending&per_page=2", headers=headers)
    assert response.status_code == 200
    assert [o["name"] for o in response.json] == ["Pending 0", "Pending 1"]
    assert '"total": 3' in response.headers["X-Pagination"]
    second = client.get("/api/v1/organizations?status=pending&per_page=2&page=2", headers=headers)
    assert [o["name"] for o in second.json] == ["Pending 2"]
    everyone = client.get("/api/v1/organizations", headers=headers)
    assert len(everyone.json) == 6
    bad = client.get("/api/v1/organizations?status=sleeping", headers=headers)
    assert bad.status_code == 422
    assert "status" in bad.json["errors"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organization)) == 6
