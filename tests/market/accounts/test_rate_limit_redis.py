"""With RATELIMIT_STORAGE_URI naming Redis, every worker shares the per-address counts."""

from __future__ import annotations

import random
import uuid

import pytest
import redis

from market import create_app
from market.config import TestConfig
from market.extensions import db

REDIS_URL = "redis://127.0.0.1:6379"


@pytest.fixture
def redis_client():
    """The local Redis (the test is skipped without one)."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    yield client
    client.close()


@pytest.fixture
def address(redis_client):
    """A client address of this test alone; its keys are removed afterwards.

    Flask-Limiter is one object per process and keeps the first app's key prefix, so the
    test's own keys are told apart by the address as well as by the prefix.
    """
    ip = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"  # noqa: S311
    yield ip
    for key in redis_client.scan_iter(f"*{ip}*"):
        redis_client.delete(key)


def _worker(prefix):
    """An app as one gunicorn worker builds it (its own process memory)."""
    return create_app(TestConfig, overrides={
        "RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix,
        "RATELIMIT_LOGIN": "3 per minute", "SQLALCHEMY_DATABASE_URI": "sqlite://",
    })


def test_failures_counted_by_one_worker_limit_another(redis_client, address):
    prefix = f"test-{uuid.uuid4().hex}"
    body = {"email": "x@example.com", "password": "wrong one"}
    env = {"REMOTE_ADDR": address}
    first = _worker(prefix)
    with first.app_context():
        db.create_all()
        for _ in range(3):
            response = first.test_client().post("/api/v1/auth/tokens", json=body,
                                                environ_base=env)
            assert response.status_code == 401
        db.session.remove()
        db.engine.dispose()
    assert list(redis_client.scan_iter(f"*{address}*"))  # the counts live in Redis

    second = _worker(prefix)  # a fresh worker: its memory has counted nothing
    with second.app_context():
        response = second.test_client().post("/api/v1/auth/tokens", json=body, environ_base=env)
        assert response.status_code == 429
        db.session.remove()
        db.engine.dispose()
