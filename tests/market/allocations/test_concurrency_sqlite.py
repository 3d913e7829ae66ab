"""The same-line race on a SQLite file shared by threads: BEGIN IMMEDIATE serialises them.

An in-memory SQLite database is one connection, so this module swaps the `app` fixture
for one bound to a temporary file (PostgreSQL runs the row-lock variant instead).
"""

from __future__ import annotations

import os

import pytest

from market import create_app
from market.allocations import services
from market.allocations.services import reservation_drift
from market.config import TestConfig
from market.extensions import db
from market.lots.models import Lot
from market.needs.models import Need
from tests.market.allocations.race import race


@pytest.fixture
def app(app_config, tmp_path):
    """An application on a SQLite file that several connections can share."""
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("the SQLite file variant; PostgreSQL runs test_concurrency.py")

    class FileConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'race.db'}"

    app = create_app(FileConfig)
    app.config.update(app_config)
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_the_same_line_approved_by_eight_threads_moves_once(app, world):
    a = world["allocation"].id
    results = race(app, world["coordinator"].id,
                   [lambda actor: services.approve(actor, a).id] * 8)
    outcomes = [o for o, _ in results]
    assert outcomes.count("ok") == 1, results
    assert outcomes.count("refused") == 7
    assert db.session.get(Lot, world["lot"].id).reserved == 100
    assert db.session.get(Need, world["need"].id).allocated == 100
    assert reservation_drift() == []


def test_overlapping_approvals_on_one_lot_never_overcommit(app, people, make_lot, make_need,
                                                           make_allocation, make_run):
    lot = make_lot(people["supplier_a_org"], quantity=350)
    needs = [make_need(people["buyer_org"], quantity=150) for _ in range(4)]
    run = make_run()
    lines = [make_allocation(lot, needs[i % 4], 100, run=run).id for i in range(8)]
    results = race(app, people["coordinator"].id, [
        (lambda actor, a=a: services.approve(actor, a).id) for a in lines
    ])
    assert [o for o, _ in results].count("ok") == 3, results
    assert db.session.get(Lot, lot.id).reserved == 300
    assert reservation_drift() == []
