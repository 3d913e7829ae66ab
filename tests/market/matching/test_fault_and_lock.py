"""A failing run leaves only a `failed` run; a second concurrent run gets 409 and no trace."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

import solver
from market.common.errors import Conflict
from market.common.types import utcnow
from market.extensions import db
from market.giftpacks.models import GiftPack
from market.matching import lock, runs
from market.matching.models import Allocation, MatchRun, RunLock
from market.matching.runs import start_run
from tests.market.matching.conftest import count


def _is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def test_solver_raising_leaves_only_a_failed_run(small_market, people, monkeypatch):
    first = start_run(people["coordinator"])
    first_id, old_lines = first.id, count(Allocation)

    def boom(*_args, **_kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(solver, "allocate", boom)
    failed = start_run(people["coordinator"])

    assert failed.status == "failed"
    assert "solver exploded" in failed.error
    assert failed.finished_at is not None
    runs_now = db.session.scalars(sa.select(MatchRun).order_by(MatchRun.id)).all()
    assert [(r.id, r.status) for r in runs_now] == [(first_id, "completed"), (failed.id, "failed")]
    assert count(Allocation) == old_lines
    assert set(db.session.scalars(sa.select(Allocation.status))) == {"proposed"}
    assert not db.session.scalars(sa.select(Allocation).where(Allocation.run_id == failed.id)).all()


def test_database_error_after_writes_rolls_everything_back(small_market, people, monkeypatch):
    start_run(people["coordinator"])

    def broken(*_args, **_kwargs):
        raise sa.exc.OperationalError("INSERT INTO gift_packs", {}, Exception("disk full"))

    monkeypatch.setattr(runs, "_insert_packs", broken)
    failed = start_run(people["coordinator"])

    assert failed.status == "failed"
    assert "disk full" in failed.error
    # The new lines were inserted, then rolled back; the old ones were not superseded.
    assert count(Allocation) == 2
    assert set(db.session.scalars(sa.select(Allocation.status))) == {"proposed"}
    assert count(GiftPack) == 0
    assert count(MatchRun) == 2


def _active_run(**kw) -> MatchRun:
    """A run another process has queued or is running (its worker: this live process)."""
    fields = {"trigger": "manual", "status": "running", "active": True, "phase": "solving",
              "started_at": utcnow(), "worker": lock.worker_id(), "heartbeat_at": utcnow()}
    run = MatchRun(**{**fields, **kw})
    db.session.add(run)
    db.session.commit()
    return run


@pytest.mark.parametrize("status", ["queued", "running"])
def test_second_start_while_a_run_is_queued_or_running_is_409_without_trace(
        small_market, people, status):
    _active_run(status=status)

    for dry_run in (False, True):  # previews take the same one-run slot
        with pytest.raises(Conflict, match="queued or under way"):
            start_run(people["coordinator"], dry_run=dry_run)
    assert count(MatchRun) == 1
    assert count(Allocation) == 0


def test_run_whose_lock_a_live_process_holds_fails_without_writing(small_market, people):
    if _is_postgres():
        holder = db.engine.connect()
        holder.begin()
        holder.execute(sa.select(sa.func.pg_advisory_xact_lock(lock.ADVISORY_KEY)))
    else:
        db.session.add(RunLock(id=lock.LOCK_ROW_ID, holder=f"{lock.worker_id()}:other",
                               acquired_at=utcnow()))
        db.session.commit()
    try:
        run = start_run(people["coordinator"])
        assert (run.status, run.active) == ("failed", None)
        assert "under way" in run.error
        assert count(Allocation) == 0
    finally:
        if _is_postgres():
            holder.rollback()
            holder.close()
    if not _is_postgres():
        assert db.session.get(RunLock, lock.LOCK_ROW_ID).holder == f"{lock.worker_id()}:other"


def test_lock_is_free_again_after_a_run_and_after_a_failure(small_market, people, monkeypatch):
    start_run(people["coordinator"])
    monkeypatch.setattr(solver, "allocate", lambda *a, **k: 1 / 0)
    assert start_run(people["coordinator"]).status == "failed"
    monkeypatch.undo()
    assert start_run(people["coordinator"]).status == "completed"
    if not _is_postgres():
        assert db.session.get(RunLock, lock.LOCK_ROW_ID).holder is None


def test_stale_sqlite_lock_is_taken_over(small_market, people):
    if _is_postgres():
        pytest.skip("the lock row is the SQLite lock; PostgreSQL uses an advisory lock")
    stale = utcnow() - timedelta(hours=3)
    db.session.add(RunLock(id=lock.LOCK_ROW_ID, holder="crashed-process", acquired_at=stale))
    db.session.commit()

    assert start_run(people["coordinator"]).status == "completed"
    assert db.session.get(RunLock, lock.LOCK_ROW_ID).holder is None


def test_api_answers_409_when_a_run_is_under_way(small_market, people, client, token_for):
    headers = token_for(people["coordinator"])
    _active_run(status="queued")

    response = client.post("/api/v1/match-runs", json={}, headers=headers)

    assert response.status_code == 409
    assert response.json["code"] == 409
    assert "under way" in response.json["message"]
    assert count(MatchRun) == 1


def test_sqlite_lock_of_a_dead_process_is_taken_over_at_once(small_market, people):
    if _is_postgres():
        pytest.skip("the lock row is the SQLite lock; PostgreSQL's dies with the connection")
    dead = _dead_pid()
    db.session.add(RunLock(id=lock.LOCK_ROW_ID, holder=f"{socket.gethostname()}:{dead}:x",
                           acquired_at=utcnow()))
    db.session.commit()

    assert start_run(people["coordinator"]).status == "completed"
    assert db.session.get(RunLock, lock.LOCK_ROW_ID).holder is None


def _dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603
    child.wait()
    return child.pid


def test_run_of_a_dead_worker_ends_failed_interrupted_and_the_next_run_works(
        small_market, people):
    crashed = _active_run(worker=f"{socket.gethostname()}:{_dead_pid()}", phase="writing")

    run = start_run(people["coordinator"])

    db.session.refresh(crashed)
    assert (crashed.status, crashed.active, crashed.phase) == ("failed", None, None)
    assert crashed.error.startswith("Interrupted")
    assert "writing" in crashed.error
    assert run.status == "completed"
    assert count(Allocation) == 2


def test_an_interrupted_run_tells_the_chinese_coordinator_who_started_it_in_chinese(
        small_market, people):
    people["coordinator"].language = "zh"
    crashed = _active_run(worker=f"{socket.gethostname()}:{_dead_pid()}", phase="writing",
                          started_by_id=people["coordinator"].id)

    assert runs.reap_interrupted() == [crashed.id]
    db.session.refresh(crashed)
    assert crashed.error.startswith("已中断：后台进程")
    assert "写入阶段" in crashed.error


def test_live_worker_on_another_machine_is_waited_for_then_taken_as_interrupted(
        app, small_market, people):
    _active_run(worker="other-host:1234", heartbeat_at=utcnow() - timedelta(minutes=5))
    with pytest.raises(Conflict):
        start_run(people["coordinator"])
    db.session.execute(sa.update(MatchRun).values(
        heartbeat_at=utcnow() - timedelta(seconds=app.config["MATCH_LOCK_STALE_SECONDS"] + 60)))
    db.session.commit()
    assert start_run(people["coordinator"]).status == "completed"
    assert db.session.scalars(sa.select(MatchRun.status).order_by(MatchRun.id)).all() == [
        "failed", "completed"]


@pytest.mark.postgres_only
@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs PostgreSQL (advisory locks across connections)",
)
def test_two_runs_started_at_once_on_postgres(app, small_market, monkeypatch):
    real_allocate = solver.allocate
    other_finished = threading.Event()

    def slow_allocate(*args, **kwargs):
        # Hold the lock until the other thread has had its answer, without sleeping.
        other_finished.wait(timeout=20)
        return real_allocate(*args, **kwargs)

    monkeypatch.setattr(solver, "allocate", slow_allocate)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def worker():
        with app.app_context():
            barrier.wait(timeout=20)
            try:
                run = start_run(None, "manual", as_system=True)
                outcomes.append(run.status)
            except Conflict:
                outcomes.append("409")
                other_finished.set()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sorted(outcomes) == ["409", "completed"]
    assert db.session.scalars(sa.select(MatchRun.status)).all() == ["completed"]
    assert count(Allocation) == 2
