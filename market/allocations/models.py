"""A bulk approval as a job of the background worker: its filter, progress and outcome."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from market.accounts.models import User
from market.common.lifecycle import status_check
from market.common.types import UTCDateTime, utcnow
from market.extensions import Model
from market.matching.models import RunStatus

# A bulk approval follows a matching run's lifecycle: queued, taken by a worker (running),
# then completed or failed (a job no worker took in time fails without running); its
# labels, transitions and ACTIVE subset (queued, running: it holds its run's one active
# slot and its page keeps polling) are the run's.
JobStatus = RunStatus


class ApprovalJob(Model):
    """A coordinator's approval of a whole run, or of its filtered part, run by the worker.

    `active_run_id` holds the run while the job is queued or running and is NULL after:
    its unique constraint lets one job at a time act on a run, across every process.
    The counters are written in the same transaction as each chunk of approvals, so
    they always say what really is approved, even when the worker dies half-way.
    """

    __tablename__ = "approval_jobs"
    __table_args__ = (
        sa.UniqueConstraint("active_run_id", name="uq_approval_jobs_one_active_per_run"),
        status_check(JobStatus, "ck_approval_jobs_status"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    requested_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    run_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("match_runs.id"), index=True)
    active_run_id: so.Mapped[int | None] = so.mapped_column()
    filters: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=JobStatus.QUEUED,
                                                index=True)
    # What the coordinator confirmed, then what the worker found and did.
    confirmed_lines: so.Mapped[int] = so.mapped_column(default=0)
    confirmed_units: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    total_lines: so.Mapped[int | None] = so.mapped_column()
    lines_done: so.Mapped[int] = so.mapped_column(default=0)
    approved: so.Mapped[int] = so.mapped_column(default=0)
    units: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    refused: so.Mapped[int] = so.mapped_column(default=0)
    refusals: so.Mapped[list[Any]] = so.mapped_column(sa.JSON, default=list)  # the first 100
    worker: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    heartbeat_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    started_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    finished_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    error: so.Mapped[str | None] = so.mapped_column(sa.Text)

    requested_by: so.Mapped[User] = so.relationship()

    @property
    def active(self) -> bool:
        """Whether the job is still queued or running (its page keeps polling)."""
        return self.status in JobStatus.ACTIVE

    @property
    def percent(self) -> int:
        """How far the worker is, in whole percent of the lines it found."""
        if not self.total_lines:
            return 100 if self.status == JobStatus.COMPLETED else 0
        return min(100, self.lines_done * 100 // self.total_lines)
