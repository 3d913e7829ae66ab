"""Baseline strategies obey the same rules and compare side by side with the optimiser."""

from __future__ import annotations

from dataclasses import replace
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver import Flow, Policy, allocate, greedy
from solver.allocate import prepare
from solver.baselines import (
    compare_strategies,
    comparison_figures,
    first_come_first_served,
    proportional_shares,
    share_targets,
)
from solver.outcome import build_outcome
from solver.result import make_result
from solver.stats import RunInfo
from tests.solver.helpers import arc_allowed, assert_feasible, lot, need, served_by_need
from tests.solver.test_properties import problems


def test_fcfs_serves_in_creation_order_whatever_the_tier():
    lots = [lot("L", qty=10)]
    needs = [need("early-t4", qty=8, tier=4), need("late-t1", qty=8, tier=1)]
    result = first_come_first_served(lots, needs)
    assert served_by_need(result) == {"early-t4": 8, "late-t1": 2}
    assert result.unmet_reason("late-t1") == "strategy"
    assert "first come, first served" in result.explain("late-t1")[-1]


def test_fcfs_takes_the_cheapest_delivered_lot_first():
    lots = [lot("dear", qty=5, price=3.0), lot("cheap", qty=5, price=1.0, km_north=10)]
    result = first_come_first_served(lots, [need("n", qty=7)])
    assert result.flows == (Flow("dear", "n", 2), Flow("cheap", "n", 5))


def test_proportional_gives_everyone_the_same_fraction():
    lots = [lot("L", qty=50)]
    needs = [need("a", qty=20), need("b", qty=40), need("c", qty=40, tier=4)]
    result = proportional_shares(lots, needs)
    assert served_by_need(result) == {"a": 10, "b": 20, "c": 20}


def test_largest_remainder_rounding_is_exact():
    assert share_targets([1, 1, 1], 2) == [1, 1, 0]
    assert share_targets([10, 20, 30], 7) == [1, 2, 4]
    assert sum(share_targets([3, 7, 11, 13], 17)) == 17
    assert share_targets([5, 5], 100) == [5, 5]
    assert share_targets([10**12, 10**12 - 1], 10**12) == [500_000_000_000, 500_000_000_000]


def test_proportional_uses_substitutes_after_own_item():
    lots = [lot("kn", item="KN95", qty=10), lot("s", item="SURG", qty=4)]
    needs = [need("a", item="SURG", qty=10, subs={"KN95"}), need("b", item="KN95", qty=10)]
    result = proportional_shares(lots, needs)
    assert served_by_need(result) == {"a": 4, "b": 10}


@pytest.mark.parametrize("strategy", [first_come_first_served, proportional_shares])
def test_baselines_respect_caps_price_caps_exclusions_and_pins(strategy):
    lots = [lot("A", qty=30), lot("B", qty=30, price=5.0), lot("C", qty=30, km_north=3)]
    needs = [need("x", qty=40, company="acme", cap=2.0), need("y", qty=40, company="acme"),
             need("z", qty=40)]
    policy = Policy(caps={("acme", "MASK"): 35}, excluded=frozenset({("C", "z")}),
                    pinned=(Flow("C", "y", 3),))
    result = strategy(lots, needs, policy)
    assert_feasible(result, lots, needs, policy)


@settings(max_examples=40, deadline=None)
@given(problems())
def test_baselines_are_feasible_and_never_beat_the_optimum(problem):
    lots, needs, policy = problem
    best = allocate(lots, needs, policy).stats.objective
    checked = policy if policy.nearest is None else Policy(
        max_distance_km=policy.max_distance_km, caps=policy.caps, excluded=policy.excluded)
    for strategy in (first_come_first_served, proportional_shares):
        result = strategy(lots, needs, policy)
        assert_feasible(result, lots, needs, checked)
        assert result.stats.objective <= best


def test_comparison_figures_side_by_side():
    lots = [lot("L", qty=30), lot("far", qty=10, km_north=40)]
    needs = [need("a", qty=20, tier=3), need("b", qty=20, tier=1), need("c", qty=20, tier=2)]
    figures = compare_strategies(lots, needs)
    assert set(figures) == {"optimal", "fcfs", "proportional"}
    assert figures["optimal"].units_by_tier[1] == 20
    assert figures["fcfs"].units_by_tier[3] == 20
    assert figures["optimal"].strategy == "optimal"
    assert figures["fcfs"].shipments == len(first_come_first_served(lots, needs).flows)
    one = comparison_figures(allocate(lots, needs))
    assert one.distance_per_unit > 0
    assert one.total_cost == pytest.approx(one.total_price + one.total_transport_cost)


# --- The baselines equal the straightforward algorithm on the full arc set ----------------
# Before the baselines learned to skip the full arc set (solver.greedy), they lexsorted every
# arc of the model by (need, unit cost, distance) and walked each need's arcs in that order.
# This is that algorithm, kept as the reference the fast one must match exactly.


def reference_fill(inst, arcs, pins, units_of, passes):
    """Walk each need's arcs cheapest first; `passes` are own-item filters (None: all)."""
    x = np.zeros(arcs.size, dtype=np.int64)
    lot_left, need_left = pins.lot_left.copy(), pins.need_left.copy()
    group_left = pins.group_left.copy()
    order = np.lexsort((arcs.dist_km, arcs.unit_cost, arcs.need))
    starts = np.searchsorted(arcs.need[order], np.arange(inst.n_needs + 1))
    units = units_of(need_left, lot_left)
    for own_only in passes:
        for n in range(inst.n_needs):
            group = int(inst.need_group[n])
            want = min(int(units[n]), int(need_left[n]))
            if group >= 0:
                want = min(want, int(group_left[group]))
            got = 0
            for a in order[starts[n] : starts[n + 1]]:
                if got == want:
                    break
                lot = int(arcs.lot[a])
                if own_only is not None and (inst.lot_item[lot] == inst.need_item[n]) != own_only:
                    continue
                take = min(want - got, int(lot_left[lot]))
                x[a] += take
                lot_left[lot] -= take
                got += take
            need_left[n] -= got
            units[n] -= got
            if group >= 0:
                group_left[group] -= got
    return x


def reference(strategy, lots, needs, policy):
    """Run the reference algorithm; return its flows as {(lot id, need id): units}."""
    inst, pins, arcs = prepare(lots, needs, policy)
    if strategy == "fcfs":
        x = reference_fill(inst, arcs, pins, lambda need_left, _: need_left.copy(), (None,))
    else:
        def targets(need_left, lot_left):
            out = np.zeros(inst.n_needs, dtype=np.int64)
            for item in range(len(inst.items)):
                members = np.flatnonzero(inst.need_item == item)
                supply = int(lot_left[inst.lot_item == item].sum())
                out[members] = share_targets([int(q) for q in need_left[members]], supply)
            return out
        x = reference_fill(inst, arcs, pins, targets, (True, False))
    flows = {}
    for a in np.flatnonzero(x):
        key = (inst.lots[arcs.lot[a]].id, inst.needs[arcs.need[a]].id)
        flows[key] = flows.get(key, 0) + int(x[a])
    for lot_i, need_i, qty in zip(pins.lot, pins.need, pins.qty, strict=True):
        key = (inst.lots[lot_i].id, inst.needs[need_i].id)
        flows[key] = flows.get(key, 0) + int(qty)
    return flows


@st.composite
def crowded(draw):
    """Many lots on few places and prices (so ties are common), substitutes, every rule."""
    n_lots, n_needs = draw(st.integers(0, 14)), draw(st.integers(0, 9))
    lots = [lot(f"L{i}", item=draw(st.sampled_from("ABC")), qty=draw(st.integers(1, 25)),
                price=draw(st.sampled_from([0.5, 1.0, 1.0, 2.0])),
                km_north=draw(st.integers(0, 3)), km_east=draw(st.integers(0, 3)))
            for i in range(n_lots)]
    needs = []
    for i in range(n_needs):
        item = draw(st.sampled_from("ABC"))
        needs.append(need(f"N{i}", qty=draw(st.integers(1, 40)), tier=draw(st.integers(1, 4)),
                          item=item, company=draw(st.sampled_from(["c1", "c2"])),
                          km_north=draw(st.integers(0, 3)), km_east=draw(st.integers(0, 3)),
                          subs=draw(st.sets(st.sampled_from([x for x in "ABC" if x != item]))),
                          cap=draw(st.sampled_from([None, None, 0.9, 1.0]))))
    keys = sorted({(x.company, x.item) for x in needs})
    caps = {key: draw(st.integers(0, 30)) for key in keys if draw(st.booleans())}
    pairs = [(a.id, b.id) for a in lots for b in needs]
    excluded = frozenset(draw(st.sets(st.sampled_from(pairs), max_size=4))) if pairs else None
    policy = Policy(transport_cost_per_unit_km=draw(st.sampled_from([0.0, 0.01, 1.0])),
                    max_distance_km=draw(st.sampled_from([None, None, 2.0, 3.5])),
                    nearest=draw(st.sampled_from([None, None, 1, 3])), caps=caps,
                    excluded=excluded or frozenset())
    pins = draw(pins_for(lots, needs, policy))
    return lots, needs, replace(policy, pinned=pins)


@st.composite
def pins_for(draw, lots, needs, policy):
    """A few lawful pinned flows within stock, demand and caps."""
    lot_left = {x.id: x.quantity for x in lots}
    need_left = {x.id: x.quantity for x in needs}
    cap_left = dict(policy.caps)
    pins = []
    for nd in needs:
        for lt in lots:
            if not arc_allowed(lt, nd, policy) or draw(st.integers(0, 5)) != 0:
                continue
            cap = cap_left.get((nd.company, nd.item), 10**9)
            room = min(lot_left[lt.id], need_left[nd.id], cap)
            if room <= 0:
                continue
            qty = draw(st.integers(1, room))
            lot_left[lt.id] -= qty
            need_left[nd.id] -= qty
            if (nd.company, nd.item) in cap_left:
                cap_left[(nd.company, nd.item)] -= qty
            pins.append(Flow(lt.id, nd.id, qty))
    return tuple(pins)


def as_dict(result):
    return {(f.lot_id, f.need_id): f.quantity for f in result.flows}


@pytest.mark.parametrize(("chunk", "top"), [(512, 8), (2, 1), (3, 2)])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=crowded())
def test_baselines_match_the_reference_algorithm(problem, chunk, top):
    lots, needs, policy = problem
    with mock.patch.object(greedy, "CHUNK", chunk), mock.patch.object(greedy, "TOP", top):
        for name, strategy in (("fcfs", first_come_first_served),
                               ("proportional", proportional_shares)):
            result = strategy(lots, needs, policy)
            assert as_dict(result) == reference(name, lots, needs, policy), name
            pinned = {(p.lot_id, p.need_id): p.quantity for p in policy.pinned}
            used = [f for f in result.flows if f.quantity > pinned.get((f.lot_id, f.need_id), 0)]
            assert result.stats.arcs == len(used)  # a baseline counts the arcs it used


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=crowded())
def test_baseline_figures_and_reasons_match_the_full_arc_set(problem):
    lots, needs, policy = problem
    for strategy in (first_come_first_served, proportional_shares):
        result = strategy(lots, needs, policy)
        inst, pins, arcs = prepare(lots, needs, policy)
        x = np.array([as_dict(result).get((inst.lots[a].id, inst.needs[b].id), 0)
                      for a, b in zip(arcs.lot, arcs.need, strict=True)], dtype=np.int64)
        x -= pinned_on_arcs(inst, arcs, pins)
        full = make_result(build_outcome(inst, arcs, x, pins, result.stats.engine),
                           RunInfo(result.stats.engine), 0.0)
        keep = ("solve_seconds", "total_seconds", "arcs")
        assert {k: v for k, v in vars(result.stats).items() if k not in keep} == \
            {k: v for k, v in vars(full.stats).items() if k not in keep}
        for nd in needs:
            assert result.unmet_reason(nd.id) == full.unmet_reason(nd.id)
            assert result.explain(nd.id) == full.explain(nd.id)


def pinned_on_arcs(inst, arcs, pins):
    """Units pinned on each arc (pins are kept out of the solver's flows)."""
    out = np.zeros(arcs.size, dtype=np.int64)
    index = {(int(a), int(b)): i for i, (a, b) in enumerate(zip(arcs.lot, arcs.need, strict=True))}
    for a, b, q in zip(pins.lot, pins.need, pins.qty, strict=True):
        if (int(a), int(b)) in index:
            out[index[(int(a), int(b))]] += int(q)
    return out
