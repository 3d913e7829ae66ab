"""Simple strategies to compare the optimiser with on the what-if page.

Both obey the same hard rules as `allocate` (arcs, price caps, distance,
nearest, exclusions, caps, pins) and return the same `AllocationResult`, so
flows, unmet units, figures and explanations line up side by side. Within a
need, lots are taken cheapest delivered first (price + transport), then nearest.
"""

from __future__ import annotations

from collections.abc import Iterable
from time import perf_counter

import numpy as np

from solver.allocate import prepare
from solver.arcs import Arcs
from solver.compare import Comparison, comparison_figures
from solver.instance import Instance, IntArray
from solver.model import DEFAULT_POLICY, Lot, Need, Policy
from solver.network import build_model
from solver.outcome import build_outcome
from solver.pins import Pins
from solver.result import AllocationResult, make_result
from solver.stats import RunInfo
from solver.verify import check_flows

__all__ = ["Comparison", "compare_strategies", "comparison_figures",
           "first_come_first_served", "proportional_shares"]


class Filler:
    """Hands out stock along arcs, cheapest first, tracking lots and caps left."""

    def __init__(self, inst: Instance, arcs: Arcs, pins: Pins) -> None:
        self.inst, self.arcs = inst, arcs
        self.x = np.zeros(arcs.size, dtype=np.int64)
        self.lot_left = pins.lot_left.copy()
        self.need_left = pins.need_left.copy()
        self.group_left = pins.group_left.copy()
        order = np.lexsort((arcs.dist_km, arcs.unit_cost, arcs.need))
        self.order = order
        self.starts = np.searchsorted(arcs.need[order], np.arange(inst.n_needs + 1))

    def fill(self, n: int, units: int, own_item_only: bool | None = None) -> int:
        """Give need n up to `units` along its arcs; return how many it got."""
        group = int(self.inst.need_group[n])
        want = min(units, int(self.need_left[n]))
        if group >= 0:
            want = min(want, int(self.group_left[group]))
        got = 0
        for a in self.order[self.starts[n] : self.starts[n + 1]]:
            if got == want:
                break
            lot = int(self.arcs.lot[a])
            own = self.inst.lot_item[lot] == self.inst.need_item[n]
            if own_item_only is not None and own != own_item_only:
                continue
            take = min(want - got, int(self.lot_left[lot]))
            self.x[a] += take
            self.lot_left[lot] -= take
            got += take
        self.need_left[n] -= got
        if group >= 0:
            self.group_left[group] -= got
        return got


def _finish(inst: Instance, arcs: Arcs, pins: Pins, filler: Filler, strategy: str,
            started: float, solve_started: float) -> AllocationResult:
    x = check_flows(build_model(inst, arcs, pins), filler.x)
    info = RunInfo(strategy, solve_seconds=perf_counter() - solve_started)
    return make_result(build_outcome(inst, arcs, x, pins, strategy), info, started)


def first_come_first_served(
    lots: Iterable[Lot], needs: Iterable[Need], policy: Policy = DEFAULT_POLICY
) -> AllocationResult:
    """Serve needs in the order given (creation order), each taking all it can."""
    started = perf_counter()
    inst, pins, arcs = prepare(lots, needs, policy)
    solve_started = perf_counter()
    filler = Filler(inst, arcs, pins)
    for n in range(inst.n_needs):
        filler.fill(n, int(filler.need_left[n]))
    return _finish(inst, arcs, pins, filler, "fcfs", started, solve_started)


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


def _targets(inst: Instance, filler: Filler) -> IntArray:
    targets = np.zeros(inst.n_needs, dtype=np.int64)
    for item in range(len(inst.items)):
        members = np.flatnonzero(inst.need_item == item)
        supply = int(filler.lot_left[inst.lot_item == item].sum())
        shares = share_targets([int(q) for q in filler.need_left[members]], supply)
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
    inst, pins, arcs = prepare(lots, needs, policy)
    solve_started = perf_counter()
    filler = Filler(inst, arcs, pins)
    targets = _targets(inst, filler)
    for own in (True, False):
        for n in range(inst.n_needs):
            got = filler.fill(n, int(targets[n]), own_item_only=own)
            targets[n] -= got
    return _finish(inst, arcs, pins, filler, "proportional", started, solve_started)


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
