"""`flask match run [--dry-run]`, the scheduled job, and the schedule's crontab."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from market.common.types import utcnow
from market.extensions import db
from market.matching import lock, scheduler
from market.matching.models import Allocation, MatchRun, RunLock
from tests.market.matching.conftest import count


def test_cli_dry_run_prints_figures_and_writes_nothing(app, small_market):
    result = app.test_cli_runner().invoke(args=["match", "run", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "dry run (nothing written): completed" in result.output
    assert "units_proposed: 300" in result.output
    assert "proposals: 2" in result.output
    assert count(MatchRun) == 0
    assert count(Allocation) == 0


def test_cli_run_writes_a_manual_run(app, small_market):
    result = app.test_cli_runner().invoke(args=["match", "run"])

    assert result.exit_code == 0, result.output
    run = db.session.scalar(sa.select(MatchRun))
    assert f"run {run.id}: completed" in result.output
    assert (run.trigger, run.started_by_id, count(Allocation)) == ("manual", None, 2)


def test_scheduled_job_writes_a_schedule_run_and_delivers_outbox(app, small_market, monkeypatch):
    delivered = []
    monkeypatch.setattr("market.notifications.services.deliver_pending",
                        lambda: delivered.append(True) or 0)

    scheduler.scheduled_job(app)

    run = db.session.scalar(sa.select(MatchRun))
    assert (run.trigger, run.status, run.started_by_id) == ("schedule", "completed", None)
    assert count(Allocation) == 2
    assert delivered == [True]


def test_scheduled_job_survives_a_busy_lock(app, small_market, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="market.matching.scheduler")
    delivered = []
    monkeypatch.setattr("market.notifications.services.deliver_pending",
                        lambda: delivered.append(True) or 0)
    holder = None
    if db.engine.dialect.name == "postgresql":
        holder = db.engine.connect()
        holder.begin()
        holder.execute(sa.select(sa.func.pg_advisory_xact_lock(lock.ADVISORY_KEY)))
    else:
        db.session.add(RunLock(id=lock.LOCK_ROW_ID, holder="web worker", acquired_at=utcnow()))
        db.session.commit()
    try:
        scheduler.scheduled_job(app)  # logged, not raised
    finally:
        if holder is not None:
            holder.rollback()
            holder.close()

    assert "skipped" in caplog.text
    assert "under way" in caplog.text
    assert count(MatchRun) == 0
    assert delivered == [True]


def test_default_schedule_is_twice_a_day_in_the_district_timezone(app):
    trigger = scheduler.schedule_trigger(app)
    tz = ZoneInfo("Asia/Shanghai")

    first = trigger.get_next_fire_time(None, datetime(2026, 3, 1, 9, 0, tzinfo=tz))
    second = trigger.get_next_fire_time(None, first.replace(minute=1))

    assert app.config["MATCH_SCHEDULE"] == "0 8,16 * * *"
    assert (first.hour, first.minute, first.day) == (16, 0, 1)
    assert (second.hour, second.day) == (8, 2)
    assert first.utcoffset().total_seconds() == 8 * 3600
    job = scheduler.build_scheduler(app).get_jobs()[0]
    assert job.id == "matching"
    assert job.func is scheduler.scheduled_job
