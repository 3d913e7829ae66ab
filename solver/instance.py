"""Validated inputs turned into index arrays, the form every engine works on."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from solver.model import Lot, Need, Policy

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def int_bincount(index: IntArray, values: IntArray, size: int) -> IntArray:
    """Sum integer values per index exactly (np.bincount would go through float64)."""
    out = np.zeros(size, dtype=np.int64)
    np.add.at(out, index, values)
    return out


@dataclass(frozen=True)
class Instance:
    """Lots and needs as parallel numpy arrays, items and cap groups as codes."""

    lots: tuple[Lot, ...]
    needs: tuple[Need, ...]
    policy: Policy
    items: tuple[str, ...]
    lot_pos: dict[Hashable, int]
    need_pos: dict[Hashable, int]
    lot_item: IntArray
    lot_qty: IntArray
    lot_price: FloatArray
    lot_lat: FloatArray
    lot_lon: FloatArray
    need_item: IntArray
    need_qty: IntArray
    need_tier: IntArray
    need_price_cap: FloatArray
    need_lat: FloatArray
    need_lon: FloatArray
    need_accepts: tuple[frozenset[int], ...]
    item_takers: tuple[IntArray, ...]   # per item, the needs accepting it (ascending)
    need_group: IntArray
    group_keys: tuple[tuple[Hashable, str], ...]
    group_cap: IntArray

    @property
    def n_lots(self) -> int:
        """Number of lots."""
        return len(self.lots)

    @property
    def n_needs(self) -> int:
        """Number of needs."""
        return len(self.needs)


def _item_codes(lots: Sequence[Lot], needs: Sequence[Need]) -> dict[str, int]:
    names: dict[str, int] = {}
    for name in [lot.item for lot in lots] + [need.item for need in needs]:
        names.setdefault(name, len(names))
    return names


def _accepts(need: Need, codes: dict[str, int]) -> frozenset[int]:
    if not need.substitutes:
        return frozenset((codes[need.item],))
    accepted = {need.item, *need.substitutes}
    return frozenset(codes[name] for name in accepted if name in codes)


def _groups(
    needs: Sequence[Need], policy: Policy
) -> tuple[IntArray, tuple[tuple[Hashable, str], ...], IntArray]:
    """Give each capped (company, item) a group number; -1 for needs without a cap."""
    keys: dict[tuple[Hashable, str], int] = {}
    group = np.full(len(needs), -1, dtype=np.int64)
    for index, need in enumerate(needs):
        key = (need.company, need.item)
        if key in policy.caps:
            group[index] = keys.setdefault(key, len(keys))
    caps = np.array([int(policy.caps[key]) for key in keys], dtype=np.int64)
    return group, tuple(keys), caps


def _floats(values: Sequence[object]) -> FloatArray:
    return np.array([float(v) for v in values], dtype=np.float64)  # type: ignore[arg-type]


def build_instance(lots: Sequence[Lot], needs: Sequence[Need], policy: Policy) -> Instance:
    """Index validated lots and needs into arrays (no checking is done here)."""
    codes = _item_codes(lots, needs)
    group, group_keys, group_cap = _groups(needs, policy)
    l_item, l_qty, l_price, l_lat, l_lon = (
        zip(*[(x.item, x.quantity, x.unit_price, x.lat, x.lon) for x in lots], strict=True)
        if lots else ((),) * 5
    )
    n_item, n_qty, n_tier, n_cap, n_lat, n_lon = (
        zip(*[(x.item, x.quantity, x.tier, math.inf if x.max_unit_price is None
               else x.max_unit_price, x.lat, x.lon) for x in needs], strict=True)
        if needs else ((),) * 6
    )
    accepts = tuple(_accepts(need, codes) for need in needs)
    return Instance(
        lots=tuple(lots),
        needs=tuple(needs),
        policy=policy,
        items=tuple(codes),
        lot_pos={lot.id: i for i, lot in enumerate(lots)},
        need_pos={need.id: i for i, need in enumerate(needs)},
        lot_item=np.array([codes[i] for i in l_item], dtype=np.int64),
        lot_qty=np.array(l_qty, dtype=np.int64),
        lot_price=_floats(l_price),
        lot_lat=_floats(l_lat),
        lot_lon=_floats(l_lon),
        need_item=np.array([codes[i] for i in n_item], dtype=np.int64),
        need_qty=np.array(n_qty, dtype=np.int64),
        need_tier=np.array(n_tier, dtype=np.int64),
        need_price_cap=_floats(n_cap),
        need_lat=_floats(n_lat),
        need_lon=_floats(n_lon),
        need_accepts=accepts,
        item_takers=_takers(accepts, len(codes)),
        need_group=group,
        group_keys=group_keys,
        group_cap=group_cap,
    )


def index_pairs(inst: Instance, pairs: Iterable[tuple[Hashable, Hashable]]
                ) -> tuple[IntArray, IntArray]:
    """Index (lot id, need id) pairs, each once, ordered by lot then need.

    Pairs naming an unknown id are left out (an exclusion or a hint may outlive its lot).
    """
    codes = np.unique(np.array([
        inst.lot_pos[lot_id] * inst.n_needs + inst.need_pos[need_id]
        for lot_id, need_id in pairs if lot_id in inst.lot_pos and need_id in inst.need_pos
    ], dtype=np.int64))
    lot, need = np.divmod(codes, max(inst.n_needs, 1))
    return lot, need


def _takers(accepts: tuple[frozenset[int], ...], n_items: int) -> tuple[IntArray, ...]:
    """For each item, the needs that accept it (its own or as a substitute), ascending."""
    pairs = [(item, n) for n, acc in enumerate(accepts) for item in acc]
    by_item: list[list[int]] = [[] for _ in range(n_items)]
    for item, n in pairs:
        by_item[item].append(n)
    return tuple(np.array(needs, dtype=np.int64) for needs in by_item)
