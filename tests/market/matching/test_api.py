"""The match-runs API: shapes, validation, constraints and quotas, and who may call what."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from market.extensions import db
from market.matching.models import Allocation, MatchConstraint, MatchRun, Quota
from market.matching.runs import start_run
from tests.market.matching.conftest import count

ROLES = ("anonymous", "supplier_a", "supplier_b", "buyer", "coordinator")


def _headers(people, token_for, role):
    return {} if role == "anonymous" else token_for(people[role])


def test_post_runs_matching_and_returns_figures(small_market, people, client, token_for):
    response = client.post("/api/v1/match-runs", json={}, headers=token_for(people["coordinator"]))

    assert response.status_code == 202
    body = response.json
    assert body["status"] == "completed"
    assert body["trigger"] == "manual"
    assert body["dry_run"] is False
    assert body["id"] == db.session.scalar(sa.select(MatchRun.id))
    assert body["started_at"].endswith("+00:00")
    assert body["finished_at"]
    for key in ("lots", "needs", "proposals", "units_proposed", "units_demanded",
                "units_available", "fill_rate", "cost", "solve_seconds"):
        assert key in body["stats"], key
    assert body["stats"]["proposals"] == 2
    assert body["changes"]["new"] == 2
    assert "proposals" not in body


def test_dry_run_through_api_writes_nothing(small_market, people, client, token_for):
    response = client.post("/api/v1/match-runs", json={"dry_run": True},
                           headers=token_for(people["coordinator"]))

    assert response.status_code == 202
    assert response.headers["Location"].endswith(f"/api/v1/match-runs/{response.json['id']}")
    assert response.json["dry_run"] is True
    run = client.get(response.headers["Location"], headers=token_for(people["coordinator"])).json
    assert (run["status"], run["stats"]["proposals"], run["stats"]["units_proposed"]) == (
        "completed", 2, 300)
    assert count(MatchRun) == 1  # the preview's record, with its figures
    assert count(Allocation) == 0


def test_policy_knobs_apply_to_the_run(small_market, people, client, token_for):
    response = client.post("/api/v1/match-runs", json={"dry_run": True, "max_distance_km": 0.2},
                           headers=token_for(people["coordinator"]))

    assert response.status_code == 202
    assert response.json["policy"]["max_distance_km"] == 0.2
    assert response.json["stats"]["units_proposed"] == 200  # the farther shop is out of reach


BAD_RUN_INPUT = [
    ({"dry_run": "maybe"}, "dry_run"),
    ({"fairness_steps": 0}, "fairness_steps"),
    ({"fairness_steps": "ten"}, "fairness_steps"),
    ({"fairness_steps": 10**6}, "fairness_steps"),
    ({"max_distance_km": -5}, "max_distance_km"),
    ({"transport_cost_per_unit_km": -1}, "transport_cost_per_unit_km"),
    ({"nearest": 0}, "nearest"),
    ({"surprise": 1}, "surprise"),
]


def test_bad_run_input_is_422_naming_the_field(people, client, token_for):
    headers = token_for(people["coordinator"])
    for body, field in BAD_RUN_INPUT:
        response = client.post("/api/v1/match-runs", json=body, headers=headers)
        assert response.status_code == 422, body
        assert field in response.json["errors"], body
    assert count(MatchRun) == 0


def test_malformed_json_is_422(people, client, token_for):
    headers = {**token_for(people["coordinator"]), "Content-Type": "application/json"}
    response = client.post("/api/v1/match-runs", data="{not json", headers=headers)
    assert response.status_code == 422
    assert count(MatchRun) == 0


def test_list_is_newest_first_and_paginated(small_market, people, client, token_for):
    ids = [start_run(people["coordinator"]).id for _ in range(3)]

    response = client.get("/api/v1/match-runs?per_page=2", headers=token_for(people["coordinator"]))

    assert response.status_code == 200
    assert [r["id"] for r in response.json] == ids[::-1][:2]
    assert json.loads(response.headers["X-Pagination"]) == {
        "total": 3, "total_pages": 2, "page": 1, "per_page": 2}
    one = client.get(f"/api/v1/match-runs/{ids[0]}", headers=token_for(people["coordinator"]))
    assert one.status_code == 200
    assert one.json["id"] == ids[0]
    missing = client.get("/api/v1/match-runs/999", headers=token_for(people["coordinator"]))
    assert missing.status_code == 404


def test_constraints_api_pins_excludes_and_removes(small_market, people, client, token_for):
    headers = token_for(people["coordinator"])
    run = start_run(people["coordinator"])
    line_id = db.session.scalar(sa.select(Allocation.id).where(Allocation.run_id == run.id))

    pinned = client.post("/api/v1/match-runs/constraints",
                         json={"allocation_id": line_id, "kind": "pin"}, headers=headers)
    assert pinned.status_code == 201
    assert pinned.json["kind"] == "pin"
    excluded = client.post("/api/v1/match-runs/constraints",
                           json={"allocation_id": line_id, "kind": "exclude"}, headers=headers)
    assert excluded.status_code == 201
    assert excluded.json["id"] == pinned.json["id"]
    assert excluded.json["kind"] == "exclude"
    assert excluded.json["quantity"] is None
    listed = client.get("/api/v1/match-runs/constraints", headers=headers)
    assert [c["id"] for c in listed.json] == [pinned.json["id"]]

    bad = client.post("/api/v1/match-runs/constraints",
                      json={"allocation_id": line_id, "kind": "keep"}, headers=headers)
    assert bad.status_code == 422
    assert "kind" in bad.json["errors"]
    unknown = client.post("/api/v1/match-runs/constraints",
                          json={"allocation_id": 9999, "kind": "pin"}, headers=headers)
    assert unknown.status_code == 404

    gone = client.delete(f"/api/v1/match-runs/constraints/{pinned.json['id']}", headers=headers)
    assert gone.status_code == 204
    assert count(MatchConstraint) == 0
    again = client.delete(f"/api/v1/match-runs/constraints/{pinned.json['id']}", headers=headers)
    assert again.status_code == 404


def test_pinning_a_decided_line_is_409(small_market, people, client, token_for):
    run = start_run(people["coordinator"])
    line = db.session.scalar(sa.select(Allocation).where(Allocation.run_id == run.id))
    line.status = "approved"
    db.session.commit()

    response = client.post("/api/v1/match-runs/constraints",
                           json={"allocation_id": line.id, "kind": "pin"},
                           headers=token_for(people["coordinator"]))

    assert response.status_code == 409
    assert count(MatchConstraint) == 0


def test_quotas_api(small_market, people, client, token_for):
    headers = token_for(people["coordinator"])
    org = small_market["clinic"].id
    created = client.post("/api/v1/match-runs/quotas",
                          json={"organization_id": org, "item": "MASK-SURGICAL", "max_units": 50},
                          headers=headers)
    assert created.status_code == 201
    assert created.json["item"] == "MASK-SURGICAL"
    assert created.json["max_units"] == 50
    replaced = client.post("/api/v1/match-runs/quotas",
                           json={"organization_id": org, "item": "MASK-SURGICAL", "max_units": 70},
                           headers=headers)
    assert replaced.json["id"] == created.json["id"]
    assert count(Quota) == 1
    for body, field in (
        ({"organization_id": org, "item": "NOPE", "max_units": 5}, "item"),
        ({"organization_id": org, "item": "MASK-SURGICAL", "max_units": 0}, "max_units"),
        ({"organization_id": org, "item": "MASK-SURGICAL", "max_units": -3}, "max_units"),
        ({"organization_id": org, "item": "MASK-SURGICAL", "max_units": 10**10}, "max_units"),
        ({"organization_id": org, "item": "MASK-SURGICAL"}, "max_units"),
        ({"organization_id": 99999, "item": "MASK-SURGICAL", "max_units": 5}, "organization_id"),
    ):
        response = client.post("/api/v1/match-runs/quotas", json=body, headers=headers)
        assert response.status_code == 422, body
        assert field in response.json["errors"], body
    assert db.session.scalar(sa.select(Quota.max_units)) == 70
    gone = client.delete(f"/api/v1/match-runs/quotas/{created.json['id']}", headers=headers)
    assert gone.status_code == 204
    assert count(Quota) == 0


EXPECTED = {"anonymous": 401, "supplier_a": 403, "supplier_b": 403, "buyer": 403}


@pytest.mark.parametrize(("method", "path", "body", "ok"), [
    ("post", "/api/v1/match-runs", {}, 202),
    ("post", "/api/v1/match-runs", {"dry_run": True}, 202),
    ("get", "/api/v1/match-runs", None, 200),
    ("get", "/api/v1/match-runs/{run}", None, 200),
    ("get", "/api/v1/match-runs/constraints", None, 200),
    ("post", "/api/v1/match-runs/constraints", {"allocation_id": "{line}", "kind": "exclude"}, 201),
    ("delete", "/api/v1/match-runs/constraints/{constraint}", None, 204),
    ("get", "/api/v1/match-runs/quotas", None, 200),
    ("post", "/api/v1/match-runs/quotas", {"organization_id": "{org}", "item": "MASK-SURGICAL",
                                           "max_units": 5}, 201),
    ("delete", "/api/v1/match-runs/quotas/{quota}", None, 204),
])
def test_access_matrix(small_market, people, client, token_for, method, path, body, ok):
    """Each role in turn (the coordinator last, as it may delete): 401, 403 or success."""
    from market.matching.services import exclude_line, set_quota

    run = start_run(people["coordinator"])
    line = db.session.scalar(sa.select(Allocation.id).where(Allocation.run_id == run.id))
    other_line = db.session.scalars(sa.select(Allocation.id).order_by(Allocation.id)).all()[-1]
    constraint = exclude_line(people["coordinator"], other_line)
    quota = set_quota(people["coordinator"], small_market["trader"].id, "MASK-KN95", 9)
    ids = {"run": run.id, "line": line, "constraint": constraint.id, "quota": quota.id,
           "org": small_market["clinic"].id}
    url = path.format(**ids)
    if body is not None:
        body = {k: ids[v[1:-1]] if isinstance(v, str) and v.startswith("{") else v
                for k, v in body.items()}
    got = {}
    for role in ROLES:
        response = getattr(client, method)(url, json=body,
                                           headers=_headers(people, token_for, role))
        got[role] = response.status_code
    assert got == {**EXPECTED, "coordinator": ok}
