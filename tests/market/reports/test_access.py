"""Who may open each report route: anonymous, supplier A, supplier B, buyer, coordinator."""

from __future__ import annotations

import pytest

ROLES = ("anonymous", "supplier_a", "supplier_b", "buyer", "coordinator")
COORDINATOR_API = (401, 403, 403, 403, 200)
COORDINATOR_PAGE = (302, 403, 403, 403, 200)
EVERYONE = (200, 200, 200, 200, 200)

ROUTES = (
    ("/api/v1/reports/summary", COORDINATOR_API),
    ("/api/v1/reports/runs", COORDINATOR_API),
    ("/api/v1/reports/public", EVERYONE),
    ("/reports/", COORDINATOR_PAGE),
    ("/reports/table/items.csv", COORDINATOR_PAGE),
    ("/reports/table/runs.csv", COORDINATOR_PAGE),
    ("/reports/daily", COORDINATOR_PAGE),
    ("/reports/daily?date=2020-02-20", COORDINATOR_PAGE),
    ("/", EVERYONE),
)
CASES = [
    pytest.param(path, role, expected[i], id=f"{path}-{role}")
    for path, expected in ROUTES
    for i, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("path", "role", "expected"), CASES)
def test_access_matrix(client, login, people, catalog, path, role, expected):
    login(None if role == "anonymous" else people[role])
    response = client.get(path)
    assert response.status_code == expected
    if expected == 302:
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["supplier_a", "buyer", "coordinator"])
def test_bearer_tokens_reach_the_api(client, token_for, people, catalog, role):
    response = client.get("/api/v1/reports/summary", headers=token_for(people[role]))
    assert response.status_code == (200 if role == "coordinator" else 403)
    assert response.json.get("code", 200) == response.status_code
