"""The what-if study in a child process, as in production (a file SQLite or PostgreSQL)."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from market.extensions import db
from market.reports import whatif_studies
from market.reports.whatif_models import WhatIfStudy
from tests.market.reports.test_whatif import (
    API,
    PAGE,
    by_key,
    cell,
    scarce,  # noqa: F401 - registers the fixture here
)


@pytest.fixture
def app_config(tmp_path):
    """Studies run in the background; SQLite in memory is one connection's, so use a file."""
    config = {"WTF_CSRF_ENABLED": False, "WHATIF_INLINE": False}
    if not os.environ.get("TEST_DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'whatif.db'}"
    return config


def test_page_answers_before_the_comparison_then_the_study_fills_in(client, login, people,
                                                                     scarce):  # noqa: F811
    login(people["coordinator"])
    page = client.get(PAGE).get_data(as_text=True)
    assert 'id="whatif-study"' in page
    assert 'id="whatif-form"' in page
    study_id = db.session.scalars(sa.select(WhatIfStudy.id)).one()
    assert whatif_studies.wait_for_studies(timeout=120)
    db.session.rollback()  # end the read transaction: see what the child committed
    study = db.session.get(WhatIfStudy, study_id)
    assert study.status == "done"
    assert study.started_at is not None
    assert study.finished_at >= study.started_at
    fragment = client.get(f"/reports/what-if/studies/{study_id}").get_data(as_text=True)
    assert cell(fragment, "cell-fcfs-lowest") == "0.0 %"
    assert cell(fragment, "cell-optimal-lowest") == "50.0 %"
    again = client.get(PAGE).get_data(as_text=True)
    assert cell(again, "cell-proportional-lowest") == "50.0 %"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WhatIfStudy)) == 1


def test_api_polls_until_done(client, token_for, people, scarce):  # noqa: F811
    headers = token_for(people["coordinator"])
    started = client.post(API, json={"fairness_steps": 3}, headers=headers)
    assert started.status_code in (200, 202)
    assert whatif_studies.wait_for_studies(timeout=120)
    # The test shares one app context (so one session) across requests: end its read
    # transaction to see what the child committed, as a fresh request would.
    db.session.rollback()
    done = client.get(started.headers["Location"], headers=headers)
    assert done.status_code == 200
    rows = by_key(done.get_json())
    assert rows["optimal"]["min_fill_rate"] == 0.5
    assert done.get_json()["edited_knobs"]["fairness_steps"] == 3
