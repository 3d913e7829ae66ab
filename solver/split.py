"""The split exact path: levels 1-2 aggregated, then the cost level by pricing.

Used when every lawful pair that a coordinator did not exclude is an arc (no nearest-k,
no maximum distance that excludes a pair): then levels 1-2 only depend on items and prices
(`solver.aggregate`) and the cost level can price all pairs without storing them
(`solver.costlevel`). Caps, pins and substitutes are handled. Otherwise `allocate`
uses the stacked full-arc solve.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from time import perf_counter

import numpy as np

from solver import costlevel
from solver.aggregate import solve_first_levels
from solver.arcs import Arcs
from solver.costlevel import CostReport, solve_cost_level
from solver.deferred import LawfulArcs
from solver.geo import farthest_km_bound
from solver.instance import Instance, IntArray
from solver.network import build_model
from solver.outcome import Outcome, build_outcome
from solver.pins import Pins
from solver.pricing import count_lawful, exact_arcs, face_pairs, make_face
from solver.stats import RunInfo
from solver.verify import check_flows


@dataclass(frozen=True)
class SplitReport:
    """Seconds per phase and arcs examined (for the benchmark)."""

    first_seconds: float
    cost_seconds: float
    aggregated_arcs: int
    cost: CostReport


def split_applies(inst: Instance) -> bool:
    """Tell whether the split path is exact for this policy.

    It is when every lawful pair a coordinator did not exclude is an arc: no nearest-k,
    and no maximum distance that leaves a pair out (a district's 50 km leaves none out
    when no lot and need are farther apart, so its run may take the split path).
    """
    policy = inst.policy
    if policy.nearest is not None:
        return False
    limit = policy.max_distance_km
    return limit is None or farthest_km_bound(
        np.concatenate([inst.lot_lat, inst.need_lat]),
        np.concatenate([inst.lot_lon, inst.need_lon])) <= limit


def solve_split(inst: Instance, pins: Pins, hint: tuple[IntArray, IntArray] | None = None
                ) -> tuple[Outcome, RunInfo, SplitReport]:
    """Return the exact lexicographic optimum as an outcome, with how it was found.

    A small face (at most FULL_FACE_LIMIT pairs) is solved stacked on all its pairs in
    one go; a larger one by pricing (`solver.costlevel`), starting also from the `hint`
    pairs (lot and need indices) that may carry flow on the face.
    """
    started = perf_counter()
    empty = build_model(inst, _no_arcs(), pins)
    first = solve_first_levels(inst, pins, empty)
    middle = perf_counter()
    face = make_face(inst, first.lot_pot, first.need_pot, first.lot_hi > 0, first.need_hi > 0)
    pairs = face_pairs(face, costlevel.FULL_FACE_LIMIT)
    lawful = count_lawful(inst)
    if pairs is not None:
        # Stacked on the face's arcs is exact: they hold an optimal flow of levels 1-2 and
        # every such flow uses only them, so the stacked optimum over them is the
        # lexicographic optimum over the face.
        arcs = exact_arcs(face, *pairs)
        from solver.allocate import solve_model  # allocate imports this module

        x, _ = solve_model(build_model(inst, arcs, pins), "ortools")
        cost = CostReport(rounds=1, whole_face=True, priced=[arcs.size], candidates=[arcs.size])
    else:
        arcs, x, cost = solve_cost_level(inst, pins, first, hint)
    x = check_flows(build_model(inst, arcs, pins), x)
    done = perf_counter()
    outcome = build_outcome(inst, arcs, x, pins, strategy="optimal")
    outcome = replace(outcome, arcs=LawfulArcs(inst), arc_count=lawful)
    how = ("stacked on the whole face" if cost.whole_face else
           f"priced in {cost.rounds} rounds")
    note = (f"levels 1-2 on an aggregated network of {first.arcs} arcs; cost level {how}, "
            f"{cost.candidates[-1]} arcs")
    info = RunInfo("ortools", note=note, solve_seconds=done - started)
    return outcome, info, SplitReport(middle - started, done - middle, first.arcs, cost)


def _no_arcs() -> Arcs:
    """No arcs: the segments, capacities and caps of a model do not depend on them."""
    z = np.zeros(0, dtype=np.int64)
    return Arcs(z, z, np.zeros(0), np.zeros(0), z)
