"""Matching runs: queued at once, then read, solved and written (one transaction) by a worker."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.exc import IntegrityError

import solver
from market.accounts.access import require_coordinator
from market.accounts.models import User
from market.audit.services import record
from market.common.display import district_today
from market.common.errors import Conflict, NotFound
from market.common.lifecycle import set_status
from market.common.pagination import paginate
from market.common.rows import fetch
from market.common.transaction import begin_write, is_postgres, rows_changed
from market.common.types import utcnow
from market.extensions import db
from market.giftpacks.models import GiftPack, GiftPackComponent
from market.i18n import language_of
from market.matching.adapter import Market, load_market
from market.matching.diff import changes_against, previous_lines, previous_pairs
from market.matching.figures import proposal_lines, run_figures
from market.matching.knobs import KNOB_DEFAULTS
from market.matching.lock import busy_message, owner_gone, run_lock, stale_seconds, worker_id
from market.matching.models import (
    Allocation,
    AllocationStatus,
    MatchConstraint,
    MatchRun,
    RunStatus,
)

log = logging.getLogger("market.matching")
INSERT_CHUNK = 5000
MATCH_RUN = _l("Matching run")
PHASE_WORDS = {"reading": _l("reading"), "solving": _l("solving"), "writing": _l("writing")}
# The columns of a proposal line that are written as they are (see figures.proposal_lines).
LINE_COLUMNS = ("lot_id", "need_id", "item_id", "supplier_id", "buyer_id", "quantity",
                "unit_price", "distance_km", "tier", "fill_rate")


@dataclass
class Computation:
    """What a run computed, before anything is written."""

    market: Market
    lines: list[dict[str, Any]]
    packs: list[dict[str, Any]]
    stats: dict[str, Any] = field(default_factory=dict)


def start_run(
    actor: User | None,
    trigger: str = "manual",
    dry_run: bool = False,
    policy: dict[str, Any] | None = None,
    *,
    as_system: bool = False,
) -> MatchRun:
    """Queue a matching run (a dry run writes nothing) for the worker; 409 when one is under way.

    The run row is committed `queued` at once, then the worker's task computes it; the
    caller answers without waiting (in immediate mode, the tests, the task has already
    run when this returns). `actor` None is the system (the schedule, or `as_system`).
    """
    from market.matching.tasks import run_matching

    run = create_run(actor, trigger, dry_run, policy, as_system=as_system)
    run_matching(run.id)
    return fetch(MatchRun, run.id, populate_existing=True)


def run_now(actor: User | None, trigger: str = "manual", dry_run: bool = False,
            policy: dict[str, Any] | None = None, *, as_system: bool = False) -> MatchRun:
    """Create a run and compute it in this process, under the same lock (the command line)."""
    run = create_run(actor, trigger, dry_run, policy, as_system=as_system)
    return execute_run(run.id) or fetch(MatchRun, run.id, populate_existing=True)


def create_run(actor: User | None, trigger: str, dry_run: bool = False,
               policy: dict[str, Any] | None = None, *, as_system: bool = False) -> MatchRun:
    """Commit a `queued` run; 409 (nothing written) when another run is queued or running.

    Runs whose worker died are ended first, so a crash never blocks the next run.
    """
    if actor is not None or not (as_system or trigger == "schedule"):
        actor = require_coordinator(actor)
    overrides = {k: v for k, v in (policy or {}).items() if k in KNOB_DEFAULTS}
    reap_interrupted()
    run = MatchRun(trigger=trigger, status=RunStatus.QUEUED, active=True, dry_run=dry_run,
                   started_at=utcnow(), started_by_id=actor.id if actor else None,
                   policy=overrides)
    db.session.add(run)
    try:
        db.session.commit()
    except IntegrityError:  # the one active run exists already
        db.session.rollback()
        raise Conflict(busy_message()) from None
    return run


def execute_run(run_id: int) -> MatchRun | None:
    """Compute a queued run: reading → solving → writing, then `completed` or `failed`.

    The writes happen in one transaction, so a run that fails (or whose process dies)
    leaves nothing half-written. Returns None when the run was not queued (another
    worker took it, or it was ended as interrupted meanwhile).
    """
    if not _claim(run_id):
        return None
    run = fetch(MatchRun, run_id, populate_existing=True)
    actor, overrides = run.started_by, dict(run.policy or {})
    try:
        with run_lock():
            if run.dry_run:
                _preview(run, overrides)
            else:
                _execute(run, actor, overrides)
    except Exception as exc:
        db.session.rollback()
        log.exception("matching run %s failed", run_id)
        _end_failed(run_id, actor, f"{type(exc).__name__}: {exc}")
    else:
        log.info("matching run %s %s: %s", run.id, run.status, summary(run.stats))
    return db.session.get(MatchRun, run_id, populate_existing=True)


def _claim(run_id: int) -> bool:
    begin_write()  # wait for the write lock rather than fail to upgrade a read (SQLite)
    claimed = rows_changed(db.session.execute(
        sa.update(MatchRun).where(MatchRun.id == run_id, MatchRun.status == RunStatus.QUEUED)
        .values(status=RunStatus.RUNNING, phase="reading", worker=worker_id(),
                heartbeat_at=utcnow(), started_at=utcnow())
        .execution_options(synchronize_session=False)
    ))
    db.session.commit()
    return claimed == 1


def set_phase(run: MatchRun, phase: str) -> None:
    """Record the run's phase (and a sign of life) in a transaction of its own.

    The read transaction that loaded the market ends first and the write waits for the
    lock: on SQLite a read transaction cannot upgrade to a write while another worker
    writes ("database is locked" at once, whatever the busy timeout).
    """
    begin_write()
    run.phase, run.heartbeat_at = phase, utcnow()
    db.session.commit()


def _end_failed(run_id: int, actor: User | None, error: str) -> None:
    begin_write()  # read and write under the write lock (SQLite cannot upgrade a read)
    run = db.session.get(MatchRun, run_id, populate_existing=True)
    if run is None or run.status not in RunStatus.ACTIVE:
        return
    set_status(run, MATCH_RUN, RunStatus.FAILED)
    run.active, run.phase = None, None
    run.finished_at, run.error = utcnow(), error[:2000]
    record(actor, "match_run.failed", "match_run", run.id, None, {"error": run.error})
    db.session.commit()


def reap_interrupted() -> list[int]:
    """End as `failed` ("interrupted") every run whose worker died; return their ids.

    A running run is interrupted when its worker process is gone (or silent for
    MATCH_LOCK_STALE_SECONDS on another machine); a queued run when no worker took it
    in that time. Its writes were one transaction that died with the process.
    """
    limit = stale_seconds()
    ended = []
    for run in db.session.scalars(
        sa.select(MatchRun).where(MatchRun.status.in_(RunStatus.ACTIVE))
    ).all():
        if run.status == RunStatus.RUNNING:
            gone = owner_gone(run.worker, run.heartbeat_at, limit)
        else:
            gone = utcnow() - run.started_at > timedelta(seconds=limit)
        if gone:
            log.warning("matching run %s was interrupted (worker %s)", run.id, run.worker)
            with language_of(run.started_by):  # read by whoever started it
                error = _("Interrupted: the worker %(worker)s stopped during the %(phase)s "
                          "phase; nothing of this run was written.", worker=run.worker or "-",
                          phase=PHASE_WORDS.get(run.phase or "", run.status))
            _end_failed(run.id, None, error)
            ended.append(run.id)
    db.session.commit()
    return ended


def summary(stats: dict[str, Any]) -> str:
    """One line of a run's main figures, for logs and the command line."""
    keys = ("lots", "needs", "proposals", "units_proposed", "units_demanded", "units_available",
            "fill_rate", "lowest_fill_rate", "gini", "cost", "gift_packs", "solve_seconds")
    return ", ".join(f"{k}={stats[k]}" for k in keys if k in stats)


def _expire_stale_needs() -> int:
    try:
        from market.needs.services import expire_stale_needs
    except ImportError:
        return 0  # the run's query skips past needed-by dates anyway
    return expire_stale_needs(district_today(), commit=False)


@dataclass
class Solution:
    """The market a run read and the solver's answer, before any line is built."""

    market: Market
    result: Any
    packs: list[dict[str, Any]]
    read_seconds: float
    solve_seconds: float


def solve(overrides: dict[str, Any]) -> Solution:
    """Read the market and solve it (allocations and gift packs)."""
    t0 = time.perf_counter()
    market = load_market(district_today(), utcnow(), overrides)
    hint = previous_pairs()
    return _solve(market, hint, time.perf_counter() - t0)


def _solve(market: Market, hint: list[tuple[int, int]], read_seconds: float) -> Solution:
    """Solve a market read into memory: allocations, then gift packs.

    The previous run's (lot, need) pairs are the solver's hint: a market that changed
    little since then is solved in fewer pricing rounds, to the same optimum.
    """
    t1 = time.perf_counter()
    result = solver.allocate(market.solver_lots(), market.solver_needs(), market.policy,
                             hint=hint)
    packs = _assign_packs(market)
    return Solution(market=market, result=result, packs=packs, read_seconds=read_seconds,
                    solve_seconds=time.perf_counter() - t1)


def build(solution: Solution) -> Computation:
    """Turn a solution into proposal lines and the run's figures (no database access)."""
    t0 = time.perf_counter()
    market, result = solution.market, solution.result
    lines = proposal_lines(market, result)
    stats = run_figures(market, result, lines)
    stats["gift_packs"] = len(solution.packs)
    stats["solve_seconds"] = round(solution.solve_seconds, 3)
    stats["db_seconds"] = round(time.perf_counter() - t0 + solution.read_seconds, 3)
    return Computation(market=market, lines=lines, packs=solution.packs, stats=stats)


def compute(overrides: dict[str, Any]) -> Computation:
    """Read the market and solve it: proposal lines, gift packs and figures."""
    return build(solve(overrides))


def _assign_packs(market: Market) -> list[dict[str, Any]]:
    assign = getattr(solver, "assign_gift_packs", None)
    if assign is None or not (market.donated and market.templates and market.applicants):
        return []
    result = assign(
        market.templates, market.solver_donated(), market.applicants, market.policy
    )
    return [
        {
            "template_id": pack.template_id,
            "application_id": pack.applicant_id,
            "organization_id": market.applicant_orgs[pack.applicant_id],
            "components": [
                {"lot_id": lot_id, "item_id": market.donated[lot_id].item_id, "sku": sku,
                 "quantity": int(qty)}
                for lot_id, sku, qty in pack.components
            ],
        }
        for pack in result.packs
    ]


def _policy_record(market: Market) -> dict[str, Any]:
    return {**market.knobs, "caps": len(market.policy.caps),
            "pinned": len(market.policy.pinned), "excluded": len(market.policy.excluded)}


def _read_and_solve(run: MatchRun, overrides: dict) -> Solution:
    """Read the market, then solve it in memory, recording each phase on the run."""
    t0 = time.perf_counter()
    market = load_market(district_today(), utcnow(), overrides)
    hint = previous_pairs()
    read_seconds = time.perf_counter() - t0
    set_phase(run, "solving")  # also ends the read transaction: the market is in memory
    return _solve(market, hint, read_seconds)


def _execute(run: MatchRun, actor: User | None, overrides: dict) -> None:
    solution = _read_and_solve(run, overrides)
    market, read_seconds = solution.market, solution.read_seconds
    set_phase(run, "writing")
    t2 = time.perf_counter()
    begin_write()  # one transaction from here: all of it, or nothing
    expired = _expire_stale_needs()
    previous = previous_lines()
    with superseding_proposals() as superseded:
        comp = build(solution)  # on PostgreSQL, while the database supersedes the old lines
    run.changes = changes_against(previous, comp.lines)
    _insert_allocations(run.id, comp.lines)
    _insert_packs(run.id, comp.packs)
    pins_used = _consume_pins()
    run.policy = _policy_record(market)
    run.stats = {**comp.stats, "db_seconds": round(read_seconds + time.perf_counter() - t2, 3)}
    _complete(run)
    record(actor, "match_run.completed", "match_run", run.id, None, {
        "trigger": run.trigger, **{k: run.stats[k] for k in ("proposals", "units_proposed",
                                                              "fill_rate", "gift_packs")},
        "superseded": superseded, "pins_used": pins_used, "needs_expired": expired,
    })
    db.session.commit()


def _complete(run: MatchRun) -> None:
    set_status(run, MATCH_RUN, RunStatus.COMPLETED)
    run.active, run.phase, run.finished_at = None, None, utcnow()


def on_psycopg() -> bool:
    """Tell whether the database is PostgreSQL through psycopg 3 (COPY and pipeline mode)."""
    return is_postgres() and db.engine.dialect.driver == "psycopg"


def _supersede_statements() -> list[tuple[str, sa.Update]]:
    return [
        (name, sa.update(model).where(model.status == AllocationStatus.PROPOSED)
         .values(status=AllocationStatus.SUPERSEDED)
         .execution_options(synchronize_session=False))
        for model, name in ((Allocation, "allocations"), (GiftPack, "gift_packs"))
    ]


@contextmanager
def superseding_proposals() -> Iterator[dict[str, int]]:
    """Mark every proposed allocation and gift pack superseded; yield the counts (set at exit).

    On PostgreSQL the UPDATEs are sent in pipeline mode before the block and their results
    read after it, so the database rewrites the old lines while Python runs the block,
    which therefore must not use the database. Elsewhere they simply run before the block.
    Either way they belong to the run's transaction.
    """
    done: dict[str, int] = {}
    if not on_psycopg():
        for name, statement in _supersede_statements():
            done[name] = rows_changed(db.session.execute(statement))
        yield done
        return
    connection = db.session.connection()
    driver: Any = connection.connection.driver_connection  # psycopg's, untyped here
    sent = [(name, statement.compile(dialect=connection.dialect), driver.cursor())
            for name, statement in _supersede_statements()]
    try:
        with driver.pipeline():
            for _name, compiled, cursor in sent:
                cursor.execute(str(compiled), compiled.params)
            yield done
        done.update((name, cursor.rowcount) for name, _compiled, cursor in sent)
    finally:
        for _name, _compiled, cursor in sent:
            cursor.close()


def _insert_allocations(run_id: int, lines: list[dict[str, Any]]) -> None:
    """Write the run's proposal lines: COPY on PostgreSQL (psycopg 3), bulk INSERTs elsewhere."""
    if on_psycopg():
        copy_allocations(run_id, lines, utcnow())
    else:
        insert_allocations(run_id, lines, utcnow())


def insert_allocations(run_id: int, lines: list[dict[str, Any]], now: datetime) -> None:
    """Write proposal lines with bulk INSERTs (executemany), in the session's transaction."""
    rows = [{**line, "run_id": run_id, "status": AllocationStatus.PROPOSED.value,
             "created_at": now} for line in lines]
    for start in range(0, len(rows), INSERT_CHUNK):
        db.session.execute(sa.insert(Allocation), rows[start:start + INSERT_CHUNK])


def copy_allocations(run_id: int, lines: list[dict[str, Any]], now: datetime) -> None:
    """Write proposal lines with one PostgreSQL COPY, in the session's transaction.

    The same rows as insert_allocations, several times faster: no statement per row. JSON
    goes through psycopg's Json, as SQLAlchemy sends it, so the stored text is identical.
    """
    from psycopg import sql  # PostgreSQL only
    from psycopg.types.json import Json

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(Allocation.__tablename__),
        sql.SQL(", ").join(map(sql.Identifier, (*LINE_COLUMNS, "reasons", "run_id", "status",
                                                "created_at"))))
    driver: Any = db.session.connection().connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for line in lines:
            copy.write_row([*map(line.__getitem__, LINE_COLUMNS), Json(line["reasons"]),
                            run_id, AllocationStatus.PROPOSED.value, now])


def _insert_packs(run_id: int, packs: list[dict[str, Any]]) -> None:
    """Write the proposed gift packs, then their components, each in one bulk INSERT."""
    if not packs:
        return
    rows = [{"run_id": run_id, "template_id": p["template_id"],
             "status": AllocationStatus.PROPOSED.value,
             "application_id": p["application_id"], "organization_id": p["organization_id"]}
            for p in packs]
    ids = db.session.scalars(
        sa.insert(GiftPack).returning(GiftPack.id, sort_by_parameter_order=True), rows
    ).all()
    components = [{"pack_id": pack_id, "lot_id": c["lot_id"], "item_id": c["item_id"],
                   "quantity": c["quantity"]}
                  for pack_id, pack in zip(ids, packs, strict=True) for c in pack["components"]]
    if components:
        db.session.execute(sa.insert(GiftPackComponent), components)


def _consume_pins() -> int:
    # A pin keeps its line in the next run only; the coordinator then approves it.
    return rows_changed(db.session.execute(
        sa.delete(MatchConstraint).where(MatchConstraint.kind == "pin")
        .execution_options(synchronize_session=False)
    ))


def _preview(run: MatchRun, overrides: dict[str, Any]) -> None:
    """Compute the run and record its figures and changes; no line is written."""
    solution = _read_and_solve(run, overrides)
    set_phase(run, "writing")
    begin_write()  # the figures are written after reading the previous lines
    comp = build(solution)
    run.changes = changes_against(previous_lines(), comp.lines)
    run.policy, run.stats = _policy_record(comp.market), comp.stats
    _complete(run)
    db.session.commit()


def list_runs(actor: User | None, page: int = 1, per_page: int = 50) -> Pagination:
    """Runs, newest first (coordinators only)."""
    require_coordinator(actor)
    stmt = sa.select(MatchRun).order_by(MatchRun.started_at.desc(), MatchRun.id.desc())
    return paginate(stmt, page, per_page)


def get_run(actor: User | None, run_id: int) -> MatchRun:
    """One run with its figures (coordinators only)."""
    require_coordinator(actor)
    run = db.session.get(MatchRun, run_id)
    if run is None:
        raise NotFound(_("Matching run %(id)s not found.", id=run_id))
    return run


def run_lines(actor: User | None, run_id: int, page: int = 1, per_page: int = 50) -> Pagination:
    """The allocation lines a run proposed, by tier, with their companies and items."""
    run = get_run(actor, run_id)
    stmt = (
        sa.select(Allocation).where(Allocation.run_id == run.id)
        .options(so.joinedload(Allocation.item), so.joinedload(Allocation.supplier),
                 so.joinedload(Allocation.buyer))
        .order_by(Allocation.tier, Allocation.need_id, Allocation.id)
    )
    return paginate(stmt, page, per_page)
