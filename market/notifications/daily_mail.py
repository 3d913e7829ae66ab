"""The daily report mailed to coordinators at DAILY_REPORT_AT (district time), once a day.

The messages go through the outbox, so they are retried like any other. Each one carries a
per-day, per-coordinator key that the database keeps unique: when two workers reach the
hour together, the second one's insert fails and nothing is written twice.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from market.accounts.models import User
from market.common.display import district_zone
from market.common.types import utcnow
from market.extensions import db
from market.notifications.models import Notification
from market.reports.daily import day_section

log = logging.getLogger("market.notifications")

# The mail lists at most this many shipments; the page has them all.
MAIL_LINES = 200


def report_time() -> time:
    """DAILY_REPORT_AT ("HH:MM", district time) as a time of day."""
    return time.fromisoformat(current_app.config["DAILY_REPORT_AT"])


def mail_daily_report(now: datetime | None = None) -> int:
    """Write today's report to every active coordinator once DAILY_REPORT_AT has passed.

    Does nothing without SMTP_HOST (there is no mail to send), before the hour, or when the
    day's report was already written. Returns how many messages were written.
    """
    if not current_app.config.get("SMTP_HOST"):
        return 0
    local = (now or utcnow()).astimezone(district_zone())
    if local.time().replace(second=0, microsecond=0) < report_time():
        return 0
    day = local.date()
    coordinators = db.session.scalars(
        sa.select(User).where(User.role.in_(("coordinator", "admin")), User.active.is_(True))
        .order_by(User.id)
    ).all()
    keys = {u.id: f"daily-report:{day.isoformat()}:{u.id}" for u in coordinators}
    done = set(db.session.scalars(
        sa.select(Notification.dedupe_key).where(Notification.dedupe_key.in_(keys.values()))
    ))
    targets = [(user_id, key) for user_id, key in keys.items() if key not in done]
    if not targets:
        return 0
    subject, body = compose(day)
    try:
        db.session.add_all([
            Notification(user_id=user_id, channel="email", subject=subject, body=body,
                         dedupe_key=key)
            for user_id, key in targets
        ])
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()  # another worker wrote the day's report first
        log.info("daily report of %s already written by another worker", day)
        return 0
    return len(targets)


def compose(day: date) -> tuple[str, str]:
    """The subject and plain-text body of one day's report, in the district's language."""
    section = day_section(day)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Daily report %(date)s", date=day.isoformat())
        lines = [_("Daily report of the district office") + f" · {day.isoformat()}", "",
                 _("Totals of the day")]
        lines += [_totals_line(row) for row in section["totals"]] or [
            _("Nothing was approved, shipped or received on this day.")]
        lines += ["", f"{_('Shipments approved on this day')} ({section['line_count']})"]
        lines += [_shipment_line(a) for a in section["lines"][:MAIL_LINES]]
        if section["line_count"] > MAIL_LINES:
            lines.append(_("%(n)s more on the daily report page.",
                           n=section["line_count"] - MAIL_LINES))
    return subject, "\n".join(lines)


def _totals_line(row: dict[str, Any]) -> str:
    return "- " + _(
        "%(name)s (%(sku)s): %(approved)s approved in %(lines)s lines, %(shipped)s shipped, "
        "%(received)s received (%(unit)s)",
        name=row["name"], sku=row["item"], approved=row["approved"], lines=row["approved_lines"],
        shipped=row["shipped"], received=row["received"], unit=_(row["unit"]),
    )


def _shipment_line(allocation: Any) -> str:
    return "- " + _(
        "#%(id)s %(sku)s × %(quantity)s: %(supplier)s → %(buyer)s",
        id=allocation.id, sku=allocation.item.sku, quantity=allocation.quantity,
        supplier=allocation.supplier.name, buyer=allocation.buyer.name,
    )
