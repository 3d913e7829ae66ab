"""Time the solver beside a raw OR-Tools min-cost-flow solve of the same network.

Usage: .venv/bin/python -m bench.solver_bench --sizes district,city [--runs 5]

For each allocation size: `allocate` end to end (validation, arcs, network,
solve, checks, figures) against a raw SimpleMinCostFlow solve of the very
networks `allocate` builds (one per independent part; arrays prepared outside
the timing), timed alternately in the same process; medians, their ratio, the
raw time of the same model as one unsplit network, the peak Python memory of
`allocate` (tracemalloc) and whether both reach the same optimum. For gift
packs: `assign_gift_packs` against a raw min-cost flow over every applicant
with the same scores.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tracemalloc
from collections.abc import Callable
from time import perf_counter

import numpy as np
from ortools.graph.python import min_cost_flow

from bench.solver_generate import allocation_instance, gift_instance
from solver import Policy, allocate, assign_gift_packs
from solver.allocate import prepare
from solver.components import split_model
from solver.engine_ortools import Network, build_network
from solver.gift_assign import LSA_MAX_SLOTS, fit_matrix, pair_scores, priority_rank
from solver.giftpacks import one_per_company, pack_counts
from solver.network import build_model, model_weights
from solver.outcome import build_outcome
from solver.stats import RunInfo, compute_stats

POLICIES = {"district": Policy(), "city": Policy(nearest=20), "province": Policy(nearest=20)}
GIFTS = ((300, 950), (3_000, 10_000))


def raw_solve(net: Network) -> np.ndarray:
    """Solve a prepared network with SimpleMinCostFlow; return lot->need flows."""
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(net.tails, net.heads, net.caps, net.costs)
    smcf.set_nodes_supplies(np.array([0, 1]), np.array([net.supply, -net.supply]))
    if smcf.solve() != smcf.OPTIMAL:
        raise RuntimeError("raw min-cost flow failed")
    return smcf.flows(np.arange(net.first_arc, net.first_arc + net.n_arcs))


def alternate(runs: int, first: Callable[[], object], second: Callable[[], object]
              ) -> tuple[list[float], list[float]]:
    """Time two callables alternately; return both lists of seconds."""
    a, b = [], []
    for _ in range(runs):
        for fn, out in ((first, a), (second, b)):
            start = perf_counter()
            fn()
            out.append(perf_counter() - start)
    return a, b


def peak_mb(fn: Callable[[], object]) -> float:
    """Return the peak Python-tracked memory of one call, in MB."""
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def raw_parts(nets: list[tuple[Network, np.ndarray]], size: int) -> np.ndarray:
    """Solve every part's network raw and scatter the flows onto the full arc list."""
    x = np.zeros(size, dtype=np.int64)
    for net, arcs in nets:
        x[arcs] = raw_solve(net)
    return x


def bench_allocation(size: str, runs: int) -> dict[str, object]:
    """Benchmark one allocation size."""
    inst = allocation_instance(size, seed=1)
    policy = POLICIES[size]
    problem, pins, arcs = prepare(inst.lots, inst.needs, policy)
    model = build_model(problem, arcs, pins)
    nets = [(build_network(p.model, model_weights(p.model)[0]), p.arcs)
            for p in split_model(model)]
    whole = build_network(model, model_weights(model)[0])
    result = allocate(inst.lots, inst.needs, policy)
    raw = raw_parts(nets, arcs.size)
    raw_stats = compute_stats(build_outcome(problem, arcs, raw, pins, "optimal"), RunInfo("raw"))
    ours, theirs = alternate(runs, lambda: allocate(inst.lots, inst.needs, policy),
                             lambda: raw_parts(nets, arcs.size))
    one = []
    for _ in range(max(1, runs // 2)):
        start = perf_counter()
        raw_solve(whole)
        one.append(perf_counter() - start)
    return {
        "case": f"allocate {size} ({len(inst.lots)} lots x {len(inst.needs)} needs"
                f"{', nearest 20' if policy.nearest else ', all arcs'})",
        "arcs": arcs.size, "ours": statistics.median(ours), "raw": statistics.median(theirs),
        "whole": statistics.median(one),
        "peak_mb": peak_mb(lambda: allocate(inst.lots, inst.needs, policy)),
        "same": result.stats.objective == raw_stats.objective,
        "engine": f"{result.stats.engine}, {len(nets)} parts",
    }


def raw_gift_solve(score: np.ndarray, counts: np.ndarray) -> int:
    """Solve the pack assignment over every applicant by min-cost flow; return the score."""
    n_app, n_tpl = score.shape
    used = np.flatnonzero(counts)
    tpl, app = np.repeat(used, n_app), np.tile(np.arange(n_app), used.size)
    total = int(counts.sum())
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(np.zeros(used.size), 2 + used, counts[used],
                                              np.zeros(used.size))
    first = smcf.add_arcs_with_capacity_and_unit_cost(2 + tpl, 2 + n_tpl + app,
                                                      np.ones(tpl.size), -score[app, tpl])
    smcf.add_arcs_with_capacity_and_unit_cost(2 + n_tpl + np.arange(n_app), np.ones(n_app),
                                              np.ones(n_app), np.zeros(n_app))
    smcf.set_nodes_supplies(np.array([0, 1]), np.array([total, -total]))
    if smcf.solve() != smcf.OPTIMAL:
        raise RuntimeError("raw gift-pack flow failed")
    chosen = np.flatnonzero(np.asarray(smcf.flows(first)) == 1)
    return int(score[app[chosen], tpl[chosen]].sum())


def bench_gifts(packs: int, applicants: int, runs: int) -> dict[str, object]:
    """Benchmark one gift-pack size."""
    templates, lots, apps = gift_instance(packs, applicants, seed=1)
    tier = np.array([a.tier for a in apps])
    head = np.array([a.headcount for a in apps])
    rank = priority_rank(tier, np.array([a.shortage for a in apps], dtype=float), head,
                         np.array([a.waiting_days for a in apps], dtype=float))
    eligible = one_per_company(apps, rank)
    pool: dict[str, int] = {}
    for lot in lots:
        pool[lot.item] = pool.get(lot.item, 0) + lot.quantity
    counts = pack_counts(templates, pool, eligible.size)
    sizes = np.array([sum(t.contents.values()) for t in templates])
    score = pair_scores(rank[eligible], fit_matrix(sizes, head[eligible]), int(counts.sum()))
    result = assign_gift_packs(templates, lots, apps)
    index = {a.id: i for i, a in enumerate(apps)}
    where = {int(e): i for i, e in enumerate(eligible)}
    tpl_index = {t.id: i for i, t in enumerate(templates)}
    ours_score = sum(int(score[where[index[p.applicant_id]], tpl_index[p.template_id]])
                     for p in result.packs)
    ours, theirs = alternate(runs, lambda: assign_gift_packs(templates, lots, apps),
                             lambda: raw_gift_solve(score, counts))
    return {
        "case": f"gift packs {len(result.packs)} packs x {applicants} applicants",
        "arcs": int(np.count_nonzero(counts)) * eligible.size, "ours": statistics.median(ours),
        "raw": statistics.median(theirs),
        "peak_mb": peak_mb(lambda: assign_gift_packs(templates, lots, apps)),
        "same": ours_score == raw_gift_solve(score, counts),
        "engine": "LSA" if counts.sum() <= LSA_MAX_SLOTS else "grouped min-cost flow",
        "whole": None,
    }


def table(rows: list[dict[str, object]]) -> str:
    """Format rows as a markdown table."""
    lines = ["| case | arcs | solver | ours, median s | raw OR-Tools, same networks | ratio | "
             "raw, one unsplit network | peak Python MB | same optimum |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ours, raw = float(r["ours"]), float(r["raw"])  # type: ignore[arg-type]
        whole = "-" if r["whole"] is None else f"{float(r['whole']):.3f}"  # type: ignore[arg-type]
        lines.append(f"| {r['case']} | {r['arcs']:,} | {r['engine']} | {ours:.3f} | {raw:.3f} | "
                     f"{ours / raw:.2f} | {whole} | {float(r['peak_mb']):.0f} | "  # type: ignore[arg-type]
                     f"{'yes' if r['same'] else 'NO'} |")
    return "\n".join(lines)


def main() -> None:
    """Parse arguments, run the benchmarks, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="district,city",
                        help="comma-separated: district, city, province")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per case (median)")
    parser.add_argument("--no-gifts", action="store_true", help="skip the gift-pack cases")
    args = parser.parse_args()
    rows = [bench_allocation(size, args.runs) for size in args.sizes.split(",") if size]
    if not args.no_gifts:
        rows += [bench_gifts(p, a, args.runs) for p, a in GIFTS]
    print(table(rows))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess max RSS: {rss:.0f} MB; runs per case: {args.runs}")


if __name__ == "__main__":
    main()
