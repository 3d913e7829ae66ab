"""How a run writes: COPY on PostgreSQL writes what INSERTs write; a run is all or nothing."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from market.audit.models import AuditEntry
from market.common.types import utcnow
from market.extensions import db
from market.matching import runs
from market.matching.models import Allocation, MatchRun
from market.matching.runs import start_run
from tests.market.matching.conftest import count

on_postgres = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="COPY and pipeline mode are PostgreSQL's",
)
# Every column a proposal sets, read back as text so that the JSON is compared byte by byte.
ROW = sa.text(
    "SELECT lot_id, need_id, item_id, supplier_id, buyer_id, quantity, received_quantity,"
    " unit_price, distance_km, tier, fill_rate, reasons::text, status, decision_note,"
    " receipt_note, decided_by_id, decided_at, shipped_at, received_at, created_at"
    " FROM allocations WHERE run_id = :run ORDER BY need_id, lot_id"
)


def _statuses() -> list[str]:
    return sorted(db.session.scalars(sa.select(Allocation.status)))


@pytest.mark.postgres_only
@on_postgres
def test_copy_writes_exactly_the_rows_the_inserts_write(small_market, people, make_run):
    run = start_run(people["coordinator"])
    lines = runs.compute({}).lines
    awkward = 'Café – 50 %\ttab "quoted" back\\slash\nnew line 口罩'
    lines[0] = {**lines[0], "reasons": [*lines[0]["reasons"], awkward]}
    by_copy, by_insert = make_run(), make_run()
    now = utcnow()

    runs.copy_allocations(by_copy.id, lines, now)
    runs.insert_allocations(by_insert.id, lines, now)
    db.session.commit()

    copied = db.session.execute(ROW, {"run": by_copy.id}).all()
    inserted = db.session.execute(ROW, {"run": by_insert.id}).all()
    assert len(copied) == len(lines) == 2
    assert copied == inserted
    line = db.session.scalar(sa.select(Allocation).where(
        Allocation.run_id == by_copy.id, Allocation.need_id == lines[0]["need_id"]))
    assert line.reasons[-1] == awkward
    assert run.stats["proposals"] == 2


@pytest.mark.postgres_only
@on_postgres
def test_a_run_on_postgres_writes_by_copy(small_market, people, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("PostgreSQL runs write by COPY")

    monkeypatch.setattr(runs, "insert_allocations", refuse)
    run = start_run(people["coordinator"])

    assert run.status == "completed"
    assert count(Allocation) == 2


def test_a_line_the_database_refuses_leaves_only_a_failed_run(small_market, people, monkeypatch):
    first = start_run(people["coordinator"])
    real_lines = runs.proposal_lines

    def one_bad_line(market, result):
        lines = real_lines(market, result)
        return [*lines[:-1], {**lines[-1], "quantity": 0}]  # breaks the quantity check

    monkeypatch.setattr(runs, "proposal_lines", one_bad_line)
    failed = start_run(people["coordinator"])

    assert failed.status == "failed"
    assert "allocation_quantity_positive" in failed.error
    assert [r.status for r in db.session.scalars(sa.select(MatchRun).order_by(MatchRun.id))] == [
        "completed", "failed"]
    assert count(Allocation) == 2  # neither new line stayed, not even the good one
    assert {a.run_id for a in db.session.scalars(sa.select(Allocation))} == {first.id}
    assert _statuses() == ["proposed", "proposed"]  # the superseding was rolled back too


def test_building_lines_failing_while_superseding_rolls_back(small_market, people, monkeypatch):
    start_run(people["coordinator"])

    def boom(*_args, **_kwargs):
        raise RuntimeError("figures exploded")

    monkeypatch.setattr(runs, "run_figures", boom)
    failed = start_run(people["coordinator"])
    monkeypatch.undo()

    assert failed.status == "failed"
    assert "figures exploded" in failed.error
    assert _statuses() == ["proposed", "proposed"]
    third = start_run(people["coordinator"])  # the connection is usable again
    assert third.status == "completed"
    assert _statuses() == ["proposed", "proposed", "superseded", "superseded"]


def test_superseded_counts_are_audited(small_market, people):
    start_run(people["coordinator"])
    second = start_run(people["coordinator"])

    entry = db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.entity == "match_run", AuditEntry.entity_id == second.id))
    assert entry.after["superseded"] == {"allocations": 2, "gift_packs": 0}
