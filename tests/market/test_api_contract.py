"""Acceptance check of the REST contract (API.md): one journey through HTTP with bearer tokens.

Only the coordinator account (make_user) and the standard catalogue (catalog) are set up
directly; everything else goes through `/api/v1` exactly as API.md spells it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from typing import Any

import pytest

from tests.conftest import make_credit_code

API = "/api/v1"
MONEY = re.compile(r"^-?\d+\.\d{2}$")
PASSWORD = "long enough pw"  # noqa: S105 - test data
COMPANY_NAMES = ("Northwind Masks", "Harbour Clinic", "Kindly Donors")


# ----------------------------------------------------------------------------- helpers


class Journey:
    """The client, the bearer headers of each party and the ids met on the way."""

    def __init__(self, client):
        self.client = client
        self.headers: dict[str, dict[str, str]] = {}
        self.ids: dict[str, Any] = {}

    def call(self, method: str, path: str, who: str | None = None, expect: int = 200, **kw):
        """Call `API + path` as `who` (None = anonymous) and assert the status."""
        headers = dict(self.headers[who]) if who else {}
        response = getattr(self.client, method)(API + path, headers=headers, **kw)
        assert response.status_code == expect, (
            method,
            path,
            response.status_code,
            response.get_data(as_text=True)[:800],
        )
        return response


def assert_time(value: str) -> None:
    """ISO 8601 with a zone."""
    assert isinstance(value, str), value
    assert datetime.fromisoformat(value).tzinfo is not None, value


def assert_money(value: str) -> None:
    """A string with two decimals."""
    assert isinstance(value, str), value
    assert MONEY.match(value), value


def assert_error(response, status: int) -> dict:
    """The error shape of API.md: `{code, status, message}`."""
    body = response.get_json()
    assert response.status_code == status
    assert body["code"] == status
    assert isinstance(body["status"], str)
    assert body["status"]
    assert isinstance(body["message"], str)
    assert body["message"]
    return body


def assert_pagination(response, total: int | None = None) -> dict:
    """`X-Pagination` holds the JSON `{total, total_pages, page, per_page}`."""
    meta = json.loads(response.headers["X-Pagination"])
    assert set(meta) >= {"total", "total_pages", "page", "per_page"}
    assert isinstance(response.get_json(), list)
    if total is not None:
        assert meta["total"] == total
    return meta


def registration(email: str, name: str, roles: list[str], sector: str, seed: int) -> dict:
    """A `POST /auth/register` body."""
    return {
        "email": email,
        "password": PASSWORD,
        "organization": {
            "name": name, "credit_code": make_credit_code(seed), "roles": roles,
            "sector": sector, "headcount": 40, "address": f"{seed} Harbour Road",
            "latitude": 31.2 + seed / 1000, "longitude": 121.5, "phone": "+86 21 5555 0101",
        },
    }  # fmt: skip


def csv_rows(response) -> list[list[str]]:
    """The rows of a CSV answer."""
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


# ----------------------------------------------------------------------------- stages


def register_and_log_in(j: Journey, coordinator) -> None:
    """Three companies register (pending), get tokens; the coordinator too."""
    parties = (
        ("supplier", "sup@example.com", COMPANY_NAMES[0], ["supplier"], "trade", 11),
        ("buyer", "buy@example.com", COMPANY_NAMES[1], ["buyer"], "office", 12),
        ("donor", "don@example.com", COMPANY_NAMES[2], ["supplier"], "trade", 13),
    )
    for who, email, name, roles, sector, seed in parties:
        r = j.call(
            "post", "/auth/register", None, 201, json=registration(email, name, roles, sector, seed)
        )
        body = r.get_json()
        assert set(body) == {"user", "organization"}
        assert {"id", "email", "role"} <= set(body["user"])
        assert body["user"]["email"] == email
        org = body["organization"]
        assert {"id", "name", "status", "tier"} <= set(org)
        assert org["status"] == "pending"
        assert org["name"] == name
        assert isinstance(org["tier"], int)
        j.ids[who] = org["id"]
    bad = j.call(
        "post",
        "/auth/tokens",
        None,
        401,
        json={"email": "sup@example.com", "password": "wrong password"},
    )
    assert_error(bad, 401)
    for who, email in (
        ("supplier", "sup@example.com"),
        ("buyer", "buy@example.com"),
        ("donor", "don@example.com"),
        ("coordinator", coordinator.email),
    ):
        password = "correct horse" if who == "coordinator" else PASSWORD
        r = j.call("post", "/auth/tokens", None, 201, json={"email": email, "password": password})
        assert set(r.get_json()) >= {"token", "expires_at"}
        assert_time(r.get_json()["expires_at"])
        j.headers[who] = {"Authorization": f"Bearer {r.get_json()['token']}"}
    me = j.call("get", "/me", "buyer").get_json()
    assert me["user"]["email"] == "buy@example.com"
    assert me["organization"]["id"] == j.ids["buyer"]


def verify_companies(j: Journey) -> None:
    """The coordinator lists pending filings, approves them and sets the buyer's tier."""
    r = j.call("get", "/organizations?status=pending", "coordinator")
    assert_pagination(r, total=3)
    assert {o["id"] for o in r.get_json()} == {j.ids["supplier"], j.ids["buyer"], j.ids["donor"]}
    for who in ("supplier", "buyer", "donor"):
        org = j.call(
            "post",
            f"/organizations/{j.ids[who]}/verification",
            "coordinator",
            json={"decision": "approve"},
        ).get_json()
        assert org["status"] == "verified"
    org = j.call(
        "patch", f"/organizations/{j.ids['buyer']}", "coordinator", json={"tier": 1}
    ).get_json()
    assert org["tier"] == 1
    assert j.call("get", f"/organizations/{j.ids['buyer']}", "buyer").get_json()["tier"] == 1
    j.call("get", f"/organizations/{j.ids['buyer']}", "supplier", 404)
    assert j.call("get", "/organizations?status=pending", "coordinator").get_json() == []


def catalogue(j: Journey) -> None:
    """Items list with substitutes; a coordinator adds one."""
    r = j.call("get", "/items?per_page=500", "buyer")
    assert_pagination(r)
    items = {i["sku"]: i for i in r.get_json()}
    assert {"sku", "name", "category", "unit", "substitutes"} <= set(items["MASK-SURGICAL"])
    assert "MASK-KN95" in items["MASK-SURGICAL"]["substitutes"]
    body = {
        "sku": "GOWN-ISOLATION",
        "name": "Isolation gown",
        "category": "gown",
        "unit": "piece",
        "substitutes": [],
    }
    j.call("post", "/items", "supplier", 403, json=body)
    created = j.call("post", "/items", "coordinator", 201, json=body).get_json()
    assert created["sku"] == "GOWN-ISOLATION"
    assert created["substitutes"] == []


def lots(j: Journey) -> None:
    """Sale lots (price as number and string), a donation, filters and a hotline lot."""
    lot = j.call(
        "post",
        "/lots",
        "supplier",
        201,
        json={"item": "MASK-SURGICAL", "quantity": 1000, "kind": "sale", "unit_price": 2.5},
    ).get_json()
    assert {
        "id",
        "item",
        "quantity",
        "reserved",
        "available",
        "kind",
        "unit_price",
        "status",
    } <= set(lot)
    assert (lot["item"], lot["quantity"], lot["reserved"], lot["available"]) == (
        "MASK-SURGICAL",
        1000,
        0,
        1000,
    )
    assert (lot["kind"], lot["unit_price"], lot["status"]) == ("sale", "2.50", "active")
    assert_time(lot["created_at"])
    j.ids["lot"] = lot["id"]
    gloves = j.call(
        "post",
        "/lots",
        "supplier",
        201,
        json={"item": "GLOVES-NITRILE", "quantity": 200, "kind": "sale", "unit_price": "1.20"},
    )
    assert gloves.get_json()["unit_price"] == "1.20"
    j.ids["gloves_lot"] = gloves.get_json()["id"]
    gift = j.call(
        "post",
        "/lots",
        "donor",
        201,
        json={"item": "MASK-KN95", "quantity": 100, "kind": "donation"},
    ).get_json()
    assert gift["kind"] == "donation"
    j.ids["donation"] = gift["id"]
    hotline = j.call(
        "post",
        "/lots",
        "coordinator",
        201,
        json={
            "item": "MASK-SURGICAL",
            "quantity": 50,
            "kind": "sale",
            "unit_price": "3",
            "organization_id": j.ids["supplier"],
        },
    ).get_json()
    assert hotline["unit_price"] == "3.00"
    assert hotline["entered_by"]["email"] == "coord@example.com"
    assert hotline["organization"]["id"] == j.ids["supplier"]
    j.ids["hotline_lot"] = hotline["id"]
    r = j.call("get", "/lots?item=MASK-SURGICAL&status=active&kind=sale", "coordinator")
    assert_pagination(r, total=2)
    assert {x["id"] for x in r.get_json()} == {lot["id"], hotline["id"]}
    r = j.call("get", "/lots?kind=donation", "coordinator")
    assert [x["id"] for x in r.get_json()] == [gift["id"]]
    assert j.call("get", "/lots", "donor").get_json()[0]["id"] == gift["id"]
    j.call("get", f"/lots/{lot['id']}", "donor", 404)
    assert j.call("get", f"/lots/{lot['id']}", "coordinator").get_json()["id"] == lot["id"]


def lot_import(j: Journey) -> None:
    """CSV import: all rows or none, with every bad row named."""
    header = "item,quantity,kind,unit_price,latitude,longitude,address,available_until\n"
    good = header + (
        "THERMOMETER-IR,5,sale,80.00,,,,\n"
        "DISINFECTANT-CHLORINE,30,sale,4.5,31.25,121.48,Depot 2,"
        "2031-01-01T00:00:00+08:00\n"
    )
    before = assert_pagination(j.call("get", "/lots", "supplier"))["total"]
    r = j.call(
        "post",
        "/lots/import",
        "supplier",
        201,
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(good.encode()), "lots.csv")},
    )
    assert r.get_json() == {"imported": 2, "encoding": "utf-8"}
    bad = header + "THERMOMETER-IR,5,sale,80.00,,,,\nGLOVES-NITRILE,-3,sale,1,,,,\n"
    r = j.call(
        "post",
        "/lots/import",
        "supplier",
        422,
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(bad.encode()), "lots.csv")},
    )
    rows = assert_error(r, 422)["errors"]["rows"]
    assert rows
    assert {"line", "field", "message"} <= set(rows[0])
    assert rows[0]["line"] == 3
    assert rows[0]["field"] == "quantity"
    after = assert_pagination(j.call("get", "/lots", "supplier"))["total"]
    assert after == before + 2


def needs(j: Journey) -> None:
    """Buyer posts needs, reads, edits and cancels one; the hotline posts one for the buyer."""
    need = j.call(
        "post",
        "/needs",
        "buyer",
        201,
        json={"item": "MASK-SURGICAL", "quantity": 300, "accept_substitutes": True},
    ).get_json()
    assert {"id", "item", "quantity", "allocated", "received", "status"} <= set(need)
    assert (need["item"], need["quantity"], need["allocated"], need["received"]) == (
        "MASK-SURGICAL",
        300,
        0,
        0,
    )
    j.ids["need"] = need["id"]
    assert j.call("get", f"/needs/{need['id']}", "buyer").get_json()["id"] == need["id"]
    j.call("get", f"/needs/{need['id']}", "supplier", 404)
    patched = j.call("patch", f"/needs/{need['id']}", "buyer", json={"quantity": 400})
    assert patched.get_json()["quantity"] == 400
    gloves = j.call(
        "post",
        "/needs",
        "buyer",
        201,
        json={"item": "GLOVES-NITRILE", "quantity": 100, "max_unit_price": "5"},
    ).get_json()
    assert gloves["max_unit_price"] == "5.00"
    j.ids["gloves_need"] = gloves["id"]
    spare = j.call(
        "post", "/needs", "buyer", 201, json={"item": "THERMOMETER-IR", "quantity": 2}
    ).get_json()
    cancelled = j.call("delete", f"/needs/{spare['id']}", "buyer").get_json()
    assert cancelled["status"] == "cancelled"
    hotline = j.call(
        "post",
        "/needs",
        "coordinator",
        201,
        json={"item": "DISINFECTANT-CHLORINE", "quantity": 10, "organization_id": j.ids["buyer"]},
    ).get_json()
    assert hotline["organization"]["id"] == j.ids["buyer"]
    assert hotline["entered_by"]["email"] == "coord@example.com"
    j.ids["hotline_need"] = hotline["id"]
    r = j.call("get", "/needs?status=open", "buyer")
    assert_pagination(r)


STATS = {
    "lots",
    "needs",
    "proposals",
    "units_proposed",
    "units_demanded",
    "units_available",
    "fill_rate",
    "cost",
    "solve_seconds",
}


def assert_run(run: dict, status: str = "completed") -> None:
    """A run's shape as API.md lists it."""
    assert {"id", "status", "trigger", "started_at", "finished_at", "stats"} <= set(run)
    assert run["status"] == status
    assert run["trigger"] == "manual"
    assert_time(run["started_at"])
    assert_time(run["finished_at"])
    assert set(run["stats"]) >= STATS, set(run["stats"])
    assert_money(run["stats"]["cost"])


def match(j: Journey) -> None:
    """A dry run writes nothing; a real run proposes lines of the documented shape."""
    j.call("post", "/match-runs", "buyer", 403, json={})
    started = j.call("post", "/match-runs", "coordinator", 202, json={"dry_run": True})
    queued = started.get_json()  # the worker computes it (at once here: immediate mode)
    assert started.headers["Location"].endswith(f"/api/v1/match-runs/{queued['id']}")
    dry = j.call("get", f"/match-runs/{queued['id']}", "coordinator").get_json()
    assert_run(dry)
    assert dry["dry_run"] is True
    assert "phase" in dry
    assert dry["stats"]["proposals"] >= 1
    assert_pagination(j.call("get", "/allocations", "coordinator"), total=0)
    assert_pagination(j.call("get", "/match-runs", "coordinator"), total=1)  # the preview
    started = j.call("post", "/match-runs", "coordinator", 202, json={})
    assert started.headers["Location"].endswith(f"/api/v1/match-runs/{started.get_json()['id']}")
    run = j.call("get", f"/match-runs/{started.get_json()['id']}", "coordinator").get_json()
    assert_run(run)
    j.ids["run"] = run["id"]
    r = j.call("get", "/match-runs", "coordinator")
    assert_pagination(r)
    assert r.get_json()[0]["id"] == run["id"]
    assert_run(j.call("get", f"/match-runs/{run['id']}", "coordinator").get_json())
    r = j.call("get", f"/allocations?run_id={run['id']}", "coordinator")
    lines = r.get_json()
    assert assert_pagination(r)["total"] == len(lines) >= 3
    keys = {
        "id",
        "run_id",
        "lot_id",
        "need_id",
        "item",
        "supplier",
        "buyer",
        "quantity",
        "unit_price",
        "distance_km",
        "tier",
        "status",
        "reasons",
    }
    for line in lines:
        assert keys <= set(line)
        assert set(line["supplier"]) >= {"id", "name"}
        assert set(line["buyer"]) >= {"id", "name"}
        assert line["run_id"] == run["id"]
        assert line["status"] == "proposed"
        assert_money(line["unit_price"])
        assert line["reasons"]
        assert all(isinstance(x, str) for x in line["reasons"])
    j.ids["lines"] = {(x["lot_id"], x["need_id"]): x for x in lines}
    assert j.call("get", "/allocations", "buyer").get_json() == []  # not approved yet


def approve(j: Journey) -> None:
    """Approve lowered, approve twice → 409, reject, bulk approve, and the lot's stock guard."""
    lines = j.ids["lines"]
    mask = lines[(j.ids["lot"], j.ids["need"])]
    done = j.call(
        "post",
        f"/allocations/{mask['id']}/approve",
        "coordinator",
        json={"quantity": mask["quantity"] - 50},
    ).get_json()
    assert done["status"] == "approved"
    assert done["quantity"] == mask["quantity"] - 50
    again = j.call("post", f"/allocations/{mask['id']}/approve", "coordinator", 409, json={})
    assert_error(again, 409)
    j.call("patch", f"/lots/{j.ids['lot']}", "supplier", 409, json={"quantity": 10})
    assert j.call("get", f"/lots/{j.ids['lot']}", "supplier").get_json()["quantity"] == 1000
    gloves = lines[(j.ids["gloves_lot"], j.ids["gloves_need"])]
    chlorine = next(x for x in lines.values() if x["need_id"] == j.ids["hotline_need"])
    r = j.call(
        "post",
        f"/allocations/{chlorine['id']}/reject",
        "coordinator",
        json={"reason": "buyer asked for one delivery"},
    ).get_json()
    assert r["status"] == "rejected"
    ids = [gloves["id"], 987654]
    bulk = j.call("post", "/allocations/approve", "coordinator", json={"ids": ids}).get_json()
    assert set(bulk) >= {"approved", "failed"}
    assert set(bulk["approved"]) == set(ids) - {987654}
    assert [f["id"] for f in bulk["failed"]] == [987654]
    assert bulk["failed"][0]["message"]
    j.ids["mask_line"], j.ids["gloves_line"] = mask["id"], gloves["id"]
    mine = j.call("get", "/allocations", "buyer").get_json()
    assert {x["id"] for x in mine} == set(bulk["approved"]) | {mask["id"]}


def fulfil(j: Journey) -> None:
    """Ship by the supplier, receive by the buyer: full → received, short → disputed."""
    mask, gloves = j.ids["mask_line"], j.ids["gloves_line"]
    early = j.call("post", f"/allocations/{mask}/receive", "buyer", 409, json={})
    assert_error(early, 409)
    assert_error(j.call("post", f"/allocations/{mask}/ship", "buyer", 403), 403)
    for line in (mask, gloves):
        shipped = j.call("post", f"/allocations/{line}/ship", "supplier").get_json()
        assert shipped["status"] == "shipped"
    full = j.call("post", f"/allocations/{mask}/receive", "buyer", json={}).get_json()
    assert full["status"] == "received"
    short = j.call(
        "post",
        f"/allocations/{gloves}/receive",
        "buyer",
        json={"quantity": 1, "note": "one box only"},
    ).get_json()
    assert short["status"] == "disputed"


def gift_packs(j: Journey) -> None:
    """A template, one waiting application per company, a run assigns a pack, approve/reject."""
    body = {"name": "Starter pack", "contents": [{"item": "MASK-KN95", "quantity": 20}]}
    j.call("post", "/gift-pack-templates", "buyer", 403, json=body)
    template = j.call("post", "/gift-pack-templates", "coordinator", 201, json=body).get_json()
    assert set(template) >= {"id", "name", "contents", "active"}
    assert template["active"] is True
    assert template["contents"] == [{"item": "MASK-KN95", "quantity": 20}]
    application = j.call(
        "post", "/gift-pack-applications", "buyer", 201, json={"reason": "new staff"}
    ).get_json()
    assert application["status"] == "waiting"
    assert_error(j.call("post", "/gift-pack-applications", "buyer", 409, json={}), 409)
    assert_error(
        j.call(
            "post",
            "/gift-pack-applications",
            "coordinator",
            409,
            json={"organization_id": j.ids["buyer"]},
        ),
        409,
    )
    first = assign_pack(j, template)
    rejected = j.call(
        "post", f"/gift-packs/{first['id']}/reject", "coordinator", json={"reason": "wrong address"}
    ).get_json()
    assert rejected["status"] == "rejected"
    pack = assign_pack(j, template)
    approved = j.call("post", f"/gift-packs/{pack['id']}/approve", "coordinator", json={})
    assert approved.get_json()["status"] == "approved"
    assert_error(
        j.call(
            "post", f"/gift-packs/{pack['id']}/reject", "coordinator", 409, json={"reason": "late"}
        ),
        409,
    )
    assert [p["id"] for p in j.call("get", "/gift-packs", "buyer").get_json()] == [pack["id"]]


def assign_pack(j: Journey, template: dict) -> dict:
    """Run matching; the buyer's waiting application gets one pack of the template."""
    run = j.call("post", "/match-runs", "coordinator", 202, json={}).get_json()
    r = j.call("get", f"/gift-packs?run_id={run['id']}", "coordinator")
    assert_pagination(r, total=1)
    pack = r.get_json()[0]
    assert set(pack) >= {"id", "run_id", "template", "recipient", "status", "components"}
    assert pack["template"] == {"id": template["id"], "name": "Starter pack"}
    assert pack["recipient"]["id"] == j.ids["buyer"]
    assert pack["recipient"]["name"]
    assert pack["status"] == "proposed"
    assert pack["run_id"] == run["id"]
    component = pack["components"][0]
    assert {"lot_id", "item", "quantity"} <= set(component)
    assert (component["lot_id"], component["item"], component["quantity"]) == (
        j.ids["donation"],
        "MASK-KN95",
        20,
    )
    return pack


def reports(j: Journey) -> None:
    """Summary for coordinators, public totals for anyone without company names, CSVs, audit."""
    j.call("get", "/reports/summary", "buyer", 403)
    summary = j.call("get", "/reports/summary", "coordinator").get_json()
    row = next(i for i in summary["items"] if i["item"] == "MASK-SURGICAL")
    assert {"item", "supply", "demand", "allocated", "shipped", "received", "fill_rate"} <= set(row)
    assert row["received"] >= 1
    assert row["demand"] >= 400
    assert summary["tiers"]
    assert {"tier", "demand", "allocated", "fill_rate"} <= set(summary["tiers"][0])
    public = j.call("get", "/reports/public")
    text = public.get_data(as_text=True)
    assert not any(name in text for name in COMPANY_NAMES)
    assert set(public.get_json()) >= {"items", "tiers"}
    for path, column in (
        ("/allocations.csv", "run_id"),
        ("/lots.csv", "item"),
        ("/needs.csv", "quantity"),
    ):
        rows = csv_rows(j.call("get", path, "coordinator"))
        assert column in rows[0], path
        assert len(rows) >= 2, path
    j.call("get", "/audit", "buyer", 403)
    r = j.call("get", "/audit?per_page=500", "coordinator")
    entries = r.get_json()
    assert assert_pagination(r)["total"] >= 10
    for entry in entries:
        assert {"at", "actor", "action", "entity", "entity_id", "before", "after"} <= set(entry)
        assert_time(entry["at"])


def errors(j: Journey) -> None:
    """401, 403, 404, 409, 422 in the documented shape; 422 names the bad field."""
    assert_error(j.call("get", "/lots", None, 401), 401)
    assert_error(j.call("get", "/me", None, 401), 401)
    assert_error(j.call("post", "/match-runs", "supplier", 403, json={}), 403)
    assert_error(j.call("get", "/lots/999999", "coordinator", 404), 404)
    assert_error(j.call("get", "/nothing-here", "coordinator", 404), 404)
    body = assert_error(
        j.call(
            "post",
            "/lots",
            "supplier",
            422,
            json={"item": "MASK-SURGICAL", "quantity": -5, "kind": "sale", "unit_price": "1"},
        ),
        422,
    )
    assert "quantity" in body["errors"], body
    body = assert_error(
        j.call("post", "/needs", "buyer", 422, json={"item": "MASK-SURGICAL", "quantity": "many"}),
        422,
    )
    assert "quantity" in body["errors"], body
    body = assert_error(
        j.call("post", "/lots", "supplier", 422, data="{not json", content_type="application/json"),
        422,
    )
    bad = registration("x@example.com", "X", ["buyer"], "office", 14)
    bad["organization"]["credit_code"] = "123"
    body = assert_error(j.call("post", "/auth/register", None, 422, json=bad), 422)
    errs = body["errors"]
    # API.md maps field names; the nested company field is accepted nested or dotted.
    assert "credit_code" in errs.get("organization", {}) or "organization.credit_code" in errs
    body = assert_error(j.call("get", "/lots?per_page=501", "supplier", 422), 422)
    assert "per_page" in body["errors"]
    assert_pagination(j.call("get", "/lots?per_page=500", "supplier"))


def refile(j: Journey) -> None:
    """A rejected company edits its filing and is pending again; only coordinators set tiers."""
    body = registration("late@example.com", "Late Filers", ["buyer"], "office", 15)
    org = j.call("post", "/auth/register", None, 201, json=body).get_json()["organization"]
    j.call(
        "post",
        f"/organizations/{org['id']}/verification",
        "coordinator",
        422,
        json={"decision": "reject"},
    )  # a rejection needs a reason
    rejected = j.call(
        "post",
        f"/organizations/{org['id']}/verification",
        "coordinator",
        json={"decision": "reject", "reason": "blurred licence"},
    ).get_json()
    assert rejected["status"] == "rejected"
    token = j.call(
        "post", "/auth/tokens", None, 201, json={"email": "late@example.com", "password": PASSWORD}
    ).get_json()["token"]
    j.headers["late"] = {"Authorization": f"Bearer {token}"}
    assert_error(j.call("patch", f"/organizations/{org['id']}", "late", 403, json={"tier": 1}), 403)
    refiled = j.call(
        "patch", f"/organizations/{org['id']}", "late", json={"phone": "+86 21 5555 0199"}
    ).get_json()
    assert refiled["status"] == "pending"
    assert refiled["phone"] == "+86 21 5555 0199"


# ----------------------------------------------------------------------------- tests


def test_api_journey_follows_the_contract(client, catalog, make_user):
    coordinator = make_user(role="coordinator", email="coord@example.com")
    j = Journey(client)
    register_and_log_in(j, coordinator)
    verify_companies(j)
    catalogue(j)
    lots(j)
    lot_import(j)
    needs(j)
    match(j)
    approve(j)
    fulfil(j)
    gift_packs(j)
    reports(j)
    errors(j)
    refile(j)


# Every (method, path) of API.md, in the OpenAPI form with {param}.
CONTRACT_PATHS = (
    ("post", "/auth/register"), ("post", "/auth/tokens"), ("get", "/me"),
    ("get", "/organizations"), ("get", "/organizations/{org_id}"),
    ("post", "/organizations/{org_id}/verification"), ("patch", "/organizations/{org_id}"),
    ("get", "/items"), ("post", "/items"),
    ("post", "/lots"), ("get", "/lots"), ("get", "/lots/{lot_id}"), ("patch", "/lots/{lot_id}"),
    ("delete", "/lots/{lot_id}"), ("post", "/lots/import"),
    ("post", "/needs"), ("get", "/needs"), ("get", "/needs/{need_id}"),
    ("patch", "/needs/{need_id}"), ("delete", "/needs/{need_id}"),
    ("post", "/match-runs"), ("get", "/match-runs"), ("get", "/match-runs/{run_id}"),
    ("get", "/allocations"), ("post", "/allocations/{allocation_id}/approve"),
    ("post", "/allocations/{allocation_id}/reject"), ("post", "/allocations/approve"),
    ("post", "/allocations/{allocation_id}/ship"), ("post", "/allocations/{allocation_id}/receive"),
    ("post", "/gift-pack-templates"), ("get", "/gift-pack-templates"),
    ("post", "/gift-pack-applications"), ("get", "/gift-pack-applications"),
    ("get", "/gift-packs"), ("post", "/gift-packs/{pack_id}/approve"),
    ("post", "/gift-packs/{pack_id}/reject"),
    ("get", "/reports/summary"), ("get", "/reports/public"),
    ("get", "/allocations.csv"), ("get", "/lots.csv"), ("get", "/needs.csv"),
    ("get", "/audit"),
)  # fmt: skip


def _normalise(path: str) -> str:
    """Path parameters compared by position, not by name."""
    return re.sub(r"\{[^}]+\}", "{}", path.rstrip("/") or "/")


def test_openapi_document_lists_every_contract_path(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    served = {}
    for path, operations in spec["paths"].items():
        full = path if path.startswith(API) else API + path
        served[_normalise(full)] = {m.lower() for m in operations}
    missing = [(m, p) for m, p in CONTRACT_PATHS if m not in served.get(_normalise(API + p), set())]
    assert missing == []
    # The parameters are written in OpenAPI's {param} form, not Flask's <int:param>.
    assert not [p for p in spec["paths"] if "<" in p]


@pytest.mark.parametrize("path", ["/api/v1/docs", "/api/v1/openapi.json"])
def test_api_reference_is_served(client, path):
    assert client.get(path).status_code == 200
