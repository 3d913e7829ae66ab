"""Why a need did not get everything: one reason code per need.

Codes (the dashboard aggregates unmet units by them):

* ``none``: fully served;
* ``no_stock``: no lot offers the item or an accepted substitute, or all of
  the eligible stock already went to this need;
* ``price_cap``: every such lot costs more than the need's price cap;
* ``distance``: every such lot within the price cap is beyond the maximum distance;
* ``excluded``: the only eligible lots were excluded by the coordinator;
* ``cap``: the company's cap for the item is reached;
* ``higher_tier``: the eligible lots are used up, mostly by higher tiers;
* ``shared``: the eligible lots are used up, mostly by needs of the same tier
  (scarce stock shared evenly);
* ``pinned``: the eligible lots are used up by pinned flows;
* ``strategy``: a baseline strategy (first come first served, proportional
  shares) left eligible stock unused or gave it to lower tiers. The optimiser
  never gives this code.

With ``Policy.nearest`` set, only the nearest lots of each item are eligible.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.sparse import coo_array

from solver.deferred import LawfulArcs
from solver.geo import haversine_km
from solver.instance import IntArray, int_bincount
from solver.outcome import Outcome

REASONS = ("none", "no_stock", "price_cap", "distance", "excluded", "cap", "higher_tier",
           "shared", "pinned", "strategy")


@dataclass(frozen=True)
class NeedTotals:
    """Per-need arrays: the units of the need's eligible lots by where they went.

    ``higher``, ``same`` and ``lower`` are free (not pinned) units that went to needs of a
    higher, the same and a lower tier (``same`` leaves out the need's own units);
    ``pinned`` are pinned units to other needs; ``short_lots`` counts eligible lots with
    stock left and ``lots`` all eligible lots (arcs) of the need.
    """

    higher: IntArray
    same: IntArray
    lower: IntArray
    pinned: IntArray
    short_lots: IntArray
    lots: IntArray


@dataclass(frozen=True)
class PlainFlows:
    """Flows (lot, qty, pinned, dist_km) and needs (served, wanted, tier) as Python lists.

    Need n's flows are ``order[starts[n]:starts[n + 1]]``. Sentences read these values one
    by one, and a Python list is much faster to read that way than a numpy array.
    """

    lot: list[int]
    qty: list[int]
    pinned: list[int]
    dist_km: list[float]
    order: list[int]
    starts: list[int]
    served: list[int]
    wanted: list[int]
    tier: list[int]


@dataclass(frozen=True)
class Takers:
    """Where the stock of a need's eligible lots went (units, by tier relation)."""

    higher: int
    same: int
    lower: int
    pinned: int


class Diagnostics:
    """Per-need facts behind the reason codes, computed once per result."""

    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome
        self.inst = outcome.inst
        self._codes: dict[int, str] = {}  # blocked needs' codes, worked out on demand

    @property
    def served(self) -> IntArray:
        """Units received by each need."""
        return self.outcome.served

    @property
    def lot_used(self) -> IntArray:
        """Units shipped from each lot."""
        return self.outcome.lot_used

    @property
    def group_used(self) -> IntArray:
        """Units received by each capped (company, item)."""
        return self.outcome.group_used

    @cached_property
    def _arc_order(self) -> tuple[IntArray, IntArray]:
        order = np.argsort(self.outcome.arcs.need, kind="stable")
        starts = np.searchsorted(self.outcome.arcs.need[order], np.arange(self.inst.n_needs + 1))
        return order, starts

    @cached_property
    def _lot_tier_units(self) -> tuple[np.ndarray, IntArray]:
        out = self.outcome
        free = out.qty - out.pinned
        table = np.zeros((self.inst.n_lots, 5), dtype=np.int64)
        np.add.at(table, (out.lot, self.inst.need_tier[out.need]), free)
        return table, int_bincount(out.lot, out.pinned, self.inst.n_lots)

    @cached_property
    def _need_totals(self) -> NeedTotals:
        """Return, for every need at once, what its eligible lots hold (see NeedTotals).

        One sparse product (needs x lots, one entry per arc) by a table of figures per lot
        sums each need's eligible lots in a single pass over the arcs, with no sorting.
        """
        out, inst, arcs = self.outcome, self.inst, self.outcome.arcs
        table, pinned = self._lot_tier_units
        short = self.lot_used < inst.lot_qty
        per_lot = np.column_stack([table, pinned, short, np.ones(inst.n_lots, dtype=np.int64)])
        if isinstance(arcs, LawfulArcs):  # the split path: sums without building the arcs
            sums = arcs.need_sums(per_lot.astype(np.int64))
        else:
            arc_matrix = coo_array((np.ones(arcs.lot.size, dtype=np.int8),
                                    (arcs.need, arcs.lot)), shape=(inst.n_needs, inst.n_lots))
            sums = np.asarray(arc_matrix @ per_lot, dtype=np.int64)
        own = self._on_eligible_lot()
        own_free = int_bincount(out.need[own], (out.qty - out.pinned)[own], inst.n_needs)
        own_pinned = int_bincount(out.need[own], out.pinned[own], inst.n_needs)
        below = np.cumsum(sums[:, :5], axis=1)  # below[n, t] = units to tiers 0..t
        tier = inst.need_tier[:, None]
        return NeedTotals(
            higher=(np.take_along_axis(below, tier - 1, axis=1) - below[:, :1]).ravel(),
            same=np.take_along_axis(sums, tier, axis=1).ravel() - own_free,
            lower=below[:, 4] - np.take_along_axis(below, tier, axis=1).ravel(),
            pinned=sums[:, 5] - own_pinned,
            short_lots=sums[:, 6],
            lots=sums[:, 7],
        )

    def _on_eligible_lot(self) -> np.ndarray:
        """Return, per flow, whether its lot is eligible for its need (has an arc).

        Units beyond a flow's pinned ones were shipped on an arc. A flow of pinned units
        only may lie off the arcs (a pin outside the nearest lots), so those are looked up.
        """
        out, arcs, inst = self.outcome, self.outcome.arcs, self.inst
        own = out.qty > out.pinned
        doubt = np.flatnonzero(~own)
        if doubt.size and isinstance(arcs, LawfulArcs):
            own[doubt] = arcs.has_pairs(out.lot[doubt], out.need[doubt])
        elif doubt.size:
            width = max(inst.n_lots, 1)
            pinned_need = np.zeros(inst.n_needs, dtype=bool)
            pinned_need[out.need[doubt]] = True
            near = np.flatnonzero(pinned_need[arcs.need])
            keys = arcs.need[near] * width + arcs.lot[near]
            own[doubt] = np.isin(out.need[doubt] * width + out.lot[doubt], keys)
        return own

    @cached_property
    def _flow_order(self) -> tuple[IntArray, IntArray]:
        order = np.argsort(self.outcome.need, kind="stable")
        starts = np.searchsorted(self.outcome.need[order], np.arange(self.inst.n_needs + 1))
        return order, starts

    @cached_property
    def plain(self) -> PlainFlows:
        """Return the flows and per-need figures as Python lists, converted once per result."""
        out = self.outcome
        order, starts = self._flow_order
        return PlainFlows(
            lot=out.lot.tolist(), qty=out.qty.tolist(), pinned=out.pinned.tolist(),
            dist_km=out.dist_km.tolist(), order=order.tolist(), starts=starts.tolist(),
            served=self.served.tolist(), wanted=self.inst.need_qty.tolist(),
            tier=self.inst.need_tier.tolist(),
        )

    @cached_property
    def tier_rate_range(self) -> dict[int, tuple[float, float]]:
        """Return the lowest and highest fill rate of each tier's needs."""
        inst = self.inst
        rates = self.served / inst.need_qty
        by_tier = {int(t): rates[inst.need_tier == t] for t in np.unique(inst.need_tier)}
        return {t: (float(r.min()), float(r.max())) for t, r in by_tier.items()}

    def eligible_lots(self, n: int) -> IntArray:
        """Return the lots with an arc to need n."""
        order, starts = self._arc_order
        return self.outcome.arcs.lot[order[starts[n] : starts[n + 1]]]

    def eligible_count(self, n: int) -> int:
        """Return how many lots have an arc to need n."""
        return int(self._need_totals.lots[n])

    def need_takers(self, n: int) -> Takers:
        """Return where the units of need n's eligible lots went (takers() of those lots)."""
        totals = self._need_totals
        return Takers(higher=int(totals.higher[n]), same=int(totals.same[n]),
                      lower=int(totals.lower[n]), pinned=int(totals.pinned[n]))

    def considered_lots(self, n: int) -> IntArray:
        """Return the lots of accepted items, limited to the nearest k per item if set."""
        inst = self.inst
        compat = np.flatnonzero(np.isin(inst.lot_item, list(inst.need_accepts[n])))
        k = inst.policy.nearest
        if k is None or compat.size == 0:
            return compat
        dist = self.distances(n)[compat]
        keep = [compat[inst.lot_item[compat] == item][np.argsort(
            dist[inst.lot_item[compat] == item], kind="stable")[:k]]
            for item in np.unique(inst.lot_item[compat])]
        return np.sort(np.concatenate(keep))

    def distances(self, n: int) -> np.ndarray:
        """Return the distance from every lot to need n, in km."""
        inst = self.inst
        return haversine_km(inst.lot_lat, inst.lot_lon, inst.need_lat[n], inst.need_lon[n])

    def blocked_by(self, n: int) -> str:
        """Return which rule left need n without any arc."""
        inst = self.inst
        lots = self.considered_lots(n)
        if lots.size == 0:
            return "no_stock"
        lots = lots[inst.lot_price[lots] <= inst.need_price_cap[n]]
        if lots.size == 0:
            return "price_cap"
        limit = inst.policy.max_distance_km
        if limit is not None and not np.any(self.distances(n)[lots] <= limit):
            return "distance"
        return "excluded"

    def code(self, n: int) -> str:
        """Return the reason code for need n (see the module docstring), computed once."""
        code = self._batch_codes[n]
        if code is None:  # no arc at all: which rule blocked it is worked out per need
            if n not in self._codes:
                self._codes[n] = self.blocked_by(n)
            return self._codes[n]
        return code

    @cached_property
    def _batch_codes(self) -> list[str | None]:
        """Return every need's code, None where the need has no arc (blocked_by decides)."""
        inst, totals = self.inst, self._need_totals
        group = inst.need_group
        capped = np.zeros(inst.n_needs, dtype=bool)
        has_group = group >= 0
        capped[has_group] = self.group_used[group[has_group]] >= inst.group_cap[group[has_group]]
        higher, same = totals.higher, totals.same
        rules = [  # the first rule that holds, in this order, gives the code
            (self.served >= inst.need_qty, "none"),
            (totals.lots == 0, None),
            (capped, "cap"),
            (totals.short_lots > 0, "strategy"),
            (totals.lower > 0, "strategy"),
            ((higher == 0) & (same == 0) & (totals.pinned > 0), "pinned"),
            ((higher == 0) & (same == 0), "no_stock"),
            (higher >= same, "higher_tier"),
        ]
        conditions = [cond for cond, _ in rules]
        choices = np.arange(len(rules))
        picked = np.select(conditions, choices, default=len(rules)).tolist()
        names = [name for _, name in rules] + ["shared"]
        return [names[i] for i in picked]
