"""Who may call each needs route: anonymous, supplier A, supplier B, buyer, coordinator."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

ROLES = ("anonymous", "supplier_a", "supplier_b", "buyer", "coordinator")
FUTURE = (date.today() + timedelta(days=5)).isoformat()

# (method, path template, body, expected statuses in ROLES order)
API = [
    ("get", "/api/v1/needs", None, (401, 200, 200, 200, 200)),
    ("post", "/api/v1/needs", {"item": "MASK-SURGICAL", "quantity": 5, "organization_id": "{org}"},
     (401, 403, 403, 201, 201)),
    ("get", "/api/v1/needs/{need}", None, (401, 404, 404, 200, 200)),
    ("patch", "/api/v1/needs/{need}", {"quantity": 7}, (401, 404, 404, 200, 200)),
    ("delete", "/api/v1/needs/{need}", None, (401, 404, 404, 200, 200)),
    ("post", "/api/v1/needs/{expired}/renew", {"needed_by": FUTURE}, (401, 404, 404, 200, 200)),
    ("get", "/api/v1/needs.csv", None, (401, 200, 200, 200, 200)),
    ("get", "/api/v1/needs/suggestion?item=MASK-SURGICAL&days=3&organization_id={org}", None,
     (401, 403, 403, 200, 200)),
]
PAGES = [
    ("get", "/needs/", (302, 200, 200, 200, 200)),
    ("get", "/needs/new", (302, 403, 403, 200, 200)),
    ("get", "/needs/{need}/edit", (302, 404, 404, 200, 200)),
    ("post", "/needs/{need}/cancel", (302, 404, 404, 302, 302)),
    ("post", "/needs/{expired}/renew", (302, 404, 404, 302, 302)),
]


@pytest.fixture
def ids(people, make_need):
    org = people["buyer_org"]
    return {"org": org.id, "need": make_need(org).id,
            "expired": make_need(org, status="expired",
                                 needed_by=date.today() - timedelta(days=2)).id}


def _fill(value, ids):
    if isinstance(value, str):
        return int(ids[value[1:-1]]) if value.startswith("{") and value.endswith("}") else \
            value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("method", "path", "body", "expected"), API,
                         ids=[f"{m} {p}" for m, p, *_ in API])
@pytest.mark.parametrize("role", range(len(ROLES)), ids=ROLES)
def test_api_access(people, ids, as_user, method, path, body, expected, role):
    user = None if role == 0 else people[ROLES[role]]
    kw = {"json": _fill(body, ids)} if body is not None else {}
    r = as_user(user, method, _fill(path, ids), **kw)
    assert r.status_code == expected[role], r.get_data(as_text=True)[:300]


@pytest.mark.parametrize(("method", "path", "expected"), PAGES,
                         ids=[f"{m} {p}" for m, p, _ in PAGES])
@pytest.mark.parametrize("role", range(len(ROLES)), ids=ROLES)
def test_page_access(people, ids, client, login, method, path, expected, role):
    login(None if role == 0 else people[ROLES[role]])
    r = getattr(client, method)(_fill(path, ids))
    assert r.status_code == expected[role]
