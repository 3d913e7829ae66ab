"""Which lot may serve which need: the arcs of the transportation problem.

An arc (l, n) exists when the lot's item is the need's item or one of its
substitutes (one way only), the lot's price is within the need's cap, the
great-circle distance is within ``max_distance_km``, the lot is among the
``nearest`` lots of its item to the need (when set), and the pair is not
excluded. Everything is vectorised per item.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from scipy.spatial import cKDTree

from solver.geo import chord_km, distance_km, unit_vectors
from solver.instance import FloatArray, Instance, IntArray, index_pairs

# Costs are compared in thousandths of a currency unit per unit shipped: the
# least-cost level is exact to that precision, and integer costs make the
# stacked objective exact in int64.
COST_SCALE = 1000


@dataclass(frozen=True)
class Arcs:
    """Parallel arrays, one entry per arc."""

    lot: IntArray
    need: IntArray
    dist_km: FloatArray
    unit_cost: FloatArray
    cost_int: IntArray

    @property
    def size(self) -> int:
        """Number of arcs."""
        return int(self.lot.size)


class ArcColumns(Protocol):
    """What an outcome reads of its arcs: `Arcs`, or `DeferredArcs` that builds them late."""

    @property
    def lot(self) -> IntArray:
        """Lot of every arc."""

    @property
    def need(self) -> IntArray:
        """Need of every arc."""

    @property
    def dist_km(self) -> FloatArray:
        """Distance of every arc."""

    @property
    def unit_cost(self) -> FloatArray:
        """Unit cost of every arc."""

    @property
    def cost_int(self) -> IntArray:
        """Scaled unit cost of every arc."""

    @property
    def size(self) -> int:
        """Number of arcs."""


def accept_matrix(inst: Instance) -> np.ndarray:
    """Return a (needs x items) boolean matrix: may need n take item i?"""
    accepts = np.zeros((inst.n_needs, len(inst.items)), dtype=bool)
    accepts[np.arange(inst.n_needs), inst.need_item] = True
    pairs = [(n, code) for n, codes in enumerate(inst.need_accepts) if len(codes) > 1
             for code in codes]
    if pairs:
        rows, cols = zip(*pairs, strict=True)
        accepts[list(rows), list(cols)] = True
    return accepts


def unit_costs(inst: Instance, lot: IntArray, dist_km: FloatArray) -> FloatArray:
    """Return price plus transport per unit for arcs from these lots."""
    return inst.lot_price[lot] + inst.policy.transport_cost_per_unit_km * dist_km


def scaled_costs(unit_cost: FloatArray) -> IntArray:
    """Return unit costs as integers in 1/COST_SCALE of a currency unit."""
    return np.rint(unit_cost * COST_SCALE).astype(np.int64)


def nearest_pairs(
    inst: Instance, lots_i: IntArray, needs_i: IntArray, k: int
) -> tuple[IntArray, IntArray]:
    """Pair each need with its k nearest lots among lots_i (k-d tree on the sphere)."""
    k = min(k, lots_i.size)
    tree = cKDTree(unit_vectors(inst.lot_lat[lots_i], inst.lot_lon[lots_i]))
    _, idx = tree.query(unit_vectors(inst.need_lat[needs_i], inst.need_lon[needs_i]), k=k)
    idx = np.asarray(idx, dtype=np.int64).reshape(needs_i.size, k)
    return lots_i[idx.ravel()], np.repeat(needs_i, k)


def _candidate_pairs(
    inst: Instance, lots_i: IntArray, needs_i: IntArray
) -> tuple[IntArray, IntArray]:
    nearest = inst.policy.nearest
    if nearest is not None and nearest < lots_i.size:
        return nearest_pairs(inst, lots_i, needs_i, nearest)
    return np.tile(lots_i, needs_i.size), np.repeat(needs_i, lots_i.size)


def excluded_mask(inst: Instance, lot: IntArray, need: IntArray) -> np.ndarray:
    """Return True for arcs whose (lot id, need id) pair is excluded."""
    codes = [
        inst.lot_pos[l_id] * inst.n_needs + inst.need_pos[n_id]
        for l_id, n_id in inst.policy.excluded
        if l_id in inst.lot_pos and n_id in inst.need_pos
    ]
    if not codes:
        return np.zeros(lot.size, dtype=bool)
    return np.isin(lot * inst.n_needs + need, np.array(codes, dtype=np.int64))


def lawful_exclusions(inst: Instance) -> tuple[IntArray, IntArray]:
    """Return the excluded pairs that would otherwise be arcs (item accepted, price within
    the cap), as lot and need indices, each pair once, ordered by lot then need."""
    lot, need = index_pairs(inst, inst.policy.excluded)
    ok = lawful_pairs(inst, lot, need)
    return lot[ok], need[ok]


def lawful_pairs(inst: Instance, lot: IntArray, need: IntArray) -> np.ndarray:
    """Tell, per (lot, need) pair, whether the need accepts the lot's item at its price."""
    accepted = np.array([int(inst.lot_item[x]) in inst.need_accepts[n]
                         for x, n in zip(lot.tolist(), need.tolist(), strict=True)], dtype=bool)
    return accepted & (inst.lot_price[lot] <= inst.need_price_cap[need])


def build_arcs(inst: Instance) -> Arcs:
    """Return every arc of the model under the instance's policy."""
    accepts = accept_matrix(inst)
    lots_parts: list[IntArray] = []
    needs_parts: list[IntArray] = []
    for item in range(len(inst.items)):
        lots_i = np.flatnonzero(inst.lot_item == item)
        needs_i = np.flatnonzero(accepts[:, item])
        if lots_i.size and needs_i.size:
            lot, need = _candidate_pairs(inst, lots_i, needs_i)
            keep = inst.lot_price[lot] <= inst.need_price_cap[need]
            lots_parts.append(lot[keep])
            needs_parts.append(need[keep])
    lot = np.concatenate(lots_parts) if lots_parts else np.zeros(0, dtype=np.int64)
    need = np.concatenate(needs_parts) if needs_parts else np.zeros(0, dtype=np.int64)
    lot_xyz = unit_vectors(inst.lot_lat, inst.lot_lon)
    need_xyz = unit_vectors(inst.need_lat, inst.need_lon)
    dist = chord_km(lot_xyz[lot], need_xyz[need])
    keep = ~excluded_mask(inst, lot, need)
    if inst.policy.max_distance_km is not None:
        keep &= dist <= inst.policy.max_distance_km
    lot, need, dist = lot[keep], need[keep], dist[keep]
    cost = unit_costs(inst, lot, dist)
    return Arcs(lot=lot, need=need, dist_km=dist, unit_cost=cost, cost_int=scaled_costs(cost))


def arc_rule_broken(inst: Instance, lot: int, need: int) -> str | None:
    """Return which hard rule forbids lot -> need, or None if the pair is allowed.

    The nearest-k restriction is not a rule but a sparsification, so it is not
    checked here: a coordinator may pin any lawful pair.
    """
    if int(inst.lot_item[lot]) not in inst.need_accepts[need]:
        return "the lot's item is neither the need's item nor one of its substitutes"
    if inst.lot_price[lot] > inst.need_price_cap[need]:
        return "the lot's unit price is above the need's price cap"
    dist = distance_km(float(inst.lot_lat[lot]), float(inst.lot_lon[lot]),
                       float(inst.need_lat[need]), float(inst.need_lon[need]))
    limit = inst.policy.max_distance_km
    if limit is not None and dist > limit:
        return f"the lot is {dist:.1f} km away, beyond the maximum distance of {limit} km"
    if (inst.lots[lot].id, inst.needs[need].id) in inst.policy.excluded:
        return "the pair is excluded"
    return None
