"""The matching pages: history, run now, preview, run details, quotas, pins and exclusions."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from market.extensions import db
from market.matching.models import Allocation, MatchConstraint, MatchRun, Quota
from market.matching.runs import start_run
from tests.market.matching.conftest import count

ROLES = ("anonymous", "supplier_a", "supplier_b", "buyer", "coordinator")


def test_page_access_matrix(small_market, people, client, login):
    run = start_run(people["coordinator"])
    pages = ["/matching/", f"/matching/runs/{run.id}", "/matching/quotas", "/matching/constraints"]
    for role in ROLES:
        login(None if role == "anonymous" else people[role])
        for path in pages:
            status = client.get(path).status_code
            expected = {"anonymous": 302, "coordinator": 200}.get(role, 403)
            assert status == expected, (role, path, status)
        for path in ("/matching/run", "/matching/preview", "/matching/resolve"):
            if role == "coordinator":
                continue
            status = client.post(path).status_code
            assert status == (302 if role == "anonymous" else 403), (role, path, status)
    assert count(MatchRun) == 1


def test_run_now_button_runs_and_shows_the_run(small_market, people, client, login):
    login(people["coordinator"])
    page = client.get("/matching/")
    assert b'id="run-matching"' in page.data
    assert b'id="preview-matching"' in page.data
    assert b"No matching run yet" in page.data

    response = client.post("/matching/run", follow_redirects=True)

    run = db.session.scalar(sa.select(MatchRun))
    assert response.status_code == 200
    assert run.status == "completed"
    assert f"Matching run {run.id}".encode() in response.data
    assert b'id="run-tier-1"' in response.data
    assert b'id="run-gini"' in response.data
    assert b'id="run-lines"' in response.data
    history = client.get("/matching/")
    assert f'id="run-{run.id}"'.encode() in history.data


def test_preview_button_shows_figures_and_writes_nothing(small_market, people, client, login):
    login(people["coordinator"])

    response = client.post("/matching/preview", follow_redirects=True)

    assert response.status_code == 200
    assert b'id="preview-figures"' in response.data
    assert b'id="preview-tier-3"' in response.data
    assert b"nothing was written" in response.data
    assert db.session.scalar(sa.select(MatchRun.dry_run)) is True
    assert count(Allocation) == 0


def test_run_button_with_lock_held_flashes_conflict(small_market, people, client, login,
                                                    monkeypatch):
    from market.common.errors import Conflict
    from market.matching import services

    def busy(*_a, **_k):
        raise Conflict("Another matching run is under way; try again when it has finished.")

    monkeypatch.setattr(services, "start_run", busy)
    login(people["coordinator"])
    response = client.post("/matching/run", follow_redirects=True)
    assert b"under way" in response.data
    assert count(MatchRun) == 0


def test_pin_and_exclude_buttons_then_resolve(small_market, people, client, login):
    run = start_run(people["coordinator"])
    lines = db.session.scalars(sa.select(Allocation).order_by(Allocation.id)).all()
    login(people["coordinator"])
    detail = client.get(f"/matching/runs/{run.id}")
    assert f'id="pin-{lines[0].id}"'.encode() in detail.data

    client.post(f"/matching/lines/{lines[0].id}/pin", data={"next": f"/matching/runs/{run.id}"})
    client.post(f"/matching/lines/{lines[1].id}/exclude")
    kinds = dict(db.session.execute(sa.select(MatchConstraint.need_id, MatchConstraint.kind)).all())
    assert kinds == {lines[0].need_id: "pin", lines[1].need_id: "exclude"}
    page = client.get("/matching/constraints")
    assert b'id="resolve-now"' in page.data

    response = client.post("/matching/resolve", follow_redirects=True)

    assert response.status_code == 200
    assert count(MatchRun) == 2
    newest = db.session.scalar(sa.select(MatchRun).order_by(MatchRun.id.desc()))
    got = {(a.lot_id, a.need_id) for a in db.session.scalars(
        sa.select(Allocation).where(Allocation.run_id == newest.id))}
    assert (lines[1].lot_id, lines[1].need_id) not in got
    exclusion = db.session.scalar(sa.select(MatchConstraint))
    client.post(f"/matching/constraints/{exclusion.id}/delete")
    assert count(MatchConstraint) == 0


def test_quota_page_sets_and_deletes(small_market, people, client, login, catalog):
    login(people["coordinator"])
    page = client.get("/matching/quotas")
    assert b'id="quota-form"' in page.data
    assert b"No quotas" in page.data

    bad = client.post("/matching/quotas", data={
        "organization_id": small_market["clinic"].id, "item": "MASK-SURGICAL", "max_units": "0"})
    assert bad.status_code == 200
    assert b"field-error" in bad.data
    assert count(Quota) == 0

    client.post("/matching/quotas", data={
        "organization_id": small_market["clinic"].id, "item": "MASK-SURGICAL", "max_units": "40"})
    quota = db.session.scalar(sa.select(Quota))
    assert (quota.organization_id, quota.item_id, quota.max_units) == (
        small_market["clinic"].id, catalog["MASK-SURGICAL"].id, 40)
    listed = client.get("/matching/quotas")
    assert f'id="quota-{quota.id}"'.encode() in listed.data

    client.post(f"/matching/quotas/{quota.id}/delete")
    assert count(Quota) == 0


class TestWithCsrf:
    """The run button works with the page's CSRF token and is refused without it."""

    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_run_button_needs_the_token(self, small_market, people, client, login):
        login(people["coordinator"])
        page = client.get("/matching/").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

        refused = client.post("/matching/run")
        assert refused.status_code == 400
        assert count(MatchRun) == 0

        accepted = client.post("/matching/run", data={"csrf_token": token})
        assert accepted.status_code == 302
        assert count(MatchRun) == 1
