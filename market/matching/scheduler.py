"""The scheduled matching job and the APScheduler that runs it on MATCH_SCHEDULE."""

from __future__ import annotations

import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask

from market.common.errors import Conflict

log = logging.getLogger("market.matching.scheduler")


def schedule_trigger(app: Flask) -> CronTrigger:
    """The cron trigger of MATCH_SCHEDULE in the district's TIMEZONE."""
    return CronTrigger.from_crontab(app.config["MATCH_SCHEDULE"], timezone=app.config["TIMEZONE"])


def scheduled_job(app: Flask) -> None:
    """Run matching as the schedule, then deliver queued notifications; never raise."""
    from market.matching.runs import start_run, summary
    from market.notifications.services import deliver_pending

    with app.app_context():
        try:
            run = start_run(None, "schedule")
        except Conflict as exc:
            log.info("scheduled matching skipped: %s", exc.message)
        except Exception:
            log.exception("scheduled matching could not start")
        else:
            if run.status == "completed":
                log.info("scheduled matching run %s: %s", run.id, summary(run.stats))
            else:
                log.error("scheduled matching run %s failed: %s", run.id, run.error)
        try:
            deliver_pending()
        except Exception:
            log.exception("notification delivery failed")


def build_scheduler(app: Flask) -> BlockingScheduler:
    """A blocking scheduler with the matching job; the run lock keeps one run at a time."""
    scheduler = BlockingScheduler(timezone=app.config["TIMEZONE"])
    scheduler.add_job(scheduled_job, schedule_trigger(app), args=[app], id="matching",
                      max_instances=1, coalesce=True, misfire_grace_time=600)
    return scheduler
