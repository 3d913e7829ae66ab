"""A what-if study: one comparison of (market snapshot, knobs), computed once and reused."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from market.common.lifecycle import Status, describe, status_check
from market.common.types import UTCDateTime, utcnow
from market.extensions import Model


class StudyStatus(Status):
    """A what-if study: queued, computed by a worker (running), then done or failed."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


describe(
    StudyStatus,
    {
        StudyStatus.QUEUED: _l("queued"),
        StudyStatus.RUNNING: _l("running"),
        StudyStatus.DONE: _l("done"),
        StudyStatus.FAILED: _l("failed"),
    },
    {
        StudyStatus.QUEUED: {StudyStatus.RUNNING, StudyStatus.FAILED},
        StudyStatus.RUNNING: {StudyStatus.DONE, StudyStatus.FAILED},
        StudyStatus.FAILED: {StudyStatus.QUEUED},  # asked again
        StudyStatus.DONE: {StudyStatus.QUEUED},
    },
)


class WhatIfStudy(Model):
    """The strategies compared on one snapshot with one set of knobs.

    `key` names the snapshot (a fingerprint of the open needs, lots, caps and
    constraints) and the knobs, so any worker process finds a study another one
    started; a changed market gives a new key, hence a fresh study.
    """

    __tablename__ = "whatif_studies"
    __table_args__ = (status_check(StudyStatus, "ck_whatif_studies_status"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    snapshot: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    knobs: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=StudyStatus.QUEUED)
    needs: so.Mapped[int] = so.mapped_column(sa.Integer)
    lots: so.Mapped[int] = so.mapped_column(sa.Integer)
    result: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    error: so.Mapped[str | None] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    started_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    finished_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    worker: so.Mapped[str | None] = so.mapped_column(sa.String(100))  # "host:pid" computing it

    @property
    def is_active(self) -> bool:
        """Queued or running: the result is still to come."""
        return self.status in (StudyStatus.QUEUED, StudyStatus.RUNNING)

    def __repr__(self) -> str:
        return f"<WhatIfStudy {self.id} {self.status}>"
