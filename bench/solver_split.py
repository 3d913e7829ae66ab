"""Old exact (stacked, full arcs) against new exact (split: aggregated levels 1-2 + pricing).

Usage: .venv/bin/python -m bench.solver_split --sizes district,city [--runs 3] [--no-stacked]

Same instance (bench.solver_generate, seed 1), all price-feasible arcs (no nearest-k).
For each method: median seconds of `allocate` end to end; for the split path also the
seconds of levels 1-2 and of the cost level, the aggregated arcs, the candidate arcs of
the last round, the pairs priced over all rounds and the rounds; and whether the units
per tier, the fairness worth and the cost are equal to the stacked solve's.
"""

from __future__ import annotations

import argparse
import resource
import statistics
from time import perf_counter

from bench.solver_generate import allocation_instance
from solver import Policy, allocate
from solver.instance import build_instance
from solver.pins import build_pins
from solver.result import make_result
from solver.split import solve_split
from solver.validate import check_allocation_inputs


def _timed(fn):  # type: ignore[no-untyped-def]
    start = perf_counter()
    out = fn()
    return out, perf_counter() - start


def split_allocate(lots, needs, policy):  # type: ignore[no-untyped-def]
    """Do what allocate(method="split") does, keeping the split path's report."""
    started = perf_counter()
    check_allocation_inputs(lots, needs, policy)
    problem = build_instance(lots, needs, policy)
    outcome, info, report = solve_split(problem, build_pins(problem))
    return make_result(outcome, info, started), report


def bench(size: str, runs: int, stacked: bool) -> list[str]:
    """Benchmark one size; return table rows."""
    inst = allocation_instance(size, seed=1)
    lots, needs, policy = tuple(inst.lots), tuple(inst.needs), Policy()
    split_times, first, cost = [], [], []
    for _ in range(runs):
        (new, report), seconds = _timed(lambda: split_allocate(lots, needs, policy))
        split_times.append(seconds)
        first.append(report.first_seconds)
        cost.append(report.cost_seconds)
    c = report.cost
    name = f"{size} ({len(lots)} lots x {len(needs)} needs)"
    rows = [f"| {name} | new: split | {statistics.median(split_times):.2f} | "
            f"{statistics.median(first):.2f} | {statistics.median(cost):.2f} | "
            f"{report.aggregated_arcs:,} aggregated + {c.candidates[-1]:,} candidates "
            f"({c.rounds} rounds, {sum(c.priced):,} pairs priced, {c.dropped:,} arcs dropped) | "]
    if stacked:
        old, seconds = _timed(lambda: allocate(lots, needs, policy, method="stacked"))
        olds = [seconds] + [_timed(lambda: allocate(lots, needs, policy, method="stacked"))[1]
                            for _ in range(runs - 1)]
        same = old.stats.objective == new.stats.objective
        rows[0] += f"{'yes' if same else 'NO'} |"
        rows.insert(0, f"| {name} | old: stacked | {statistics.median(olds):.2f} | - | - | "
                       f"{old.stats.arcs:,} | reference |")
    else:
        rows[0] += "not compared |"
    return rows


def main() -> None:
    """Parse arguments, run, print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="district,city")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-stacked", action="store_true", help="skip the old full-arc solve")
    args = parser.parse_args()
    print("| instance | method | allocate s (median) | levels 1-2 s | cost level s | arcs "
          "examined | levels equal |")
    print("|---|---|---|---|---|---|---|")
    for size in args.sizes.split(","):
        for row in bench(size, args.runs, not args.no_stacked):
            print(row, flush=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess max RSS: {rss:.0f} MB; runs per case: {args.runs}")


if __name__ == "__main__":
    main()
