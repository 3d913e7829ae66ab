"""Price every lawful lot -> need pair of the optimal face, chunk by chunk, never stored whole.

Per item, the lots of that item and the needs that accept it form a dense block; we walk
it in column chunks with numpy. Distances come from one matrix product of unit vectors
(chord^2 = 2 - 2 a.b), which is fast but not bit-identical to `solver.arcs`; so a pair
is only *selected* on that estimate with a safety margin, and the exact integer cost of
every selected pair is then recomputed exactly as `build_arcs` does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from solver.arcs import (
    COST_SCALE,
    Arcs,
    lawful_exclusions,
    lawful_pairs,
    scaled_costs,
    unit_costs,
)
from solver.geo import EARTH_RADIUS_KM, chord_km, unit_vectors
from solver.instance import FloatArray, Instance, IntArray

CHUNK_CELLS = 2_000_000
# The estimate of a distance is within 1 m (float64 error of 2 - 2 a.b is ~1e-15, so
# ~3e-8 of a chord, 0.2 m at worst); the integer cost is rounded, so half a unit more.
DIST_SLACK_KM = 1e-3


@dataclass(frozen=True)
class Face:
    """Who may serve whom on the optimal face of levels 1-2, and the geometry to price it."""

    inst: Instance
    lot_pot: IntArray
    need_pot: IntArray
    lot_open: np.ndarray   # lots that may ship on the face
    need_open: np.ndarray  # needs that may receive on the face
    lot_xyz: FloatArray
    need_xyz: FloatArray
    lot_shift: IntArray    # subtracted from every cost out of a lot (see `make_face`)
    ex_lot: IntArray       # excluded pairs that would be lawful, by lot then need
    ex_need: IntArray

    @property
    def margin(self) -> float:
        """Scaled-cost error bound of the estimate, plus the rounding of the exact cost."""
        return 0.5 + self.inst.policy.transport_cost_per_unit_km * COST_SCALE * DIST_SLACK_KM


def make_face(inst: Instance, lot_pot: IntArray, need_pot: IntArray, lot_open: np.ndarray,
              need_open: np.ndarray, lot_fixed: np.ndarray | None = None) -> Face:
    """Bundle the face with the unit vectors of every lot and need.

    `lot_fixed` marks lots whose total is the same in every flow of the face: their
    scaled price is a constant of the cost level, so it is taken off their costs
    (`lot_shift`). What is left is the transport cost, so each need's cheapest
    candidates are its nearest lots rather than the city's cheapest ones.
    """
    shift = np.zeros(inst.n_lots, dtype=np.int64)
    if lot_fixed is not None:
        shift[lot_fixed] = scaled_costs(inst.lot_price[lot_fixed])
    return Face(inst, lot_pot, need_pot, lot_open, need_open,
                unit_vectors(inst.lot_lat, inst.lot_lon),
                unit_vectors(inst.need_lat, inst.need_lon), shift, *lawful_exclusions(inst))


Block = tuple[IntArray, IntArray, np.ndarray, FloatArray]


def on_face(face: Face, lot: IntArray, need: IntArray) -> np.ndarray:
    """Tell, per (lot, need) pair, whether it is an arc of the face (as `blocks` finds them).

    Lawful (item accepted, price within the cap), not excluded, both ends open and of
    equal level-1-2 potential.
    """
    n = face.inst.n_needs
    excluded = np.isin(lot * n + need, face.ex_lot * n + face.ex_need)
    ok: np.ndarray = (face.lot_open[lot] & face.need_open[need] & ~excluded
                      & (face.lot_pot[lot] == face.need_pot[need])
                      & lawful_pairs(face.inst, lot, need))
    return ok


def face_pairs(face: Face, limit: int) -> tuple[IntArray, IntArray] | None:
    """Return every lawful pair of the face, or None as soon as there are more than `limit`."""
    lots_out, needs_out, count = [], [], 0
    for lots, needs, mask, _ in blocks(face, estimate=False):
        rows, cols = np.nonzero(mask)
        count += rows.size
        if count > limit:
            return None
        lots_out.append(lots[rows])
        needs_out.append(needs[cols])
    return _cat(lots_out), _cat(needs_out)


def blocks(face: Face, estimate: bool = True) -> Iterator[Block]:
    """Yield (lots, needs, lawful-on-face mask, estimated scaled cost) blocks.

    With ``estimate=False`` the cost is not computed (an empty array stands in).
    """
    inst = face.inst
    tc = inst.policy.transport_cost_per_unit_km
    for item in range(len(inst.items)):
        lots = np.flatnonzero((inst.lot_item == item) & face.lot_open)
        if not lots.size:
            continue
        takers = inst.item_takers[item]
        takers = takers[face.need_open[takers]]
        step = max(1, CHUNK_CELLS // lots.size)
        price = inst.lot_price[lots][:, None]
        for start in range(0, takers.size, step):
            needs = takers[start : start + step]
            mask = (price <= inst.need_price_cap[needs][None, :]) & (
                face.lot_pot[lots][:, None] == face.need_pot[needs][None, :])
            _drop_excluded(face, lots, needs, mask)
            if not estimate:
                yield lots, needs, mask, np.zeros(0)
                continue
            dot = face.lot_xyz[lots] @ face.need_xyz[needs].T
            chord = np.sqrt(np.clip(2.0 - 2.0 * dot, 0.0, 4.0))
            dist = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, chord / 2))
            shift = face.lot_shift[lots][:, None]
            yield lots, needs, mask, (price + tc * dist) * COST_SCALE - shift


def _drop_excluded(face: Face, lots: IntArray, needs: IntArray, mask: np.ndarray) -> None:
    """Clear the excluded pairs of this block (`lots` and `needs` are ascending)."""
    if not face.ex_lot.size:
        return
    row = np.minimum(np.searchsorted(lots, face.ex_lot), lots.size - 1)
    col = np.minimum(np.searchsorted(needs, face.ex_need), needs.size - 1)
    inside = (lots[row] == face.ex_lot) & (needs[col] == face.ex_need)
    mask[row[inside], col[inside]] = False


def count_lawful(inst: Instance) -> int:
    """Count every arc: lawful (item accepted, price within cap) and not excluded."""
    total = -lawful_exclusions(inst)[0].size
    for item in range(len(inst.items)):
        prices = np.sort(inst.lot_price[inst.lot_item == item])
        if not prices.size:
            continue
        takers = inst.item_takers[item]
        if takers.size:
            total += int(np.searchsorted(prices, inst.need_price_cap[takers], "right").sum())
    return total


def exact_arcs(face: Face, lot: IntArray, need: IntArray) -> Arcs:
    """Return these pairs as arcs with the exact distances and costs of `build_arcs`."""
    dist = chord_km(face.lot_xyz[lot], face.need_xyz[need])
    cost = unit_costs(face.inst, lot, dist)
    return Arcs(lot=lot, need=need, dist_km=dist, unit_cost=cost, cost_int=scaled_costs(cost))


def cheapest_pairs(face: Face, k: int) -> tuple[IntArray, IntArray]:
    """Return each open need's k cheapest lawful lots on the face (by the estimate)."""
    lots_out, needs_out = [], []
    for lots, needs, mask, est in blocks(face):
        est = np.where(mask, est, np.inf)
        kk = min(k, lots.size)
        pick = np.argpartition(est, kk - 1, axis=0)[:kk] if kk < lots.size else \
            np.broadcast_to(np.arange(lots.size)[:, None], est.shape)
        ok = np.isfinite(np.take_along_axis(est, pick, axis=0))
        cols = np.broadcast_to(np.arange(needs.size)[None, :], pick.shape)
        lots_out.append(lots[pick[ok]])
        needs_out.append(needs[cols[ok]])
    return _cat(lots_out), _cat(needs_out)


def negative_pairs(face: Face, lot_dual: IntArray, need_dual: IntArray,
                   known: Callable[[IntArray, IntArray], np.ndarray]
                   ) -> tuple[Arcs, int, int]:
    """Return the face pairs (not yet known) whose exact reduced cost is negative.

    The reduced cost is ``cost - lot_shift + lot_dual - need_dual``. Also returns the number of
    pairs priced and the most negative reduced cost found (0 if none).
    """
    lots_out, needs_out, priced = [], [], 0
    for lots, needs, mask, est in blocks(face):
        priced += int(mask.sum())
        score = est + lot_dual[lots][:, None] - need_dual[needs][None, :]
        rows, cols = np.nonzero(mask & (score < face.margin))
        lots_out.append(lots[rows])
        needs_out.append(needs[cols])
    lot, need = _cat(lots_out), _cat(needs_out)
    fresh = ~known(lot, need)
    arcs = exact_arcs(face, lot[fresh], need[fresh])
    reduced = arcs.cost_int - face.lot_shift[arcs.lot] + lot_dual[arcs.lot] - need_dual[arcs.need]
    neg = reduced < 0
    worst = int(reduced[neg].min()) if neg.any() else 0
    keep = np.flatnonzero(neg)
    return (Arcs(arcs.lot[keep], arcs.need[keep], arcs.dist_km[keep], arcs.unit_cost[keep],
                 arcs.cost_int[keep]), priced, worst)


def _cat(parts: list[IntArray]) -> IntArray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
