"""Baseline strategies obey the same rules and compare side by side with the optimiser."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from solver import Flow, Policy, allocate
from solver.baselines import (
    compare_strategies,
    comparison_figures,
    first_come_first_served,
    proportional_shares,
    share_targets,
)
from tests.solver.helpers import assert_feasible, lot, need, served_by_need
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
