"""Arc sets built only when something reads them, for results whose solve did not need them all.

`DeferredArcs` is every arc of the model, built the first time a column is read (the
baselines and the split path solve without them; reasons may ask). `LawfulArcs` is the
split path's: every lawful pair is an arc there (item accepted, price within the cap, not
excluded by a coordinator), so a need's eligible lots are a price prefix of each accepted
item's lots, and the per-need sums the reasons take are computed from that, without
building the arcs at all.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from solver.arcs import Arcs, build_arcs, lawful_exclusions, lawful_pairs
from solver.instance import FloatArray, Instance, IntArray


class DeferredArcs:
    """Every arc of the model, built the first time a column is read (reasons only)."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst

    @property
    def size(self) -> int:
        """Number of arcs."""
        return self.full.size

    @cached_property
    def full(self) -> Arcs:
        """Every arc of the model (as `allocate` builds them)."""
        return build_arcs(self.inst)

    @property
    def lot(self) -> IntArray:
        """Lot of every arc."""
        return self.full.lot

    @property
    def need(self) -> IntArray:
        """Need of every arc."""
        return self.full.need

    @property
    def dist_km(self) -> FloatArray:
        """Distance of every arc."""
        return self.full.dist_km

    @property
    def unit_cost(self) -> FloatArray:
        """Unit cost of every arc."""
        return self.full.unit_cost

    @property
    def cost_int(self) -> IntArray:
        """Scaled unit cost of every arc."""
        return self.full.cost_int


class LawfulArcs(DeferredArcs):
    """Every lawful pair not excluded, as an arc (the split path: none is left out for distance)."""

    def need_sums(self, per_lot: IntArray) -> IntArray:
        """Return, per need, the sum of `per_lot` rows over its eligible lots.

        Equal to the sparse product of the need x lot arc matrix by `per_lot`: for each
        accepted item, the lots within the need's price cap are a prefix of that item's
        lots sorted by price, so one cumulative sum per item answers every need.
        """
        inst = self.inst
        sums = np.zeros((inst.n_needs, per_lot.shape[1]), dtype=np.int64)
        for item, takers in enumerate(inst.item_takers):
            lots = np.flatnonzero(inst.lot_item == item)
            if not (lots.size and takers.size):
                continue
            order = lots[np.argsort(inst.lot_price[lots], kind="stable")]
            running = np.vstack([np.zeros((1, per_lot.shape[1]), dtype=np.int64),
                                 np.cumsum(per_lot[order], axis=0, dtype=np.int64)])
            upto = np.searchsorted(inst.lot_price[order], inst.need_price_cap[takers], "right")
            sums[takers] += running[upto]
        ex_lot, ex_need = lawful_exclusions(inst)
        np.subtract.at(sums, ex_need, per_lot[ex_lot])
        return sums

    def has_pairs(self, lot: IntArray, need: IntArray) -> np.ndarray:
        """Tell, per (lot, need) pair, whether it is an arc (lawful)."""
        inst = self.inst
        ex_lot, ex_need = lawful_exclusions(inst)
        excluded = np.isin(lot * inst.n_needs + need, ex_lot * inst.n_needs + ex_need)
        return lawful_pairs(inst, lot, need) & ~excluded
