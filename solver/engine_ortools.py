"""Primary engine: one OR-Tools min-cost flow with the three levels stacked."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.instance import IntArray
from solver.network import FlowModel
from solver.weights import Weights


class CostRangeError(Exception):
    """OR-Tools refused the stacked costs as too large for int64."""


def available() -> bool:
    """Tell whether OR-Tools can be imported."""
    try:
        from ortools.graph.python import min_cost_flow  # noqa: F401 - imported to probe only
    except ImportError:
        return False
    return True


@dataclass(frozen=True)
class Network:
    """The min-cost-flow network as arc arrays; lot->need arcs start at `first_arc`."""

    tails: IntArray
    heads: IntArray
    caps: IntArray
    costs: IntArray
    supply: int
    first_arc: int
    n_arcs: int


def build_network(model: FlowModel, weights: Weights) -> Network:
    """Lay out nodes (source 0, sink 1, lots, needs, cap nodes) and all arcs."""
    n_l, n_n, n_g = model.n_lots, model.n_needs, model.n_groups
    lot0, need0, group0 = 2, 2 + n_l, 2 + n_l + n_n
    group = model.need_group[model.seg_need]
    seg_head = np.where(group >= 0, group0 + group, 1)
    tier_weight = np.array((0, *weights.tier), dtype=np.int64)
    seg_cost = -(tier_weight[model.seg_tier] + weights.fairness * model.seg_worth)
    supply = int(model.lot_cap.sum())
    parts = [
        (np.zeros(n_l), lot0 + np.arange(n_l), model.lot_cap, np.zeros(n_l)),
        (lot0 + model.arc_lot, need0 + model.arc_need, model.arc_cap, model.arc_cost),
        (need0 + model.seg_need, seg_head, model.seg_cap, seg_cost),
        (group0 + np.arange(n_g), np.ones(n_g), model.group_cap, np.zeros(n_g)),
        (np.zeros(1), np.ones(1), np.array([supply]), np.zeros(1)),  # unused stock
    ]
    tails, heads, caps, costs = (
        np.concatenate([part[i] for part in parts]).astype(np.int64) for i in range(4)
    )
    return Network(tails, heads, caps, costs, supply, n_l, int(model.arc_lot.size))


def solve_network(net: Network) -> IntArray:
    """Solve with SimpleMinCostFlow and return the flow on each lot->need arc."""
    from ortools.graph.python import min_cost_flow

    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(net.tails, net.heads, net.caps, net.costs)
    smcf.set_nodes_supplies(np.array([0, 1]), np.array([net.supply, -net.supply]))
    status = smcf.solve()
    if status == smcf.BAD_COST_RANGE:
        raise CostRangeError("OR-Tools: stacked costs out of int64 range")
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"OR-Tools min-cost flow failed with status {status}")
    arcs = np.arange(net.first_arc, net.first_arc + net.n_arcs, dtype=np.int64)
    return np.asarray(smcf.flows(arcs), dtype=np.int64)


def solve_ortools(model: FlowModel, weights: Weights) -> IntArray:
    """Return the lexicographically optimal flow on each lot->need arc."""
    if model.arc_lot.size == 0:
        return np.zeros(0, dtype=np.int64)
    return solve_network(build_network(model, weights))
