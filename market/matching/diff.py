"""What changed between the previous completed run and this one, line by line."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa

from market.extensions import db
from market.matching.models import Allocation, MatchRun

SAMPLE = 20  # lines of each kind kept on the run for the page; the counts are exact


def previous_run_id(before_id: int | None = None) -> int | None:
    """The latest completed, non-dry run (older than `before_id` when given)."""
    stmt = sa.select(MatchRun.id).where(MatchRun.status == "completed",
                                        MatchRun.dry_run.is_(False))
    if before_id is not None:
        stmt = stmt.where(MatchRun.id < before_id)
    return db.session.scalar(stmt.order_by(MatchRun.id.desc()).limit(1))


def _lines_of_run(run_id: int) -> dict[tuple[int, int], int]:
    stmt = sa.select(Allocation.lot_id, Allocation.need_id, Allocation.quantity).where(
        Allocation.run_id == run_id
    )
    lines: dict[tuple[int, int], int] = defaultdict(int)
    for lot_id, need_id, qty in db.session.execute(stmt):
        lines[(lot_id, need_id)] += int(qty)
    return dict(lines)


def compare(previous: dict[tuple[int, int], int], current: dict[tuple[int, int], int]) -> dict:
    """Count and sample the new, dropped and changed (lot, need) lines."""
    new = sorted(k for k in current if k not in previous)
    dropped = sorted(k for k in previous if k not in current)
    changed = sorted(k for k in current if k in previous and current[k] != previous[k])
    return {
        "new": len(new), "dropped": len(dropped), "changed": len(changed),
        "unchanged": len(current) - len(new) - len(changed),
        "new_lines": [_line(k, None, current[k]) for k in new[:SAMPLE]],
        "dropped_lines": [_line(k, previous[k], None) for k in dropped[:SAMPLE]],
        "changed_lines": [_line(k, previous[k], current[k]) for k in changed[:SAMPLE]],
    }


def _line(key: tuple[int, int], before: int | None, after: int | None) -> dict[str, Any]:
    return {"lot_id": key[0], "need_id": key[1], "before": before, "after": after}


def previous_lines() -> tuple[int | None, dict[tuple[int, int], int]]:
    """The previous completed run's id and its units per (lot, need); (None, {}) if none."""
    prev = previous_run_id()
    return prev, (_lines_of_run(prev) if prev is not None else {})


def previous_pairs() -> list[tuple[int, int]]:
    """The (lot, need) pairs of the previous completed run's lines: the solver's hint."""
    prev = previous_run_id()
    return list(_lines_of_run(prev)) if prev is not None else []


def changes_against(
    previous: tuple[int | None, dict[tuple[int, int], int]], lines: list[dict[str, Any]]
) -> dict[str, Any]:
    """The changes of new proposal lines against previous_lines() read before."""
    current: dict[tuple[int, int], int] = defaultdict(int)
    for line in lines:
        current[(line["lot_id"], line["need_id"])] += line["quantity"]
    prev, before = previous
    return {"previous_run_id": prev, **compare(before, dict(current))}

