"""Allocations' background work on the task queue: bulk approval jobs.

The worker runs these; with QUEUE_IMMEDIATE (tests) a queued job runs at once in the
caller. Each worker process, as it starts, ends the jobs whose worker died.
"""

from __future__ import annotations

from flask import current_app

from market.queue import on_worker_start, task


@task()
def run_approval_job(job_id: int) -> str | None:
    """Approve the selection of one queued job; return its final status."""
    from market.allocations.jobs import execute_job

    job = execute_job(job_id)
    return job.status if job is not None else None


@on_worker_start
def end_interrupted_approval_jobs() -> None:
    """As a worker starts, end the approval jobs whose worker died (`failed`, "interrupted")."""
    from market.allocations.jobs import reap_interrupted_jobs

    ended = reap_interrupted_jobs()
    if ended:
        current_app.logger.warning("interrupted approval jobs ended: %s", ended)
