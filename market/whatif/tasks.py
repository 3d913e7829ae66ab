"""What-if studies on the task queue: the worker computes each queued study."""

from __future__ import annotations

from flask import current_app

from market.queue import on_worker_start, task


@task()
def compute_study(study_id: int) -> str | None:
    """Compute one queued what-if study and store its figures (or its error)."""
    from market.whatif.studies import run_study

    return run_study(study_id)


@on_worker_start
def end_interrupted_studies() -> None:
    """As a worker starts, end the studies whose worker died; the next visit restarts them."""
    from market.whatif.studies import reap_interrupted

    ended = reap_interrupted()
    if ended:
        current_app.logger.warning("interrupted what-if studies ended: %s", ended)
