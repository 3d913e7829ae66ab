"""The split exact path (aggregated levels 1-2, cost level on the face) equals the stacked solve.

Every test compares `allocate(method="split")` with `allocate(method="stacked")` level by
level: units per tier, fairness worth and scaled cost, and checks feasibility. The cost
level is run both ways: on the whole face, and by pricing candidate arcs (forced by a
zero face limit), so the column generation and its dual are proven too.
"""

from __future__ import annotations

import importlib
from contextlib import contextmanager
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import solver.aggregate as aggregate
import solver.costlevel as costlevel
from solver import Flow, Policy, allocate
from solver.arcs import build_arcs
from solver.deferred import DeferredArcs, LawfulArcs
from solver.geo import farthest_km_bound, haversine_km
from solver.instance import build_instance, index_pairs
from solver.network import build_model
from solver.pins import build_pins
from solver.potentials import PotentialError, shortest_potentials
from solver.result import make_result
from solver.split import _no_arcs, solve_split, split_applies
from tests.solver.helpers import assert_feasible, levels, lot, need
from tests.solver.test_properties import FAST, lots_st, needs_st


@pytest.fixture(params=["whole face", "pricing", "price chains"])
def face_mode(request, monkeypatch):
    """Run the cost level on the whole face, or force the pricing rounds, or price chains."""
    if request.param == "price chains":
        monkeypatch.setattr(aggregate, "CLASS_ARCS_LIMIT", 0)
    if request.param == "pricing":
        monkeypatch.setattr(costlevel, "FULL_FACE_LIMIT", 0)
        monkeypatch.setattr(costlevel, "START_CHEAPEST", 1)
        monkeypatch.setattr(costlevel, "ADD_PER_NEED", 1)
        monkeypatch.setattr(costlevel, "ADD_PER_LOT", 1)
        monkeypatch.setattr(costlevel, "PRUNE_FRACTION", 0.0)
    return request.param


@contextmanager
def cost_level_settings(**values):
    """Set `solver.costlevel` settings for a block (hypothesis tests cannot monkeypatch)."""
    saved = {name: getattr(costlevel, name) for name in values}
    for name, value in values.items():
        setattr(costlevel, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(costlevel, name, value)


def assert_same_levels(lots, needs, policy):
    """Solve both ways; assert equal levels (and the split path really ran)."""
    old = allocate(lots, needs, policy, method="stacked")
    new = allocate(lots, needs, policy, method="split")
    assert_feasible(new, lots, needs, policy)
    assert "aggregated" in new.stats.note
    assert new.stats.objective == old.stats.objective
    assert levels(new, lots, needs, policy) == levels(old, lots, needs, policy)
    assert new.stats.arcs == old.stats.arcs
    return old, new


@st.composite
def split_problems(draw):
    lots = draw(lots_st(6, 25))
    needs = draw(needs_st(8, 25))
    keys = sorted({(x.company, x.item) for x in needs})
    caps = {key: draw(st.integers(0, 15)) for key in keys if draw(st.booleans())}
    pairs = [(x.id, y.id) for x in lots for y in needs]
    excluded = frozenset(draw(st.lists(st.sampled_from(pairs), max_size=6))) if pairs else \
        frozenset()
    policy = Policy(transport_cost_per_unit_km=draw(st.sampled_from([0.0, 0.01, 0.1])),
                    fairness_steps=draw(st.sampled_from([1, 2, 3, 10])), caps=caps,
                    excluded=excluded)
    return lots, needs, policy


@FAST
@given(split_problems(), st.randoms(use_true_random=False))
def test_split_equals_stacked_with_caps_pins_substitutes_donations(problem, rnd):
    lots, needs, policy = problem
    if not lots or not needs:
        return
    for limit, start, add, prune in ((costlevel.FULL_FACE_LIMIT, 8, 4, 0.1), (0, 1, 1, 0.0)):
        with cost_level_settings(FULL_FACE_LIMIT=limit, START_CHEAPEST=start,
                                 ADD_PER_NEED=add, PRUNE_FRACTION=prune):
            first, _ = assert_same_levels(lots, needs, policy)
            pins = tuple(Flow(f.lot_id, f.need_id, rnd.randint(1, f.quantity))
                         for f in first.flows if rnd.random() < 0.4)
            pinned = replace(policy, pinned=pins)
            assert_same_levels(lots, needs, pinned)


def test_equally_fair_needs_trade_units_for_cost(face_mode):
    # Two tier-1 needs of 10, one cheap near lot of 10 and one dear far lot of 10: levels
    # 1-2 are indifferent to who gets which; cost is not, and only the face allows it.
    lots = [lot("near", qty=10, price=1.0), lot("far", qty=10, price=1.0, km_north=20)]
    needs = [need("a", qty=10), need("b", qty=10, km_north=20)]
    old, new = assert_same_levels(lots, needs, Policy())
    got = {(f.lot_id, f.need_id): f.quantity for f in new.flows}
    assert got == {("near", "a"): 10, ("far", "b"): 10}


def test_price_caps_and_substitutes_use_the_chain(face_mode):
    lots = [lot("cheap", item="KN95", qty=5, price=1.0), lot("dear", qty=50, price=3.0),
            lot("mid", qty=5, price=2.0, km_north=5)]
    needs = [need("capped", qty=20, tier=2, cap=2.0, subs=("KN95",)),
             need("free", qty=30, tier=1), need("sub", qty=8, tier=3, item="KN95")]
    assert_same_levels(lots, needs, Policy(caps={("co-free", "MASK"): 25}))


def test_split_falls_back_when_pairs_are_not_all_arcs():
    lots = [lot("L1", qty=10), lot("L2", qty=10, km_north=25)]
    needs = [need("N1", qty=15), need("N2", qty=5, km_north=25)]
    for policy in (Policy(max_distance_km=10.0), Policy(nearest=1)):
        old = allocate(lots, needs, policy, method="stacked")
        new = allocate(lots, needs, policy, method="split")
        assert "aggregated" not in new.stats.note
        assert new.stats.objective == old.stats.objective


def test_auto_is_the_default_and_takes_split_from_a_size_on(monkeypatch):
    allocate_module = importlib.import_module("solver.allocate")

    lots = [lot("near", qty=10), lot("far", qty=10, km_north=20)]
    needs = [need("a", qty=10), need("b", qty=10, km_north=20)]
    assert "aggregated" not in allocate(lots, needs).stats.note  # 4 arcs: stacked
    monkeypatch.setattr(allocate_module, "SPLIT_MIN_ARCS", 4)
    assert "aggregated" in allocate(lots, needs).stats.note
    assert "aggregated" in allocate(lots, needs, method="auto").stats.note
    assert "aggregated" not in allocate(lots, needs, method="stacked").stats.note
    monkeypatch.setattr(allocate_module, "SPLIT_MIN_ARCS", 5)
    assert "aggregated" not in allocate(lots, needs).stats.note


def test_a_maximum_distance_that_excludes_no_pair_keeps_the_split_path(face_mode):
    # 25 km apart at most: 50 km excludes nothing, so every lawful pair is an arc.
    lots = [lot("L1", qty=10), lot("L2", qty=10, km_north=15, km_east=12)]
    needs = [need("N1", qty=15), need("N2", qty=5, km_north=15), need("N3", qty=9, km_east=12)]
    old, new = assert_same_levels(lots, needs, Policy(max_distance_km=50.0))
    assert old.stats.arcs == 6


def test_independent_items_are_priced_as_separate_parts():
    inst = build_instance(
        (lot("m", item="MASK"), lot("k", item="KN95"), lot("g", item="GLOVES")),
        (need("a", item="MASK", subs=("KN95",)), need("b", item="GLOVES"),
         need("c", item="KN95")), Policy())
    pins = build_pins(inst)
    first = aggregate.solve_first_levels(inst, pins, build_model(inst, _no_arcs(), pins))
    parts = costlevel.item_parts(inst, pins, first, np.zeros(inst.n_lots, dtype=np.int64))
    names = sorted(sorted(inst.items[inst.lot_item[i]] for i in p.lots) for p in parts)
    assert names == [["GLOVES"], ["KN95", "MASK"]]
    assert sorted(inst.needs[n].id for p in parts for n in p.needs) == ["a", "b", "c"]


@given(st.lists(st.tuples(st.floats(-89.9, 89.9), st.floats(-180, 180)), min_size=2,
                max_size=6))
def test_the_distance_bound_holds_for_every_pair(points):
    lat, lon = np.array(points).T
    bound = farthest_km_bound(lat, lon)
    for i in range(len(points)):
        assert haversine_km(lat[i], lon[i], lat, lon).max() <= bound


def test_a_binding_maximum_distance_is_seen():
    lots = [lot("L1"), lot("L2", km_north=30)]
    needs = [need("N1", km_east=30)]
    inst = build_instance(tuple(lots), tuple(needs), Policy(max_distance_km=40.0))
    assert not split_applies(inst)  # L2 to N1 is about 42 km
    inst = build_instance(tuple(lots), tuple(needs), Policy(max_distance_km=60.0))
    assert split_applies(inst)


def test_method_is_checked():
    with pytest.raises(ValueError, match="method"):
        allocate([lot("L1")], [need("N1")], method="fast")


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_districts_with_caps_and_pins(seed, face_mode):
    from bench.solver_generate import allocation_instance

    inst = allocation_instance("district", seed=seed)
    lots, needs = inst.lots, inst.needs
    rng = np.random.default_rng(seed)
    keys = sorted({(x.company, x.item) for x in needs})
    caps = {keys[i]: int(rng.integers(0, 3000)) for i in rng.choice(len(keys), 60, replace=False)}
    first, _ = assert_same_levels(lots, needs, Policy(caps=caps))
    flows = [f for f in first.flows if rng.random() < 0.1]
    pins = tuple(Flow(f.lot_id, f.need_id, max(1, f.quantity // 2)) for f in flows)
    excluded = frozenset((f.lot_id, f.need_id) for f in first.flows[::25])
    assert_same_levels(lots, needs, Policy(caps=caps, pinned=pins, fairness_steps=5,
                                           transport_cost_per_unit_km=0.05))
    assert_same_levels(lots, needs, Policy(caps=caps, excluded=excluded))


def test_arcs_dropped_between_rounds_are_priced_again(monkeypatch):
    """Pruning every unused arc of positive reduced cost still ends at the optimum."""
    from bench.solver_generate import allocation_instance

    monkeypatch.setattr(costlevel, "FULL_FACE_LIMIT", 0)
    monkeypatch.setattr(costlevel, "PRUNE_FRACTION", 0.0)
    problem = allocation_instance("district", seed=3)
    inst = build_instance(tuple(problem.lots), tuple(problem.needs), Policy())
    _, _, report = solve_split(inst, build_pins(inst))
    assert report.cost.dropped > 0
    assert report.cost.rounds > 1
    assert_same_levels(problem.lots, problem.needs, Policy())


@FAST
@given(split_problems(), st.randoms(use_true_random=False))
def test_lawful_arcs_answer_the_reasons_as_the_built_arcs_do(problem, rnd):
    # The split path's outcome never builds its 14 M arcs for the reasons: per-need sums
    # over eligible lots come from price prefixes. They must equal the arc-by-arc answers.
    lots, needs, policy = problem
    if not lots or not needs:
        return
    first = allocate(lots, needs, policy, method="split")
    pins = tuple(Flow(f.lot_id, f.need_id, f.quantity) for f in first.flows
                 if rnd.random() < 0.3)
    inst = build_instance(tuple(lots), tuple(needs), replace(policy, pinned=pins))
    outcome, info, _ = solve_split(inst, build_pins(inst))
    lawful = outcome.arcs
    assert isinstance(lawful, LawfulArcs)
    built = build_arcs(inst)
    per_lot = np.array([[rnd.randint(0, 9) for _ in range(3)] for _ in range(inst.n_lots)])
    expected = np.zeros((inst.n_needs, 3), dtype=np.int64)
    np.add.at(expected, built.need, per_lot[built.lot])
    assert np.array_equal(lawful.need_sums(per_lot), expected)
    lot_i, need_i = np.divmod(np.arange(inst.n_lots * inst.n_needs), inst.n_needs)
    arcs = set(zip(built.lot.tolist(), built.need.tolist(), strict=True))
    assert lawful.has_pairs(lot_i, need_i).tolist() == [
        (a, b) in arcs for a, b in zip(lot_i.tolist(), need_i.tolist(), strict=True)]
    fast = make_result(outcome, info, 0.0)
    slow = make_result(replace(outcome, arcs=DeferredArcs(inst)), info, 0.0)
    for x in needs:
        assert fast.explain(x.id) == slow.explain(x.id)


def test_an_excluded_pair_keeps_the_split_path_and_is_never_used(face_mode):
    # The near lot may not serve "a": the split path sends it the far lot's units.
    lots = [lot("near", qty=10), lot("far", qty=10, km_north=20)]
    needs = [need("a", qty=10), need("b", qty=10, km_north=20, tier=2)]
    old, new = assert_same_levels(lots, needs, Policy(excluded=frozenset({("near", "a")})))
    assert {(f.lot_id, f.need_id): f.quantity for f in new.flows} == {
        ("far", "a"): 10, ("near", "b"): 10}


@FAST
@given(split_problems(), st.randoms(use_true_random=False))
def test_a_hint_never_changes_the_answer(problem, rnd):
    # Any hint: the optimum's pairs, excluded, unlawful and unknown pairs alike.
    lots, needs, policy = problem
    if not lots or not needs:
        return
    pairs = [(x.id, y.id) for x in lots for y in needs] + [("ghost", needs[0].id)]
    hint = rnd.sample(pairs, min(len(pairs), 12)) + sorted(policy.excluded)
    with cost_level_settings(FULL_FACE_LIMIT=0, START_CHEAPEST=1, ADD_PER_NEED=1):
        old = allocate(lots, needs, policy, method="stacked")
        hint += [(f.lot_id, f.need_id) for f in old.flows]
        new = allocate(lots, needs, policy, method="split", hint=hint)
    assert_feasible(new, lots, needs, policy)
    assert not {(f.lot_id, f.need_id) for f in new.flows} & policy.excluded
    assert new.stats.objective == old.stats.objective
    assert levels(new, lots, needs, policy) == levels(old, lots, needs, policy)


def test_the_last_optimum_as_a_hint_saves_rounds_and_solves(monkeypatch):
    """Hinted with its own optimum's lines, the cost level proves it in two rounds.

    The second round's flow is the first's, proved optimal by a new dual: no solve.
    """
    from bench.solver_generate import allocation_instance

    monkeypatch.setattr(costlevel, "FULL_FACE_LIMIT", 0)
    problem = allocation_instance("district", seed=3)
    inst = build_instance(tuple(problem.lots), tuple(problem.needs), Policy())
    pins = build_pins(inst)
    cold, _, cold_report = solve_split(inst, pins)
    lines = [(f.lot_id, f.need_id) for f in cold.flows()]
    _, _, warm_report = solve_split(inst, pins, index_pairs(inst, lines + [("ghost", "x")]))
    assert warm_report.cost.hinted == len(lines)
    assert warm_report.cost.rounds <= 2 < cold_report.cost.rounds
    assert warm_report.cost.proved > 0
    assert warm_report.cost.solves < cold_report.cost.solves
    warm = allocate(problem.lots, problem.needs, Policy(), method="split", hint=lines)
    assert warm.stats.objective == allocate(problem.lots, problem.needs, Policy(),
                                            method="stacked").stats.objective


def test_index_pairs_index_known_pairs_once():
    inst = build_instance((lot("a"), lot("b")), (need("x"), need("y")), Policy())
    lot_idx, need_idx = index_pairs(inst, [("b", "y"), ("b", "y"), ("a", "ghost"), ("a", "x")])
    assert (lot_idx.tolist(), need_idx.tolist()) == ([0, 1], [0, 1])


def test_a_carried_flow_is_proved_optimal_or_solved_again():
    # One unit from node 0 to node 1 on an arc of cost 10; a new parallel arc of cost 3
    # makes a negative cycle (no proof), one of cost 12 does not (proved as it is).
    def network(new_cost):
        z = np.zeros(0, dtype=np.int64)
        return costlevel.CostNetwork(
            tail=np.array([0, 0]), head=np.array([1, 1]), cap=np.array([1, 1]),
            cost=np.array([10, new_cost]), supply=np.array([1, -1]), first_arc=0,
            part=costlevel.Part(z, z, z, z, whole=True))

    carried = np.array([1, 0])
    assert costlevel._still_optimal(network(3), carried, np.zeros(2, dtype=np.int64)) is None
    flow, dual = costlevel._still_optimal(network(12), carried, np.zeros(2, dtype=np.int64))
    assert flow.tolist() == [1, 0]
    assert 10 + dual[0] - dual[1] <= 0 <= 12 + dual[0] - dual[1]  # the proof: reduced costs


def test_potentials_give_up_after_max_rounds():
    # A path of five negative arcs: each round reaches one arc further.
    tail, head, w = np.arange(5), np.arange(1, 6), np.full(5, -1)
    assert shortest_potentials(6, tail, head, w).tolist() == [0, -1, -2, -3, -4, -5]
    with pytest.raises(PotentialError):
        shortest_potentials(6, tail, head, w, max_rounds=2)
