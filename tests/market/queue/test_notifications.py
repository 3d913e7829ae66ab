"""Notification delivery on real worker processes, over SqliteHuey, PostgresHuey and RedisHuey."""

from __future__ import annotations

from pathlib import Path

from market.common.transaction import unit_of_work
from market.extensions import db
from market.notifications.models import Notification
from market.notifications.services import notify_user
from tests.market.queue.conftest import wait_for, worker_logs


def _row(note_id: int) -> Notification:
    db.session.rollback()  # a fresh read of what the workers wrote
    return db.session.get(Notification, note_id)


def test_a_sender_failing_three_times_then_succeeding_sends_exactly_once(
        people, start_workers, tmp_path):
    log = tmp_path / "sends.log"
    with unit_of_work():  # the commit enqueues the delivery into the workers' queue
        note = notify_user(people["buyer"], "Allocation approved", "Your masks are on the way.")
    note_id = note.id

    workers = start_workers(2, TEST_SEND_LOG=str(log), TEST_SEND_FAILS="3",
                            NOTIFY_RETRY_DELAY_SECONDS="0.5")
    sent = wait_for(lambda: _row(note_id).status == "sent" and _row(note_id),
                    what="the message to be sent")

    lines = Path(log).read_text().splitlines()
    assert [line.split()[0] for line in lines].count("attempt") == 4, worker_logs(workers)
    assert [line for line in lines if line.startswith("sent")] == [
        f"sent {people['buyer'].email} Allocation approved"]
    assert sent.attempts == 4
    assert sent.sent_at is not None
    assert "mail server down (attempt 3)" in (sent.last_error or "")
