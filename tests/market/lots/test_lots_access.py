"""Access matrix: every lot route × anonymous, supplier A, supplier B, buyer, coordinator."""

import io

import pytest

from tests.market.lots.conftest import HEADER

ROLES = ("anonymous", "supplier_a", "supplier_b", "buyer", "coordinator")
SALE = {"item": "MASK-SURGICAL", "quantity": 5, "kind": "sale", "unit_price": "1.00"}


def _expect(*codes):
    return dict(zip(ROLES, codes, strict=True))


# (method, path, expected status per role); {lot} is a lot of supplier A.
API_ROUTES = [
    ("GET", "/api/v1/lots", _expect(401, 200, 200, 200, 200)),
    ("POST", "/api/v1/lots", _expect(401, 201, 201, 403, 201)),
    ("GET", "/api/v1/lots/{lot}", _expect(401, 200, 404, 404, 200)),
    ("PATCH", "/api/v1/lots/{lot}", _expect(401, 200, 404, 404, 200)),
    ("DELETE", "/api/v1/lots/{lot}", _expect(401, 200, 404, 404, 200)),
    ("POST", "/api/v1/lots/import", _expect(401, 201, 201, 403, 201)),
    ("GET", "/api/v1/lots.csv", _expect(401, 200, 200, 200, 200)),
    ("GET", "/api/v1/items", _expect(401, 200, 200, 200, 200)),
]
PAGE_ROUTES = [
    ("GET", "/lots/", _expect(302, 200, 200, 200, 200)),
    ("GET", "/lots/new", _expect(302, 200, 200, 403, 200)),
    ("GET", "/lots/{lot}/edit", _expect(302, 200, 404, 404, 200)),
    ("POST", "/lots/{lot}/pause", _expect(302, 302, 404, 404, 302)),
    ("POST", "/lots/{lot}/resume", _expect(302, 302, 404, 404, 302)),
    ("POST", "/lots/{lot}/withdraw", _expect(302, 302, 404, 404, 302)),
    ("GET", "/lots/import", _expect(302, 200, 200, 403, 200)),
    ("GET", "/catalog/", _expect(302, 200, 200, 200, 200)),
    ("GET", "/catalog/new", _expect(302, 403, 403, 403, 200)),
]


def _api_kwargs(method, path, role, people):
    org_id = people["supplier_a_org"].id
    hotline = {"organization_id": org_id} if role == "coordinator" else {}
    if path.endswith("/import"):
        text = HEADER + "\nMASK-KN95,5,sale,1,,,,\n"
        data = {"file": (io.BytesIO(text.encode()), "lots.csv"), **hotline}
        return {"data": data, "content_type": "multipart/form-data"}
    if method == "POST":
        return {"json": {**SALE, **hotline}}
    if method == "PATCH":
        return {"json": {"quantity": 7}}
    return {}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "expected"), API_ROUTES, ids=lambda v: str(v)[:30])
def test_api_access(client, people, make_lot, token_for, role, method, path, expected):
    lot = make_lot(people["supplier_a_org"])
    headers = {} if role == "anonymous" else token_for(people[role])
    kwargs = _api_kwargs(method, path, role, people)
    response = client.open(path.format(lot=lot.id), method=method, headers=headers, **kwargs)
    assert response.status_code == expected[role], response.get_data(as_text=True)[:300]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "expected"), PAGE_ROUTES, ids=lambda v: str(v)[:30])
def test_page_access(client, people, make_lot, login, role, method, path, expected):
    lot = make_lot(people["supplier_a_org"], status="paused" if "resume" in path else "active")
    login(None if role == "anonymous" else people[role])
    response = client.open(path.format(lot=lot.id), method=method)
    assert response.status_code == expected[role]
    if role == "anonymous":
        assert "/login" in response.headers["Location"]
