"""Simple strategies to compare the optimiser with on the what-if page.

Both obey the same hard rules as `allocate` (arcs, price caps, distance,
nearest, exclusions, caps, pins) and return the same `AllocationResult`, so
flows, unmet units, figures and explanations line up side by side. Within a
need, lots are taken cheapest delivered first (price + transport), then nearest.

Neither builds the full arc set (`solver.greedy`): the result is built on the
arcs that carry stock only, so ``stats.arcs`` of a baseline counts the arcs it
used, not every arc of the model. The full arc set is built only if a reason or
an explanation is asked for (`DeferredArcs`), so those read as they always did.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from time import perf_counter

import numpy as np

from solver.compare import Comparison, comparison_figures
from solver.deferred import DeferredArcs
from solver.greedy import Greedy
from solver.instance import Instance, IntArray, build_instance
from solver.model import DEFAULT_POLICY, Lot, Need, Policy
from solver.network import build_model
from solver.outcome import build_outcome
from solver.pins import Pins, build_pins
from solver.result import AllocationResult, make_result
from solver.stats import RunInfo
from solver.validate import check_allocation_inputs
from solver.verify import check_flows

__all__ = ["Comparison", "compare_strategies", "comparison_figures",
           "first_come_first_served", "proportional_shares"]


def _prepare(lots: Iterable[Lot], needs: Iterable[Need], policy: Policy) -> tuple[Instance, Pins]:
    lots, needs = tuple(lots), tuple(needs)
    check_allocation_inputs(lots, needs, policy)
    inst = build_instance(lots, needs, policy)
    return inst, build_pins(inst)


def _finish(inst: Instance, pins: Pins, greedy: Greedy, strategy: str,
            started: float, solve_started: float) -> AllocationResult:
    arcs, x = greedy.used_arcs()
    x = check_flows(build_model(inst, arcs, pins), x)
    info = RunInfo(strategy, solve_seconds=perf_counter() - solve_started)
    outcome = build_outcome(inst, arcs, x, pins, strategy)
    outcome = replace(outcome, arcs=DeferredArcs(inst))
    return make_result(outcome, info, started)


def first_come_first_served(
    lots: Iterable[Lot], needs: Iterable[Need], policy: Policy = DEFAULT_POLICY
) -> AllocationResult:
    """Serve needs in the order given (creation order), each taking all it can."""
    started = perf_counter()
    inst, pins = _prepare(lots, needs, policy)
    solve_started = perf_counter()
    greedy = Greedy(inst, pins)
    greedy.serve(pins.need_left.copy())
    return _finish(inst, pins, greedy, "fcfs", started, solve_started)


def share_targets(qty: list[int], supply: int) -> list[int]:
    """Split supply in proportion to qty, rounding by largest remainder (exact ints)."""
    demand = sum(qty)
    if supply >= demand:
        return list(qty)
    floors = [q * supply // demand for q in qty]
    order = sorted(range(len(qty)), key=lambda i: -(qty[i] * supply % demand))
    for i in order[: supply - sum(floors)]:
        floors[i] += 1
    return floors


def _targets(inst: Instance, greedy: Greedy) -> IntArray:
    targets = np.zeros(inst.n_needs, dtype=np.int64)
    for item in range(len(inst.items)):
        members = np.flatnonzero(inst.need_item == item)
        supply = int(greedy.lot_left[inst.lot_item == item].sum())
        shares = share_targets([int(q) for q in greedy.need_left[members]], supply)
        targets[members] = shares
    return targets


def proportional_shares(
    lots: Iterable[Lot], needs: Iterable[Need], policy: Policy = DEFAULT_POLICY
) -> AllocationResult:
    """Give every need the same fraction of its item's supply (largest remainder).

    Each need is filled towards its share from lots of its own item first, then
    from substitutes; shares a need cannot reach (arcs, caps) stay unused.
    """
    started = perf_counter()
    inst, pins = _prepare(lots, needs, policy)
    solve_started = perf_counter()
    greedy = Greedy(inst, pins)
    targets = _targets(inst, greedy)
    for own in (True, False):
        targets -= greedy.serve(targets, own_item_only=own)
    return _finish(inst, pins, greedy, "proportional", started, solve_started)


def compare_strategies(
    lots: Iterable[Lot], needs: Iterable[Need], policy: Policy = DEFAULT_POLICY
) -> dict[str, Comparison]:
    """Run the optimiser and both baselines on the same data; return their figures."""
    from solver.allocate import allocate

    lots, needs = tuple(lots), tuple(needs)
    return {
        "optimal": comparison_figures(allocate(lots, needs, policy)),
        "fcfs": comparison_figures(first_come_first_served(lots, needs, policy)),
        "proportional": comparison_figures(proportional_shares(lots, needs, policy)),
    }
