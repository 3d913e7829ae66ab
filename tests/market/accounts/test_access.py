"""Access matrix: every accounts route × (anonymous, supplier A, supplier B, buyer, coordinator)."""

from __future__ import annotations

import pytest

ROLES = ("anonymous", "supplier_a", "supplier_b", "buyer", "coordinator")

# (method, path, JSON body, expected status per role). {a} is supplier A's company,
# {pending} a company waiting for a decision.
API_ROUTES = [
    ("GET", "/api/v1/me", None, (401, 200, 200, 200, 200)),
    ("GET", "/api/v1/organizations", None, (401, 403, 403, 403, 200)),
    ("GET", "/api/v1/organizations?status=pending", None, (401, 403, 403, 403, 200)),
    ("GET", "/api/v1/organizations/{a}", None, (401, 200, 404, 404, 200)),
    ("GET", "/api/v1/organizations/{pending}", None, (401, 404, 404, 404, 200)),
    ("PATCH", "/api/v1/organizations/{a}", {"phone": "13900000000"}, (401, 200, 404, 404, 200)),
    ("PATCH", "/api/v1/organizations/{a}", {"tier": 1}, (401, 403, 404, 404, 200)),
    ("POST", "/api/v1/organizations/{pending}/verification", {"decision": "approve"},
     (401, 403, 403, 403, 200)),
]

PAGE_ROUTES = [
    ("GET", "/login", None, (200, 302, 302, 302, 302)),
    ("GET", "/register", None, (200, 200, 200, 200, 200)),
    ("POST", "/logout", None, (302, 302, 302, 302, 302)),
    ("GET", "/company", None, (302, 200, 200, 200, 302)),
    ("POST", "/company", {"name": ""}, (302, 422, 422, 422, 302)),
    ("GET", "/filings", None, (302, 403, 403, 403, 200)),
    ("GET", "/organizations", None, (302, 403, 403, 403, 200)),
    ("GET", "/organizations?status=verified", None, (302, 403, 403, 403, 200)),
    ("GET", "/organizations/{a}", None, (302, 403, 403, 403, 200)),
    ("POST", "/organizations/{pending}/verification", {"decision": "approve"},
     (302, 403, 403, 403, 302)),
    ("POST", "/organizations/{a}/tier", {"tier": "1"}, (302, 403, 404, 404, 302)),
    ("POST", "/organizations/{a}/status", {"status": "suspended"}, (302, 403, 404, 404, 302)),
]


def _cases(routes):
    return [
        pytest.param(method, path, body, role, expected[i], id=f"{method} {path} {role}")
        for method, path, body, expected in routes
        for i, role in enumerate(ROLES)
    ]


@pytest.fixture
def targets(people, make_org):
    """The ids the paths name."""
    return {"a": people["supplier_a_org"].id, "pending": make_org(status="pending").id}


@pytest.mark.parametrize(("method", "path", "body", "role", "expected"), _cases(API_ROUTES))
def test_api_access(client, people, token_for, targets, method, path, body, role, expected):
    headers = {} if role == "anonymous" else token_for(people[role])
    response = client.open(path.format(**targets), method=method, json=body, headers=headers)
    assert response.status_code == expected, response.json
    if expected >= 400:
        assert response.json["code"] == expected


@pytest.mark.parametrize(("method", "path", "body", "role", "expected"), _cases(PAGE_ROUTES))
def test_page_access(client, people, login, targets, method, path, body, role, expected):
    login(None if role == "anonymous" else people[role])
    response = client.open(path.format(**targets), method=method, data=body)
    assert response.status_code == expected
    if role == "anonymous" and expected == 302 and path != "/logout":
        assert "/login?next=" in response.headers["Location"]
