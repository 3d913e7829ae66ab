"""Queue tasks of the notifications: deliver one message, sweep the outbox, mail the report.

The worker imports this module. Periodic tasks may be enqueued by several workers at once;
both are safe to run twice (the claim and the per-day key keep every message single). The
tasks return None: Huey would otherwise keep every return value in its result store.
"""

from __future__ import annotations

import logging

from huey import crontab

from market import queue
from market.notifications import daily_mail, delivery

log = logging.getLogger("market.notifications")


@queue.task()
def deliver_notification(note_id: int) -> None:
    """Send one message; after a failure, queue the next attempt after its back-off delay."""
    outcome = delivery.deliver(note_id)
    if outcome.result == "retry":
        if outcome.delay > 0:
            deliver_notification.schedule(args=(note_id,), delay=outcome.delay)
        else:
            deliver_notification(note_id)


@queue.periodic_task(crontab(minute="*"))
def sweep_outbox() -> None:
    """Queue every message that is due but has no task (a missed enqueue, a dead worker)."""
    ids = delivery.due_ids()
    for note_id in ids:
        deliver_notification(note_id)
    if ids:
        log.info("outbox sweep queued %s messages", len(ids))


@queue.periodic_task(crontab(minute="*"))
def mail_daily_report() -> None:
    """Write the daily report to the coordinators once DAILY_REPORT_AT has passed today."""
    written = daily_mail.mail_daily_report()
    if written:
        log.info("daily report written to %s coordinators", written)
