"""What-if studies: each (snapshot, knobs) is compared once, by the worker, and reused.

Opening the what-if page (or POSTing to the API) finds the study of the current
market snapshot and knobs, or queues one for the worker (`tasks.compute_study`),
and answers at once; the page then polls until the figures are there. Studies live
in the database, so every web and worker process finds the one another started. A
study that failed, or whose worker died (found by the next start or the next worker
start: its process is gone, or silent for WHATIF_STALE_SECONDS), is started again on
the next visit; a changed market has another fingerprint, hence another study. At most
WHATIF_MAX_RUNNING studies are queued or computing at once: more are refused (429).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict
from datetime import timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from market.accounts.access import require_coordinator
from market.accounts.models import User
from market.common.errors import NotFound, ServiceError
from market.common.lifecycle import may_become
from market.common.transaction import begin_write, rows_changed
from market.common.types import utcnow
from market.extensions import db
from market.matching.lock import owner_gone, worker_id
from market.whatif import services
from market.whatif.models import StudyStatus, WhatIfStudy
from market.whatif.snapshot import Snapshot, snapshot

log = logging.getLogger(__name__)
MONEY_FIELDS = ("total_price", "total_transport_cost", "total_cost")
TIER_MAPS = ("units_by_tier", "fill_rate_by_tier")
ACTIVE = (StudyStatus.QUEUED, StudyStatus.RUNNING)
INTERRUPTED = "Interrupted: the worker {worker} computing it stopped."


class TooManyStudies(ServiceError):
    """As many studies as WHATIF_MAX_RUNNING are computing already (429)."""

    status = 429


def study_key(digest: str, current: services.Knobs, knobs: services.Knobs) -> str:
    """Return the key of a study: the snapshot's digest and both sets of knobs."""
    text = json.dumps({"snapshot": digest, "current": asdict(current), "edited": asdict(knobs)},
                      sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def open_study(actor: User | None, edits: dict[str, Any] | None = None) -> WhatIfStudy:
    """Return the study of the current market with these knobs, starting it when needed."""
    current = services.current_knobs(actor)  # coordinators only, before looking at the input
    knobs = services.check_knobs(current, edits or {})
    snap = snapshot()
    key = study_key(snap.digest, current, knobs)
    reap_interrupted()
    study = db.session.scalar(sa.select(WhatIfStudy).where(WhatIfStudy.key == key))
    if study is None:
        _check_capacity()
        study, started = _create(key, snap, current, knobs)
    elif _abandoned(study):
        _check_capacity()
        started = _restart(study)
    else:
        started = False
    if started:
        _launch(study.id)
        db.session.refresh(study)
    return study


def _check_capacity() -> None:
    """Refuse (429) a new study while WHATIF_MAX_RUNNING of them are queued or computing."""
    limit = int(current_app.config.get("WHATIF_MAX_RUNNING", 2))
    busy = db.session.scalar(
        sa.select(sa.func.count()).select_from(WhatIfStudy).where(WhatIfStudy.status.in_(ACTIVE))
    )
    if (busy or 0) >= limit:
        raise TooManyStudies(_(
            "%(n)s what-if studies are being computed already, the most at once; "
            "please try again in a minute.", n=busy))


def reap_interrupted() -> list[int]:
    """End as `failed` ("interrupted") the studies whose worker died; return their ids.

    The next visit starts them again. A queued study that no worker took within
    WHATIF_STALE_SECONDS counts as interrupted too.
    """
    limit = int(current_app.config["WHATIF_STALE_SECONDS"])
    ended = []
    for study in db.session.scalars(
        sa.select(WhatIfStudy).where(WhatIfStudy.status.in_(ACTIVE))
    ).all():
        if study.status == StudyStatus.RUNNING and study.worker:
            gone = owner_gone(study.worker, study.started_at, limit)
        elif study.status == StudyStatus.RUNNING:
            gone = utcnow() - (study.started_at or study.created_at) > timedelta(seconds=limit)
        else:
            gone = utcnow() - study.created_at > timedelta(seconds=limit)
        if gone:
            ended.append(study.id)
            db.session.execute(
                sa.update(WhatIfStudy)
                .where(WhatIfStudy.id == study.id, WhatIfStudy.status == study.status)
                .values(status=StudyStatus.FAILED, finished_at=utcnow(),
                        error=INTERRUPTED.format(worker=study.worker or "-"))
                .execution_options(synchronize_session=False))
    db.session.commit()
    return ended


def get_study(actor: User | None, study_id: int) -> WhatIfStudy:
    """Return one study (coordinators only)."""
    require_coordinator(actor)
    study = db.session.get(WhatIfStudy, study_id)
    if study is None:
        raise NotFound(_("No what-if study %(id)s.", id=study_id))
    return study


def _create(key: str, snap: Snapshot, current: services.Knobs,
            knobs: services.Knobs) -> tuple[WhatIfStudy, bool]:
    # Studies of another snapshot can never be shown again: clear the finished ones.
    db.session.execute(sa.delete(WhatIfStudy).where(
        WhatIfStudy.snapshot != snap.digest,
        WhatIfStudy.status.in_((StudyStatus.DONE, StudyStatus.FAILED))))
    study = WhatIfStudy(key=key, snapshot=snap.digest, status=StudyStatus.QUEUED,
                        needs=snap.needs, lots=snap.lots, knobs={"current": asdict(current),
                                               "edited": asdict(knobs)})
    db.session.add(study)
    try:
        db.session.commit()
    except IntegrityError:  # another worker started the same study a moment ago
        db.session.rollback()
        return db.session.scalars(sa.select(WhatIfStudy).where(WhatIfStudy.key == key)).one(), \
            False
    return study, True


def _abandoned(study: WhatIfStudy) -> bool:
    return study.status == StudyStatus.FAILED


def _restart(study: WhatIfStudy) -> bool:
    """Queue a failed or abandoned study again, unless another worker just did."""
    claimed = rows_changed(db.session.execute(
        sa.update(WhatIfStudy)
        .where(WhatIfStudy.id == study.id, WhatIfStudy.status == study.status,
               WhatIfStudy.created_at == study.created_at,
               may_become(WhatIfStudy.status, StudyStatus.QUEUED))
        .values(status=StudyStatus.QUEUED, error=None, result=None, created_at=utcnow(),
                started_at=None, finished_at=None)
        .execution_options(synchronize_session=False)
    ))
    db.session.commit()
    return claimed == 1


def _launch(study_id: int) -> None:
    """Queue the study for the worker (in immediate mode, the tests, it is computed now)."""
    from market.whatif.tasks import compute_study

    compute_study(study_id)
    log.info("what-if study %s queued", study_id)


def run_study(study_id: int) -> str | None:
    """Compute a queued study and store its figures, or its error if it fails.

    Return the study's final status ("done" or "failed"), or None when no study of that
    id was queued (another process took it, or there is no such study).
    """
    begin_write()  # SQLite: wait for the write lock rather than fail to upgrade a read
    claimed = rows_changed(db.session.execute(
        sa.update(WhatIfStudy)
        .where(WhatIfStudy.id == study_id, WhatIfStudy.status == StudyStatus.QUEUED)
        .values(status=StudyStatus.RUNNING, started_at=utcnow(), worker=worker_id())
        .execution_options(synchronize_session=False)
    ))
    db.session.commit()
    if claimed != 1:
        return None
    study = db.session.get(WhatIfStudy, study_id, populate_existing=True)
    if study is None:
        return None
    current, knobs = (services.Knobs(**study.knobs[k]) for k in ("current", "edited"))
    try:
        answer = services.compute(current, knobs, _known_answer(study))
        values: dict[str, Any] = {"status": StudyStatus.DONE, "result": to_json(answer)}
    except Exception as exc:  # a study must end, whatever went wrong; the page shows why
        log.exception("what-if study %s failed", study_id)
        db.session.rollback()
        values = {"status": StudyStatus.FAILED, "error": f"{type(exc).__name__}: {exc}"[:2000]}
    begin_write()  # the computation read the snapshot: end that read, then write
    ended = rows_changed(db.session.execute(
        sa.update(WhatIfStudy)
        .where(WhatIfStudy.id == study_id, may_become(WhatIfStudy.status, values["status"]))
        .values(finished_at=utcnow(), **values).execution_options(synchronize_session=False)
    ))
    db.session.commit()
    if ended != 1:  # ended meanwhile (reaped as interrupted): its status stands
        return db.session.scalar(sa.select(WhatIfStudy.status).where(WhatIfStudy.id == study_id))
    return str(values["status"])


def _known_answer(study: WhatIfStudy) -> dict[str, Any] | None:
    """The answer of a finished study of the same snapshot and current knobs, if any.

    Only the edited knobs differ between such studies, so the strategies that do not
    depend on them (both baselines and the optimiser with the current policy) are reused.
    """
    done = db.session.scalars(
        sa.select(WhatIfStudy)
        .where(WhatIfStudy.snapshot == study.snapshot, WhatIfStudy.status == StudyStatus.DONE,
               WhatIfStudy.id != study.id)
        .order_by(WhatIfStudy.finished_at.desc())
    )
    for other in done:
        if other.knobs["current"] == study.knobs["current"] and other.result \
                and other.result["strategies"]:
            return revive(other.result)
    return None


def to_json(answer: dict[str, Any]) -> dict[str, Any]:
    """Return the answer with money as strings, storable as JSON."""
    rows = [{**row, **{k: str(row[k]) for k in MONEY_FIELDS}} for row in answer["strategies"]]
    return {**answer, "strategies": rows}


def _int_keys(mapping: dict[str, Any]) -> dict[int, Any]:
    return {int(k): v for k, v in mapping.items()}


def revive(result: dict[str, Any]) -> dict[str, Any]:
    """Return a stored answer as `services.compute` gave it: tier keys as ints, money as Decimal."""
    rows = [{**row, **{k: Decimal(row[k]) for k in MONEY_FIELDS},
             **{k: _int_keys(row[k]) for k in TIER_MAPS}} for row in result["strategies"]]
    return {**result, "demand_by_tier": _int_keys(result["demand_by_tier"]), "strategies": rows}


def study_view(study: WhatIfStudy) -> dict[str, Any]:
    """Return what the page and the API show of a study: its state, then its figures."""
    now = utcnow()
    done = study.status == StudyStatus.DONE and study.result is not None
    return {
        "study_id": study.id,
        "status": study.status,
        "is_active": study.is_active,
        "snapshot_needs": study.needs,
        "snapshot_lots": study.lots,
        "error": study.error,
        "created_at": study.created_at,
        "started_at": study.started_at,
        "finished_at": study.finished_at,
        "knobs": study.knobs["edited"],
        "waited_seconds": int((now - (study.started_at or study.created_at)).total_seconds()),
        "answer": services.labelled(revive(study.result)) if done and study.result else None,
    }
