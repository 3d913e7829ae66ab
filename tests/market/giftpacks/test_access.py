"""Who may call each gift-pack route: anonymous, supplier A, supplier B, buyer, coordinator.

Supplier A donated the lots of every pack here; the buyer receives it.
"""

from __future__ import annotations

import pytest

from market.extensions import db
from tests.factories import GiftPackApplicationFactory

ROLES = ("anonymous", "supplier_a", "supplier_b", "buyer", "coordinator")
TEMPLATE = {"name": "P", "contents": [{"item": "MASK-SURGICAL", "quantity": 10}]}

# (method, path, body, pack status needed, expected statuses in ROLES order)
API = [
    ("get", "/api/v1/gift-pack-templates", None, None, (401, 403, 403, 403, 200)),
    ("post", "/api/v1/gift-pack-templates", TEMPLATE, None, (401, 403, 403, 403, 201)),
    ("get", "/api/v1/gift-pack-templates/{template}", None, None, (401, 403, 403, 403, 200)),
    ("patch", "/api/v1/gift-pack-templates/{template}", {"active": False}, None,
     (401, 403, 403, 403, 200)),
    ("post", "/api/v1/gift-pack-applications", {"organization_id": "{org}"}, None,
     (401, 403, 403, 201, 201)),
    ("get", "/api/v1/gift-pack-applications", None, None, (401, 200, 200, 200, 200)),
    ("get", "/api/v1/gift-pack-applications/{application}", None, "waiting",
     (401, 404, 404, 200, 200)),
    ("delete", "/api/v1/gift-pack-applications/{application}", None, "waiting",
     (401, 404, 404, 200, 200)),
    ("get", "/api/v1/gift-packs", None, None, (401, 200, 200, 200, 200)),
    ("get", "/api/v1/gift-packs/{pack}", None, "approved", (401, 200, 404, 200, 200)),
    ("post", "/api/v1/gift-packs/{pack}/approve", None, "proposed", (401, 403, 403, 403, 200)),
    ("post", "/api/v1/gift-packs/{pack}/reject", {"reason": "no"}, "proposed",
     (401, 403, 403, 403, 200)),
    ("post", "/api/v1/gift-packs/{pack}/ship", None, "approved", (401, 200, 404, 403, 200)),
    ("post", "/api/v1/gift-packs/{pack}/receive", {}, "shipped", (401, 403, 404, 200, 403)),
    ("post", "/api/v1/gift-packs/{pack}/cancel", None, "approved", (401, 403, 403, 403, 200)),
]
PAGES = [
    ("get", "/gift-packs/", (302, 200, 200, 200, 200)),
    ("post", "/gift-packs/{pack}/approve", (302, 302, 302, 302, 302)),
]


@pytest.fixture
def ids(people, donations, make_pack, make_template):
    return {"org": people["buyer_org"].id, "template": make_template().id}


def _pack(make_pack, people, donations, status):
    """A pack in `status`, with the lots' counters as that status implies."""
    if status == "waiting":  # just a waiting application
        return GiftPackApplicationFactory(organization=people["buyer_org"]).id
    pack = make_pack(people["buyer_org"], [(donations["masks"], 100)], status=status)
    if status == "approved":
        donations["masks"].reserved = 100
    elif status == "shipped":
        donations["masks"].reserved, donations["masks"].shipped = 100, 100
    db.session.commit()
    return pack.id


def _fill(value, ids):
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}"):
            return ids[value[1:-1]]
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("method", "path", "body", "state", "expected"), API,
                         ids=[f"{m} {p} {s or ''}" for m, p, _, s, _e in API])
@pytest.mark.parametrize("role", range(len(ROLES)), ids=ROLES)
def test_api_access(people, donations, make_pack, ids, as_user, method, path, body, state,
                    expected, role):
    if state:
        ids["application" if state == "waiting" else "pack"] = _pack(
            make_pack, people, donations, state)
    user = None if role == 0 else people[ROLES[role]]
    kw = {"json": _fill(body, ids)} if body is not None else {}
    r = as_user(user, method, _fill(path, ids), **kw)
    assert r.status_code == expected[role], r.get_data(as_text=True)[:300]


@pytest.mark.parametrize(("method", "path", "expected"), PAGES, ids=[p for _, p, _ in PAGES])
@pytest.mark.parametrize("role", range(len(ROLES)), ids=ROLES)
def test_page_access(people, donations, make_pack, ids, client, login, method, path, expected,
                     role):
    ids["pack"] = _pack(make_pack, people, donations, "proposed")
    login(None if role == 0 else people[ROLES[role]])
    r = getattr(client, method)(_fill(path, ids))
    assert r.status_code == expected[role]
    if method == "post":
        from market.giftpacks.models import GiftPack

        db.session.expire_all()
        approved = db.session.get(GiftPack, ids["pack"]).status == "approved"
        assert approved == (ROLES[role] == "coordinator")
