"""Independent checks of an engine's answer: never trust a solver status alone."""

from __future__ import annotations

import numpy as np

from solver.instance import IntArray, int_bincount
from solver.network import FlowModel


def _over(used: IntArray, limit: IntArray) -> int:
    return int(np.count_nonzero(used > limit))


def check_flows(model: FlowModel, x: object) -> IntArray:
    """Return x as int64 if it is a feasible integral flow on the model's arcs.

    Raises RuntimeError when an engine returned garbage: wrong shape, non
    integers, negative flows, or any arc, lot, need or cap over its limit.
    """
    flows = np.asarray(x)
    if flows.shape != model.arc_lot.shape:
        raise RuntimeError(f"engine returned {flows.shape} flows for {model.arc_lot.size} arcs")
    if not np.issubdtype(flows.dtype, np.integer):
        raise RuntimeError("engine returned non-integer flows")
    flows = flows.astype(np.int64)
    if np.any(flows < 0) or np.any(flows > model.arc_cap):
        raise RuntimeError("engine returned a flow outside its arc's capacity")
    used = np.flatnonzero(flows)
    lot_used = int_bincount(model.arc_lot[used], flows[used], model.n_lots)
    need_used = int_bincount(model.arc_need[used], flows[used], model.n_needs)
    group = model.need_group[model.arc_need[used]]
    capped = group >= 0
    group_used = int_bincount(group[capped], flows[used][capped], model.n_groups)
    problems = {
        "lots": _over(lot_used, model.lot_cap),
        "needs": _over(need_used, model.need_cap),
        "caps": _over(group_used, model.group_cap),
    }
    broken = {name: count for name, count in problems.items() if count}
    if broken:
        raise RuntimeError(f"engine returned an infeasible flow, over the limit on {broken}")
    return flows
