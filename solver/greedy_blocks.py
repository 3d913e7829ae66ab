"""The arcs of a few needs to the lots that still have stock, as dense tables per item.

The baselines never build the whole arc set (`solver.arcs.build_arcs`): for a chunk
of needs they compute, item by item, a (needs x lots with stock) table of the same
distances and unit costs `build_arcs` would give, with ``inf`` where the pair is no
arc (item, price cap, maximum distance, exclusions, nearest k). Distances are the
same float operations as `solver.geo.chord_km`, element by element, so ties between
lots break exactly as they do on the full arc set.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np

from solver.arcs import nearest_pairs
from solver.geo import EARTH_RADIUS_KM
from solver.instance import FloatArray, Instance, IntArray


@dataclass(frozen=True)
class Block:
    """One item's arcs for some needs: rows are needs, columns lots with stock."""

    item: int
    rows: IntArray  # positions of the needs in the chunk
    cols: IntArray  # lot indices, ascending
    cost: FloatArray  # unit cost, inf where the pair is no arc
    dist: FloatArray
    tie: IntArray  # the arc order of build_arcs within the item: column, or nearest rank


def excluded_lots(inst: Instance) -> dict[int, list[int]]:
    """Return the excluded lot indices of each need index that has any."""
    out: dict[int, list[int]] = {}
    for lot_id, need_id in inst.policy.excluded:
        lot: Hashable = lot_id
        if lot in inst.lot_pos and need_id in inst.need_pos:
            out.setdefault(inst.need_pos[need_id], []).append(inst.lot_pos[lot])
    return out


def chord_distances(lot_xyz: FloatArray, need_xyz: FloatArray) -> FloatArray:
    """Return the (needs x lots) great-circle km, computed as `chord_km` does per pair."""
    diff = (lot_xyz[None, :, :] - need_xyz[:, None, :]).reshape(-1, 3)
    chord = np.sqrt(np.einsum("ij,ij->i", diff, diff))
    dist = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, chord / 2))
    return np.asarray(dist).reshape(need_xyz.shape[0], lot_xyz.shape[0])


class BlockMaker:
    """Builds the per-item tables of a chunk of needs; holds what every chunk shares."""

    def __init__(self, inst: Instance, lot_xyz: FloatArray, need_xyz: FloatArray) -> None:
        self.inst = inst
        self.lot_xyz, self.need_xyz = lot_xyz, need_xyz
        self.item_lots = [np.flatnonzero(inst.lot_item == i) for i in range(len(inst.items))]
        self.excluded = excluded_lots(inst)

    def block(self, item: int, rows: IntArray, needs: IntArray, live: np.ndarray) -> Block | None:
        """Return the table of these needs (chunk positions `rows`) to the item's live lots."""
        inst = self.inst
        all_lots = self.item_lots[item]
        cols = all_lots[live[all_lots]]
        if cols.size == 0 or needs.size == 0:
            return None
        dist = chord_distances(self.lot_xyz[cols], self.need_xyz[needs])
        price = inst.lot_price[cols]
        cost = price[None, :] + inst.policy.transport_cost_per_unit_km * dist
        valid = price[None, :] <= inst.need_price_cap[needs][:, None]
        limit = inst.policy.max_distance_km
        if limit is not None:
            valid &= dist <= limit
        self._drop_excluded(valid, cols, needs)
        tie = self._nearest(valid, all_lots, cols, needs)
        cost[~valid] = np.inf
        return Block(item=item, rows=rows, cols=cols, cost=cost, dist=dist, tie=tie)

    def _drop_excluded(self, valid: np.ndarray, cols: IntArray, needs: IntArray) -> None:
        if not self.excluded:
            return
        col_of = {lot: c for c, lot in enumerate(cols.tolist())}
        for r, n in enumerate(needs.tolist()):
            for lot in self.excluded.get(n, ()):
                if lot in col_of:
                    valid[r, col_of[lot]] = False

    def _nearest(self, valid: np.ndarray, all_lots: IntArray, cols: IntArray,
                 needs: IntArray) -> IntArray:
        """Keep only each need's k nearest lots of the item (if set); return the tie order."""
        k = self.inst.policy.nearest
        if k is None or k >= all_lots.size:
            return np.broadcast_to(np.arange(cols.size, dtype=np.int64), valid.shape)
        # The k nearest among all the item's lots, as build_arcs picks them, in its order.
        lots, _ = nearest_pairs(self.inst, all_lots, needs, k)
        col_of = np.full(self.inst.n_lots, -1, dtype=np.int64)
        col_of[cols] = np.arange(cols.size)
        col = col_of[lots]
        rank = np.tile(np.arange(k, dtype=np.int64), needs.size)
        row = np.repeat(np.arange(needs.size, dtype=np.int64), k)
        live = col >= 0
        tie = np.full(valid.shape, k, dtype=np.int64)
        tie[row[live], col[live]] = rank[live]
        valid &= tie < k
        return tie
