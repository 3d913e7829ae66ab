"""Engine plumbing: stacked weights, the int64 fallback, and answer checking."""

from __future__ import annotations

import numpy as np
import pytest

from solver import Policy, allocate, components, engine_ortools
from solver.allocate import prepare
from solver.network import build_model
from solver.weights import INT64_MAX, fits_int64, stacked_weights
from tests.solver.helpers import assert_feasible, lot, need, served_by_need

HUGE = 10**9


def test_stacked_weights_are_lexicographic_per_cycle():
    w = stacked_weights(lots=3, needs=5, max_cost=100, steps=10, groups=0, mixed_groups=0)
    cost_swing = 3 * 100
    assert w.fairness == cost_swing + 1
    lower = w.fairness * 10 + cost_swing
    # One unit of a tier outweighs every lower tier moving by one unit plus all lower levels.
    assert w.tier[3] > lower
    for t in range(3):
        assert w.tier[t] > sum(w.tier[t + 1 :]) + lower


def test_mixed_tier_cap_groups_raise_the_tier_weights():
    plain = stacked_weights(3, 5, 100, 10, groups=2, mixed_groups=0)
    mixed = stacked_weights(3, 5, 100, 10, groups=2, mixed_groups=2)
    assert mixed.tier[0] > 3 * plain.tier[0]


def test_fit_check_rejects_weights_beyond_int64():
    small = stacked_weights(50, 500, 20_000, 10, 0, 0)
    assert fits_int64(small, 10, 20_000, nodes=600)
    big = stacked_weights(2, 2, 10**15, 10, 0, 0)
    assert not fits_int64(big, 10, 10**15, nodes=6)
    assert big.tier[0] < INT64_MAX  # Python ints: the bound itself never overflows


@pytest.mark.parametrize("engine", ["auto", "ortools", "highs"])
def test_huge_costs_fall_back_to_staged_and_stay_exact(engine):
    lots = [lot("dear", qty=HUGE, price=1e12, km_north=0), lot("cheap", qty=HUGE, price=5e11,
                                                               km_north=8)]
    needs = [need("t2", qty=HUGE, tier=2), need("t1", qty=HUGE // 2 + 1, tier=1, km_north=4)]
    result = allocate(lots, needs, engine=engine)
    assert result.stats.engine == "highs"
    assert result.stats.staged
    if engine != "highs":
        assert "int64" in result.stats.note
    served = served_by_need(result)
    assert served == {"t1": HUGE // 2 + 1, "t2": HUGE}
    assert_feasible(result, lots, needs)


def test_huge_costs_still_pick_the_cheaper_lot():
    lots = [lot("dear", qty=HUGE, price=1e12), lot("cheap", qty=HUGE, price=999_999_999_999.0)]
    result = allocate(lots, [need("n", qty=HUGE)])
    assert result.stats.note
    assert [(f.lot_id, f.quantity) for f in result.flows] == [("cheap", HUGE)]


def test_ortools_cost_range_error_falls_back(monkeypatch):
    def refuse(model, weights):
        raise engine_ortools.CostRangeError("too big")

    monkeypatch.setattr(engine_ortools, "solve_ortools", refuse)
    result = allocate([lot("L", qty=4)], [need("n", qty=3)], engine="ortools")
    assert result.stats.engine == "highs"
    assert served_by_need(result) == {"n": 3}


@pytest.mark.parametrize(
    "garbage",
    [
        lambda n: np.full(n, 99, dtype=np.int64),  # over capacity
        lambda n: np.full(n, -1, dtype=np.int64),  # negative
        lambda n: np.full(n, 0.5),  # fractional
        lambda n: np.zeros(n + 1, dtype=np.int64),  # wrong shape
    ],
)
def test_garbage_from_an_engine_is_refused(monkeypatch, garbage):
    monkeypatch.setattr(engine_ortools, "solve_ortools",
                        lambda model, weights: garbage(model.arc_lot.size))
    with pytest.raises(RuntimeError, match="engine returned"):
        allocate([lot("L", qty=4)], [need("n", qty=3), need("m", qty=3)], engine="ortools")


def test_over_a_cap_is_refused(monkeypatch):
    monkeypatch.setattr(engine_ortools, "solve_ortools",
                        lambda model, weights: model.arc_cap.copy())
    with pytest.raises(RuntimeError, match="caps"):
        allocate([lot("L", qty=10)], [need("a", qty=5, company="x"), need("b", qty=5, company="x")],
                 Policy(caps={("x", "MASK"): 6}), engine="ortools")


def test_engines_report_themselves():
    assert allocate([lot("L")], [need("n")], engine="ortools").stats.engine == "ortools"
    assert allocate([lot("L")], [need("n")], engine="highs").stats.engine == "highs"
    assert allocate([lot("L")], [need("n")]).stats.engine == "ortools"


def _split_instance():
    from bench.solver_generate import allocation_instance

    inst = allocation_instance("district", seed=5)
    keys = sorted({(x.company, x.item) for x in inst.needs})[:30]
    return inst.lots[:40], inst.needs[:200], Policy(caps=dict.fromkeys(keys, 50))


def test_independent_parts_are_found():
    lots = [lot("m", item="MASK"), lot("g", item="GLOVE"), lot("k", item="KN95")]
    needs = [need("a", item="MASK", subs={"KN95"}), need("b", item="GLOVE")]
    inst, pins, arcs = prepare(lots, needs, Policy())
    model = build_model(inst, arcs, pins)
    parts = components.split_model(model)
    assert len(parts) == 1  # small parts are batched together
    original = components.BATCH_ARCS
    try:
        components.BATCH_ARCS = 1
        parts = components.split_model(model)
    finally:
        components.BATCH_ARCS = original
    assert sorted(p.arcs.size for p in parts) == [1, 2]
    assert sorted(p.model.n_lots for p in parts) == [1, 2]


@pytest.mark.parametrize("engine", ["ortools", "highs"])
def test_splitting_into_parts_changes_nothing(monkeypatch, engine):
    lots, needs, policy = _split_instance()
    batched = allocate(lots, needs, policy, engine=engine)
    monkeypatch.setattr(components, "BATCH_ARCS", 1)
    split = allocate(lots, needs, policy, engine=engine)
    monkeypatch.setattr(components, "BATCH_ARCS", 10**9)
    whole = allocate(lots, needs, policy, engine=engine)
    assert batched.stats.objective == split.stats.objective == whole.stats.objective
    assert_feasible(split, lots, needs, policy)
