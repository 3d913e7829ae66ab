"""Real background workers for the queue tests: `flask --app wsgi worker` subprocesses.

`queue_backend` (parametrized: sqlite, postgres, redis) gives the queue the test and
its workers share; the database is a SQLite file in tmp_path, or TEST_DATABASE_URL
(PostgreSQL). `start_workers(count, processes=1, **env)` starts `count` consumer
processes with that environment (plus `env`), and stops them all after the test.
Reuse them for any background task:

    def test_x(app, start_workers, worker_env):
        start_workers(1)
        ...  # enqueue through the app (the `app` fixture uses the same queue)
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
HOOKS = Path(__file__).resolve().parent / "hooks"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.exceptions.RedisError:
        return False


@pytest.fixture(params=["sqlite", "postgres", "redis"])
def queue_backend(request, tmp_path) -> dict[str, str]:
    """The queue (QUEUE_URL, a unique QUEUE_NAME) of one backend; skipped when unavailable."""
    name = f"test-{uuid.uuid4().hex[:10]}"
    if request.param == "sqlite":
        return {"QUEUE_URL": f"sqlite:///{tmp_path / 'queue.db'}", "QUEUE_NAME": name}
    if request.param == "postgres":
        if not PG_URL.startswith("postgresql"):
            pytest.skip("PostgresHuey needs PostgreSQL (TEST_DATABASE_URL)")
        return {"QUEUE_URL": PG_URL, "QUEUE_NAME": name}
    if not _redis_reachable():
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    return {"QUEUE_URL": REDIS_URL, "QUEUE_NAME": name}


@pytest.fixture
def database_url(tmp_path) -> str:
    """The database the test and its workers share: PostgreSQL, or a SQLite file."""
    return PG_URL or f"sqlite:///{tmp_path / 'market.db'}"


@pytest.fixture
def app_config(queue_backend, database_url) -> dict[str, Any]:
    """The app of the test enqueues into the workers' queue and uses their database."""
    return {"WTF_CSRF_ENABLED": False, "QUEUE_IMMEDIATE": False,
            "QUEUE_URL": queue_backend["QUEUE_URL"], "QUEUE_NAME": queue_backend["QUEUE_NAME"],
            "SQLALCHEMY_DATABASE_URI": database_url}


@pytest.fixture
def worker_env(queue_backend, database_url) -> dict[str, str]:
    """The environment of the worker processes (add TEST_* hooks per test)."""
    return {"DATABASE_URL": database_url, **queue_backend, "MARKET_ENV": "development",
            "QUEUE_IMMEDIATE": "0",
            "PYTHONPATH": os.pathsep.join([str(HOOKS), str(ROOT)])}


@pytest.fixture
def start_workers(app, worker_env, tmp_path) -> Iterator[Callable[..., list[subprocess.Popen]]]:
    """Start consumer processes; stop them (their whole process group) after the test."""
    from market import queue

    started: list[subprocess.Popen] = []

    def start(count: int = 1, processes: int = 1, **env: str) -> list[subprocess.Popen]:
        new = []
        for _ in range(count):
            log = open(tmp_path / f"worker-{len(started)}.log", "w")  # noqa: SIM115
            proc = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "flask", "--app", "wsgi", "worker",
                 "--workers", str(processes)],
                cwd=ROOT, env={**os.environ, **worker_env, **env}, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)
            proc.log_path, proc.log_file = log.name, log
            started.append(proc)
            new.append(proc)
        return new

    yield start
    for proc in started:
        _stop(proc)
        proc.log_file.close()
    queue.huey.storage.flush_all()  # this test's queue only (its unique name)
    queue.huey.storage.close()


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM the consumer's process group (its worker processes too); SIGKILL if it lingers."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            continue
        break
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # a worker process that outlived its consumer


def wait_for(check: Callable[[], Any], timeout: float = 120, what: str = "") -> Any:
    """Poll `check` until it returns something true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what or check}")


def worker_logs(procs: list[subprocess.Popen]) -> str:
    """What the worker processes printed (for assertion messages)."""
    return "\n".join(Path(p.log_path).read_text() for p in procs)
