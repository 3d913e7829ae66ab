"""Matching and what-if on a real worker process, over SqliteHuey, PostgresHuey and RedisHuey."""

from __future__ import annotations

import os
import signal

import sqlalchemy as sa

from market.extensions import db
from market.matching.models import Allocation, MatchRun
from market.matching.tasks import run_matching
from tests.market.matching.conftest import count, small_market  # noqa: F401 - fixture
from tests.market.queue.conftest import wait_for, worker_logs

RUNS = "/api/v1/match-runs"


def _get(client, url, headers):
    """A GET as a fresh request sees it: end the test's own read transaction first."""
    db.session.rollback()
    return client.get(url, headers=headers)


def _status(client, url, headers, *wanted):
    body = _get(client, url, headers).get_json()
    return body if body["status"] in wanted else None


def test_a_queued_run_completes_in_the_worker(
        client, token_for, people, small_market, start_workers):  # noqa: F811
    headers = token_for(people["coordinator"])
    started = client.post(RUNS, json={}, headers=headers)  # before any worker: stays queued

    assert started.status_code == 202
    assert started.get_json()["status"] == "queued"
    location = started.headers["Location"]
    assert location.endswith(f"{RUNS}/{started.get_json()['id']}")
    assert client.post(RUNS, json={"dry_run": True}, headers=headers).status_code == 409
    assert _get(client, location, headers).get_json()["status"] == "queued"

    workers = start_workers(1)
    done = wait_for(lambda: _status(client, location, headers, "completed", "failed"),
                    what="the run to end")
    assert done["status"] == "completed", worker_logs(workers)
    assert done["phase"] is None
    assert done["stats"]["proposals"] == 2
    assert count(Allocation) == 2
    run = db.session.get(MatchRun, done["id"])
    assert run.worker.split(":")[1] not in ("", str(os.getpid()))  # another process ran it

    preview = client.post(RUNS, json={"dry_run": True}, headers=headers)
    assert preview.status_code == 202
    ended = wait_for(lambda: _status(client, preview.headers["Location"], headers, "completed"))
    assert ended["dry_run"] is True
    assert ended["stats"]["units_proposed"] == 300
    assert count(Allocation) == 2


def test_two_workers_never_run_two_matchings_at_once(
        client, token_for, people, small_market, start_workers, tmp_path):  # noqa: F811
    log, lock = tmp_path / "solves.log", tmp_path / "solve.lock"
    workers = start_workers(2, processes=2, TEST_SOLVE_LOG=str(log), TEST_SOLVE_LOCK=str(lock),
                            TEST_SOLVE_PAUSE="0.5")
    headers = token_for(people["coordinator"])
    finished = []
    for _ in range(3):
        started = client.post(RUNS, json={}, headers=headers)
        assert started.status_code == 202
        run_id = started.get_json()["id"]
        for _ in range(3):  # the same run offered to every worker process at once
            run_matching(run_id)
        assert client.post(RUNS, json={}, headers=headers).status_code == 409
        finished.append(wait_for(
            lambda url=started.headers["Location"]: _status(client, url, headers, "completed",
                                                            "failed"), what="the run"))

    assert [r["status"] for r in finished] == ["completed"] * 3, worker_logs(workers)
    solves = log.read_text().splitlines()
    assert "OVERLAP" not in solves
    assert len(solves) == 3  # each run solved once, whatever number of copies was queued
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Allocation)
                             .where(Allocation.status == "proposed")) == 2


def test_sigkill_mid_run_leaves_a_failed_interrupted_run_and_the_next_works(
        client, token_for, people, small_market, start_workers, tmp_path):  # noqa: F811
    gate = tmp_path / "write-gate"
    gate.touch()
    workers = start_workers(1, TEST_WRITE_GATE=str(gate))
    headers = token_for(people["coordinator"])
    first = client.post(RUNS, json={}, headers=headers)
    assert wait_for(lambda: _status(client, first.headers["Location"], headers, "completed"),
                    what="the first run")
    first_lines = {a.id for a in db.session.scalars(sa.select(Allocation))}

    gate.unlink()  # the next run stops in its writing phase, its lines written, not committed
    second = client.post(RUNS, json={}, headers=headers)
    url = second.headers["Location"]
    running = wait_for(lambda: (_status(client, url, headers, "running") or {}).get(
        "phase") == "writing" and db.session.get(MatchRun, second.get_json()["id"]),
        what="the writing phase")
    os.kill(int(running.worker.split(":")[1]), signal.SIGKILL)

    # The consumer starts a new worker process, which ends the run as interrupted.
    failed = wait_for(lambda: _status(client, url, headers, "failed"), what="the failed run")
    assert failed["error"].startswith("Interrupted"), worker_logs(workers)
    assert "writing" in failed["error"]
    db.session.rollback()
    assert {a.id for a in db.session.scalars(sa.select(Allocation))} == first_lines
    assert set(db.session.scalars(sa.select(Allocation.status))) == {"proposed"}
    assert db.session.get(MatchRun, failed["id"]).active is None

    gate.touch()
    third = client.post(RUNS, json={}, headers=headers)
    assert third.status_code == 202
    done = wait_for(lambda: _status(client, third.headers["Location"], headers, "completed",
                                    "failed"), what="the next run")
    assert done["status"] == "completed", worker_logs(workers)
    assert done["changes"]["previous_run_id"] == first.get_json()["id"]


def test_a_what_if_study_is_computed_by_the_worker(
        client, token_for, people, small_market, start_workers):  # noqa: F811
    headers = token_for(people["coordinator"])
    started = client.post("/api/v1/reports/what-if", json={"fairness_steps": 3},
                          headers=headers)
    assert started.status_code == 202
    workers = start_workers(1)
    done = wait_for(lambda: (lambda r: r.status_code == 200 and r.get_json())(
        _get(client, started.headers["Location"], headers)), what="the study")
    assert done["status"] == "done", worker_logs(workers)
    assert {row["strategy"] for row in done["strategies"]} == {
        "fcfs", "proportional", "optimal", "edited"}

