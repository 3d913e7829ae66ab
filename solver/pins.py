"""Pinned flows: kept as they are, checked, and taken out of the capacities."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from solver.arcs import arc_rule_broken
from solver.instance import Instance, IntArray, int_bincount
from solver.model import Flow
from solver.validate import check_positive_int


@dataclass(frozen=True)
class Pins:
    """Pinned flows as index arrays, plus what is left for the solver."""

    lot: IntArray
    need: IntArray
    qty: IntArray
    lot_left: IntArray
    need_left: IntArray
    group_left: IntArray

    def need_pinned(self, n_needs: int) -> IntArray:
        """Return pinned units per need."""
        return int_bincount(self.need, self.qty, n_needs)


def _index_pin(inst: Instance, pin: object, seen: set[tuple[int, int]]) -> tuple[int, int, int]:
    if not isinstance(pin, Flow):
        raise ValueError(f"policy.pinned must hold Flow records, got {pin!r}")
    who = f"pinned flow ({pin.lot_id!r}, {pin.need_id!r})"
    if pin.lot_id not in inst.lot_pos:
        raise ValueError(f"{who}: lot_id is not one of the lots, got {pin.lot_id!r}")
    if pin.need_id not in inst.need_pos:
        raise ValueError(f"{who}: need_id is not one of the needs, got {pin.need_id!r}")
    qty = check_positive_int(who, "quantity", pin.quantity)
    lot, need = inst.lot_pos[pin.lot_id], inst.need_pos[pin.need_id]
    if (lot, need) in seen:
        raise ValueError(f"{who}: the pair is pinned twice; pin it once with the total")
    seen.add((lot, need))
    broken = arc_rule_broken(inst, lot, need)
    if broken is not None:
        raise ValueError(f"{who}: not a valid arc, {broken}")
    return lot, need, qty


def _check_within(kind: str, names: Sequence[object], used: IntArray, limit: IntArray) -> None:
    over = np.flatnonzero(used > limit)
    if over.size:
        i = int(over[0])
        raise ValueError(
            f"policy.pinned: pinned units on {kind} {names[i]!r} total {int(used[i])}, "
            f"more than its {int(limit[i])}"
        )


def build_pins(inst: Instance) -> Pins:
    """Check every pinned flow and return them with the capacities they leave."""
    seen: set[tuple[int, int]] = set()
    rows = [_index_pin(inst, pin, seen) for pin in inst.policy.pinned]
    lot, need, qty = (np.array(col, dtype=np.int64) for col in zip(*rows, strict=True)) if rows \
        else (np.zeros(0, dtype=np.int64),) * 3
    lot_used = int_bincount(lot, qty, inst.n_lots)
    need_used = int_bincount(need, qty, inst.n_needs)
    group_of = inst.need_group[need]
    capped = group_of >= 0
    group_used = int_bincount(group_of[capped], qty[capped], inst.group_cap.size)
    _check_within("lot", [x.id for x in inst.lots], lot_used, inst.lot_qty)
    _check_within("need", [x.id for x in inst.needs], need_used, inst.need_qty)
    _check_within("cap", inst.group_keys, group_used, inst.group_cap)
    return Pins(lot=lot, need=need, qty=qty, lot_left=inst.lot_qty - lot_used,
                need_left=inst.need_qty - need_used, group_left=inst.group_cap - group_used)
