"""Reading the audit log: filtered, newest first, one page at a time (coordinators only)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination

from market.accounts.access import require_coordinator
from market.accounts.models import User
from market.audit.models import AuditEntry
from market.common.display import district_zone
from market.common.errors import Invalid
from market.common.pagination import paginate
from market.extensions import db


def parse_moment(name: str, value: str | None, end_of_day: bool = False) -> datetime | None:
    """Read an ISO date or date-time filter as a UTC moment.

    A bare date is that day in the district's TIMEZONE (the clock every page shows), not
    the UTC day: `from=2024-03-02` starts at local midnight, and a bare `to` covers the
    whole local day. A date-time without an offset is district time too; one with an
    offset (or `Z`) is taken as written.
    """
    if value in (None, ""):
        return None
    text = value.strip()
    zone = district_zone()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            if end_of_day:
                day += timedelta(days=1)
            return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid.field(name, _("must be an ISO date or date-time, got %(value)s",
                                    value=repr(value))) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(UTC)


def list_entries(
    actor: User | None,
    actor_email: str | None = None,
    action: str | None = None,
    entity: str | None = None,
    entity_id: int | None = None,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Pagination:
    """Audit entries matching the filters, newest first; `date_to` is exclusive."""
    require_coordinator(actor)
    stmt = sa.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if actor_email:
        stmt = stmt.where(AuditEntry.actor.ilike(f"%{actor_email.strip()}%"))
    if action:
        # "organization." or "organization.*" lists every action on that kind of record.
        prefix = action.rstrip("*")
        if action.endswith(("*", ".")):
            stmt = stmt.where(AuditEntry.action.startswith(prefix, autoescape=True))
        else:
            stmt = stmt.where(AuditEntry.action == action)
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    if entity_id is not None:
        stmt = stmt.where(AuditEntry.entity_id == entity_id)
    if date_from is not None:
        stmt = stmt.where(AuditEntry.at >= date_from)
    if date_to is not None:
        stmt = stmt.where(AuditEntry.at < date_to)
    return paginate(stmt, page, per_page)


def known_actions(actor: User | None) -> list[str]:
    """The distinct actions in the log, for the filter's suggestions."""
    require_coordinator(actor)
    query = sa.select(AuditEntry.action).distinct().order_by(AuditEntry.action)
    return list(db.session.scalars(query))


def known_entities(actor: User | None) -> list[str]:
    """The distinct kinds of record in the log, for the filter's choices."""
    require_coordinator(actor)
    query = sa.select(AuditEntry.entity).distinct().order_by(AuditEntry.entity)
    return list(db.session.scalars(query))
