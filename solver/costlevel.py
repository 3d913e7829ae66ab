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

Two facts make the rounds few and quick. Items joined by substitutes form independent
parts, each solved on its own network (OR-Tools' time grows faster than the network).
And a lot whose total is fixed on the face (always, when no stock may stay unused) pays
its price on every unit whatever the need, so its price is taken off its costs: what is
left is transport, and each need's cheapest candidates are its nearest lots, not the
city's cheapest ones (93 s and 12 rounds before, 9 s and 5 rounds after, demo city).
When the face holds at most `FULL_FACE_LIMIT` pairs, one stacked solve on all of them
(`solver.split`) is quicker than the rounds.

A hint (say, the last run's lines) joins the starting candidates: when the market has
changed little, the first round's flow is already optimal. When a round adds few arcs,
the last flow is first tried as it is: if the residual network with the new arcs has
no negative cycle, its shortest distances are a dual that proves the flow optimal, and
OR-Tools does not solve again (demo city, hinted: 2 rounds and one solve per part,
instead of 4 solves). The hint never changes the answer: the proof prices every pair.

Between rounds, unused arcs that the new dual prices well above zero are dropped
(`_prune`): OR-Tools' time grows with the arcs, and a dropped pair is priced again
like any other, so the proof is unchanged. Dropping stops after `PRUNE_ROUNDS` rounds;
from then on arcs are only added, so the loop ends (finitely many pairs).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from solver.aggregate import FirstLevels
from solver.arcs import Arcs
from solver.instance import Instance, IntArray
from solver.pins import Pins
from solver.potentials import PotentialError, residual_arcs, shortest_potentials
from solver.pricing import (
    Face,
    cheapest_pairs,
    exact_arcs,
    make_face,
    negative_pairs,
    on_face,
)

START_CHEAPEST = 8     # each need's cheapest lots to start from
ADD_PER_NEED = 8       # most negative pairs added per need and round
ADD_PER_LOT = 100      # and per lot (a far lot with stock to spare finds its needs)
MAX_ROUNDS = 50
PRUNE_ROUNDS = 10      # rounds after which arcs are dropped (then only added: it ends)
PRUNE_FRACTION = 0.1   # drop unused arcs of reduced cost above this share of the cost range
FULL_FACE_LIMIT = 200_000
PROOF_ROUNDS = 4       # rounds of `shortest_potentials` to prove a flow still optimal;
PROOF_SHARE = 0.05     # tried when a round adds at most this share of its arcs


@dataclass
class CostReport:
    """What the pricing loop did (for the benchmark)."""

    rounds: int = 0
    whole_face: bool = False
    priced: list[int] = field(default_factory=list)
    candidates: list[int] = field(default_factory=list)
    dropped: int = 0       # arcs left out of a next round by `_prune`
    hinted: int = 0        # hint pairs on the face, added to the starting candidates
    proved: int = 0        # rounds whose flow a new dual proved optimal (no solve)
    solves: int = 0        # OR-Tools solves, over all parts


def _append(a: Arcs, b: Arcs) -> Arcs:
    return Arcs(*(np.concatenate([getattr(a, f), getattr(b, f)])
                  for f in ("lot", "need", "dist_km", "unit_cost", "cost_int")))


def _take(a: Arcs, keep: IntArray) -> Arcs:
    return Arcs(a.lot[keep], a.need[keep], a.dist_km[keep], a.unit_cost[keep], a.cost_int[keep])


def _unique_pairs(inst: Instance, lot: IntArray, need: IntArray) -> tuple[IntArray, IntArray]:
    keys = np.unique(lot * inst.n_needs + need)
    return keys // inst.n_needs, keys % inst.n_needs


def _most_negative(arcs: Arcs, reduced: IntArray) -> Arcs:
    """Keep each need's ADD_PER_NEED and each lot's ADD_PER_LOT most negative pairs."""
    keep = _best_of_each(arcs.need, reduced, ADD_PER_NEED)
    keep |= _best_of_each(arcs.lot, reduced, ADD_PER_LOT)
    return _take(arcs, np.flatnonzero(keep))


def _best_of_each(owner: IntArray, reduced: IntArray, k: int) -> np.ndarray:
    """Mark, for each owner, its k entries of lowest `reduced`."""
    order = np.lexsort((reduced, owner))
    sorted_owner = owner[order]
    start = np.flatnonzero(np.r_[True, sorted_owner[1:] != sorted_owner[:-1]])
    rank = np.arange(owner.size) - np.repeat(start, np.diff(np.r_[start, owner.size]))
    keep = np.zeros(owner.size, dtype=bool)
    keep[order[rank < k]] = True
    return keep


@dataclass(frozen=True)
class Part:
    """One independent part of the cost level: the lots, needs and cap nodes of some items.

    Items joined by substitutes share a part; no lot -> need pair, cap or bound crosses
    parts, so each is solved on its own (smaller networks solve faster than their sum).
    """

    lots: IntArray
    needs: IntArray
    groups: IntArray
    lot_shift: IntArray    # per lot of the whole instance (see `fixed_lots`)
    whole: bool            # the only part: bounds are taken as they are

    def share(self, bound: int, total: int) -> int:
        """This part's bound on the unused-stock arc (whose bound is 0 or all the stock)."""
        return bound if self.whole else (total if bound else 0)


@dataclass(frozen=True)
class CostNetwork:
    """The cost level of one part on candidate arcs, lower bounds moved into node supplies.

    Nodes: source 0, sink 1, then the part's lots, needs and cap nodes in that order.
    """

    tail: IntArray
    head: IntArray
    cap: IntArray
    cost: IntArray
    supply: IntArray
    first_arc: int
    part: Part

    def duals(self, node_dual: IntArray, n_lots: int, n_needs: int
              ) -> tuple[IntArray, IntArray]:
        """Spread node duals over the whole instance's lots and needs (0 outside the part)."""
        lots, needs = self.part.lots, self.part.needs
        lot_dual = np.zeros(n_lots, dtype=np.int64)
        need_dual = np.zeros(n_needs, dtype=np.int64)
        lot_dual[lots] = node_dual[2 : 2 + lots.size]
        need_dual[needs] = node_dual[2 + lots.size : 2 + lots.size + needs.size]
        return lot_dual, need_dual


def build_cost_network(inst: Instance, pins: Pins, first: FirstLevels, arcs: Arcs,
                       part: Part) -> CostNetwork:
    """Lay out the part's network; bounds come from the face of levels 1-2."""
    lots, needs, groups = part.lots, part.needs, part.groups
    lot_node = _numbering(inst.n_lots, lots, 2)
    need_node = _numbering(inst.n_needs, needs, 2 + lots.size)
    group_node = _numbering(first.group_lo.size, groups, 2 + lots.size + needs.size)
    group = inst.need_group[needs]
    hub = np.ones(needs.size, dtype=np.int64)
    hub[group >= 0] = group_node[group[group >= 0]]
    arc_cap = np.minimum(pins.lot_left[arcs.lot], pins.need_left[arcs.need])
    total = int(pins.lot_left[lots].sum())
    parts = [  # tail, head, lo, hi, cost
        (np.zeros(lots.size), lot_node[lots], first.lot_lo[lots], first.lot_hi[lots],
         np.zeros(lots.size)),
        (np.zeros(1), np.ones(1), [part.share(first.unused_lo, total)],
         [part.share(first.unused_hi, total)], np.zeros(1)),
        (need_node[needs], hub, first.need_lo[needs], first.need_hi[needs],
         np.zeros(needs.size)),
        (group_node[groups], np.ones(groups.size), first.group_lo[groups],
         first.group_hi[groups], np.zeros(groups.size)),
        (lot_node[arcs.lot], need_node[arcs.need], np.zeros(arcs.size), arc_cap,
         arcs.cost_int - part.lot_shift[arcs.lot]),
    ]
    tail, head, lo, hi, cost = (np.concatenate([np.asarray(p[i]) for p in parts])
                                .astype(np.int64) for i in range(5))
    supply = np.zeros(2 + lots.size + needs.size + groups.size, dtype=np.int64)
    supply[0], supply[1] = total, -total
    np.subtract.at(supply, tail, lo)
    np.add.at(supply, head, lo)
    return CostNetwork(tail, head, hi - lo, cost, supply, tail.size - arcs.size, part)


def _numbering(size: int, members: IntArray, first_node: int) -> IntArray:
    """Node numbers of `members` from `first_node` on (-1 for the others)."""
    node = np.full(size, -1, dtype=np.int64)
    node[members] = first_node + np.arange(members.size)
    return node


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


def fixed_lots(first: FirstLevels) -> np.ndarray:
    """Mark the lots whose total is the same in every flow of the face.

    A lot is fixed by its own bounds, or by the unused-stock arc: when no stock may
    stay unused, every lot ships all it has (each lot's upper bound is its stock).
    """
    fixed: np.ndarray = (first.lot_lo == first.lot_hi) | (first.unused_hi == 0)
    return fixed


def item_parts(inst: Instance, pins: Pins, first: FirstLevels, lot_shift: IntArray
               ) -> list[Part]:
    """Split the cost level by items joined through substitutes.

    The parts are independent unless the unused-stock arc has a bound other than 0 or
    all the stock (never, since its capacity is all the stock; kept as one part then).
    """
    total = int(pins.lot_left.sum())
    n_items = len(inst.items)
    cols = np.concatenate([np.full(t.size, item) for item, t in enumerate(inst.item_takers)])
    rows = inst.need_item[np.concatenate(inst.item_takers)]
    graph = sparse.coo_matrix((np.ones(rows.size), (rows, cols)), shape=(n_items, n_items))
    count, label = connected_components(graph, directed=False)
    whole = count == 1 or {first.unused_lo, first.unused_hi} - {0, total} != set()
    if whole:
        label = np.zeros(n_items, dtype=np.int64)
    parts = []
    for c in np.unique(label[inst.need_item]):
        # Lots and needs the face keeps at 0 are left out: fewer nodes to solve.
        lots = np.flatnonzero((label[inst.lot_item] == c) & (first.lot_hi > 0))
        needs = np.flatnonzero((label[inst.need_item] == c) & (first.need_hi > 0))
        group = inst.need_group[needs]
        parts.append(Part(lots, needs, np.unique(group[group >= 0]), lot_shift, whole))
    return parts


def _starting_arcs(face: Face, first: FirstLevels, part: Part,
                   hint: tuple[IntArray, IntArray]) -> Arcs:
    """Each need's cheapest lots, the flow of levels 1-2 (feasible) and the hint pairs."""
    lot, need = cheapest_pairs(face, START_CHEAPEST)
    mine = np.isin(first.pair_lot, part.lots)
    hinted = np.isin(hint[0], part.lots)
    lot, need = _unique_pairs(
        face.inst, np.concatenate([lot, first.pair_lot[mine], hint[0][hinted]]),
        np.concatenate([need, first.pair_need[mine], hint[1][hinted]]))
    return exact_arcs(face, lot, need)


def solve_cost_level(inst: Instance, pins: Pins, first: FirstLevels,
                     hint: tuple[IntArray, IntArray] | None = None
                     ) -> tuple[Arcs, IntArray, CostReport]:
    """Return candidate arcs and the least-cost flow on them, proven optimal on the face.

    `hint` pairs (lot and need indices) that are arcs of the face join the starting
    candidates: the last run's lines start the rounds near the optimum. The proof does
    not depend on them.
    """
    face = make_face(inst, first.lot_pot, first.need_pot, first.lot_hi > 0, first.need_hi > 0,
                     fixed_lots(first))
    report = CostReport()
    lot, need = hint if hint is not None else (np.zeros(0, np.int64), np.zeros(0, np.int64))
    keep = on_face(face, lot, need)
    hint = lot[keep], need[keep]
    report.hinted = int(keep.sum())
    found = [_price_part(inst, pins, first, face, part, report, hint)
             for part in item_parts(inst, pins, first, face.lot_shift)]
    arcs = _concat([a for a, _ in found])
    report.candidates.append(arcs.size)
    return arcs, np.concatenate([x for _, x in found]), report


def _concat(parts: list[Arcs]) -> Arcs:
    out = parts[0]
    for more in parts[1:]:
        out = _append(out, more)
    return out


def _price_part(inst: Instance, pins: Pins, first: FirstLevels, whole: Face, part: Part,
                report: CostReport, hint: tuple[IntArray, IntArray]) -> tuple[Arcs, IntArray]:
    """Run the pricing loop on one part; return its candidate arcs and their optimal flow."""
    face = replace(whole, lot_open=whole.lot_open & np.isin(np.arange(inst.n_lots), part.lots),
                   need_open=whole.need_open & np.isin(np.arange(inst.n_needs), part.needs))
    arcs = _starting_arcs(face, first, part, hint)
    dual: IntArray | None = None
    carried: IntArray | None = None
    for rounds in range(1, MAX_ROUNDS + 1):
        report.rounds = max(report.rounds, rounds)
        net = build_cost_network(inst, pins, first, arcs, part)
        flow, dual = _flow_and_dual(net, carried, dual, report)
        lot_dual, need_dual = net.duals(dual, inst.n_lots, inst.n_needs)
        keep = _prune(arcs, flow[net.first_arc:], face, lot_dual, need_dual) \
            if rounds <= PRUNE_ROUNDS else np.arange(arcs.size)
        kept = _take(arcs, keep)
        report.dropped += arcs.size - kept.size
        known = np.sort(kept.lot * inst.n_needs + kept.need)

        def is_known(lot: IntArray, need: IntArray, known: IntArray = known) -> np.ndarray:
            keys = lot * inst.n_needs + need
            at = np.minimum(np.searchsorted(known, keys), max(known.size - 1, 0))
            return known[at] == keys if known.size else np.zeros(keys.size, dtype=bool)

        fresh, priced, _ = negative_pairs(face, lot_dual, need_dual, is_known)
        report.priced.append(priced)
        if fresh.size == 0:
            return arcs, flow[net.first_arc:]
        reduced = (fresh.cost_int - face.lot_shift[fresh.lot] + lot_dual[fresh.lot]
                   - need_dual[fresh.need])
        added = _most_negative(fresh, reduced)
        carried = np.concatenate([flow[:net.first_arc], flow[net.first_arc:][keep],
                                  np.zeros(added.size, dtype=np.int64)]) \
            if added.size <= PROOF_SHARE * arcs.size else None
        arcs = _append(kept, added)
    raise RuntimeError("cost level: pricing did not converge")


def _flow_and_dual(net: CostNetwork, carried: IntArray | None, dual: IntArray | None,
                   report: CostReport) -> tuple[IntArray, IntArray]:
    """Return an optimal flow of the network and a dual that proves it.

    A flow carried from the last round (few arcs added since) is proved optimal as it is
    when it can be; otherwise OR-Tools solves the network again.
    """
    if carried is not None and dual is not None:
        proved = _still_optimal(net, carried, dual)
        if proved is not None:
            report.proved += 1
            return proved
    flow = solve_cost_network(net)
    report.solves += 1
    return flow, shortest_potentials(net.supply.size, *residual_arcs(
        net.tail, net.head, net.cap, net.cost, flow), guess=dual)


def _still_optimal(net: CostNetwork, flow: IntArray, dual: IntArray
                   ) -> tuple[IntArray, IntArray] | None:
    """Return (flow, dual) if the last round's flow is still optimal with the new arcs.

    It is when the residual network has no negative cycle: then its shortest distances
    are a dual that proves it, and OR-Tools need not solve again. Tried for a few rounds
    of `shortest_potentials` only (a negative cycle would take as many as nodes to show).
    """
    try:
        return flow, shortest_potentials(net.supply.size, *residual_arcs(
            net.tail, net.head, net.cap, net.cost, flow), guess=dual, max_rounds=PROOF_ROUNDS)
    except PotentialError:
        return None


def _prune(arcs: Arcs, flow: IntArray, face: Face, lot_dual: IntArray, need_dual: IntArray
           ) -> IntArray:
    """Return the arcs kept for the next round: those with flow, and those priced cheap.

    An unused arc of high reduced cost rarely serves the optimum, and OR-Tools' time grows
    with the arcs (the masks part of the demo city: 267 k arcs, 1.0 s; 46 k, 0.35 s). A
    dropped pair is priced again like any other, so the proof of optimality is unchanged;
    the flow's arcs keep the next round feasible.
    """
    cost = arcs.cost_int - face.lot_shift[arcs.lot]
    if not cost.size:
        return np.arange(0)
    reduced = cost + lot_dual[arcs.lot] - need_dual[arcs.need]
    limit = PRUNE_FRACTION * float(cost.max() - cost.min())
    return np.flatnonzero((flow > 0) | (reduced <= limit))
