"""The daily report mailed to coordinators at DAILY_REPORT_AT, once a day, only with SMTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import pytest
import sqlalchemy as sa

from market.extensions import db
from market.notifications import daily_mail, tasks
from market.notifications.models import Notification
from tests.market.reports.conftest import make_allocation  # noqa: F401 - fixture

# 18:00 in Asia/Shanghai (UTC+8) on 10 March 2026.
AT_SIX = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
SMTP = {"WTF_CSRF_ENABLED": False, "SMTP_HOST": "smtp.district.test", "SMTP_USER": None,
        "TIMEZONE": "Asia/Shanghai", "DAILY_REPORT_AT": "18:00"}


class FakeSMTP:
    """Stands in for smtplib.SMTP and keeps every message sent through it."""

    outbox: ClassVar[list[Any]] = []

    def __init__(self, host: str, port: int, timeout: float):
        self.host = host

    def __enter__(self) -> FakeSMTP:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def starttls(self) -> None:
        """Nothing to negotiate."""

    def login(self, user: str, password: str) -> None:
        """Nothing to check."""

    def send_message(self, msg: Any) -> None:
        """Keep the message."""
        FakeSMTP.outbox.append(msg)


@pytest.fixture
def smtp(monkeypatch) -> list[Any]:
    """The messages handed to the (fake) SMTP server."""
    FakeSMTP.outbox = []
    monkeypatch.setattr("market.notifications.senders.smtplib.SMTP", FakeSMTP)
    return FakeSMTP.outbox


@pytest.fixture
def shipment(people, make_lot, make_need, make_allocation):  # noqa: F811 - imported fixture
    """One allocation approved on the report's day (02:00 UTC, 10:00 district time)."""
    lot = make_lot(people["supplier_a_org"], quantity=5000)
    need = make_need(people["buyer_org"], quantity=2000)
    return make_allocation(lot, need, 111, "approved",
                           decided_at=AT_SIX.replace(hour=2))


@pytest.mark.parametrize("app_config", [SMTP])
def test_report_is_mailed_to_coordinators_once_at_the_configured_time(people, smtp, shipment):
    assert daily_mail.mail_daily_report(AT_SIX - timedelta(minutes=1)) == 0
    assert smtp == []
    assert daily_mail.mail_daily_report(AT_SIX) == 2  # the coordinator and the admin
    assert sorted(m["To"] for m in smtp) == sorted(
        [people["coordinator"].email, people["admin"].email])
    message = smtp[0]
    assert message["Subject"] == "Daily report 2026-03-10"
    body = message.get_content()
    assert "Daily report of the district office · 2026-03-10" in body
    assert f"#{shipment.id} MASK-SURGICAL × 111: Supplier A → Buyer C" in body
    assert ": 111 approved in 1 lines, 0 shipped, 0 received" in body
    # Later that day, or a second worker at the same minute: nothing more.
    assert daily_mail.mail_daily_report(AT_SIX) == 0
    assert daily_mail.mail_daily_report(AT_SIX + timedelta(hours=3)) == 0
    assert len(smtp) == 2
    # The next day's report goes out the next evening.
    assert daily_mail.mail_daily_report(AT_SIX + timedelta(days=1)) == 2
    assert len(smtp) == 4
    notes = db.session.scalars(sa.select(Notification).order_by(Notification.id)).all()
    assert {n.status for n in notes} == {"sent"}


@pytest.mark.parametrize("app_config", [SMTP])
def test_periodic_task_mails_when_its_minute_comes(people, smtp, monkeypatch):
    now = [AT_SIX - timedelta(hours=1)]
    monkeypatch.setattr("market.notifications.daily_mail.utcnow", lambda: now[0])
    tasks.mail_daily_report()
    assert smtp == []
    now[0] = AT_SIX
    tasks.mail_daily_report()
    assert len(smtp) == 2
    tasks.mail_daily_report()
    assert len(smtp) == 2


@pytest.mark.parametrize("app_config", [{**SMTP, "SMTP_HOST": None}])
def test_nothing_is_mailed_without_smtp(people, smtp):
    assert daily_mail.mail_daily_report(AT_SIX) == 0
    assert smtp == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0


@pytest.mark.parametrize("app_config", [{**SMTP, "DAILY_REPORT_AT": "07:30"}])
def test_report_time_is_read_in_the_district_time_zone(people, smtp):
    # 07:30 in Shanghai is 23:30 UTC of the day before.
    assert daily_mail.mail_daily_report(datetime(2026, 3, 9, 23, 29, tzinfo=UTC)) == 0
    assert daily_mail.mail_daily_report(datetime(2026, 3, 9, 23, 30, tzinfo=UTC)) == 2
    assert smtp[0]["Subject"] == "Daily report 2026-03-10"


@pytest.mark.parametrize("app_config", [SMTP])
def test_a_worker_that_writes_the_report_second_writes_nothing(people, smtp, monkeypatch):
    compose = daily_mail.compose

    def other_worker_commits_first(day):
        for user in (people["coordinator"], people["admin"]):
            db.session.execute(sa.insert(Notification).values(
                user_id=user.id, channel="email", subject="theirs", body="theirs",
                status="sent", attempts=1, created_at=AT_SIX,
                dedupe_key=f"daily-report:{day.isoformat()}:{user.id}"))
        db.session.commit()
        return compose(day)

    monkeypatch.setattr(daily_mail, "compose", other_worker_commits_first)
    assert daily_mail.mail_daily_report(AT_SIX) == 0
    assert db.session.scalars(sa.select(Notification.subject)).all() == ["theirs", "theirs"]
    assert smtp == []
