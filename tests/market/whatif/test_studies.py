"""What-if studies: started once per (snapshot, knobs), reused, polled, failed, recomputed."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
import sqlalchemy as sa

from market.common.types import utcnow
from market.extensions import db
from market.matching.lock import worker_id
from market.matching.models import Quota
from market.whatif import services as whatif
from market.whatif import studies as whatif_studies
from market.whatif.models import WhatIfStudy
from market.whatif.snapshot import snapshot
from market.whatif.tasks import compute_study

# The hand-built market of the what-if tests and their helpers.
from tests.market.whatif.test_whatif import (
    API,
    PAGE,
    by_key,
    cell,
    counts,
    scarce,  # noqa: F401 - registers the fixture here
)

FRAGMENT = "/reports/what-if/studies/{}"


@pytest.fixture
def market(request):
    """The what-if tests' scarce masks: two clinics asking 100 each of 100 (see `scarce`)."""
    return request.getfixturevalue("scarce")


@pytest.fixture
def computes(monkeypatch):
    """Count the comparisons actually computed."""
    calls = []
    real = whatif.compute

    def counting(current, knobs, known=None):
        calls.append(knobs)
        return real(current, knobs, known)

    monkeypatch.setattr(whatif, "compute", counting)
    return calls


@pytest.fixture
def held(monkeypatch):
    """Studies are queued but not computed until the test runs them (a busy background)."""
    monkeypatch.setattr(whatif_studies, "_launch", lambda study_id, inline=False: None)


def studies() -> list[WhatIfStudy]:
    return list(db.session.scalars(sa.select(WhatIfStudy).order_by(WhatIfStudy.id)))


def test_second_visit_reuses_the_study(client, login, people, market, computes):
    login(people["coordinator"])
    first = client.get(PAGE).get_data(as_text=True)
    second = client.get(PAGE).get_data(as_text=True)
    assert len(computes) == 1
    assert len(studies()) == 1
    assert studies()[0].status == "done"
    for html in (first, second):
        assert cell(html, "cell-fcfs-lowest") == "0.0 %"
        assert cell(html, "cell-optimal-lowest") == "50.0 %"
        assert 'data-status="done"' in html
        assert "hx-get" not in html  # nothing left to poll


def test_other_knobs_are_another_study(client, login, people, market, computes):
    login(people["coordinator"])
    client.get(PAGE)
    client.get(PAGE, query_string={"max_distance_km": "0.1", "caps": "kept"})
    client.get(PAGE, query_string={"max_distance_km": "0.1", "caps": "kept"})
    assert len(computes) == 2
    # the configured default limit (50 km), then the edited one
    assert [s.knobs["edited"]["max_distance_km"] for s in studies()] == [50.0, 0.1]


def test_other_knobs_on_the_same_market_solve_only_the_edited_policy(
        client, login, people, market, monkeypatch):
    solves = []
    real_allocate, real_fcfs = whatif.solver.allocate, whatif.first_come_first_served
    monkeypatch.setattr(whatif.solver, "allocate",
                        lambda *a, **k: solves.append("optimiser") or real_allocate(*a, **k))
    monkeypatch.setattr(whatif, "first_come_first_served",
                        lambda *a, **k: solves.append("fcfs") or real_fcfs(*a, **k))
    login(people["coordinator"])
    client.get(PAGE)
    assert solves == ["fcfs", "optimiser"]  # unchanged knobs: the edited column is the same
    edited = {"fairness_steps": "1", "max_distance_km": "", "caps": "kept"}
    html = client.get(PAGE, query_string=edited).get_data(as_text=True)
    assert solves == ["fcfs", "optimiser", "optimiser"]  # only the edited policy again
    first, second = (s.result["strategies"] for s in studies())
    assert first[:3] == second[:3]
    # The same figures as a comparison from scratch.
    fresh = whatif.compute(whatif.Knobs(**studies()[1].knobs["current"]),
                           whatif.Knobs(**studies()[1].knobs["edited"]))
    stored = json.loads(json.dumps(whatif_studies.to_json(fresh)["strategies"]))  # as stored
    assert stored == second
    assert cell(html, "cell-optimal-lowest") == "50.0 %"
    assert cell(html, "cell-edited-lowest") == "0.0 %"  # one fairness step: cheapest first


def test_a_changed_market_is_compared_again(client, login, people, market, computes, make_need):
    login(people["coordinator"])
    client.get(PAGE)
    make_need(market["office"], quantity=50)
    html = client.get(PAGE).get_data(as_text=True)
    assert len(computes) == 2
    assert cell(html, "cell-fcfs-units-1") == "100"
    assert "4 open needs" in html
    assert [s.needs for s in studies()] == [4]  # the stale, finished study is cleared


@pytest.mark.parametrize("change", ["reserve", "quota", "price"])
def test_snapshot_sees_what_a_comparison_reads(people, market, catalog, change):
    from market.lots.models import Lot

    before = snapshot()
    lot = db.session.scalars(sa.select(Lot).order_by(Lot.id)).first()
    if change == "reserve":
        lot.reserved = 10
    elif change == "quota":
        db.session.add(Quota(organization_id=market["second"].id,
                             item_id=catalog["MASK-SURGICAL"].id, max_units=10))
    else:
        lot.unit_price = lot.unit_price + 1
    db.session.commit()
    after = snapshot()
    assert after.digest != before.digest
    assert (before.needs, before.lots) == (3, 2)


def test_page_shows_progress_then_the_fragment_brings_the_figures(client, login, people, market,
                                                                   held):
    login(people["coordinator"])
    html = client.get(PAGE).get_data(as_text=True)
    study = studies()[0]
    assert study.status == "queued"
    assert 'id="whatif-progress"' in html
    assert "Comparing 4 strategies on 3 needs and 2 lots" in html
    assert f'hx-get="{FRAGMENT.format(study.id)}"' in html
    assert 'hx-trigger="every 1s"' in html
    assert "htmx.min.js" in html
    assert 'id="table-whatif"' not in html
    polled = client.get(FRAGMENT.format(study.id)).get_data(as_text=True)
    assert 'id="whatif-progress"' in polled
    assert "waiting to start" in polled
    whatif_studies.run_study(study.id)
    done = client.get(FRAGMENT.format(study.id))
    assert done.status_code == 200
    fragment = done.get_data(as_text=True)
    assert fragment.lstrip().startswith("<div id=\"whatif-study\"")
    assert "hx-get" not in fragment
    assert cell(fragment, "cell-fcfs-lowest") == "0.0 %"
    assert cell(fragment, "cell-optimal-price") == "¥150.00"
    assert 'id="whatif-data"' in fragment
    assert 'id="chart-whatif"' in fragment


def test_running_study_says_since_when(client, login, people, market, held):
    login(people["coordinator"])
    client.get(PAGE)
    study = studies()[0]
    study.status, study.started_at = "running", utcnow() - timedelta(seconds=3)
    db.session.commit()
    html = client.get(PAGE).get_data(as_text=True)
    assert "started 3 s ago" in html
    assert len(studies()) == 1


def test_failed_study_is_shown_then_retried(client, login, people, market, monkeypatch):
    def broken(current, knobs, known=None):
        raise RuntimeError("solver ran out of memory")

    monkeypatch.setattr(whatif, "compute", broken)
    login(people["coordinator"])
    html = client.get(PAGE).get_data(as_text=True)
    assert 'id="whatif-failed"' in html
    assert "The comparison failed: RuntimeError: solver ran out of memory" in html
    assert 'id="whatif-retry"' in html
    study = studies()[0]
    assert study.status == "failed"
    assert study.finished_at is not None
    monkeypatch.undo()
    html = client.get(PAGE).get_data(as_text=True)
    assert cell(html, "cell-optimal-lowest") == "50.0 %"
    assert [(s.id, s.status, s.error) for s in studies()] == [(study.id, "done", None)]


def test_abandoned_study_is_started_again(client, login, people, market, held, monkeypatch):
    login(people["coordinator"])
    client.get(PAGE)
    study = studies()[0]
    study.status, study.started_at = "running", utcnow() - timedelta(hours=2)
    db.session.commit()
    launched = []
    monkeypatch.setattr(whatif_studies, "_launch",
                        lambda study_id, inline=False: launched.append(study_id))
    client.get(PAGE)
    assert launched == [study.id]
    db.session.refresh(study)
    assert study.status == "queued"
    assert study.started_at is None


def test_api_answers_202_while_running_then_200(client, token_for, people, market, held):
    headers = token_for(people["coordinator"])
    before = counts()
    started = client.post(API, json={"keep_caps": False}, headers=headers)
    assert started.status_code == 202
    body = started.get_json()
    assert body["status"] == "queued"
    assert body["snapshot_needs"] == 3
    assert body["snapshot_lots"] == 2
    assert "strategies" not in body
    url = f"{API}/studies/{body['study_id']}"
    assert body["url"] == url
    assert started.headers["Location"].endswith(url)
    assert client.get(url, headers=headers).status_code == 202
    again = client.post(API, json={"keep_caps": False}, headers=headers)
    assert again.get_json()["study_id"] == body["study_id"]
    whatif_studies.run_study(body["study_id"])
    done = client.get(url, headers=headers)
    assert done.status_code == 200
    result = done.get_json()
    assert result["status"] == "done"
    assert result["edited_knobs"]["keep_caps"] is False
    rows = by_key(result)
    assert rows["optimal"]["min_fill_rate"] == 0.5
    assert rows["fcfs"]["total_price"] == "150.00"
    assert rows["edited"]["label"] == "Optimised, edited policy"
    assert counts() == before


def test_api_failed_study_says_why(client, token_for, people, market, monkeypatch):
    monkeypatch.setattr(whatif, "compute", lambda current, knobs, known=None: 1 / 0)
    response = client.post(API, json={}, headers=token_for(people["coordinator"]))
    assert response.status_code == 200
    assert response.get_json()["status"] == "failed"
    assert "ZeroDivisionError" in response.get_json()["error"]


def test_api_unknown_study_is_404(client, token_for, people):
    response = client.get(f"{API}/studies/999", headers=token_for(people["coordinator"]))
    assert response.status_code == 404


@pytest.mark.parametrize(("role", "expected"), [("anonymous", 401), ("supplier_a", 403),
                                                ("buyer", 403), ("coordinator", 200)])
def test_api_study_access(client, token_for, people, market, role, expected):
    client.post(API, json={}, headers=token_for(people["coordinator"]))
    url = f"{API}/studies/{studies()[0].id}"
    headers = {} if role == "anonymous" else token_for(people[role])
    assert client.get(url, headers=headers).status_code == expected


@pytest.mark.parametrize(("role", "expected"), [("anonymous", 302), ("supplier_a", 403),
                                                ("buyer", 403), ("coordinator", 200)])
def test_fragment_access(client, login, people, market, role, expected):
    login(people["coordinator"])
    client.get(PAGE)
    login(None if role == "anonymous" else people[role])
    assert client.get(FRAGMENT.format(studies()[0].id)).status_code == expected


def test_fragment_of_unknown_study_is_404(client, login, people):
    login(people["coordinator"])
    assert client.get(FRAGMENT.format(12345)).status_code == 404


def test_openapi_documents_the_study(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    post = spec["paths"]["/api/v1/reports/what-if"]["post"]
    assert {"200", "202"} <= set(post["responses"])
    poll = spec["paths"]["/api/v1/reports/what-if/studies/{study_id}"]["get"]
    assert {"200", "202"} <= set(poll["responses"])


def test_task_computes_a_queued_study_once(app, client, login, people, market, held):
    login(people["coordinator"])
    client.get(PAGE)
    study_id = studies()[0].id
    assert compute_study.call_local(study_id) == "done"
    db.session.rollback()  # see what the task committed
    assert studies()[0].status == "done"
    assert studies()[0].worker == worker_id()
    assert compute_study.call_local(study_id) is None  # nothing queued any more
    assert compute_study.call_local(999999) is None


def test_task_records_a_failed_study(app, client, login, people, market, held, monkeypatch):
    login(people["coordinator"])
    client.get(PAGE)
    study_id = studies()[0].id
    monkeypatch.setattr(whatif, "compute", lambda current, knobs, known=None: 1 / 0)
    assert compute_study.call_local(study_id) == "failed"
    assert "ZeroDivisionError" in studies()[0].error


def test_study_of_a_dead_worker_ends_interrupted_and_is_started_again(
        client, login, people, market, held, monkeypatch):
    login(people["coordinator"])
    client.get(PAGE)
    study = studies()[0]
    child = subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603
    child.wait()
    study.status, study.started_at = "running", utcnow()
    study.worker = f"{socket.gethostname()}:{child.pid}"
    db.session.commit()

    assert whatif_studies.reap_interrupted() == [study.id]  # as a worker start does
    db.session.refresh(study)
    assert study.status == "failed"
    assert study.error.startswith("Interrupted")
    launched = []
    monkeypatch.setattr(whatif_studies, "_launch", launched.append)
    client.get(PAGE)
    assert launched == [study.id]


def test_study_of_a_live_worker_is_left_alone(client, login, people, market, held):
    login(people["coordinator"])
    client.get(PAGE)
    study = studies()[0]
    study.status, study.started_at, study.worker = "running", utcnow(), worker_id()
    db.session.commit()
    assert whatif_studies.reap_interrupted() == []
    assert 'id="whatif-progress"' in client.get(PAGE).get_data(as_text=True)


@pytest.fixture
def cap_of_two(app):
    """WHATIF_MAX_RUNNING = 2 (the default, stated)."""
    app.config["WHATIF_MAX_RUNNING"] = 2


def test_at_most_the_cap_of_studies_compute_at_once_then_429(
        client, token_for, login, people, market, held, cap_of_two):
    headers = token_for(people["coordinator"])
    for steps in (2, 3):
        assert client.post(API, json={"fairness_steps": steps}, headers=headers).status_code == 202
    refused = client.post(API, json={"fairness_steps": 4}, headers=headers)
    assert refused.status_code == 429
    assert "2 what-if studies are being computed already" in refused.get_json()["message"]
    assert len(studies()) == 2  # nothing written
    # A study already under way is still answered; the page says why it cannot start another.
    assert client.post(API, json={"fairness_steps": 3}, headers=headers).status_code == 202
    login(people["coordinator"])
    page = client.get(f"{PAGE}?fairness_steps=5&caps=kept&transport_cost_per_unit_km=0.01"
                      "&max_distance_km=&nearest=&lang=zh")
    assert page.status_code == 429
    assert 'id="whatif-busy"' in page.get_data(as_text=True)
    assert "个方案推演正在计算" in page.get_data(as_text=True)
    # Once one is done, a new study may start.
    whatif_studies.run_study(studies()[0].id)
    assert client.post(API, json={"fairness_steps": 4}, headers=headers).status_code == 202
