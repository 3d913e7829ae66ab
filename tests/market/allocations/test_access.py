"""Access matrix: each allocation route × anonymous, supplier A, supplier B, buyer, coordinator.

Supplier A and the buyer are the two parties of the line; supplier B is a stranger.
"""

from __future__ import annotations

import pytest

ROLES = ("anonymous", "supplier_a", "supplier_b", "buyer", "coordinator")

# (method, path, body, state of the line, expected status per role in ROLES order)
API_ROUTES = [
    ("get", "/api/v1/allocations", None, "approved", (401, 200, 200, 200, 200)),
    ("get", "/api/v1/allocations.csv", None, "approved", (401, 200, 200, 200, 200)),
    ("get", "/api/v1/allocations/{id}", None, "proposed", (401, 404, 404, 404, 200)),
    ("get", "/api/v1/allocations/{id}", None, "approved", (401, 200, 404, 200, 200)),
    ("post", "/api/v1/allocations/{id}/approve", {}, "proposed", (401, 403, 403, 403, 200)),
    ("post", "/api/v1/allocations/{id}/reject", {"reason": "no"}, "proposed",
     (401, 403, 403, 403, 200)),
    ("post", "/api/v1/allocations/approve", {"ids": ["ID"]}, "proposed",
     (401, 403, 403, 403, 200)),
    ("post", "/api/v1/allocations/{id}/ship", None, "approved", (401, 200, 404, 403, 200)),
    ("post", "/api/v1/allocations/{id}/receive", {}, "shipped", (401, 403, 404, 200, 403)),
    ("post", "/api/v1/allocations/{id}/cancel", {}, "approved", (401, 403, 403, 403, 200)),
]

PAGE_ROUTES = [
    ("get", "/allocations/proposals", None, "proposed", (302, 403, 403, 403, 200)),
    ("get", "/allocations/mine", None, "approved", (302, 200, 200, 200, 302)),
    ("get", "/allocations/{id}/delivery-note", None, "approved", (302, 200, 404, 200, 200)),
    ("get", "/allocations/{id}/delivery-note", None, "proposed", (302, 404, 404, 404, 404)),
    ("post", "/allocations/{id}/approve", {}, "proposed", (302, 403, 403, 403, 302)),
    ("post", "/allocations/{id}/reject", {"reason": "no"}, "proposed", (302, 403, 403, 403, 302)),
    ("post", "/allocations/approve", {"ids": "ID"}, "proposed", (302, 403, 403, 403, 302)),
    ("post", "/allocations/{id}/ship", {}, "approved", (302, 302, 404, 403, 302)),
    ("post", "/allocations/{id}/receive", {}, "shipped", (302, 403, 404, 302, 403)),
    ("post", "/allocations/{id}/cancel", {}, "approved", (302, 403, 403, 403, 302)),
]


def _cases(routes):
    for method, path, body, state, expected in routes:
        for role, status in zip(ROLES, expected, strict=True):
            yield pytest.param(method, path, body, state, role, status,
                               id=f"{method} {path} [{state}] {role}")


def _fill(path, body, allocation_id):
    path = path.replace("{id}", str(allocation_id))
    if isinstance(body, dict):
        body = {k: ([allocation_id] if v == ["ID"] else allocation_id if v == "ID" else v)
                for k, v in body.items()}
    return path, body


@pytest.mark.parametrize(("method", "path", "body", "state", "role", "expected"),
                         list(_cases(API_ROUTES)))
def test_api_access(client, world, at_state, token_for, method, path, body, state, role, expected):
    path, body = _fill(path, body, at_state(state))
    headers = token_for(world[role]) if role != "anonymous" else {}
    kwargs = {"json": body} if body is not None else {}
    response = getattr(client, method)(path, headers=headers, **kwargs)
    assert response.status_code == expected, response.get_data(as_text=True)
    if expected >= 400:
        assert response.json["code"] == expected


@pytest.mark.parametrize(("method", "path", "body", "state", "role", "expected"),
                         list(_cases(PAGE_ROUTES)))
def test_page_access(client, world, at_state, login, method, path, body, state, role, expected):
    path, body = _fill(path, body, at_state(state))
    login(world[role] if role != "anonymous" else None)
    kwargs = {"data": body} if body is not None else {}
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == expected, response.get_data(as_text=True)[:500]
    if role == "anonymous":
        assert "/login" in response.headers["Location"]
