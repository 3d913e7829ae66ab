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

from solver.geo import haversine_km
from solver.instance import IntArray, int_bincount
from solver.outcome import Outcome

REASONS = ("none", "no_stock", "price_cap", "distance", "excluded", "cap", "higher_tier",
           "shared", "pinned", "strategy")


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
        self._codes: dict[int, str] = {}  # explain() and unmet_by_reason() both ask

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
    def _flow_order(self) -> tuple[IntArray, IntArray]:
        order = np.argsort(self.outcome.need, kind="stable")
        starts = np.searchsorted(self.outcome.need[order], np.arange(self.inst.n_needs + 1))
        return order, starts

    def flows_of(self, n: int) -> IntArray:
        """Return the positions of need n's flows (an index, so each need costs its own flows)."""
        order, starts = self._flow_order
        return order[starts[n] : starts[n + 1]]

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

    def takers(self, n: int, lots: IntArray) -> Takers:
        """Return where these lots' units went, excluding need n itself."""
        table, pinned = self._lot_tier_units
        by_tier = table[lots].sum(axis=0)
        out = self.outcome
        mine = self.flows_of(n)
        if mine.size:  # a need has few flows: a set test beats np.isin's set-up cost
            allowed = set(lots.tolist())
            own = mine[[int(lot) in allowed for lot in out.lot[mine]]]
        else:
            own = mine
        own_free = int((out.qty[own] - out.pinned[own]).sum())
        tier = int(self.inst.need_tier[n])
        return Takers(higher=int(by_tier[1:tier].sum()), same=int(by_tier[tier]) - own_free,
                      lower=int(by_tier[tier + 1 :].sum()),
                      pinned=int(pinned[lots].sum() - out.pinned[own].sum()))

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
        if n not in self._codes:
            self._codes[n] = self._code(n)
        return self._codes[n]

    def _code(self, n: int) -> str:
        inst = self.inst
        if self.served[n] >= inst.need_qty[n]:
            return "none"
        lots = self.eligible_lots(n)
        if lots.size == 0:
            return self.blocked_by(n)
        group = int(inst.need_group[n])
        if group >= 0 and self.group_used[group] >= inst.group_cap[group]:
            return "cap"
        if np.any(self.lot_used[lots] < inst.lot_qty[lots]):
            return "strategy"
        takers = self.takers(n, lots)
        if takers.lower > 0:
            return "strategy"
        if takers.higher == takers.same == 0:
            return "pinned" if takers.pinned > 0 else "no_stock"
        return "higher_tier" if takers.higher >= takers.same else "shared"
