"""Property tests: every answer is feasible, and optimal against independent references."""

from __future__ import annotations

import os

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver import Flow, Lot, Need, Policy, allocate
from tests.solver.helpers import assert_feasible, levels, lot, lsa_reference, need

ITEMS = ("A", "B", "C")
PRICES = (0.0, 0.5, 1.0, 1.25, 2.0, 3.0)
# SOLVER_EXAMPLES=2000 gives a deeper search; CI keeps the suite fast.
FAST = settings(max_examples=int(os.environ.get("SOLVER_EXAMPLES", "60")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@st.composite
def lots_st(draw, max_lots: int, max_qty: int) -> list[Lot]:
    count = draw(st.integers(0, max_lots))
    return [lot(f"L{i}", item=draw(st.sampled_from(ITEMS)), qty=draw(st.integers(1, max_qty)),
                price=draw(st.sampled_from(PRICES)), km_north=draw(st.integers(0, 30)),
                km_east=draw(st.integers(0, 30))) for i in range(count)]


@st.composite
def needs_st(draw, max_needs: int, max_qty: int) -> list[Need]:
    count = draw(st.integers(0, max_needs))
    out = []
    for i in range(count):
        item = draw(st.sampled_from(ITEMS))
        subs = draw(st.sets(st.sampled_from([x for x in ITEMS if x != item])))
        out.append(need(f"N{i}", qty=draw(st.integers(1, max_qty)), tier=draw(st.integers(1, 4)),
                        item=item, company=draw(st.sampled_from(["c1", "c2", "c3"])),
                        km_north=draw(st.integers(0, 30)), km_east=draw(st.integers(0, 30)),
                        subs=subs, cap=draw(st.sampled_from([None, None, 0.5, 1.0, 2.0]))))
    return out


@st.composite
def policies(draw, needs: list[Need], lots: list[Lot], rich: bool) -> Policy:
    base = {
        "transport_cost_per_unit_km": draw(st.sampled_from([0.0, 0.01, 0.1])),
        "max_distance_km": draw(st.sampled_from([None, None, 15.0, 30.0])),
        "fairness_steps": draw(st.sampled_from([1, 2, 3, 5, 10])),
    }
    if not rich:
        return Policy(**base)
    keys = sorted({(x.company, x.item) for x in needs})
    caps = {key: draw(st.integers(0, 12)) for key in keys if draw(st.booleans())}
    pairs = [(a.id, b.id) for a in lots for b in needs]
    excluded = frozenset()
    if pairs:
        excluded = frozenset(draw(st.sets(st.sampled_from(pairs), max_size=3)))
    nearest = draw(st.sampled_from([None, None, 1, 2]))
    return Policy(**base, caps=caps, excluded=excluded, nearest=nearest)


@st.composite
def problems(draw, max_lots=5, max_needs=6, max_qty=20, rich=True):
    lots = draw(lots_st(max_lots, max_qty))
    needs = draw(needs_st(max_needs, max_qty))
    return lots, needs, draw(policies(needs, lots, rich))


@FAST
@given(problems())
def test_engines_agree_and_answers_are_feasible(problem):
    lots, needs, policy = problem
    fast = allocate(lots, needs, policy, engine="ortools")
    staged = allocate(lots, needs, policy, engine="highs")
    for result in (fast, staged):
        assert_feasible(result, lots, needs, policy if policy.nearest is None else Policy(
            transport_cost_per_unit_km=policy.transport_cost_per_unit_km,
            max_distance_km=policy.max_distance_km, caps=policy.caps,
            excluded=policy.excluded))
        assert result.stats.engine in ("ortools", "highs")
        assert all(result.unmet_reason(x.id) != "strategy" for x in needs)
    assert fast.stats.objective == staged.stats.objective
    tiers, worth, cost = levels(fast, lots, needs, policy)
    assert fast.stats.objective[:5] == (*tiers, worth)
    assert abs(fast.stats.cost_scaled - cost) <= len(fast.flows)


@FAST
@given(problems(max_lots=4, max_needs=4, max_qty=4, rich=False))
def test_tiny_instances_match_unit_expanded_assignment(problem):
    lots, needs, policy = problem
    result = allocate(lots, needs, policy)
    tiers, worth, cost = levels(result, lots, needs, policy)
    ref_tiers, ref_worth, ref_cost = lsa_reference(lots, needs, policy)
    assert (tiers, worth) == (ref_tiers, ref_worth)
    assert abs(cost - ref_cost) <= len(result.flows)


@FAST
@given(problems(rich=True), st.randoms(use_true_random=False))
def test_pinned_flows_are_kept_and_engines_still_agree(problem, rnd):
    lots, needs, policy = problem
    first = allocate(lots, needs, Policy(max_distance_km=policy.max_distance_km,
                                         caps=policy.caps, excluded=policy.excluded))
    pins = tuple(Flow(f.lot_id, f.need_id, rnd.randint(1, f.quantity))
                 for f in first.flows if rnd.random() < 0.5)
    pinned = Policy(transport_cost_per_unit_km=policy.transport_cost_per_unit_km,
                    max_distance_km=policy.max_distance_km, caps=policy.caps,
                    excluded=policy.excluded, fairness_steps=policy.fairness_steps, pinned=pins)
    fast = allocate(lots, needs, pinned, engine="ortools")
    staged = allocate(lots, needs, pinned, engine="highs")
    assert_feasible(fast, lots, needs, pinned)
    assert_feasible(staged, lots, needs, pinned)
    assert fast.stats.objective == staged.stats.objective


def test_medium_generated_district_engines_agree():
    from bench.solver_generate import allocation_instance

    inst = allocation_instance("district", seed=7)
    lots, needs = inst.lots[:60], inst.needs[:300]
    rng = np.random.default_rng(3)
    keys = sorted({(x.company, x.item) for x in needs})
    caps = {keys[i]: int(rng.integers(0, 500)) for i in rng.choice(len(keys), 40, replace=False)}
    policy = Policy(caps=caps, max_distance_km=20.0)
    fast = allocate(lots, needs, policy, engine="ortools")
    staged = allocate(lots, needs, policy, engine="highs")
    assert_feasible(fast, lots, needs, policy)
    assert_feasible(staged, lots, needs, policy)
    assert fast.stats.objective == staged.stats.objective
    assert fast.stats.total_units > 0
