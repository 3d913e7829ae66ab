"""The engine-neutral flow model: capacities, arcs, fairness segments, cap groups.

Network: source -> lot (stock left) -> need (arc) -> K segment arcs -> sink,
where the segments of a capped (company, item) pass through a cap node whose
arc to the sink carries the cap. Both engines read this one description.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.arcs import Arcs
from solver.instance import Instance, IntArray
from solver.pins import Pins
from solver.segments import segment_room, segment_worths
from solver.weights import Weights, fits_int64, stacked_weights


@dataclass(frozen=True)
class FlowModel:
    """Everything an engine needs, as integer arrays."""

    lot_cap: IntArray
    need_cap: IntArray
    group_cap: IntArray
    arc_lot: IntArray
    arc_need: IntArray
    arc_cap: IntArray
    arc_cost: IntArray
    seg_need: IntArray
    seg_cap: IntArray
    seg_worth: IntArray
    seg_tier: IntArray
    need_group: IntArray
    steps: int

    @property
    def n_lots(self) -> int:
        """Number of lot nodes."""
        return int(self.lot_cap.size)

    @property
    def n_needs(self) -> int:
        """Number of need nodes."""
        return int(self.need_cap.size)

    @property
    def n_groups(self) -> int:
        """Number of cap nodes."""
        return int(self.group_cap.size)

    @property
    def n_nodes(self) -> int:
        """Nodes of the network: source, sink, lots, needs and cap nodes."""
        return 2 + self.n_lots + self.n_needs + self.n_groups


def build_model(inst: Instance, arcs: Arcs, pins: Pins) -> FlowModel:
    """Build the flow model left to solve once pinned flows are taken out."""
    steps = inst.policy.fairness_steps
    room = segment_room(inst.need_qty, pins.need_pinned(inst.n_needs), steps)
    keep = room.ravel() > 0
    seg_need = np.repeat(np.arange(inst.n_needs, dtype=np.int64), steps)[keep]
    arc_cap = np.minimum(pins.lot_left[arcs.lot], pins.need_left[arcs.need])
    return FlowModel(
        lot_cap=pins.lot_left,
        need_cap=pins.need_left,
        group_cap=pins.group_left,
        arc_lot=arcs.lot,
        arc_need=arcs.need,
        arc_cap=arc_cap,
        arc_cost=arcs.cost_int,
        seg_need=seg_need,
        seg_cap=room.ravel()[keep],
        seg_worth=np.tile(segment_worths(steps), inst.n_needs)[keep],
        seg_tier=inst.need_tier[seg_need],
        need_group=inst.need_group,
        steps=steps,
    )


def mixed_groups(model: FlowModel) -> int:
    """Count cap groups whose needs span more than one tier."""
    group = model.need_group[model.seg_need]
    capped = group >= 0
    pairs = np.unique(np.column_stack([group[capped], model.seg_tier[capped]]), axis=0)
    _, per_group = np.unique(pairs[:, 0], return_counts=True) if pairs.size else (None, [])
    return int(np.sum(np.asarray(per_group) > 1))


def model_weights(model: FlowModel) -> tuple[Weights, bool]:
    """Return the stacked weights for this model and whether they fit int64."""
    lots = int(np.count_nonzero(np.bincount(model.arc_lot, minlength=1)))
    needs = int(np.count_nonzero(np.bincount(model.arc_need, minlength=1)))
    max_cost = int(model.arc_cost.max()) if model.arc_cost.size else 0
    weights = stacked_weights(lots, needs, max_cost, model.steps, model.n_groups,
                              mixed_groups(model))
    return weights, fits_int64(weights, model.steps, max_cost, model.n_nodes)
