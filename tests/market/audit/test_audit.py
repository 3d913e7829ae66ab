"""The audit log: API and page, filters, pagination, coordinators only."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from market.audit.models import AuditEntry
from market.extensions import db

ROLES = ("anonymous", "supplier_a", "supplier_b", "buyer", "coordinator")


@pytest.fixture
def entries(people):
    """Four entries by two actors on two kinds of record, on two days."""
    coordinator = people["coordinator"]
    rows = [
        AuditEntry(at=datetime(2024, 3, 1, 9, tzinfo=UTC), actor_id=coordinator.id,
                   actor=coordinator.email, action="organization.approved",
                   entity="organization", entity_id=1, before={"status": "pending"},
                   after={"status": "verified"}),
        AuditEntry(at=datetime(2024, 3, 1, 10, tzinfo=UTC), actor_id=coordinator.id,
                   actor=coordinator.email, action="organization.rejected",
                   entity="organization", entity_id=2, before={"status": "pending"},
                   after={"status": "rejected"}),
        AuditEntry(at=datetime(2024, 3, 2, 8, tzinfo=UTC), actor_id=people["supplier_a"].id,
                   actor=people["supplier_a"].email, action="lot.created", entity="lot",
                   entity_id=7, before=None, after={"quantity": 100}),
        AuditEntry(at=datetime(2024, 3, 3, 8, tzinfo=UTC), actor_id=None, actor="system",
                   action="user.created", entity="user", entity_id=3, after={"role": "admin"}),
    ]
    db.session.add_all(rows)
    db.session.commit()
    return rows


@pytest.mark.parametrize(("path", "expected"), [("/api/v1/audit", (401, 403, 403, 403, 200)),
                                                ("/audit", (302, 403, 403, 403, 200))])
@pytest.mark.parametrize("role_index", range(5))
def test_access(client, people, login, path, expected, role_index):
    role = ROLES[role_index]
    login(None if role == "anonymous" else people[role])
    assert client.get(path).status_code == expected[role_index]


def test_api_lists_newest_first_with_the_contract_fields(client, people, token_for, entries):
    response = client.get("/api/v1/audit", headers=token_for(people["coordinator"]))
    assert response.status_code == 200
    assert [e["action"] for e in response.json] == [
        "user.created", "lot.created", "organization.rejected", "organization.approved"
    ]
    last = response.json[-1]
    assert {"at", "actor", "action", "entity", "entity_id", "before", "after"} <= set(last)
    assert last["before"] == {"status": "pending"}
    assert last["after"] == {"status": "verified"}
    assert last["at"].startswith("2024-03-01T09:00:00")
    assert last["at"].endswith("+00:00")


@pytest.mark.parametrize(
    ("query", "actions"),
    [
        ("actor=user1@", ["lot.created"]),
        ("action=organization.rejected", ["organization.rejected"]),
        ("action=organization.", ["organization.rejected", "organization.approved"]),
        ("entity=organization&entity_id=1", ["organization.approved"]),
        ("from=2024-03-02", ["user.created", "lot.created"]),
        ("to=2024-03-01", ["organization.rejected", "organization.approved"]),
        ("from=2024-03-01T09:30:00Z&to=2024-03-02T09:00:00%2B00:00",
         ["lot.created", "organization.rejected"]),
    ],
)
def test_api_filters(client, people, token_for, entries, query, actions):
    response = client.get(f"/api/v1/audit?{query}", headers=token_for(people["coordinator"]))
    assert response.status_code == 200
    assert [e["action"] for e in response.json] == actions


@pytest.mark.parametrize(
    ("query", "field"),
    [("from=yesterday", "from"), ("to=2024-13-01", "to"), ("entity_id=abc", "entity_id"),
     ("per_page=0", "per_page")],
)
def test_api_bad_filters_are_422(client, people, token_for, entries, query, field):
    response = client.get(f"/api/v1/audit?{query}", headers=token_for(people["coordinator"]))
    assert response.status_code == 422
    assert field in response.json["errors"]


def test_api_paginates(client, people, token_for, entries):
    headers = token_for(people["coordinator"])
    response = client.get("/api/v1/audit?per_page=3&page=2", headers=headers)
    assert [e["action"] for e in response.json] == ["organization.approved"]
    assert '"total": 4' in response.headers["X-Pagination"]
    assert '"total_pages": 2' in response.headers["X-Pagination"]


def test_page_shows_filters_changes_and_pages(client, people, login, entries):
    login(people["coordinator"])
    page = client.get("/audit?entity=organization&per_page=1")
    assert page.status_code == 200
    assert b"<code>organization.rejected</code>" in page.data
    assert b"<code>organization.approved</code>" not in page.data
    assert b"<code>lot.created</code>" not in page.data
    assert b'id="audit-filters"' in page.data
    assert b'id="page-next"' in page.data
    assert b"<del>pending</del>" in page.data
    empty = client.get("/audit?actor=nobody")
    assert b"No audit entries match" in empty.data


def test_chinese_page_shows_statuses_and_flags_in_chinese(client, people, login, entries):
    db.session.add(AuditEntry(at=datetime(2024, 3, 4, 8, tzinfo=UTC), actor="system",
                              action="allocation.approve", entity="allocation", entity_id=5,
                              before={"status": "proposed"},
                              after={"status": "approved", "bulk": True}))
    db.session.commit()
    login(people["coordinator"])
    page = client.get("/audit?lang=zh").get_data(as_text=True)
    assert "<del>待审核</del>" in page  # the company's "pending"
    assert "<del>待审批</del> &rarr; 已批准" in page  # the allocation's "proposed"
    assert "批量批准</strong>:" in page
    assert "是</li>" in page
    assert "proposed" not in page
    assert "True" not in page


def test_a_change_waiting_for_a_decision_reads_field_by_field(client, people, login):
    db.session.add(AuditEntry(at=datetime(2024, 3, 4, 8, tzinfo=UTC), actor="buyer",
                              action="organization.change_requested", entity="organization",
                              entity_id=5, before={"pending_change": None},
                              after={"pending_change": {"sector": "medical",
                                                        "headcount": 999}}))
    db.session.commit()
    login(people["coordinator"])
    page = client.get("/audit?lang=zh").get_data(as_text=True)
    assert "行业: 医疗卫生; 在岗员工数: 999" in page
    assert "headcount" not in page
    assert "{" not in page.split("<main")[1].split("</main>")[0]


def test_a_real_change_shows_up(client, people, token_for, make_org):
    pending = make_org(name="Audited Co", status="pending")
    headers = token_for(people["coordinator"])
    client.post(f"/api/v1/organizations/{pending.id}/verification",
                json={"decision": "approve"}, headers=headers)
    response = client.get(f"/api/v1/audit?entity=organization&entity_id={pending.id}",
                          headers=headers)
    assert [e["action"] for e in response.json] == ["organization.approved"]
    assert response.json[0]["actor"] == people["coordinator"].email


def test_a_bare_date_is_the_district_day_not_the_utc_day(app, client, people, token_for):
    """23:30 UTC on 1 March is 07:30 on 2 March in Asia/Shanghai: it belongs to 2 March."""
    app.config["TIMEZONE"] = "Asia/Shanghai"
    coordinator = people["coordinator"]
    db.session.add(AuditEntry(at=datetime(2024, 3, 1, 23, 30, tzinfo=UTC),
                              actor_id=coordinator.id, actor=coordinator.email,
                              action="lot.created", entity="lot", entity_id=9))
    db.session.commit()
    headers = token_for(coordinator)

    def actions(query):
        return [e["action"] for e in client.get(f"/api/v1/audit?{query}", headers=headers).json
                if e["entity_id"] == 9]

    assert actions("from=2024-03-02&to=2024-03-02") == ["lot.created"]
    assert actions("to=2024-03-01") == []
    assert actions("from=2024-03-02T07:00:00") == ["lot.created"]  # no offset: district time
    assert actions("from=2024-03-02T07:45:00") == []
    app.config["TIMEZONE"] = "UTC"
    assert actions("to=2024-03-01") == ["lot.created"]


def _written_actions() -> set[str]:
    """Every action code the application writes to the audit log."""
    from pathlib import Path

    import market

    found = set()
    for path in Path(market.__file__).parent.rglob("*.py"):
        found |= set(re.findall(r'record\(\s*[^,()]+,\s*"([a-z_]+\.[a-z_]+)"', path.read_text()))
    # Codes built at run time: a pack's moves, a receipt's outcome, a constraint's kind.
    found |= {f"gift_pack.{verb}"
              for verb in ("approve", "reject", "cancel", "ship", "received", "dispute")}
    found |= {"allocation.received", "allocation.disputed", "match_constraint.pin",
              "match_constraint.exclude"}
    return found


def test_every_audited_action_reads_in_chinese(app):
    from market.audit.display import action_name

    actions = _written_actions()
    assert len(actions) > 40  # the scan found the application's calls
    with app.test_request_context("/?lang=zh"):
        english = {a: action_name(a) for a in actions
                   if re.search(r"[a-z]", action_name(a).replace("API", ""), re.I)}
    assert english == {}
