"""Bulk approval as a background job (issue 12.6): queued by the request, run by the worker.

QUEUE_IMMEDIATE runs the job inline, so these tests see it ended when the POST returns;
tests/market/queue/test_approval_worker.py runs one in a real worker process.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from market.allocations import jobs, review, services
from market.allocations.models import ApprovalJob
from market.audit.models import AuditEntry
from market.common.types import utcnow
from market.extensions import db
from market.lots.models import Lot
from market.matching.models import Allocation

URL = "/api/v1/allocations/approve-filtered"


def fresh(model, row_id):
    """Read a row as the database has it now."""
    db.session.expire_all()
    return db.session.get(model, row_id)


@pytest.fixture
def short(people, make_lot, make_need, make_run, make_allocation) -> dict[str, Any]:
    """A lot of 150 for three proposed lines of 100, 50 and 100 (the last one is short),
    and a fourth line the coordinator already rejected."""
    lot = make_lot(people["supplier_a_org"], quantity=150)
    run = make_run()
    lines = [make_allocation(lot, make_need(people["buyer_org"], quantity=100), q, run=run).id
             for q in (100, 50, 100, 100)]
    services.reject(people["coordinator"], lines[3], "too far")
    return {"lot": lot, "run": run, "lines": lines}


def test_api_queues_a_job_that_approves_and_reports_refusals(client, token_for, people, short):
    headers = token_for(people["coordinator"])
    response = client.post(URL, json={"run_id": short["run"].id, "expected": 3},
                           headers=headers)
    assert response.status_code == 202
    job = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/allocations/approval-jobs/{job['id']}")
    assert (job["status"], job["confirmed_lines"], job["confirmed_units"]) == ("completed", 3, 250)
    assert (job["total_lines"], job["lines_done"], job["approved"], job["units"]) == (3, 3, 2, 150)
    assert job["refused"] == 1
    assert job["refusals"][0]["id"] == short["lines"][2]
    assert "short by 100" in job["refusals"][0]["message"]
    assert job["filters"] == {"run_id": short["run"].id}

    polled = client.get(response.headers["Location"], headers=headers).get_json()
    assert polled == job
    statuses = [fresh(Allocation, i).status for i in short["lines"]]
    assert statuses == ["approved", "approved", "proposed", "rejected"]
    assert fresh(Lot, short["lot"].id).reserved == 150
    assert services.reservation_drift() == []
    audit = db.session.execute(sa.select(AuditEntry.action, AuditEntry.after).where(
        AuditEntry.entity == "approval_job", AuditEntry.entity_id == job["id"])
        .order_by(AuditEntry.id)).all()
    assert [a for a, _ in audit] == ["approval_job.created", "approval_job.completed"]
    assert audit[0][1]["lines"] == 3
    assert audit[1][1] == {"approved": 2, "units": 150, "refused": 1}


def test_a_changed_selection_is_409_and_queues_nothing(client, token_for, people, short):
    headers = token_for(people["coordinator"])
    services.approve(people["coordinator"], short["lines"][0])  # meanwhile, in another tab
    response = client.post(URL, json={"run_id": short["run"].id, "expected": 3},
                           headers=headers)
    assert response.status_code == 409
    assert "3 lines confirmed, 2 proposed now" in response.get_json()["message"]
    assert db.session.scalar(sa.select(sa.func.count(ApprovalJob.id))) == 0
    assert fresh(Allocation, short["lines"][1]).status == "proposed"


def test_nothing_to_approve_is_409(client, token_for, people, short):
    headers = token_for(people["coordinator"])
    response = client.post(URL, json={"run_id": short["run"].id, "buyer": "Nobody"},
                           headers=headers)
    assert response.status_code == 409
    assert "Nothing in this selection" in response.get_json()["message"]


def test_one_job_at_a_time_per_run_and_a_dead_one_does_not_block(
        client, token_for, people, short):
    headers = token_for(people["coordinator"])
    waiting = ApprovalJob(requested_by_id=people["coordinator"].id, run_id=short["run"].id,
                          active_run_id=short["run"].id, filters={"run_id": short["run"].id},
                          status="queued")
    db.session.add(waiting)
    db.session.commit()
    busy = client.post(URL, json={"run_id": short["run"].id}, headers=headers)
    assert busy.status_code == 409
    assert f"job {waiting.id}" in busy.get_json()["message"]
    assert fresh(Allocation, short["lines"][0]).status == "proposed"

    waiting = fresh(ApprovalJob, waiting.id)
    waiting.created_at = utcnow() - timedelta(hours=2)  # no worker ever took it
    db.session.commit()
    done = client.post(URL, json={"run_id": short["run"].id}, headers=headers)
    assert done.status_code == 202
    assert done.get_json()["approved"] == 2
    ended = fresh(ApprovalJob, waiting.id)
    assert (ended.status, ended.active_run_id) == ("failed", None)
    assert "No worker took this approval job" in ended.error


def _job_of_a_dead_worker(people, short) -> ApprovalJob:
    """A job that approved 1 of 3 lines when its worker (on a host that is gone) stopped."""
    job = ApprovalJob(requested_by_id=people["coordinator"].id, run_id=short["run"].id,
                      active_run_id=short["run"].id, filters={"run_id": short["run"].id},
                      status="running", worker="no-such-host:1", total_lines=3, lines_done=1,
                      approved=1, heartbeat_at=utcnow() - timedelta(hours=2))
    db.session.add(job)
    db.session.commit()
    return job


def test_a_running_job_whose_worker_died_ends_failed_keeping_its_chunks(people, short):
    job = _job_of_a_dead_worker(people, short)
    assert jobs.reap_interrupted_jobs() == [job.id]
    ended = fresh(ApprovalJob, job.id)
    assert ended.status == "failed"
    assert "stopped after 1 of 3 lines" in ended.error
    assert "the 1 lines approved until then stay approved" in ended.error


def test_an_interrupted_job_tells_a_chinese_coordinator_in_chinese(people, short):
    people["coordinator"].language = "zh"
    job = _job_of_a_dead_worker(people, short)
    assert jobs.reap_interrupted_jobs() == [job.id]
    assert fresh(ApprovalJob, job.id).error.startswith("已中断：后台进程 no-such-host:1")


def test_a_failing_job_ends_failed_with_its_error_and_counts_the_chunks_done(
        monkeypatch, client, token_for, people, short):
    monkeypatch.setattr(review, "CHUNK", 1)
    real = review._approve_chunk
    calls = []

    def second_chunk_breaks(who, chunk):
        calls.append(chunk)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real(who, chunk)

    monkeypatch.setattr(review, "_approve_chunk", second_chunk_breaks)
    job = client.post(URL, json={"run_id": short["run"].id},
                      headers=token_for(people["coordinator"])).get_json()
    assert job["status"] == "failed"
    assert job["error"] == "RuntimeError: database went away"
    assert (job["lines_done"], job["approved"], job["units"]) == (1, 1, 100)
    assert [fresh(Allocation, i).status for i in short["lines"][:2]] == ["approved", "proposed"]
    assert fresh(Lot, short["lot"].id).reserved == 100
    actions = db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.entity == "approval_job")).all()
    assert actions == ["approval_job.created", "approval_job.failed"]


def test_page_queues_the_job_and_its_page_shows_the_outcome(client, login, people, short):
    login(people["coordinator"])
    run_id = short["run"].id
    confirm = client.get(f"/allocations/approve-filtered?run_id={run_id}").get_data(as_text=True)
    assert 'name="expected" value="3"' in confirm
    response = client.post("/allocations/approve-filtered",
                           data={"run_id": run_id, "expected": 3})
    job = db.session.scalars(sa.select(ApprovalJob)).one()
    assert response.headers["Location"].endswith(f"/allocations/approval-jobs/{job.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-status="completed"' in page
    assert "hx-get" not in page  # ended: nothing left to poll
    assert "2 lines approved (150 units)." in page
    assert "1 lines could not be approved and are still proposed." in page
    assert f"#{short['lines'][2]}: Not enough" in page
    assert f'href="/allocations/proposals?run_id={run_id}"' in page


def test_page_refuses_a_changed_selection_and_returns_to_the_confirmation(
        client, login, people, short):
    login(people["coordinator"])
    response = client.post("/allocations/approve-filtered",
                           data={"run_id": short["run"].id, "expected": 5},
                           follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "5 lines confirmed, 3 proposed now" in text
    assert 'id="confirm-lines">3<' in text
    assert db.session.scalar(sa.select(sa.func.count(ApprovalJob.id))) == 0


def test_a_queued_job_page_polls_its_progress(client, login, people, short):
    job = ApprovalJob(requested_by_id=people["coordinator"].id, run_id=short["run"].id,
                      active_run_id=short["run"].id, filters={"run_id": short["run"].id},
                      status="running", total_lines=3, lines_done=1, approved=1, units=100,
                      confirmed_lines=3)
    db.session.add(job)
    db.session.commit()
    login(people["coordinator"])
    part = client.get(f"/allocations/approval-jobs/{job.id}/progress").get_data(as_text=True)
    assert f'hx-get="/allocations/approval-jobs/{job.id}/progress"' in part
    assert "1 of 3 lines checked" in part
    assert 'value="33"' in part


def test_only_coordinators_see_jobs(client, login, token_for, people, short):
    job = client.post(URL, json={"run_id": short["run"].id},
                      headers=token_for(people["coordinator"])).get_json()
    assert client.get(f"/api/v1/allocations/approval-jobs/{job['id']}",
                      headers=token_for(people["buyer"])).status_code == 403
    assert client.get("/api/v1/allocations/approval-jobs/999",
                      headers=token_for(people["coordinator"])).status_code == 404
    login(people["supplier_a"])
    assert client.get(f"/allocations/approval-jobs/{job['id']}").status_code == 403
