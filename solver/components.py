"""Split the flow model into independent parts (connected components).

No simple cycle crosses from one component of the lot-need-cap graph to
another, so each part can be solved alone, with stacked weights bounded by
its own size and its own largest cost. Smaller weights mean fewer
cost-scaling phases in OR-Tools (a thermometer lot at 90 no longer inflates
the weights of mask arcs at 0.8), and a part whose weights overflow int64
falls back to the staged engine on its own. Small parts are batched into one
model so that many tiny components do not cost one solver call each.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from solver.instance import IntArray
from solver.network import FlowModel

BATCH_ARCS = 5_000


@dataclass(frozen=True)
class Part:
    """A sub-model and the indices of its arcs in the full model."""

    model: FlowModel
    arcs: IntArray


def _labels(model: FlowModel) -> IntArray:
    n_l, n_n = model.n_lots, model.n_needs
    capped = np.flatnonzero(model.need_group >= 0)
    rows = np.concatenate([model.arc_lot, n_l + capped])
    cols = np.concatenate([n_l + model.arc_need, n_l + n_n + model.need_group[capped]])
    size = n_l + n_n + model.n_groups
    graph = sparse.coo_matrix((np.ones(rows.size), (rows, cols)), shape=(size, size))
    return np.asarray(connected_components(graph, directed=False)[1], dtype=np.int64)


def _remap(members: IntArray, size: int) -> IntArray:
    index = np.full(size, -1, dtype=np.int64)
    index[members] = np.arange(members.size)
    return index


def _sub_model(model: FlowModel, node_in: np.ndarray) -> Part:
    n_l, n_n = model.n_lots, model.n_needs
    lots = np.flatnonzero(node_in[:n_l])
    needs = np.flatnonzero(node_in[n_l : n_l + n_n])
    groups = np.flatnonzero(node_in[n_l + n_n :])
    arcs = np.flatnonzero(node_in[model.arc_lot])
    segs = np.flatnonzero(node_in[n_l + model.seg_need])
    need_index = _remap(needs, n_n)
    group_index = np.append(_remap(groups, model.n_groups), -1)  # -1 maps to -1
    sub = FlowModel(
        lot_cap=model.lot_cap[lots], need_cap=model.need_cap[needs],
        group_cap=model.group_cap[groups],
        arc_lot=_remap(lots, n_l)[model.arc_lot[arcs]],
        arc_need=need_index[model.arc_need[arcs]],
        arc_cap=model.arc_cap[arcs], arc_cost=model.arc_cost[arcs],
        seg_need=need_index[model.seg_need[segs]], seg_cap=model.seg_cap[segs],
        seg_worth=model.seg_worth[segs], seg_tier=model.seg_tier[segs],
        need_group=group_index[model.need_group[needs]], steps=model.steps,
    )
    return Part(sub, arcs)


def split_model(model: FlowModel) -> list[Part]:
    """Return the independent parts of a model that have at least one arc."""
    if model.arc_lot.size == 0:
        return []
    labels = _labels(model)
    arc_labels = labels[model.arc_lot]
    counts = np.bincount(arc_labels, minlength=labels.max() + 1)
    big = np.flatnonzero(counts >= BATCH_ARCS)
    small = np.flatnonzero((counts > 0) & (counts < BATCH_ARCS))
    batches = [[label] for label in big.tolist()]
    if small.size:
        batches.append(small.tolist())
    if len(batches) == 1:  # one part: solve the model itself (arc-less needs are harmless)
        return [Part(model, np.arange(model.arc_lot.size))]
    return [_sub_model(model, np.isin(labels, batch)) for batch in batches]
