"""Greedy filling for the baseline strategies, without building every arc.

Needs are served one after another in index order; each takes from its arcs
cheapest delivered first: unit cost, then distance, then the order of
`solver.arcs.build_arcs` (item code, then lot index, or nearest rank when
``Policy.nearest`` is set). The arcs are the ones `build_arcs` would give, but
they are only computed for a chunk of needs at a time, against the lots that
still have stock when the chunk starts, and only each need's few cheapest are
sorted: the rest are sorted only for a need that gets through all of those.
"""

from __future__ import annotations

import numpy as np

from solver.arcs import Arcs, accept_matrix, scaled_costs, unit_costs
from solver.geo import chord_km, unit_vectors
from solver.greedy_blocks import Block, BlockMaker
from solver.instance import FloatArray, Instance, IntArray
from solver.pins import Pins

CHUNK = 512  # needs per chunk: bigger tables amortise numpy calls, smaller see fresher stock
TOP = 8  # lots per need sorted up front; a need rarely takes more than a few


class Greedy:
    """Hands out stock need by need, tracking lots, needs and caps left, and what was taken."""

    def __init__(self, inst: Instance, pins: Pins) -> None:
        self.inst = inst
        self.lot_left = pins.lot_left.copy()
        self.need_left = pins.need_left.copy()
        self.group_left = pins.group_left.copy()
        self.lot_xyz = unit_vectors(inst.lot_lat, inst.lot_lon)
        self.need_xyz = unit_vectors(inst.need_lat, inst.need_lon)
        self.maker = BlockMaker(inst, self.lot_xyz, self.need_xyz)
        self.accepts = accept_matrix(inst)
        self.taken: list[tuple[int, int, int]] = []  # (lot, need, units)

    def serve(self, units: IntArray, own_item_only: bool | None = None) -> IntArray:
        """Give each need in turn up to units[n]; return the units each got.

        own_item_only True takes only lots of the need's own item, False only
        substitutes, None both.
        """
        accepts = self.accepts
        if own_item_only is not None:
            own = np.zeros_like(accepts)
            own[np.arange(self.inst.n_needs), self.inst.need_item] = True
            accepts = accepts & own if own_item_only else accepts & ~own
        got = np.zeros(self.inst.n_needs, dtype=np.int64)
        for start in range(0, self.inst.n_needs, CHUNK):
            needs = np.arange(start, min(self.inst.n_needs, start + CHUNK), dtype=np.int64)
            self._serve_chunk(needs, units, accepts, got)
        return got

    def _want(self, n: int, units: int) -> int:
        want = min(units, int(self.need_left[n]))
        group = int(self.inst.need_group[n])
        return want if group < 0 else min(want, int(self.group_left[group]))

    def _serve_chunk(self, needs: IntArray, units: IntArray, accepts: np.ndarray,
                     got: IntArray) -> None:
        want = np.minimum(units[needs], self.need_left[needs])
        group = self.inst.need_group[needs]
        capped = group >= 0
        want[capped] = np.minimum(want[capped], self.group_left[group[capped]])
        needs = needs[want > 0]
        live = self.lot_left > 0
        if needs.size == 0 or not live.any():
            return
        blocks = [block for item in range(len(self.inst.items))
                  if (block := self._block(item, needs, accepts, live)) is not None]
        if not blocks:
            return
        first = Candidates(blocks, needs.size)
        for i, n in enumerate(needs.tolist()):
            wanted = self._want(n, int(units[n]))
            if wanted <= 0:
                continue
            taken = self._take(n, wanted, first.lots(i))
            if taken < wanted and first.rest[i]:
                taken += self._take(n, wanted - taken, first.rest_lots(i))
            self.need_left[n] -= taken
            if self.inst.need_group[n] >= 0:
                self.group_left[self.inst.need_group[n]] -= taken
            got[n] += taken

    def _block(self, item: int, needs: IntArray, accepts: np.ndarray,
               live: np.ndarray) -> Block | None:
        rows = np.flatnonzero(accepts[needs, item])
        return self.maker.block(item, rows, needs[rows], live) if rows.size else None

    def _take(self, n: int, want: int, lots: list[int]) -> int:
        got = 0
        left = self.lot_left
        for lot in lots:
            if got == want:
                break
            have = int(left[lot])
            if have:
                take = min(want - got, have)
                left[lot] = have - take
                self.taken.append((lot, n, take))
                got += take
        return got

    def used_arcs(self) -> tuple[Arcs, IntArray]:
        """Return the arcs that carry stock, with the units on each (as build_arcs costs them)."""
        lot, need, qty = (np.array(col, dtype=np.int64) for col in zip(*self.taken, strict=True)) \
            if self.taken else (np.zeros(0, dtype=np.int64),) * 3
        dist = chord_km(self.lot_xyz[lot], self.need_xyz[need])
        cost = unit_costs(self.inst, lot, dist)
        arcs = Arcs(lot=lot, need=need, dist_km=dist, unit_cost=cost, cost_int=scaled_costs(cost))
        return arcs, qty


class Candidates:
    """Each need's cheapest arcs of a chunk, in order; the rest sorted on demand."""

    def __init__(self, blocks: list[Block], size: int) -> None:
        self.blocks = blocks
        # A need's threshold: the TOP-th cheapest cost of one of its items; every arc
        # at or below it is sorted now, every arc above it comes after all of those.
        self.limit = np.full(size, np.inf)
        for b in blocks:
            if b.cols.size > TOP:
                kth = np.partition(b.cost, TOP - 1, axis=1)[:, TOP - 1]
                self.limit[b.rows] = np.minimum(self.limit[b.rows], kth)
        self.rest = np.zeros(size, dtype=np.int64)
        parts = [self._part(b) for b in blocks]
        keys = [np.concatenate([p[k] for p in parts]) for k in range(6)]
        pos, lot, cost, dist, item, tie = keys
        order = np.lexsort((tie, item, dist, cost, pos))
        self.lot: list[int] = lot[order].tolist()
        self.starts: list[int] = np.searchsorted(pos[order], np.arange(size + 1)).tolist()

    def _part(self, b: Block) -> tuple[IntArray, IntArray, FloatArray, FloatArray, IntArray,
                                       IntArray]:
        finite = np.isfinite(b.cost)
        cand = finite & (b.cost <= self.limit[b.rows][:, None])
        self.rest[b.rows] += finite.sum(axis=1) - cand.sum(axis=1)
        r, c = np.nonzero(cand)
        return (b.rows[r], b.cols[c], b.cost[r, c], b.dist[r, c],
                np.full(r.size, b.item, dtype=np.int64), b.tie[r, c])

    def lots(self, i: int) -> list[int]:
        """Return the lots of chunk need i's cheapest arcs, in order."""
        return self.lot[self.starts[i] : self.starts[i + 1]]

    def rest_lots(self, i: int) -> list[int]:
        """Return the lots of chunk need i's other arcs, in order."""
        parts = []
        for b in self.blocks:
            r = np.flatnonzero(b.rows == i)
            if r.size == 0:
                continue
            cost, dist, tie = b.cost[r[0]], b.dist[r[0]], b.tie[r[0]]
            c = np.flatnonzero(np.isfinite(cost) & (cost > self.limit[i]))
            parts.append((b.cols[c], cost[c], dist[c], np.full(c.size, b.item), tie[c]))
        lot, cost, dist, item, tie = (np.concatenate([p[k] for p in parts]) for k in range(5))
        lots: list[int] = lot[np.lexsort((tie, item, dist, cost))].tolist()
        return lots
