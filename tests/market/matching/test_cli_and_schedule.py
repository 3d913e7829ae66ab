"""`flask match run [--dry-run]`, the scheduled matching task, and the schedule's crontab."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from market.common.types import utcnow
from market.extensions import db
from market.matching import tasks
from market.matching.lock import worker_id
from market.matching.models import Allocation, MatchRun
from tests.market.matching.conftest import count


def test_cli_dry_run_prints_figures_and_writes_nothing(app, small_market):
    result = app.test_cli_runner().invoke(args=["match", "run", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "(nothing written): completed" in result.output
    assert "units_proposed: 300" in result.output
    assert "proposals: 2" in result.output
    run = db.session.scalar(sa.select(MatchRun))
    assert (run.dry_run, run.status, run.active) == (True, "completed", None)
    assert count(Allocation) == 0


def test_cli_run_writes_a_manual_run(app, small_market):
    result = app.test_cli_runner().invoke(args=["match", "run"])

    assert result.exit_code == 0, result.output
    run = db.session.scalar(sa.select(MatchRun))
    assert f"run {run.id}: completed" in result.output
    assert (run.trigger, run.started_by_id, count(Allocation)) == ("manual", None, 2)


def test_cli_run_refused_while_another_run_is_under_way(app, small_market):
    db.session.add(MatchRun(trigger="manual", status="running", active=True, phase="solving",
                            started_at=utcnow(), worker=worker_id(), heartbeat_at=utcnow()))
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["match", "run"])

    assert result.exit_code == 1
    assert "queued or under way" in result.output
    assert count(MatchRun) == 1
    assert count(Allocation) == 0


def test_scheduled_task_writes_a_schedule_run(app, small_market):
    assert tasks.scheduled_matching.call_local() == "completed"

    run = db.session.scalar(sa.select(MatchRun))
    assert (run.trigger, run.status, run.started_by_id) == ("schedule", "completed", None)
    assert count(Allocation) == 2


def test_scheduled_task_skips_while_a_run_is_under_way(app, small_market, caplog):
    caplog.set_level(logging.INFO, logger="market.matching.tasks")
    db.session.add(MatchRun(trigger="manual", status="queued", active=True, started_at=utcnow()))
    db.session.commit()

    assert tasks.scheduled_matching.call_local() is None

    assert "skipped" in caplog.text
    assert count(MatchRun) == 1
    assert count(Allocation) == 0


def test_default_schedule_is_twice_a_day_in_the_district_timezone(app):
    due = tasks.schedule_matcher(app.config["MATCH_SCHEDULE"], app.config["TIMEZONE"])
    # Huey asks with naive UTC times; 08:00 and 16:00 in Shanghai are 00:00 and 08:00 UTC.
    start = datetime(2026, 3, 1, 0, 0)
    fired = [start + timedelta(minutes=m) for m in range(2 * 24 * 60)
             if due(start + timedelta(minutes=m))]

    assert app.config["MATCH_SCHEDULE"] == "0 8,16 * * *"
    assert fired == [datetime(2026, 3, 1, 0, 0), datetime(2026, 3, 1, 8, 0),
                     datetime(2026, 3, 2, 0, 0), datetime(2026, 3, 2, 8, 0)]
    assert not tasks._schedule_due(datetime(2026, 3, 1, 0, 1))


def test_stale_needs_expire_by_the_periodic_task_not_by_listing(
        app, small_market, people, make_need, client, token_for):
    stale = make_need(small_market["clinic"], needed_by=date.today() - timedelta(days=3))

    listed = client.get("/api/v1/needs?per_page=100", headers=token_for(people["coordinator"]))
    assert listed.status_code == 200
    db.session.expire_all()
    assert db.session.get(type(stale), stale.id).status == "open"  # a GET writes nothing

    assert tasks.expire_needs.call_local() >= 1
    db.session.expire_all()
    assert db.session.get(type(stale), stale.id).status == "expired"
