import json
from tests.market.test_api_contract import *  # noqa

def show(r):
    print(r.status_code, r.headers.get("X-Pagination"), r.get_data(as_text=True)[:1500])

def test_probe(client, catalog, make_user):
    coordinator = make_user(role="coordinator", email="coord@example.com")
    j = Journey(client)
    register_and_log_in(j, coordinator)
    verify_companies(j); catalogue(j); lots(j); lot_import(j); needs(j); match(j)
    c = j.client
    H = j.headers
    def go(m, p, who=None, **kw):
        r = getattr(c, m)(API + p, headers=H[who] if who else {}, **kw)
        print("\n>>>", m, p, who, kw.get("json")); show(r); return r
    approve(j)
    lines = j.ids["lines"]
    go("delete", f"/lots/{j.ids['lot']}", "supplier")
    go("patch", f"/lots/{j.ids['lot']}", "supplier", json={"quantity": 349})
    go("patch", f"/lots/{j.ids['lot']}", "supplier", json={"quantity": 350})
    go("patch", f"/needs/{j.ids['need']}", "buyer", json={"quantity": 10})
    go("delete", f"/needs/{j.ids['need']}", "buyer")
    go("post", f"/allocations/{j.ids['gloves_line']}/receive", "buyer", json={"quantity": 1000})
    go("post", f"/allocations/{j.ids['gloves_line']}/ship", "supplier")
    go("post", f"/allocations/{j.ids['gloves_line']}/receive", "buyer", json={"quantity": 1000})
    go("post", f"/allocations/{j.ids['gloves_line']}/receive", "buyer", json={"quantity": -1})
    go("post", "/auth/register", None, json=registration("sup@example.com", "Other", ["buyer"], "office", 21))
    go("post", "/auth/register", None, json=registration("new@example.com", "Other", ["buyer"], "office", 11))
    bad = registration("x@example.com", "X", ["buyer"], "office", 14); bad["organization"]["credit_code"] = "123"
    go("post", "/auth/register", None, json=bad)
    go("post", "/gift-pack-applications", "coordinator", json={"organization_id": j.ids["buyer"]})
    go("post", "/gift-pack-applications", "supplier", json={})
    go("get", "/match-runs?per_page=501", "coordinator")
    go("get", "/audit?per_page=0", "coordinator")
    go("get", "/allocations/approve", "coordinator")
    go("post", "/allocations/99999/approve", "coordinator", json={})
    go("post", "/allocations/99999/approve", "supplier", json={})
    go("post", "/allocations/99999/approve", None, json={})
    go("get", "/allocations.csv?status=approved", "buyer")
    go("get", "/needs.csv", "supplier")
    assert False
