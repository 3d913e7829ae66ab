"""Queue tasks of the notifications: deliver one message, sweep the outbox, mail the report.

The worker imports this module. Periodic tasks may be enqueued by several workers at once;
both are safe to run twice (the claim and the per-day key keep every message single).
"""

from __future__ import annotations

import logging

from huey import crontab

from market import queue
from market.notifications import daily_mail, delivery

log = logging.getLogger("market.notifications")


@queue.task()
def deliver_notification(note_id: int) -> str:
    """Send one message; after a failure, queue the next attempt after its back-off delay."""
    outcome = delivery.deliver(note_id)
    if outcome.result == "retry":
        if outcome.delay > 0:
            deliver_notification.schedule(args=(note_id,), delay=outcome.delay)
        else:
            deliver_notification(note_id)
    return outcome.result


@queue.periodic_task(crontab(minute="*"))
def sweep_outbox() -> int:
    """Queue every message that is due but has no task (a missed enqueue, a dead worker)."""
    ids = delivery.due_ids()
    for note_id in ids:
        deliver_notification(note_id)
    if ids:
        log.info("outbox sweep queued %s messages", len(ids))
    return len(ids)


@queue.periodic_task(crontab(minute="*"))
def mail_daily_report() -> int:
    """Write the daily report to the coordinators once DAILY_REPORT_AT has passed today."""
    return daily_mail.mail_daily_report()
