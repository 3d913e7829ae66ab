"""SQLite under concurrent writes: every writing request waits its turn, none answers 5xx.

A deferred transaction that has read cannot take the write lock once another connection
committed (SQLite answers "database is locked" at once), so writing requests BEGIN
IMMEDIATE and wait within the busy timeout. The database is a file here (an in-memory one
is a single connection), shared by eight threads with their own connections.
"""

from __future__ import annotations

import os
import threading
from collections import Counter

import pytest

from market import create_app
from market.config import TestConfig
from market.extensions import db
from market.needs.models import Need

THREADS = 8
EDITS = 25


@pytest.fixture
def app(app_config, tmp_path):
    """An application on a SQLite file that several connections share."""
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("SQLite's write lock; PostgreSQL locks rows")

    class FileConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'writes.db'}"

    app = create_app(FileConfig, overrides=app_config)
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _hammer(app, calls, statuses: Counter, lock: threading.Lock) -> None:
    client = app.test_client()
    for method, path, headers, body in calls:
        try:
            status = client.open(path, method=method, headers=headers, json=body).status_code
        except Exception:  # noqa: BLE001 - tests propagate a 500's exception; count it as one
            status = 500
        with lock:
            statuses[status] += 1


def test_eight_threads_editing_one_need_never_get_a_server_error(
    app, people, make_need, make_lot, token_for, catalog
):
    need = make_need(people["buyer_org"], quantity=100)
    lot = make_lot(people["supplier_a_org"], quantity=1000)
    buyer, supplier = token_for(people["buyer"]), token_for(people["supplier_a"])
    coordinator = token_for(people["coordinator"])
    plans = []
    for t in range(THREADS):
        calls = []
        for i in range(EDITS):
            calls.append(("PATCH", f"/api/v1/needs/{need.id}", buyer,
                          {"quantity": 100 + t * EDITS + i}))
            if i % 5 == 0:  # a mix of other writes and reads between the edits
                calls.append(("POST", "/api/v1/needs", buyer,
                              {"item": "MASK-SURGICAL", "quantity": 10 + i}))
                calls.append(("PATCH", f"/api/v1/lots/{lot.id}", supplier, {"quantity": 900 + i}))
                calls.append(("GET", "/api/v1/needs", coordinator, None))
        plans.append(calls)
    statuses: Counter = Counter()
    lock = threading.Lock()
    threads = [threading.Thread(target=_hammer, args=(app, calls, statuses, lock))
               for calls in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(statuses.values()) == sum(len(calls) for calls in plans)
    assert all(status < 500 for status in statuses), statuses
    assert statuses[200] >= THREADS * EDITS, statuses
    assert statuses[201] == THREADS * 5, statuses
    db.session.rollback()  # end this thread's own read snapshot
    assert db.session.get(Need, need.id).quantity in range(100, 100 + THREADS * EDITS)
    assert db.session.query(Need).count() == 1 + THREADS * 5
