"""Builders and independent checks for the solver tests (no solver internals used)."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
from scipy.optimize import linear_sum_assignment

from solver import Lot, Need, Policy

DEFAULT = Policy()

BASE = (31.20, 121.40)
KM = 1 / 111.2  # degrees of latitude per km


def lot(ident, item="MASK", qty=10, price=1.0, km_north=0.0, km_east=0.0) -> Lot:
    """Make a lot placed km_north/km_east of BASE."""
    lat, lon = place(km_north, km_east)
    return Lot(ident, item, qty, price, lat, lon)


def need(ident, qty=10, tier=1, item="MASK", company=None, km_north=0.0, km_east=0.0,
         subs=(), cap=None) -> Need:
    """Make a need placed km_north/km_east of BASE."""
    lat, lon = place(km_north, km_east)
    return Need(ident, company if company is not None else f"co-{ident}", item, qty, tier,
                lat, lon, frozenset(subs), cap)


def place(km_north: float, km_east: float) -> tuple[float, float]:
    """Return (lat, lon) of a point this far from BASE."""
    lat = BASE[0] + km_north * KM
    return lat, BASE[1] + km_east * KM / math.cos(math.radians(BASE[0]))


def distance_km(a, b) -> float:
    """Great-circle distance written out independently of the solver."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))


def arc_allowed(lt: Lot, nd: Need, policy: Policy) -> bool:
    """Apply the hard rules of SOLVER.md to one pair (nearest not included)."""
    if lt.item != nd.item and lt.item not in nd.substitutes:
        return False
    if nd.max_unit_price is not None and lt.unit_price > nd.max_unit_price:
        return False
    if policy.max_distance_km is not None and distance_km(lt, nd) > policy.max_distance_km:
        return False
    return (lt.id, nd.id) not in policy.excluded


def assert_feasible(result, lots, needs, policy=DEFAULT) -> None:
    """Check every flow and every limit, and that unmet matches the flows."""
    lots_by, needs_by = {x.id: x for x in lots}, {x.id: x for x in needs}
    shipped, served = defaultdict(int), defaultdict(int)
    by_cap = defaultdict(int)
    for flow in result.flows:
        assert isinstance(flow.quantity, int)
        assert flow.quantity > 0
        lt, nd = lots_by[flow.lot_id], needs_by[flow.need_id]
        assert arc_allowed(lt, nd, policy), flow
        shipped[lt.id] += flow.quantity
        served[nd.id] += flow.quantity
        by_cap[(nd.company, nd.item)] += flow.quantity
    assert all(shipped[x.id] <= x.quantity for x in lots)
    assert all(served[x.id] <= x.quantity for x in needs)
    for key, cap in policy.caps.items():
        assert by_cap[key] <= cap
    assert result.unmet == {x.id: x.quantity - served[x.id] for x in needs}
    pairs = defaultdict(int)
    for flow in result.flows:
        pairs[(flow.lot_id, flow.need_id)] += flow.quantity
    for pin in policy.pinned:
        assert pairs[(pin.lot_id, pin.need_id)] >= pin.quantity


def served_by_need(result) -> dict:
    """Return units received per need id."""
    served = defaultdict(int)
    for flow in result.flows:
        served[flow.need_id] += flow.quantity
    return served


def segment_worths(qty: int, steps: int) -> list[int]:
    """Worth of each unit of a need, unit by unit, from the segment formula."""
    worths = []
    for k in range(1, steps + 1):
        size = (k * qty) // steps - ((k - 1) * qty) // steps
        worths += [steps - k + 1] * size
    return worths


def unit_cost_milli(lt: Lot, nd: Need, policy: Policy) -> int:
    """Price plus transport per unit, in thousandths."""
    return round((lt.unit_price + policy.transport_cost_per_unit_km * distance_km(lt, nd)) * 1000)


def levels(result, lots, needs, policy=DEFAULT) -> tuple:
    """Recompute the three objective levels of a result independently."""
    lots_by, needs_by = {x.id: x for x in lots}, {x.id: x for x in needs}
    served = served_by_need(result)
    tiers = tuple(sum(served[x.id] for x in needs if x.tier == t) for t in (1, 2, 3, 4))
    worth = sum(sum(segment_worths(x.quantity, policy.fairness_steps)[: served[x.id]])
                for x in needs)
    cost = sum(f.quantity * unit_cost_milli(lots_by[f.lot_id], needs_by[f.need_id], policy)
               for f in result.flows)
    return tiers, worth, cost


def lsa_reference(lots, needs, policy=DEFAULT) -> tuple:
    """Solve by unit expansion and linear_sum_assignment; return the three levels.

    Rows are lot units, columns are need unit slots (worth by segment) plus one
    "stay unused" column per row. Weights use crude whole-problem bounds, so
    they are independent of the solver's per-cycle weights.
    """
    rows = [lt for lt in lots for _ in range(lt.quantity)]
    slots = [(nd, w) for nd in needs for w in segment_worths(nd.quantity, policy.fairness_steps)]
    units, steps = len(rows), policy.fairness_steps
    cost = {(lt.id, nd.id): unit_cost_milli(lt, nd, policy) for lt in lots for nd in needs}
    top = max(cost.values(), default=0)
    fair = units * top + 1
    lower = fair * steps * units + units * top
    weight = {4: lower + 1}
    for t in (3, 2, 1):
        weight[t] = units * sum(weight[s] for s in range(t + 1, 5)) + lower + 1
    score = np.full((units, len(slots) + units), -1e18)
    for i, lt in enumerate(rows):
        score[i, len(slots) + i] = 0.0
        for j, (nd, w) in enumerate(slots):
            if arc_allowed(lt, nd, policy):
                score[i, j] = weight[nd.tier] + fair * w - cost[(lt.id, nd.id)]
    row_ind, col_ind = linear_sum_assignment(score, maximize=True)
    tiers, worth, total = [0, 0, 0, 0], 0, 0
    for i, j in zip(row_ind, col_ind, strict=True):
        if j < len(slots):
            nd, w = slots[j]
            tiers[nd.tier - 1] += 1
            worth += w
            total += cost[(rows[i].id, nd.id)]
    return tuple(tiers), worth, total
