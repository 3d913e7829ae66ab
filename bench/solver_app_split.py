"""Old exact (stacked) against new exact (split) on the configured database's market snapshot.

Usage (after `seed-demo --scale city`, see bench/README.md):

    DATABASE_URL=... .venv/bin/python -m bench.solver_app_split [--runs 1] [--exclude 200]
        [--changes 0.01 0.05] [--no-stacked]

Reads the snapshot a matching run would read, then times `allocate` with
method="split", "auto" (the default) and "stacked" in turn and compares the three levels;
then "auto" hinted with the split optimum's lines, as the next run of an unchanged market,
and with `--changes 0.01 0.05` on markets changed that much (cold against hinted).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from dataclasses import replace

import solver
from market import create_app
from market.common.display import district_today
from market.common.types import utcnow
from market.matching.adapter import load_market
from solver.instance import build_instance
from solver.pins import build_pins
from solver.split import solve_split


def main() -> None:
    """Load the snapshot, solve both ways, print times and whether the levels are equal."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--no-stacked", action="store_true")
    parser.add_argument("--exclude", type=int, default=0,
                        help="also exclude this many pairs of a first solve's flows (seeded), "
                             "as a coordinator's exclusions would")
    parser.add_argument("--changes", type=float, nargs="*", default=[],
                        help="also solve markets where this share of the needs is gone and "
                             "as many needs and lots have new quantities (seeded), cold and "
                             "hinted with the optimum's lines, as the next scheduled run")
    args = parser.parse_args()
    with create_app().app_context():
        market = load_market(district_today(), utcnow())
        lots, needs, policy = market.solver_lots(), market.solver_needs(), market.policy
    if args.exclude:
        flows = solver.allocate(lots, needs, policy).flows
        chosen = random.Random(1).sample(flows, min(args.exclude, len(flows)))
        policy = replace(policy, excluded=policy.excluded | {(f.lot_id, f.need_id)
                                                             for f in chosen})
    print(f"{len(lots)} lots, {len(needs)} needs; policy: max distance "
          f"{policy.max_distance_km}, nearest {policy.nearest}, {len(policy.caps)} caps, "
          f"{len(policy.pinned)} pins, {len(policy.excluded)} excluded")
    results = {}
    for method in (("split",) if args.no_stacked else ("split", "auto", "stacked")):
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            results[method] = solver.allocate(lots, needs, policy, method=method)
            times.append(time.perf_counter() - t0)
        s = results[method].stats
        print(f"{method}: allocate {statistics.median(times):.2f} s (median of {args.runs}), "
              f"{s.arcs:,} lawful arcs; {s.note or s.engine}")
    # A scheduled run after one on the same market: hinted with its lines (solver.allocate).
    hint = [(f.lot_id, f.need_id) for f in results["split"].flows]
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        results["hinted"] = solver.allocate(lots, needs, policy, hint=hint)
        times.append(time.perf_counter() - t0)
    s = results["hinted"].stats
    print(f"auto, hinted with the split optimum's {len(hint):,} lines: allocate "
          f"{statistics.median(times):.2f} s (median of {args.runs}); {s.note}; levels equal: "
          f"{'yes' if s.objective == results['split'].stats.objective else 'NO'}")
    for share in args.changes:
        _changed_market(lots, needs, policy, share, hint)
    problem = build_instance(tuple(lots), tuple(needs), policy)
    _, _, report = solve_split(problem, build_pins(problem))
    c = report.cost
    print(f"split phases: levels 1-2 {report.first_seconds:.2f} s "
          f"({report.aggregated_arcs:,} aggregated arcs), cost level {report.cost_seconds:.2f} s "
          f"({c.rounds} rounds, {c.candidates[-1]:,} arcs, {sum(c.priced):,} priced, "
          f"{c.dropped:,} dropped)")
    new = results["split"].stats
    print(f"split levels: {dict(new.units_by_tier)}, worth {new.fairness_worth}, "
          f"cost {new.total_cost:.2f}")
    if "stacked" in results:
        old = results["stacked"].stats
        print(f"stacked levels: {dict(old.units_by_tier)}, worth {old.fairness_worth}, "
              f"cost {old.total_cost:.2f}")
        print("levels equal:", "yes" if old.objective == new.objective else "NO")


def _changed_market(lots: list, needs: list, policy: solver.Policy, share: float,
                    hint: list) -> None:
    """Solve a changed copy of the market cold, then hinted with the old optimum's lines."""
    rnd = random.Random(7)
    kept = [n for n in needs if rnd.random() >= share]
    kept = [replace(n, quantity=max(1, int(n.quantity * rnd.uniform(0.7, 1.3))))
            if rnd.random() < share else n for n in kept]
    stock = [replace(x, quantity=max(1, int(x.quantity * rnd.uniform(0.8, 1.2))))
             if rnd.random() < share else x for x in lots]
    found = {}
    for label, pairs in (("cold", []), ("hinted", hint)):
        t0 = time.perf_counter()
        found[label] = solver.allocate(stock, kept, policy, hint=pairs)
        print(f"{share:.0%} of the market changed, {label}: allocate "
              f"{time.perf_counter() - t0:.2f} s; {found[label].stats.note}")
    same = found["cold"].stats.objective == found["hinted"].stats.objective
    print(f"  levels equal: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
