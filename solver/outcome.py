"""The final flows of a run (solver flows merged with pins) as arrays."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from solver.arcs import ArcColumns, Arcs, scaled_costs, unit_costs
from solver.geo import haversine_km
from solver.instance import FloatArray, Instance, IntArray, int_bincount
from solver.model import Flow
from solver.pins import Pins


@dataclass(frozen=True)
class Outcome:
    """Flows sorted by need then lot, with distance, cost and pinned share of each.

    `arcs` are every arc of the model (the reasons read them); `arc_count` is the number
    the figures report: all of them for the optimiser, the ones used for a baseline.
    """

    inst: Instance
    arcs: ArcColumns
    arc_count: int
    strategy: str
    lot: IntArray
    need: IntArray
    qty: IntArray
    pinned: IntArray
    dist_km: FloatArray
    unit_cost: FloatArray
    cost_int: IntArray

    @cached_property
    def served(self) -> IntArray:
        """Units received by each need."""
        return int_bincount(self.need, self.qty, self.inst.n_needs)

    @cached_property
    def lot_used(self) -> IntArray:
        """Units shipped from each lot."""
        return int_bincount(self.lot, self.qty, self.inst.n_lots)

    @cached_property
    def group_used(self) -> IntArray:
        """Units received by each capped (company, item)."""
        group = self.inst.need_group[self.need]
        capped = group >= 0
        return int_bincount(group[capped], self.qty[capped], self.inst.group_cap.size)

    def flows(self) -> tuple[Flow, ...]:
        """Return the flows as public records."""
        lots, needs = self.inst.lots, self.inst.needs
        return tuple(
            Flow(lots[lot].id, needs[need].id, qty)
            for lot, need, qty in zip(self.lot.tolist(), self.need.tolist(), self.qty.tolist(),
                                      strict=True)
        )


def build_outcome(
    inst: Instance, arcs: Arcs, x: IntArray, pins: Pins, strategy: str
) -> Outcome:
    """Merge solver flows on arcs with the pinned flows into one sorted table."""
    used = np.flatnonzero(x)
    pin_dist = haversine_km(inst.lot_lat[pins.lot], inst.lot_lon[pins.lot],
                            inst.need_lat[pins.need], inst.need_lon[pins.need])
    pin_cost = unit_costs(inst, pins.lot, pin_dist)
    lot = np.concatenate([arcs.lot[used], pins.lot])
    need = np.concatenate([arcs.need[used], pins.need])
    qty = np.concatenate([x[used], pins.qty])
    pinned = np.concatenate([np.zeros(used.size, dtype=np.int64), pins.qty])
    dist = np.concatenate([arcs.dist_km[used], pin_dist])
    cost = np.concatenate([arcs.unit_cost[used], pin_cost])
    keys, first, inverse = np.unique(need * max(inst.n_lots, 1) + lot, return_index=True,
                                     return_inverse=True)
    return Outcome(
        inst=inst, arcs=arcs, arc_count=arcs.size, strategy=strategy,
        lot=lot[first], need=need[first],
        qty=int_bincount(inverse, qty, keys.size),
        pinned=int_bincount(inverse, pinned, keys.size),
        dist_km=dist[first], unit_cost=cost[first], cost_int=scaled_costs(cost[first]),
    )
