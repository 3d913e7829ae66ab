"""`allocate`: the exact lexicographic allocation of lots to needs."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from time import perf_counter

import numpy as np

from solver import engine_highs, engine_ortools
from solver.arcs import Arcs, build_arcs
from solver.components import split_model
from solver.instance import Instance, IntArray, build_instance, index_pairs
from solver.model import DEFAULT_POLICY, Lot, Need, Policy
from solver.network import FlowModel, build_model, model_weights
from solver.outcome import build_outcome
from solver.pins import Pins, build_pins
from solver.pricing import count_lawful
from solver.result import AllocationResult, make_result
from solver.split import solve_split, split_applies
from solver.stats import RunInfo
from solver.validate import check_allocation_inputs, check_pairs
from solver.verify import check_flows

ENGINES = ("auto", "ortools", "highs")
METHODS = ("auto", "stacked", "split")
# Below this many lawful arcs the stacked solve is quicker (district: 27 k arcs, 0.05 s).
SPLIT_MIN_ARCS = 500_000
FALLBACK_NOTE = "stacked weights exceed int64 (in at least one part); solved in stages with HiGHS"


def prepare(
    lots: Iterable[Lot], needs: Iterable[Need], policy: Policy
) -> tuple[Instance, Pins, Arcs]:
    """Validate the inputs and build the instance, its pins and its arcs."""
    lots, needs = tuple(lots), tuple(needs)
    check_allocation_inputs(lots, needs, policy)
    inst = build_instance(lots, needs, policy)
    pins = build_pins(inst)
    return inst, pins, build_arcs(inst)


def _pick_engine(engine: str) -> str:
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
    if engine == "auto":
        return "ortools" if engine_ortools.available() else "highs"
    if engine == "ortools" and not engine_ortools.available():
        raise ValueError("engine 'ortools' requested but OR-Tools is not installed")
    return engine


def _solve_part(model: FlowModel, engine: str) -> tuple[IntArray, str]:
    """Solve one independent part; return its flows and the engine that did it."""
    if engine == "ortools":
        weights, fits = model_weights(model)
        if fits:
            try:
                return engine_ortools.solve_ortools(model, weights), "ortools"
            except engine_ortools.CostRangeError:
                pass
        return engine_highs.solve_highs(model), "highs-fallback"
    return engine_highs.solve_highs(model), "highs"


def solve_model(model: FlowModel, engine: str) -> tuple[IntArray, RunInfo]:
    """Solve each independent part with the chosen engine.

    OR-Tools parts whose stacked weights do not fit int64 fall back to staged HiGHS.
    """
    started = perf_counter()
    x = np.zeros(model.arc_lot.size, dtype=np.int64)
    used = set()
    for part in split_model(model):
        flows, how = _solve_part(part.model, engine)
        x[part.arcs] = check_flows(part.model, flows)
        used.add(how)
    seconds = perf_counter() - started
    if "highs-fallback" in used:
        name = "highs" if used == {"highs-fallback"} else "ortools+highs"
        return x, RunInfo(name, staged=True, note=FALLBACK_NOTE, solve_seconds=seconds)
    if engine == "highs":
        return x, RunInfo("highs", staged=True, solve_seconds=seconds)
    return x, RunInfo("ortools", solve_seconds=seconds)


def allocate(
    lots: Iterable[Lot],
    needs: Iterable[Need],
    policy: Policy = DEFAULT_POLICY,
    *,
    engine: str = "auto",
    method: str = "auto",
    hint: Iterable[tuple[Hashable, Hashable]] = (),
) -> AllocationResult:
    """Allocate lots to needs: most units to higher tiers, then even fill rates, then cheapest.

    The answer is the exact lexicographic optimum described in SOLVER.md, checked
    for integrality and feasibility before it is returned. `engine` is "auto"
    (OR-Tools when installed, else HiGHS), "ortools" or "highs". `method` is "stacked"
    (one full-arc solve, three levels stacked), "split" (levels 1-2 aggregated, then
    the cost level by pricing: `solver.split`; OR-Tools only, and only when every lawful
    pair is an arc, else stacked) or "auto" (split when it applies and there are at least
    SPLIT_MIN_ARCS lawful arcs, else stacked). All give the same exact optimum; "auto"
    takes whichever is quicker for the size (bench/README.md, "Exact at scale").

    `hint` is (lot id, need id) pairs likely to carry flow, say the lines of the last run:
    the split path starts its cost level from them too, which saves pricing rounds when
    the market has changed little. It never changes the answer (the pricing proof covers
    every pair); pairs of unknown ids or that may not carry flow are ignored.
    """
    started = perf_counter()
    chosen = _pick_engine(engine)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    lots, needs, hint = tuple(lots), tuple(needs), tuple(hint)
    check_allocation_inputs(lots, needs, policy)
    check_pairs("allocate", "hint", hint)
    inst = build_instance(lots, needs, policy)
    pins = build_pins(inst)
    if _takes_split(inst, method, chosen):
        outcome, info, _ = solve_split(inst, pins, index_pairs(inst, hint))
        return make_result(outcome, info, started)
    arcs = build_arcs(inst)
    model = build_model(inst, arcs, pins)
    x, info = solve_model(model, chosen)
    x = check_flows(model, x)
    outcome = build_outcome(inst, arcs, x, pins, strategy="optimal")
    return make_result(outcome, info, started)


def _takes_split(inst: Instance, method: str, engine: str) -> bool:
    """Tell whether this run takes the split path (see `allocate`)."""
    if method == "stacked" or engine != "ortools" or not (inst.n_lots and inst.n_needs):
        return False
    return split_applies(inst) and (method == "split" or count_lawful(inst) >= SPLIT_MIN_ARCS)
