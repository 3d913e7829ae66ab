"""Every lifecycle's transitions table: complete, and enforced by the services that move it.

For each lifecycle a forbidden move is a 409 that changes nothing (status and audit
trail as before); the tables themselves let every status be reached from the status a
service creates rows in, so no status a service writes is missing from its table.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from market.accounts.models import OrgStatus
from market.allocations.models import ApprovalJob, JobStatus
from market.audit.models import AuditEntry
from market.common.errors import Conflict
from market.common.lifecycle import Status, may_become, set_status
from market.extensions import db
from market.giftpacks.models import ApplicationStatus, GiftPackApplication
from market.lots.models import LotStatus
from market.matching.models import AllocationStatus, RunStatus
from market.needs.models import NeedStatus
from market.notifications.models import Notification, NotificationStatus
from market.whatif.models import StudyStatus, WhatIfStudy

LIFECYCLES = (OrgStatus, LotStatus, NeedStatus, RunStatus, AllocationStatus, ApplicationStatus,
              NotificationStatus, StudyStatus)


def test_approval_jobs_share_the_run_lifecycle():
    assert JobStatus is RunStatus
    assert JobStatus.ACTIVE == (JobStatus.QUEUED, JobStatus.RUNNING)


@pytest.mark.parametrize("enum", LIFECYCLES, ids=lambda e: e.__name__)
def test_every_status_is_reachable_from_the_status_rows_are_created_in(enum):
    initial = next(iter(enum))
    seen, todo = {initial}, [initial]
    while todo:
        for target in todo.pop().moves:
            assert isinstance(target, enum), f"{enum.__name__} moves to a foreign {target!r}"
            if target not in seen:
                seen.add(target)
                todo.append(target)
    assert seen == set(enum)


@pytest.mark.parametrize("enum", LIFECYCLES, ids=lambda e: e.__name__)
def test_every_status_but_the_first_has_a_source(enum):
    later = list(enum)[1:]
    assert [s.value for s in later if not enum.sources(s)] == []


def _audits() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))


def _refused(call: Any, row: Any) -> str:
    """Run a service call that must be refused: 409, same status, no audit entry."""
    status, audits = row.status, _audits()
    with pytest.raises(Conflict) as refused:
        call()
    assert refused.value.status == 409
    db.session.rollback()
    db.session.expire_all()
    assert (row.status, _audits()) == (status, audits)
    return refused.value.message


def test_a_withdrawn_lot_cannot_be_listed_again(people, make_lot):
    from market.lots.services import update_lot, withdraw_lot

    lot = make_lot(people["supplier_a_org"], quantity=10)
    withdraw_lot(people["supplier_a"], lot.id)
    message = _refused(lambda: update_lot(people["supplier_a"], lot.id, {"status": "active"}), lot)
    assert lot.status == LotStatus.WITHDRAWN
    assert f"Lot {lot.id} is withdrawn" in message


def test_an_open_need_cannot_be_renewed_nor_a_fulfilled_one_cancelled(people, make_need):
    from market.needs.services import cancel_need, renew_need

    need = make_need(people["buyer_org"], quantity=5)
    _refused(lambda: renew_need(people["buyer"], need.id, None), need)
    done = make_need(people["buyer_org"], quantity=5, allocated=5, received=5, status="fulfilled")
    assert "is already fulfilled" in _refused(lambda: cancel_need(people["buyer"], done.id), done)


def test_a_need_follows_its_counters_only_through_the_table(people, make_need):
    from market.needs.services import recompute_need_status

    need = make_need(people["buyer_org"], quantity=5)
    need.allocated = 5
    assert recompute_need_status(need) == NeedStatus.ALLOCATED
    need.allocated, need.received = 5, 5
    assert recompute_need_status(need) == NeedStatus.FULFILLED
    cancelled = make_need(people["buyer_org"], quantity=5, status="cancelled")
    cancelled.allocated = 5
    assert recompute_need_status(cancelled) == NeedStatus.CANCELLED  # stays cancelled
    db.session.rollback()


def test_a_decided_filing_cannot_be_decided_again(people, make_org):
    from market.accounts.organizations import decide_filing, update_organization

    coordinator = people["coordinator"]
    org = people["buyer_org"]
    message = _refused(lambda: decide_filing(coordinator, org.id, "reject", "no"), org)
    assert "is verified, not pending" in message
    rejected = make_org(status="rejected", rejection_reason="blurred licence")
    _refused(lambda: update_organization(coordinator, rejected.id, {"status": "verified"}),
             rejected)


def test_an_assigned_application_cannot_be_withdrawn(people):
    from market.giftpacks.services import withdraw_application

    application = GiftPackApplication(organization_id=people["buyer_org"].id,
                                      status=ApplicationStatus.ASSIGNED)
    db.session.add(application)
    db.session.commit()
    message = _refused(lambda: withdraw_application(people["buyer"], application.id),
                       application)
    assert "only a waiting application can be withdrawn" in message


def test_a_failed_notification_may_be_queued_again_but_no_other(people):
    from market.notifications.failed import retry

    note = Notification(user_id=people["buyer"].id, subject="s", body="b",
                        status=NotificationStatus.SENT)
    db.session.add(note)
    db.session.commit()
    _refused(lambda: retry(people["coordinator"], note.id), note)
    # The outbox's conditional UPDATEs let through only the moves the table allows.
    send_again = (sa.update(Notification).where(Notification.id == note.id,
                                                 may_become(Notification.status,
                                                            NotificationStatus.SENDING))
                  .values(status=NotificationStatus.SENDING))
    assert db.session.execute(send_again).rowcount == 0
    db.session.rollback()


def _study(status: StudyStatus) -> WhatIfStudy:
    study = WhatIfStudy(key=f"k-{status}", snapshot="s", knobs={}, needs=0, lots=0,
                        status=status)
    db.session.add(study)
    db.session.commit()
    return study


def test_a_failed_study_is_not_overwritten_by_a_late_worker(app):
    study = _study(StudyStatus.FAILED)  # reaped as interrupted while its worker still ran
    late = (sa.update(WhatIfStudy).where(WhatIfStudy.id == study.id,
                                         may_become(WhatIfStudy.status, StudyStatus.DONE))
            .values(status=StudyStatus.DONE))
    assert db.session.execute(late).rowcount == 0
    again = (sa.update(WhatIfStudy).where(WhatIfStudy.id == study.id,
                                          may_become(WhatIfStudy.status, StudyStatus.QUEUED))
             .values(status=StudyStatus.QUEUED))
    assert db.session.execute(again).rowcount == 1
    db.session.rollback()


def _job(people, make_run, status: JobStatus) -> ApprovalJob:
    job = ApprovalJob(requested_by_id=people["coordinator"].id, run_id=make_run().id,
                      status=status, filters={})
    db.session.add(job)
    db.session.commit()
    return job


@pytest.mark.parametrize(
    ("kind", "new"),
    [("run", RunStatus.RUNNING), ("job", JobStatus.RUNNING), ("job", JobStatus.QUEUED)],
)
def test_a_finished_run_or_job_does_not_start_again(people, make_run, kind, new):
    row: Any = make_run() if kind == "run" else _job(people, make_run, JobStatus.COMPLETED)
    what = "Matching run" if kind == "run" else "Approval job"
    message = _refused(lambda: set_status(row, what, new), row)
    assert message.startswith(f"{what} {row.id} is completed, not ")


def test_a_job_ends_once(people, make_run):
    from market.allocations.jobs import _end

    job = _job(people, make_run, JobStatus.RUNNING)
    _end(job.id, None, JobStatus.COMPLETED)
    _end(job.id, None, JobStatus.FAILED, "late")  # ended already: nothing changes
    db.session.expire_all()
    assert (job.status, job.error, job.active_run_id) == (JobStatus.COMPLETED, None, None)


def test_staying_in_a_status_is_no_move(people, make_lot):
    lot = make_lot(people["supplier_a_org"])
    assert set_status(lot, "Lot", LotStatus.ACTIVE) is False
    assert set_status(lot, "Lot", LotStatus.PAUSED) is True
    assert isinstance(lot.status, Status)
    db.session.rollback()


def test_the_database_refuses_an_unknown_job_status(people, make_run):
    job = _job(people, make_run, JobStatus.QUEUED)
    table = ApprovalJob.__table__
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.update(table).where(table.c.id == job.id).values(status="bogus"))
    db.session.rollback()
