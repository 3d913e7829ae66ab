"""Time a real matching run on the configured database, and the price of sparsifying arcs.

Fill a database first, e.g. at city scale on PostgreSQL:

    export DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_city
    .venv/bin/flask --app wsgi db upgrade && .venv/bin/flask --app wsgi seed-catalog
    .venv/bin/flask --app wsgi seed-demo --scale city
    .venv/bin/python -m bench.app_matching --nearest 20 --vacuum

One committed run is timed phase by phase, each phase with the steps inside it: read rows
(stale needs, the market, the solver's records), solver (allocate, gift packs), build
lines and figures (proposal lines with their reasons, run figures), write and commit (the
previous run's lines, the changes, superseding the old proposals, COPY or INSERT of the new
lines, gift packs, pins, then the run row, audit entry and commit). `--vacuum` first
vacuums the tables a run rewrites, as autovacuum would between runs. The sparsification
part solves the same snapshot exactly and with each need's `nearest` lots per item, and
reports the loss on each objective level.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import sqlalchemy as sa

import solver
from market import create_app
from market.common.display import district_today
from market.common.types import utcnow
from market.extensions import db
from market.matching import runs
from market.matching.adapter import Market, load_market
from market.matching.models import Allocation

# Where each phase of a run lives: (module, attribute, phase, step). The steps are timed by
# wrapping these attributes for one run; what no step covers (the run row, the audit entry,
# the lock, the commit) is reported as "commit and the rest". On PostgreSQL the old lines
# are superseded while the new ones are built: that step counts only the wait after them.
STEPS = (
    (runs, "_expire_stale_needs", "read rows", "expire stale needs"),
    (runs, "load_market", "read rows", "load market"),
    (runs, "previous_pairs", "read rows", "last run's pairs (the solver's hint)"),
    (Market, "solver_lots", "read rows", "solver lots"),
    (Market, "solver_needs", "read rows", "solver needs"),
    (solver, "allocate", "solver", "allocate"),
    (runs, "_assign_packs", "solver", "gift packs"),
    (runs, "proposal_lines", "build lines and figures", "proposal lines"),
    (runs, "run_figures", "build lines and figures", "figures"),
    (runs, "previous_lines", "write and commit", "read previous lines"),
    (runs, "changes_against", "write and commit", "compare lines"),
    (runs, "superseding_proposals", "write and commit", "wait for superseding"),
    (runs, "_insert_allocations", "write and commit", "insert allocations"),
    (runs, "_insert_packs", "write and commit", "insert gift packs"),
    (runs, "_consume_pins", "write and commit", "consume pins"),
)


def _timed(func: Callable[..., Any], spent: dict[str, float], step: str) -> Callable[..., Any]:
    """Wrap func so that its wall time is added to spent[step]."""
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            spent[step] = spent.get(step, 0.0) + time.perf_counter() - t0
    return wrapper


def _timed_waiting(func: Callable[..., Any], spent: dict[str, float],
                   step: str) -> Callable[..., Any]:
    """Wrap a context manager so that its set-up and its exit (not its block) count in step."""
    @contextmanager
    def wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
        t0 = time.perf_counter()
        with func(*args, **kwargs) as value:
            spent[step] = spent.get(step, 0.0) + time.perf_counter() - t0
            yield value
            t0 = time.perf_counter()
        spent[step] += time.perf_counter() - t0
    return wrapper


def _run_with_timed_steps() -> tuple[Any, float, dict[str, float]]:
    """Start one committed run with every step of STEPS timed; restore them afterwards."""
    spent: dict[str, float] = {}
    saved = [(module, name, getattr(module, name)) for module, name, _, _ in STEPS]
    for (module, name, _, step), (_, _, func) in zip(STEPS, saved, strict=True):
        wrap = _timed_waiting if name == "superseding_proposals" else _timed
        setattr(module, name, wrap(func, spent, step))
    try:
        t0 = time.perf_counter()
        run = runs.run_now(None, "manual", as_system=True)
        total = time.perf_counter() - t0
    finally:
        for module, name, func in saved:
            setattr(module, name, func)
    return run, total, spent


def time_run() -> None:
    """One committed run, with its phases (and the steps inside them) timed."""
    seen: dict[str, Any] = {}
    real = solver.allocate

    def noting(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        seen["hint"], seen["note"] = len(kwargs.get("hint", ())), result.stats.note
        return result

    solver.allocate = noting
    try:
        run, total, spent = _run_with_timed_steps()
    finally:
        solver.allocate = real
    written = db.session.scalar(
        sa.select(sa.func.count()).select_from(Allocation).where(Allocation.run_id == run.id)
    )
    stats = run.stats or {}
    print(f"run {run.id} {run.status}: {stats.get('lots')} lots, {stats.get('needs')} needs, "
          f"{written} proposals written")
    print(f"  solver: hint of {seen.get('hint')} pairs (the last run's lines); {seen.get('note')}")
    phases: dict[str, list[tuple[str, float]]] = {}
    for _, _, phase, step in STEPS:
        phases.setdefault(phase, []).append((step, spent.get(step, 0.0)))
    rest = total - sum(spent.values())
    phases["write and commit"].append(("commit and the rest", rest))
    print(f"  total {total:.2f} s, of which not the solver "
          f"{total - sum(s for _, s in phases['solver']):.2f} s")
    for phase, steps in phases.items():
        print(f"  {phase:<24} {sum(s for _, s in steps):7.2f} s  " + ", ".join(
            f"{step} {seconds:.2f}" for step, seconds in steps))


def vacuum_allocations() -> None:
    """VACUUM (ANALYZE) the tables a run rewrites (PostgreSQL), as autovacuum would.

    Each run supersedes the previous run's lines, leaving as many dead row versions behind;
    without autovacuum they pile up run after run and slow the next run's writes.
    """
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in ("allocations", "gift_packs", "gift_pack_components"):
            connection.execute(sa.text(f"VACUUM (ANALYZE) {table}"))


def compare_sparse(nearest: int) -> None:
    """Solve one snapshot exactly and with `nearest` lots per item; report time and loss."""
    market = load_market(district_today(), utcnow())
    lots, needs = market.solver_lots(), market.solver_needs()
    results = {}
    for label, policy in (("exact", market.policy),
                          (f"nearest {nearest}", replace(market.policy, nearest=nearest))):
        t0 = time.perf_counter()
        results[label] = (solver.allocate(lots, needs, policy), time.perf_counter() - t0)
    exact, t_exact = results["exact"]
    sparse, t_sparse = results[f"nearest {nearest}"]
    print(f"exact: {exact.stats.arcs} arcs, {t_exact:.2f} s; nearest {nearest}: "
          f"{sparse.stats.arcs} arcs, {t_sparse:.2f} s (speed-up {t_exact / t_sparse:.1f}x)")
    for tier in (1, 2, 3, 4):
        e, s = exact.stats.units_by_tier[tier], sparse.stats.units_by_tier[tier]
        loss = (e - s) / e * 100 if e else 0.0
        print(f"  tier {tier}: exact {e} units, sparse {s} ({loss:.2f} % fewer)")
    fe, fs = exact.stats.fairness_worth, sparse.stats.fairness_worth
    print(f"  fairness worth: exact {fe}, sparse {fs} ({(fe - fs) / fe * 100:.3f} % lower)")
    ce, cs = exact.stats.total_cost, sparse.stats.total_cost
    print(f"  cost: exact {ce:.2f}, sparse {cs:.2f}")


def main() -> None:
    """Parse the arguments and run the measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nearest", type=int, default=20)
    parser.add_argument("--skip-run", action="store_true", help="only the sparsification")
    parser.add_argument("--skip-sparse", action="store_true", help="only the timed run")
    parser.add_argument("--vacuum", action="store_true",
                        help="VACUUM (ANALYZE) the tables a run rewrites before the run")
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        print(f"database: {db.engine.url.render_as_string(hide_password=True)}")
        if not args.skip_run:
            if args.vacuum:
                vacuum_allocations()
            time_run()
        if not args.skip_sparse:
            compare_sparse(args.nearest)


if __name__ == "__main__":
    main()
