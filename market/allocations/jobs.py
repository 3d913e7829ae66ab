"""Bulk approval as a background job: queued by the request, run chunk by chunk by the worker.

Approving a run of tens of thousands of lines takes longer than a web request may
(PRODUCT.md: long work runs in the background worker). `start_job` checks the selection
against the totals the coordinator confirmed, commits a `queued` job and enqueues it;
the request answers at once. The worker's `execute_job` runs `review.approve_filtered`,
whose chunks each commit with the job's counters, so the job page shows real progress
and a job whose worker died (`reap_interrupted_jobs`) says exactly what was approved.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from market.accounts.access import require_coordinator
from market.accounts.models import User
from market.allocations import review
from market.allocations.models import ApprovalJob, JobStatus
from market.audit.services import record
from market.common.errors import Conflict, NotFound
from market.common.lifecycle import set_status
from market.common.rows import fetch
from market.common.transaction import begin_write, rows_changed, unit_of_work
from market.common.types import utcnow
from market.extensions import db
from market.i18n import language_of
from market.matching.lock import owner_gone, stale_seconds, worker_id

log = logging.getLogger("market.allocations.jobs")
APPROVAL_JOB = _l("Approval job")


def start_job(actor: User | None, selection: dict[str, Any]) -> ApprovalJob:
    """Queue the approval of a selection for the worker and return the job (API 202).

    `selection` is the filter, plus `expected`: the number of lines the coordinator saw
    on the confirmation. When the selection no longer holds that many proposed lines
    (someone approved, rejected or re-ran meanwhile) nothing is queued: 409, confirm the
    new totals. 409 too while another job acts on the same run, and when nothing in
    the selection waits for approval. In immediate mode (tests) the job has already run
    when this returns.
    """
    from market.allocations.tasks import run_approval_job

    actor = require_coordinator(actor)
    expected = selection.get("expected")
    filters = review.review_filters({k: v for k, v in selection.items() if k != "expected"})
    filters.pop("status", None)
    filters.pop("statuses", None)
    totals = review.approval_totals(actor, filters)
    if expected is not None and expected != totals["lines"]:
        raise Conflict(_(
            "The selection changed since it was confirmed: %(expected)s lines confirmed, "
            "%(now)s proposed now. Check the new totals and confirm again.",
            expected=expected, now=totals["lines"]))
    if not totals["lines"]:
        raise Conflict(_("Nothing in this selection is waiting for approval."))
    reap_interrupted_jobs()
    job = _create(actor, filters, totals)
    run_approval_job(job.id)
    return fetch(ApprovalJob, job.id, populate_existing=True)


def _create(actor: User, filters: dict[str, Any], totals: dict[str, Any]) -> ApprovalJob:
    """Commit the queued job and its audit entry; 409 when the run has an active job."""
    run_id = filters["run_id"]
    job = ApprovalJob(requested_by_id=actor.id, run_id=run_id, active_run_id=run_id,
                      filters=filters, status=JobStatus.QUEUED, confirmed_lines=totals["lines"],
                      confirmed_units=totals["units"])
    try:
        with unit_of_work():
            begin_write()
            db.session.add(job)
            db.session.flush()
            record(actor, "approval_job.created", "approval_job", job.id, None,
                   {"filters": filters, "lines": totals["lines"], "units": totals["units"]})
    except IntegrityError:  # the run's one active job exists already
        busy = db.session.scalar(sa.select(ApprovalJob.id).where(
            ApprovalJob.active_run_id == run_id))
        raise Conflict(_("An approval of run %(run)s is already queued or running (job "
                         "%(job)s); wait until it has finished.", run=run_id, job=busy)) from None
    return job


def get_job(actor: User | None, job_id: int) -> ApprovalJob:
    """One approval job with its progress and outcome (coordinators; 404 when unknown)."""
    require_coordinator(actor)
    job = db.session.get(ApprovalJob, job_id, populate_existing=True)
    if job is None:
        raise NotFound(_("Approval job %(id)s not found.", id=job_id))
    return job


def execute_job(job_id: int) -> ApprovalJob | None:
    """Run a queued job in this process: approve chunk by chunk, then `completed` or `failed`.

    Returns None when the job was not queued (another worker took it, or it was ended
    as never started meanwhile).
    """
    if not _claim(job_id):
        return None
    job = fetch(ApprovalJob, job_id, populate_existing=True)
    actor, filters = job.requested_by, dict(job.filters or {})
    with language_of(actor):  # the refusals it stores are read by the coordinator who asked
        try:
            review.approve_filtered(actor, filters,
                                    progress=lambda report: _progress(job_id, report))
        except Exception as exc:
            db.session.rollback()
            log.exception("approval job %s failed", job_id)
            _end(job_id, actor, JobStatus.FAILED, f"{type(exc).__name__}: {exc}")
        else:
            _end(job_id, actor, JobStatus.COMPLETED)
    return db.session.get(ApprovalJob, job_id, populate_existing=True)


def _claim(job_id: int) -> bool:
    begin_write()  # the write lock first: two workers offered the same job (SQLite)
    claimed = rows_changed(db.session.execute(
        sa.update(ApprovalJob)
        .where(ApprovalJob.id == job_id, ApprovalJob.status == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, worker=worker_id(), heartbeat_at=utcnow(),
                started_at=utcnow())
        .execution_options(synchronize_session=False)
    ))
    db.session.commit()
    return claimed == 1


def _progress(job_id: int, report: dict[str, Any]) -> None:
    """Record the counters inside the chunk's transaction: they commit with its approvals."""
    db.session.execute(
        sa.update(ApprovalJob).where(ApprovalJob.id == job_id)
        .values(total_lines=report["total"], lines_done=report["done"],
                approved=report["approved"], units=report["units"], refused=report["failed"],
                refusals=list(report["failures"]), heartbeat_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _end(job_id: int, actor: User | None, status: JobStatus, error: str | None = None) -> None:
    """End an active job `completed` or `failed` and audit its outcome (one transaction)."""
    with unit_of_work():
        begin_write()
        job = db.session.get(ApprovalJob, job_id, populate_existing=True)
        if job is None or job.status not in JobStatus.ACTIVE:
            return
        set_status(job, APPROVAL_JOB, status)
        job.active_run_id, job.finished_at = None, utcnow()
        job.error = error[:2000] if error else None
        if job.total_lines is None:
            job.total_lines = job.lines_done
        record(actor, f"approval_job.{status.value}", "approval_job", job.id, None,
               {"approved": job.approved, "units": job.units, "refused": job.refused,
                **({"error": job.error} if error else {})})


def reap_interrupted_jobs() -> list[int]:
    """End as `failed` every job whose worker died, or that no worker took; return their ids.

    A running job is interrupted when its worker process is gone (or silent for
    MATCH_LOCK_STALE_SECONDS on another machine); a queued one when no worker took it in
    that time. Its committed chunks stay approved, and its counters say how many.
    """
    limit = stale_seconds()
    ended = []
    jobs = db.session.scalars(
        sa.select(ApprovalJob).where(ApprovalJob.status.in_(JobStatus.ACTIVE))
    ).all()
    for job in jobs:
        if job.status == JobStatus.RUNNING:
            if not owner_gone(job.worker, job.heartbeat_at, limit):
                continue
            with language_of(job.requested_by):
                error = _("Interrupted: the worker %(worker)s stopped after %(done)s of "
                          "%(total)s lines; the %(approved)s lines approved until then stay "
                          "approved. Start the approval again to approve the rest.",
                          worker=job.worker or "-", done=job.lines_done,
                          total=job.total_lines or "?", approved=job.approved)
        elif utcnow() - job.created_at > timedelta(seconds=limit):
            with language_of(job.requested_by):
                error = _("No worker took this approval job in %(seconds)s seconds; nothing "
                          "was approved.", seconds=limit)
        else:
            continue
        log.warning("approval job %s ended: %s", job.id, error)
        _end(job.id, None, JobStatus.FAILED, error)
        ended.append(job.id)
    db.session.commit()
    return ended
