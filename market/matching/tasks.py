"""Matching's background work on the task queue: queued runs, the schedule, stale needs.

The worker (`flask --app wsgi worker`) runs these; with QUEUE_IMMEDIATE (tests) a queued
run is computed at once in the caller. Each worker process, as it starts, ends the runs
whose worker died (`reap_interrupted`), so a crash never blocks the next run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from huey import crontab

from market.common.errors import Conflict
from market.queue import on_worker_start, periodic_task, task

log = logging.getLogger("market.matching.tasks")
NEED_EXPIRY = crontab(minute="*/15")


@task()
def run_matching(run_id: int) -> str | None:
    """Compute one queued run (button, API, preview); return its final status."""
    from market.matching.runs import execute_run

    run = execute_run(run_id)
    return run.status if run is not None else None


def schedule_matcher(schedule: str, timezone: str) -> Callable[[datetime], bool]:
    """A test of Huey's scheduler times (naive UTC) against a 5-field cron line in `timezone`."""
    fields = schedule.split()
    if len(fields) != 5:
        raise ValueError(f"MATCH_SCHEDULE must have 5 cron fields, got {schedule!r}")
    minute, hour, day, month, day_of_week = fields
    matches = crontab(minute, hour, day, month, day_of_week, strict=True)
    zone = ZoneInfo(timezone)

    def due(moment: datetime) -> bool:
        local = moment.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)
        return matches(local)

    return due


def _schedule_due(moment: datetime) -> bool:
    """Tell whether MATCH_SCHEDULE (in TIMEZONE) names this minute."""
    from market.config import config_from_env

    config = config_from_env()
    return schedule_matcher(config.MATCH_SCHEDULE, config.TIMEZONE)(moment)


@periodic_task(_schedule_due)
def scheduled_matching() -> str | None:
    """Run matching as the schedule, in this worker; skipped while another run is under way."""
    from market.matching.runs import create_run, execute_run, summary

    try:
        queued = create_run(None, "schedule")
    except Conflict as exc:
        log.info("scheduled matching skipped: %s", exc.message)
        return None
    run = execute_run(queued.id)
    if run is not None and run.status == "completed":
        log.info("scheduled matching run %s: %s", run.id, summary(run.stats))
    elif run is not None:
        log.error("scheduled matching run %s failed: %s", run.id, run.error)
    return run.status if run is not None else None


@periodic_task(NEED_EXPIRY)
def expire_needs() -> int:
    """Mark needs past their needed-by date (district time) expired; GET requests never do."""
    from market.common.display import district_today
    from market.needs.services import expire_stale_needs

    expired = expire_stale_needs(district_today(), commit=True)
    if expired:
        log.info("%s stale needs expired", expired)
    return expired


@on_worker_start
def end_interrupted_runs() -> None:
    """As a worker starts, end the runs whose worker died (`failed`, "interrupted")."""
    from market.matching.runs import reap_interrupted

    ended = reap_interrupted()
    if ended:
        current_app.logger.warning("interrupted matching runs ended: %s", ended)
