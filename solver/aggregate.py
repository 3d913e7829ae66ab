"""Levels 1 and 2 (units per tier, fairness) on an aggregated network of O(lots + needs) arcs.

Without a maximum distance or nearest-k, whether lot l may serve need n depends only on
the lot's item and price (l's item is accepted by n and its price is at most n's cap),
except for the few pairs a coordinator excluded: their needs take direct arcs instead.
Units per tier and fairness worth do not depend on which allowed lot serves a need. So
each item's lots are sorted by price and chained (lot j -> lot j+1, uncapacitated, cost
0) and each need is attached once per accepted item to the most
expensive lot it may take: every lot before it in the chain reaches it, and no other.
Any flow of the full network maps onto this one and back (path decomposition), so both
have the same optimum of the first two levels, and the potentials of this network are
an optimal dual of the full one (each full arc l -> n is a chain path of reduced cost
>= 0). By complementary slackness, the flows that keep levels 1-2 optimal are exactly
those that use lot -> need arcs with equal potentials and respect the bounds below.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.arcs import lawful_exclusions
from solver.instance import Instance, IntArray
from solver.network import FlowModel, mixed_groups
from solver.pins import Pins
from solver.potentials import residual_arcs, shortest_potentials
from solver.weights import stacked_weights

FAN_OUT = 64
CLASS_ARCS_LIMIT = 3_000_000


@dataclass(frozen=True)
class Chains:
    """Each item's lots in price order and where each (need, item) attaches."""

    order: IntArray          # lots sorted by (item, price)
    attach_need: IntArray    # one entry per (need, accepted item) with a reachable lot
    attach_lot: IntArray     # the most expensive lot of that item the need may take
    direct_lot: IntArray     # a need with an excluded pair takes direct arcs instead:
    direct_need: IntArray    # one per lot it may take (lawful and not excluded)


@dataclass(frozen=True)
class FirstLevels:
    """The optimal face of levels 1-2, as bounds and potentials, plus one flow on it."""

    lot_pot: IntArray
    need_pot: IntArray
    lot_lo: IntArray
    lot_hi: IntArray
    need_lo: IntArray
    need_hi: IntArray
    group_lo: IntArray
    group_hi: IntArray
    unused_lo: int
    unused_hi: int
    pair_lot: IntArray       # a feasible flow on the face, as lot -> need pairs
    pair_need: IntArray
    pair_qty: IntArray
    arcs: int                # arcs of the aggregated network


def build_chains(inst: Instance) -> Chains:
    """Sort lots by (item, price) and attach each need to each accepted item's chain.

    A need with an excluded pair (few: a coordinator's exclusions) is not attached; it
    gets one direct arc from every lot it may take instead.
    """
    order = np.lexsort((inst.lot_price, inst.lot_item))
    items = inst.lot_item[order]
    prices = inst.lot_price[order]
    ex_lot, ex_need = lawful_exclusions(inst)
    needs, lots, direct_lots, direct_needs = [], [], [], []
    for item in range(len(inst.items)):
        lo, hi = np.searchsorted(items, [item, item + 1])
        if lo == hi:
            continue
        takers = inst.item_takers[item]
        if not takers.size:
            continue
        last = np.searchsorted(prices[lo:hi], inst.need_price_cap[takers], side="right") - 1
        ok = (last >= 0) & ~np.isin(takers, ex_need)
        needs.append(takers[ok])
        lots.append(order[lo + last[ok]])
        for n in np.intersect1d(takers, ex_need):
            reach = order[lo : lo + last[np.searchsorted(takers, n)] + 1]
            reach = reach[~np.isin(reach, ex_lot[ex_need == n])]
            direct_lots.append(reach)
            direct_needs.append(np.full(reach.size, n, dtype=np.int64))
    return Chains(order=order, attach_need=_cat(needs), attach_lot=_cat(lots),
                  direct_lot=_cat(direct_lots), direct_need=_cat(direct_needs))


def _cat(parts: list[IntArray]) -> IntArray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _chain_arcs(inst: Instance, order: IntArray) -> tuple[IntArray, IntArray]:
    """Chain each item's lots by price, with skip arcs j -> j + 2^s from every multiple of 2^s.

    Skip arcs only join a cheaper lot to a dearer one of the same item, so they reach no
    lot the chain did not; they shorten paths to O(log lots) arcs, which the cost-scaling
    push-relabel of OR-Tools needs (on plain chains it was 50x slower).
    """
    items = inst.lot_item[order]
    pos = np.arange(order.size)
    first = np.searchsorted(items, items)  # start of each lot's chain in `order`
    end = np.searchsorted(items, items, side="right")
    rel = pos - first
    tails, heads = [], []
    step = 1
    while step < max(order.size, 1):
        src = pos[(rel % step == 0) & (pos + step < end)]
        tails.append(order[src])
        heads.append(order[src + step])
        step *= 2
    return _cat(tails), _cat(heads)


def _class_arcs(inst: Instance, chains: Chains, hub_lot: IntArray
                ) -> tuple[IntArray, IntArray]:
    """Join every lot straight to each class (attachment lot) as dear or dearer than it.

    Needs attach at few distinct price positions (a few dozen per item on the demo city),
    so lot -> hub arcs for every lot at or before the hub's position reach exactly what
    the chain reached, in two steps: OR-Tools' cost scaling was 50x slower on chains.
    Returns (lot, class index) pairs.
    """
    rank = np.empty(inst.n_lots, dtype=np.int64)
    rank[chains.order] = np.arange(inst.n_lots)
    items = inst.lot_item[chains.order]
    first = np.searchsorted(items, inst.lot_item[hub_lot])
    last = rank[hub_lot]
    count = last - first + 1
    hubs = np.repeat(np.arange(hub_lot.size), count)
    offset = np.arange(hubs.size) - np.repeat(np.cumsum(count) - count, count)
    return chains.order[np.repeat(first, count) + offset], hubs


def _fan_out(attach_lot: IntArray) -> tuple[IntArray, IntArray]:
    """Spread each lot's attached needs over hub nodes of at most FAN_OUT needs each.

    A lot -> hub -> need path reaches the same needs as lot -> need, but OR-Tools' cost
    scaling slows down badly on nodes with tens of thousands of arcs (every uncapped need
    hangs on the dearest lot of its item): 30 s against a few on the demo city.
    Returns each attachment's hub and each hub's lot.
    """
    order = np.argsort(attach_lot, kind="stable")
    lots = attach_lot[order]
    start = np.searchsorted(lots, lots)
    chunk = (np.arange(lots.size) - start) // FAN_OUT
    key = np.unique(np.column_stack([lots, chunk]), axis=0) if lots.size else \
        np.zeros((0, 2), dtype=np.int64)
    hub_sorted = np.searchsorted(key[:, 0] * (lots.size + 1) + key[:, 1],
                                 lots * (lots.size + 1) + chunk)
    hub_of = np.empty(lots.size, dtype=np.int64)
    hub_of[order] = hub_sorted
    return hub_of, key[:, 0].astype(np.int64)


def _decompose(inst: Instance, chains: Chains, lot_flow: IntArray, attach_flow: IntArray,
               ) -> tuple[IntArray, IntArray, IntArray]:
    """Split the chain flows into lot -> need pairs, first in, first out along each chain."""
    rank = np.empty(inst.n_lots, dtype=np.int64)
    rank[chains.order] = np.arange(inst.n_lots)
    sup = lot_flow[chains.order]
    keep = np.flatnonzero(attach_flow)
    dem_pos = rank[chains.attach_lot[keep]]
    dem_order = np.argsort(dem_pos, kind="stable")
    dem_need = chains.attach_need[keep][dem_order]
    dem_qty = attach_flow[keep][dem_order]
    # Chains of different items are consecutive in `order`, and within one chain a need
    # only draws from lots at or before its position: FIFO along the whole order works.
    s_end, d_end = np.cumsum(sup), np.cumsum(dem_qty)
    cuts = np.union1d(s_end, d_end)
    cuts = cuts[cuts <= (d_end[-1] if d_end.size else 0)]
    starts = np.concatenate([[0], cuts[:-1]])
    size = cuts - starts
    pos = size > 0
    starts, size = starts[pos], size[pos]
    lot = chains.order[np.searchsorted(s_end, starts, side="right")]
    need = dem_need[np.searchsorted(d_end, starts, side="right")]
    return lot, need, size


def solve_first_levels(inst: Instance, pins: Pins, model: FlowModel) -> FirstLevels:
    """Solve units per tier and fairness on the aggregated network; return its optimal face.

    `model` supplies the segments, capacities and cap groups (its arcs are not used).
    """
    from ortools.graph.python import min_cost_flow

    chains = build_chains(inst)
    n_l, n_n, n_g = inst.n_lots, inst.n_needs, model.n_groups
    lot0, need0, group0 = 2, 2 + n_l, 2 + n_l + n_n
    n_nodes = group0 + n_g
    weights = stacked_weights(n_l, n_n, 0, model.steps, n_g, mixed_groups(model))
    tier_w = np.array((0, *weights.tier), dtype=np.int64)
    seg_cost = -(tier_w[model.seg_tier] + weights.fairness * model.seg_worth)
    seg_group = model.need_group[model.seg_need]
    seg_head = np.where(seg_group >= 0, group0 + seg_group, 1)
    supply = int(model.lot_cap.sum())
    big = supply + 1  # never saturated, so chain and attach arcs keep a forward residual
    hub_of, hub_lot = _fan_out(chains.attach_lot)
    hub0 = n_nodes
    classes = np.unique(hub_lot)  # the distinct lots needs attach to
    class0 = hub0 + hub_lot.size
    n_nodes = class0 + classes.size
    c_tail, c_head = _class_arcs(inst, chains, classes)
    if c_tail.size > CLASS_ARCS_LIMIT:  # too many price positions: chain with skip arcs
        c_tail, c_head = _chain_arcs(inst, chains.order)
        c_tail, c_head = lot0 + c_tail, lot0 + c_head
        hub_src = lot0 + hub_lot
    else:
        c_tail, c_head = lot0 + c_tail, class0 + c_head
        hub_src = class0 + np.searchsorted(classes, hub_lot)
    parts = [  # (tail, head, cap, cost)
        (np.zeros(n_l), lot0 + np.arange(n_l), model.lot_cap, np.zeros(n_l)),
        (np.zeros(1), np.ones(1), np.array([supply]), np.zeros(1)),
        (need0 + model.seg_need, seg_head, model.seg_cap, seg_cost),
        (group0 + np.arange(n_g), np.ones(n_g), model.group_cap, np.zeros(n_g)),
        (c_tail, c_head, np.full(c_tail.size, big), np.zeros(c_tail.size)),
        (hub0 + hub_of, need0 + chains.attach_need,
         np.full(chains.attach_lot.size, big), np.zeros(chains.attach_lot.size)),
        (hub_src, hub0 + np.arange(hub_lot.size), np.full(hub_lot.size, big),
         np.zeros(hub_lot.size)),
        (lot0 + chains.direct_lot, need0 + chains.direct_need,
         np.full(chains.direct_lot.size, big), np.zeros(chains.direct_lot.size)),
    ]
    tail, head, cap, cost = (np.concatenate([p[i] for p in parts]).astype(np.int64)
                             for i in range(4))
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(tail, head, cap, cost)
    smcf.set_nodes_supplies(np.array([0, 1]), np.array([supply, -supply]))
    if smcf.solve() != smcf.OPTIMAL:
        raise RuntimeError("OR-Tools failed on the aggregated network of levels 1-2")
    flow = np.asarray(smcf.flows(np.arange(tail.size)), dtype=np.int64)
    pot = shortest_potentials(n_nodes, *residual_arcs(tail, head, cap, cost, flow))
    reduced = cost + pot[tail] - pot[head]
    lo = np.where(reduced < 0, cap, 0)
    hi = np.where(reduced > 0, 0, cap)
    sizes = np.cumsum([0] + [p[0].size for p in parts])
    seg = slice(sizes[2], sizes[3])
    need_lo = np.bincount(model.seg_need, lo[seg], minlength=n_n).astype(np.int64)
    need_hi = np.bincount(model.seg_need, hi[seg], minlength=n_n).astype(np.int64)
    attach = slice(sizes[5], sizes[6])  # hub -> need arcs, one per attachment
    direct = flow[sizes[7]:sizes[8]]
    into_chains = flow[:n_l] - np.bincount(chains.direct_lot, direct, minlength=n_l)
    pair_lot, pair_need, pair_qty = _decompose(inst, chains, into_chains.astype(np.int64),
                                               flow[attach])
    used = direct > 0
    pair_lot = np.concatenate([pair_lot, chains.direct_lot[used]])
    pair_need = np.concatenate([pair_need, chains.direct_need[used]])
    pair_qty = np.concatenate([pair_qty, direct[used]])
    return FirstLevels(
        lot_pot=pot[lot0:need0], need_pot=pot[need0:group0],
        lot_lo=lo[:n_l], lot_hi=hi[:n_l], need_lo=need_lo, need_hi=need_hi,
        group_lo=lo[sizes[3]:sizes[4]], group_hi=hi[sizes[3]:sizes[4]],
        unused_lo=int(lo[n_l]), unused_hi=int(hi[n_l]),
        pair_lot=pair_lot, pair_need=pair_need, pair_qty=pair_qty, arcs=int(tail.size),
    )
