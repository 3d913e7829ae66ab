"""Time a real matching run on the configured database, and the price of sparsifying arcs.

Fill a database first, e.g. at city scale on PostgreSQL:

    export DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_city
    .venv/bin/flask --app wsgi db upgrade && .venv/bin/flask --app wsgi seed-catalog
    .venv/bin/flask --app wsgi seed-demo --scale city
    .venv/bin/python -m bench.app_matching --nearest 20

A run is split into reading the rows, solving, building the lines and figures, and writing
(bulk inserts + commit). The sparsification part solves the same snapshot exactly and with
each need's `nearest` lots per item, and reports the loss on each objective level.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

import sqlalchemy as sa

import solver
from market import create_app
from market.common.types import utcnow
from market.extensions import db
from market.matching import runs
from market.matching.adapter import load_market
from market.matching.models import Allocation


def time_run() -> None:
    """One committed run, with its phases timed."""
    phases: dict[str, float] = {}
    real_compute = runs.compute

    def timed_compute(overrides):
        t0 = time.perf_counter()
        out = real_compute(overrides)
        phases["compute"] = time.perf_counter() - t0
        return out

    runs.compute = timed_compute
    t0 = time.perf_counter()
    run = runs.start_run(None, "manual", as_system=True)
    total = time.perf_counter() - t0
    runs.compute = real_compute
    stats = run.stats
    written = db.session.scalar(
        sa.select(sa.func.count()).select_from(Allocation).where(Allocation.run_id == run.id)
    )
    solve = stats.get("solve_seconds", 0.0)
    other = stats.get("db_seconds", 0.0)
    print(f"run {run.id} {run.status}: {stats.get('lots')} lots, {stats.get('needs')} needs, "
          f"{written} proposals written")
    print(f"  total {total:.2f} s = solver {solve:.2f} s + read rows and build lines "
          f"{other:.2f} s + write and commit {total - phases['compute']:.2f} s")


def compare_sparse(nearest: int) -> None:
    """Solve one snapshot exactly and with `nearest` lots per item; report time and loss."""
    market = load_market(runs.local_today(), utcnow())
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
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        print(f"database: {db.engine.url.render_as_string(hide_password=True)}")
        if not args.skip_run:
            time_run()
        compare_sparse(args.nearest)


if __name__ == "__main__":
    main()
