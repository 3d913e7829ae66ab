"""Level 3 (least cost) on the optimal face of levels 1-2, by pricing candidate arcs.

The face fixes, for each lot, need, cap group and the unused-stock arc, the range its
total may take, and allows only lot -> need pairs of equal level-1-2 potential. On
that face the cost level is a transportation problem with small integer costs. We
solve it on candidate arcs (each need's cheapest lots, plus a flow known to be
feasible), take the optimal dual of that restricted problem (`solver.potentials`),
and price every pair of the face chunk by chunk (`solver.pricing`). Pairs that price
negative join the candidates and we solve again; when none does, the dual is
feasible for every pair, so the restricted optimum is the optimum of the whole face
(LP duality) and, with levels 1-2 kept, the exact lexicographic optimum.

When the face holds at most `FULL_FACE_LIMIT` pairs, one stacked solve on all of them
(`solver.split`) is faster than the pricing rounds: OR-Tools solves restricted
networks slowly per arc (2.5 s for 120 k candidates with bounds as node supplies,
9.1 s for the whole face of 1.1 M arcs so, but 4.0 s stacked on the same 1.1 M arcs,
against 12.7 s stacked on all 2.6 M lawful arcs; bench city under load).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from solver.aggregate import FirstLevels
from solver.arcs import Arcs
from solver.instance import Instance, IntArray
from solver.pins import Pins
from solver.potentials import residual_arcs, shortest_potentials
from solver.pricing import (
    Face,
    cheapest_pairs,
    exact_arcs,
    make_face,
    negative_pairs,
)

START_CHEAPEST = 8     # each need's cheapest lots to start from
ADD_PER_NEED = 4       # most negative pairs added per need and round
MAX_ROUNDS = 50
FULL_FACE_LIMIT = 16_000_000


@dataclass
class CostReport:
    """What the pricing loop did (for the benchmark)."""

    rounds: int = 0
    whole_face: bool = False
    priced: list[int] = field(default_factory=list)
    candidates: list[int] = field(default_factory=list)


def _append(a: Arcs, b: Arcs) -> Arcs:
    return Arcs(*(np.concatenate([getattr(a, f), getattr(b, f)])
                  for f in ("lot", "need", "dist_km", "unit_cost", "cost_int")))


def _take(a: Arcs, keep: IntArray) -> Arcs:
    return Arcs(a.lot[keep], a.need[keep], a.dist_km[keep], a.unit_cost[keep], a.cost_int[keep])


def _unique_pairs(inst: Instance, lot: IntArray, need: IntArray) -> tuple[IntArray, IntArray]:
    keys = np.unique(lot * inst.n_needs + need)
    return keys // inst.n_needs, keys % inst.n_needs


def _limit_per_need(arcs: Arcs, reduced: IntArray, per_need: int) -> Arcs:
    order = np.lexsort((reduced, arcs.need))
    need = arcs.need[order]
    start = np.flatnonzero(np.r_[True, need[1:] != need[:-1]])
    rank = np.arange(need.size) - np.repeat(start, np.diff(np.r_[start, need.size]))
    return _take(arcs, order[rank < per_need])


@dataclass(frozen=True)
class CostNetwork:
    """The cost level on candidate arcs, lower bounds moved into node supplies."""

    tail: IntArray
    head: IntArray
    cap: IntArray
    cost: IntArray
    supply: IntArray
    first_arc: int
    lot0: int
    need0: int
    group0: int


def build_cost_network(inst: Instance, pins: Pins, first: FirstLevels, arcs: Arcs
                       ) -> CostNetwork:
    """Lay out source 0, sink 1, lots, needs, cap nodes; bounds from the face of levels 1-2."""
    n_l, n_n, n_g = inst.n_lots, inst.n_needs, first.group_lo.size
    lot0, need0, group0 = 2, 2 + n_l, 2 + n_l + n_n
    hub = np.where(inst.need_group >= 0, group0 + inst.need_group, 1)
    arc_cap = np.minimum(pins.lot_left[arcs.lot], pins.need_left[arcs.need])
    parts = [  # tail, head, lo, hi, cost
        (np.zeros(n_l), lot0 + np.arange(n_l), first.lot_lo, first.lot_hi, np.zeros(n_l)),
        (np.zeros(1), np.ones(1), [first.unused_lo], [first.unused_hi], np.zeros(1)),
        (need0 + np.arange(n_n), hub, first.need_lo, first.need_hi, np.zeros(n_n)),
        (group0 + np.arange(n_g), np.ones(n_g), first.group_lo, first.group_hi, np.zeros(n_g)),
        (lot0 + arcs.lot, need0 + arcs.need, np.zeros(arcs.size), arc_cap, arcs.cost_int),
    ]
    tail, head, lo, hi, cost = (np.concatenate([np.asarray(p[i]) for p in parts])
                                .astype(np.int64) for i in range(5))
    supply = np.zeros(group0 + n_g, dtype=np.int64)
    total = int(pins.lot_left.sum())
    supply[0], supply[1] = total, -total
    np.subtract.at(supply, tail, lo)
    np.add.at(supply, head, lo)
    return CostNetwork(tail, head, hi - lo, cost, supply, tail.size - arcs.size,
                       lot0, need0, group0)


def solve_cost_network(net: CostNetwork) -> IntArray:
    """Solve with OR-Tools and return the flow on every arc (bounds shifted)."""
    from ortools.graph.python import min_cost_flow

    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(net.tail, net.head, net.cap, net.cost)
    smcf.set_nodes_supplies(np.arange(net.supply.size), net.supply)
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"OR-Tools failed on the cost level (status {status})")
    return np.asarray(smcf.flows(np.arange(net.tail.size)), dtype=np.int64)


def _starting_arcs(face: Face, first: FirstLevels) -> Arcs:
    lot, need = cheapest_pairs(face, START_CHEAPEST)
    lot, need = _unique_pairs(face.inst, np.concatenate([lot, first.pair_lot]),
                              np.concatenate([need, first.pair_need]))
    return exact_arcs(face, lot, need)


def solve_cost_level(inst: Instance, pins: Pins, first: FirstLevels
                     ) -> tuple[Arcs, IntArray, CostReport]:
    """Return candidate arcs and the least-cost flow on them, proven optimal on the face."""
    face = make_face(inst, first.lot_pot, first.need_pot, first.lot_hi > 0, first.need_hi > 0)
    report = CostReport()
    arcs = _starting_arcs(face, first)
    for _ in range(MAX_ROUNDS):
        report.rounds += 1
        report.candidates.append(arcs.size)
        net = build_cost_network(inst, pins, first, arcs)
        flow = solve_cost_network(net)
        dual = shortest_potentials(net.supply.size,
                                   *residual_arcs(net.tail, net.head, net.cap, net.cost, flow))
        lot_dual, need_dual = dual[net.lot0:net.need0], dual[net.need0:net.group0]
        known = np.sort(arcs.lot * inst.n_needs + arcs.need)

        def is_known(lot: IntArray, need: IntArray, known: IntArray = known) -> np.ndarray:
            keys = lot * inst.n_needs + need
            at = np.minimum(np.searchsorted(known, keys), max(known.size - 1, 0))
            return known[at] == keys if known.size else np.zeros(keys.size, dtype=bool)

        fresh, priced, _ = negative_pairs(face, lot_dual, need_dual, is_known)
        report.priced.append(priced)
        if fresh.size == 0:
            return arcs, flow[net.first_arc:], report
        reduced = fresh.cost_int + lot_dual[fresh.lot] - need_dual[fresh.need]
        arcs = _append(arcs, _limit_per_need(fresh, reduced, ADD_PER_NEED))
    raise RuntimeError("cost level: pricing did not converge")
