"""The accounts pages: logging in and out, the company page, the coordinators' pages."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from market.audit.models import AuditEntry
from market.extensions import db
from market.notifications.models import Notification


def _login(client, email, password="correct horse", next_url=None):  # noqa: S107 - test data
    url = "/login" if next_url is None else f"/login?next={next_url}"
    return client.post(url, data={"email": email, "password": password,
                                  "next": next_url or ""})


def test_company_user_lands_on_company_page(client, people):
    response = _login(client, people["supplier_a"].email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/company"
    page = client.get("/company")
    assert b"Supplier A" in page.data
    assert b"badge-verified" in page.data


def test_coordinator_lands_on_dashboard_or_filings(app, client, people):
    response = _login(client, people["coordinator"].email)
    expected = "/filings"
    if "reports.dashboard" in app.view_functions:
        with app.test_request_context():
            from flask import url_for

            expected = url_for("reports.dashboard")
    assert response.headers["Location"] == expected


def test_bad_credentials_flash_and_stay(client, people):
    response = _login(client, people["buyer"].email, password="wrong horse")
    assert response.status_code == 200
    assert b"Wrong e-mail or password." in response.data
    assert client.get("/company").status_code == 302


@pytest.mark.parametrize(
    ("next_url", "lands"),
    [("/notifications", "/notifications"), ("https://evil.example/x", "/company"),
     ("//evil.example/x", "/company"), ("/\\evil.example", "/company"),
     ("javascript:alert(1)", "/company")],
)
def test_next_only_goes_to_local_paths(client, people, next_url, lands):
    response = _login(client, people["buyer"].email, next_url=next_url)
    assert response.headers["Location"] == lands


def test_logout_ends_the_session(client, people, login):
    login(people["buyer"])
    assert client.get("/company").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/company").status_code == 302


def test_rejected_company_sees_reason_and_refiles(client, make_org, make_user, login):
    org = make_org(name="Fixable Co", status="rejected", rejection_reason="Phone unreachable")
    login(make_user(org))
    page = client.get("/company")
    assert b"Phone unreachable" in page.data
    assert b'id="rejection-reason"' in page.data
    assert b'id="credit_code"' in page.data  # identity is editable until verified
    form = {"name": "Fixable Co", "credit_code": org.credit_code, "roles": "both",
            "sector": "trade", "headcount": "60", "address": "3 Fixed Road", "latitude": "31.3",
            "longitude": "121.4", "phone": "13811112222"}
    response = client.post("/company", data=form)
    assert response.status_code == 302
    db.session.refresh(org)
    assert (org.status, org.rejection_reason, org.phone) == ("pending", None, "13811112222")
    assert b"badge-pending" in client.get("/company").data


def test_verified_company_cannot_change_credit_code_on_the_page(client, people, login):
    login(people["supplier_a"])
    page = client.get("/company")
    assert b'id="credit_code"' not in page.data


def test_filings_page_escapes_company_names(client, people, login, make_org):
    make_org(name="<script>alert(1)</script>", status="pending")
    login(people["coordinator"])
    page = client.get("/filings")
    assert page.status_code == 200
    assert b"<script>alert(1)</script>" not in page.data
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.data


def test_filings_page_approves_and_rejects(client, people, login, make_org, make_user):
    first = make_org(name="First Co", status="pending")
    second = make_org(name="Second Co", status="pending")
    owner = make_user(second)
    login(people["coordinator"])
    page = client.get("/filings")
    for org in (first, second):
        for element in (f"approve-org-{org.id}", f"reject-org-{org.id}",
                        f"reject-reason-{org.id}"):
            assert f'id="{element}"'.encode() in page.data
    assert b"Supplier A" not in page.data  # verified companies are not in the queue

    approved = client.post(f"/organizations/{first.id}/verification",
                           data={"decision": "approve", "next": "/filings"})
    assert approved.headers["Location"] == "/filings"
    no_reason = client.post(f"/organizations/{second.id}/verification",
                            data={"decision": "reject", "reason": ""})
    assert no_reason.status_code == 302
    db.session.refresh(second)
    assert second.status == "pending"
    client.post(f"/organizations/{second.id}/verification",
                data={"decision": "reject", "reason": "Unknown address"})
    db.session.refresh(first)
    db.session.refresh(second)
    assert (first.status, second.status) == ("verified", "rejected")
    assert second.rejection_reason == "Unknown address"
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == owner.id))
    assert "Unknown address" in note.body
    assert b"No filings wait" in client.get("/filings").data


def test_filings_page_paginates(client, people, login, make_org):
    for n in range(3):
        make_org(name=f"Queue {n}", status="pending")
    login(people["coordinator"])
    first = client.get("/filings?per_page=2")
    assert b"Queue 0" in first.data
    assert b"Queue 2" not in first.data
    assert b'id="page-next"' in first.data
    assert b"Queue 2" in client.get("/filings?per_page=2&page=2").data


def test_organization_page_overrides_tier_and_suspends(client, people, login):
    org = people["buyer_org"]
    login(people["coordinator"])
    page = client.get(f"/organizations/{org.id}")
    assert b"Buyer C" in page.data
    assert b'id="tier-form"' in page.data
    assert b'id="suspend-org"' in page.data
    client.post(f"/organizations/{org.id}/tier", data={"tier": "1"})
    client.post(f"/organizations/{org.id}/status", data={"status": "suspended"})
    db.session.refresh(org)
    assert (org.tier, org.tier_overridden, org.status) == (1, True, "suspended")
    page = client.get(f"/organizations/{org.id}")
    assert b'id="reinstate-org"' in page.data
    assert b"organization.updated" in page.data  # history
    client.post(f"/organizations/{org.id}/tier", data={"tier": ""})
    db.session.refresh(org)
    assert (org.tier, org.tier_overridden) == (2, False)
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert actions.count("organization.updated") == 3


def test_organizations_list_filters(client, people, login, make_org):
    make_org(name="Held Co", status="suspended")
    login(people["coordinator"])
    everyone = client.get("/organizations")
    assert b"Held Co" in everyone.data
    assert b"Supplier A" in everyone.data
    suspended = client.get("/organizations?status=suspended")
    assert b"Held Co" in suspended.data
    assert b"Supplier A" not in suspended.data
    by_name = client.get("/organizations?q=buyer")
    assert b"Buyer C" in by_name.data
    assert b"Held Co" not in by_name.data
    assert b"No company matches" in client.get("/organizations?q=zzz").data
