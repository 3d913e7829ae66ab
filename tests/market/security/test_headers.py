"""Every response carries the security headers; pages carry no inline script (issue 9, point 8).

Pages of each role, the API (JSON, CSV, errors), static files, the API docs and error pages
all get the same Content-Security-Policy (no inline script), X-Frame-Options DENY, nosniff and
Referrer-Policy. Development and tests serve plain HTTP: no Secure cookie, redirect or HSTS.
"""

from __future__ import annotations

import pytest
from flask import url_for

from tests.factories import AllocationFactory
from tests.market.security.inline_code import inline_code

EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
CSP_DIRECTIVES = (
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "default-src 'self'",
)


def assert_security_headers(response) -> None:
    """The headers every response must carry, and no inline script in an HTML page."""
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (name, response.headers.get(name))
    csp = response.headers.get("Content-Security-Policy", "")
    directives = [d.strip() for d in csp.split(";")]
    for directive in CSP_DIRECTIVES:
        assert directive in directives, (directive, csp)
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP outside production
    if response.mimetype == "text/html":
        assert inline_code(response.get_data(as_text=True)) == []


@pytest.fixture
def market(make_org, make_user, make_lot, make_need, make_run):
    """A coordinator, a supplier and a buyer with a lot, a need and an approved delivery."""
    supplier = make_org(name="Mask Works", roles=("supplier",))
    buyer = make_org(name="Clinic", roles=("buyer",), sector="medical")
    lot = make_lot(supplier, quantity=100)
    need = make_need(buyer, quantity=40)
    run = make_run()
    allocation = AllocationFactory(run=run, lot=lot, need=need, quantity=40, status="approved")
    return {
        "coordinator": make_user(None, role="coordinator"),
        "supplier": make_user(supplier),
        "buyer": make_user(buyer),
        "ids": {"allocation_id": allocation.id, "lot_id": lot.id, "need_id": need.id,
                "run_id": run.id, "org_id": buyer.id},
    }


PAGES = {
    None: ["public.home", "accounts.login", "accounts.register", "api-docs.openapi_swagger_ui"],
    "coordinator": [
        "reports.dashboard", "whatif.page", "reports.daily", "allocations.proposals",
        "allocations.delivery_note", "matching.runs", "matching.run_detail", "matching.constraints",
        "matching.quotas", "accounts.filings", "accounts.organizations", "accounts.organization",
        "audit.index", "catalog.index", "giftpacks.index", "notifications.index",
    ],
    "supplier": ["lots.index", "lots.new", "lots.edit", "lots.import_", "allocations.mine",
                 "allocations.delivery_note", "accounts.company"],
    "buyer": ["needs.index", "needs.new", "needs.edit", "allocations.mine", "accounts.company",
              "giftpacks.index"],
}
PAGE_CASES = [(role, endpoint) for role, endpoints in PAGES.items() for endpoint in endpoints]


@pytest.mark.parametrize(("role", "endpoint"), PAGE_CASES,
                         ids=[f"{r or 'anonymous'}-{e}" for r, e in PAGE_CASES])
def test_every_page_of_each_role_carries_the_headers(app, client, login, market, role, endpoint):
    login(market[role] if role else None)
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        url = url_for(endpoint, **{k: v for k, v in market["ids"].items() if k in rule.arguments})
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response.mimetype == "text/html"
    assert_security_headers(response)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/openapi.json", 200),
        ("/api/v1/lots", 200),
        ("/api/v1/allocations.csv", 200),
        ("/api/v1/lots/999999", 404),
        ("/api/v1/lots?per_page=abc", 422),
        ("/static/css/app.css", 200),
        ("/static/js/page.js", 200),
        ("/static/vendor/swagger-ui/swagger-ui-bundle.js", 200),
        ("/no-such-page", 404),
    ],
)
def test_api_static_and_error_responses_carry_the_headers(client, market, token_for, path, status):
    response = client.get(path, headers=token_for(market["supplier"]))
    response.close()  # a static file's response holds the file open
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert_security_headers(response)


def test_anonymous_api_refusal_carries_the_headers(client):
    response = client.get("/api/v1/lots")
    assert response.status_code == 401
    assert_security_headers(response)


def test_a_server_error_carries_the_headers(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/test-boom")
    def boom():
        raise RuntimeError("boom")

    response = client.get("/test-boom")
    assert response.status_code == 500
    assert_security_headers(response)


def test_the_api_docs_page_starts_swagger_ui_from_a_static_file(client):
    response = client.get("/api/v1/docs")
    html = response.get_data(as_text=True)
    assert "/static/js/swagger-init.js" in html
    assert '"url": "/api/v1/openapi.json"' in html
    assert '"validatorUrl": null' in html  # no third-party badge image
    assert inline_code(html) == []


def test_development_cookie_is_httponly_and_lax_but_not_secure(client):
    response = client.get("/login")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie
