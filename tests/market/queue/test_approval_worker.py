"""A bulk approval job run by a real worker process (issue 12.6), over each queue backend."""

from __future__ import annotations

import os

import sqlalchemy as sa

from market.allocations.models import ApprovalJob
from market.extensions import db
from market.matching.models import Allocation
from tests.market.allocations.conftest import make_allocation  # noqa: F401 - fixture
from tests.market.queue.conftest import wait_for, worker_logs

URL = "/api/v1/allocations/approve-filtered"


def _job(client, url, headers, *wanted):
    db.session.rollback()  # see what the worker committed
    body = client.get(url, headers=headers).get_json()
    return body if body["status"] in wanted else None


def test_a_queued_approval_job_is_run_by_the_worker(
        client, token_for, people, make_lot, make_need, make_run,
        make_allocation, start_workers):  # noqa: F811
    lot = make_lot(people["supplier_a_org"], quantity=150)
    run = make_run()
    lines = [make_allocation(lot, make_need(people["buyer_org"], quantity=100), q, run=run).id
             for q in (100, 50, 100)]
    headers = token_for(people["coordinator"])
    started = client.post(URL, json={"run_id": run.id, "expected": 3}, headers=headers)

    assert started.status_code == 202
    assert started.get_json()["status"] == "queued"  # no worker yet: the request did not wait
    assert client.post(URL, json={"run_id": run.id}, headers=headers).status_code == 409
    location = started.headers["Location"]

    workers = start_workers(1)
    done = wait_for(lambda: _job(client, location, headers, "completed", "failed"),
                    what="the approval job to end")
    assert done["status"] == "completed", worker_logs(workers)
    assert (done["total_lines"], done["lines_done"], done["approved"], done["units"]) == (
        3, 3, 2, 150)
    assert done["refused"] == 1
    assert done["refusals"][0]["id"] == lines[2]
    job = db.session.get(ApprovalJob, done["id"])
    assert job.worker.split(":")[1] not in ("", str(os.getpid()))  # another process ran it
    assert job.active_run_id is None
    statuses = db.session.scalars(
        sa.select(Allocation.status).where(Allocation.id.in_(lines)).order_by(Allocation.id))
    assert list(statuses) == ["approved", "approved", "proposed"]
