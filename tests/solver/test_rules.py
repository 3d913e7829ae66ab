"""Hand-checked cases, one per rule of the allocation model."""

from __future__ import annotations

import pytest

from solver import Flow, Policy, allocate
from tests.solver.helpers import assert_feasible, lot, need, served_by_need

ENGINES = ["ortools", "highs"]


@pytest.mark.parametrize("engine", ENGINES)
def test_higher_tier_is_served_first(engine):
    lots = [lot("L", qty=10)]
    needs = [need("low", qty=10, tier=3), need("high", qty=8, tier=1), need("mid", qty=5, tier=2)]
    result = allocate(lots, needs, engine=engine)
    assert served_by_need(result) == {"high": 8, "mid": 2}
    assert result.unmet == {"low": 10, "high": 0, "mid": 3}
    assert result.stats.units_by_tier == {1: 8, 2: 2, 3: 0, 4: 0}
    assert_feasible(result, lots, needs)


@pytest.mark.parametrize("engine", ENGINES)
def test_tier_beats_any_cost(engine):
    near_cheap = need("t2", qty=5, tier=2, km_north=0.1)
    far_dear = need("t1", qty=5, tier=1, km_north=500)
    result = allocate([lot("L", qty=5)], [near_cheap, far_dear], engine=engine)
    assert served_by_need(result) == {"t1": 5}


@pytest.mark.parametrize("engine", ENGINES)
def test_scarce_stock_is_split_evenly_between_equal_needs(engine):
    lots = [lot("L", qty=10)]
    needs = [need("a", qty=10, km_north=0.1), need("b", qty=10, km_north=20)]
    result = allocate(lots, needs, engine=engine)
    assert served_by_need(result) == {"a": 5, "b": 5}
    assert result.stats.min_fill_rate_by_tier[1] == pytest.approx(0.5)
    assert result.stats.gini_by_tier[1] == pytest.approx(0.0)


@pytest.mark.parametrize("engine", ENGINES)
def test_even_split_follows_fill_rates_not_units(engine):
    lots = [lot("L", qty=60)]
    needs = [need("small", qty=40), need("big", qty=80)]
    served = served_by_need(allocate(lots, needs, engine=engine))
    assert served == {"small": 20, "big": 40}


@pytest.mark.parametrize("engine", ENGINES)
def test_cheapest_wins_among_equally_fair_answers(engine):
    lots = [lot("far", qty=10, km_north=50), lot("near", qty=10, km_north=1)]
    result = allocate(lots, [need("n", qty=10)], engine=engine)
    assert result.flows == (Flow("near", "n", 10),)


@pytest.mark.parametrize("engine", ENGINES)
def test_price_beats_distance_when_cheaper_overall(engine):
    lots = [lot("near-dear", qty=10, price=5.0, km_north=1),
            lot("far-cheap", qty=10, price=1.0, km_north=100)]
    result = allocate(lots, [need("n", qty=10)], Policy(transport_cost_per_unit_km=0.01),
                      engine=engine)
    assert result.flows == (Flow("far-cheap", "n", 10),)


@pytest.mark.parametrize("engine", ENGINES)
def test_substitutes_are_one_way(engine):
    lots = [lot("kn95", item="KN95", qty=10), lot("surg", item="SURG", qty=10)]
    needs = [need("wants-surg", item="SURG", qty=15, subs={"KN95"}),
             need("wants-kn95", item="KN95", qty=15)]
    result = allocate(lots, needs, engine=engine)
    assert_feasible(result, lots, needs)
    pairs = {(f.lot_id, f.need_id) for f in result.flows}
    assert ("surg", "wants-kn95") not in pairs
    assert served_by_need(result)["wants-kn95"] + served_by_need(result)["wants-surg"] == 20


@pytest.mark.parametrize("engine", ENGINES)
def test_price_cap_is_a_hard_limit(engine):
    lots = [lot("dear", qty=10, price=3.0)]
    result = allocate(lots, [need("n", qty=5, cap=2.99)], engine=engine)
    assert result.flows == ()
    assert result.unmet_reason("n") == "price_cap"
    ok = allocate(lots, [need("n", qty=5, cap=3.0)], engine=engine)
    assert ok.flows == (Flow("dear", "n", 5),)


@pytest.mark.parametrize("engine", ENGINES)
def test_maximum_distance_is_a_hard_limit(engine):
    lots = [lot("far", qty=10, km_north=30), lot("near", qty=3, km_north=5)]
    result = allocate(lots, [need("n", qty=10)], Policy(max_distance_km=10), engine=engine)
    assert result.flows == (Flow("near", "n", 3),)
    alone = allocate(lots[:1], [need("n", qty=10)], Policy(max_distance_km=10), engine=engine)
    assert alone.unmet_reason("n") == "distance"


@pytest.mark.parametrize("engine", ENGINES)
def test_cap_limits_a_company_across_its_needs(engine):
    lots = [lot("L", qty=100)]
    needs = [need("a1", qty=30, company="acme"), need("a2", qty=30, company="acme"),
             need("b", qty=30, company="bolt", tier=4)]
    policy = Policy(caps={("acme", "MASK"): 42})
    result = allocate(lots, needs, policy, engine=engine)
    served = served_by_need(result)
    assert served["a1"] == served["a2"] == 21  # the cap is shared evenly, 7 steps of 3 each
    assert served["b"] == 30
    assert result.unmet_reason("a1") == "cap"
    assert_feasible(result, lots, needs, policy)


@pytest.mark.parametrize("engine", ENGINES)
def test_cap_counts_substitutes_against_the_needs_item(engine):
    lots = [lot("kn", item="KN95", qty=50)]
    needs = [need("a", item="SURG", qty=30, company="acme", subs={"KN95"})]
    result = allocate(lots, needs, Policy(caps={("acme", "SURG"): 7}), engine=engine)
    assert result.flows == (Flow("kn", "a", 7),)


@pytest.mark.parametrize("engine", ENGINES)
def test_zero_cap_blocks_the_company(engine):
    result = allocate([lot("L")], [need("a", company="acme")],
                      Policy(caps={("acme", "MASK"): 0}), engine=engine)
    assert result.flows == ()
    assert result.unmet_reason("a") == "cap"


@pytest.mark.parametrize("engine", ENGINES)
def test_pins_are_kept_and_consume_capacity(engine):
    lots = [lot("L", qty=10)]
    needs = [need("t1", qty=10, tier=1), need("t4", qty=10, tier=4)]
    policy = Policy(pinned=(Flow("L", "t4", 4),))
    result = allocate(lots, needs, policy, engine=engine)
    assert served_by_need(result) == {"t1": 6, "t4": 4}
    assert result.unmet_reason("t1") == "pinned"
    assert_feasible(result, lots, needs, policy)


@pytest.mark.parametrize("engine", ENGINES)
def test_pinned_units_count_as_the_needs_first_segments(engine):
    lots = [lot("A", qty=4), lot("B", qty=6)]
    needs = [need("x", qty=10), need("y", qty=10)]
    policy = Policy(pinned=(Flow("A", "x", 4),))
    served = served_by_need(allocate(lots, needs, policy, engine=engine))
    assert served == {"x": 5, "y": 5}  # B's 6 units even out x (4 pinned) and y


@pytest.mark.parametrize("engine", ENGINES)
def test_pin_merges_with_solver_flow_on_the_same_arc(engine):
    policy = Policy(pinned=(Flow("L", "n", 2),))
    result = allocate([lot("L", qty=10)], [need("n", qty=8)], policy, engine=engine)
    assert result.flows == (Flow("L", "n", 8),)


@pytest.mark.parametrize(
    ("pin", "message"),
    [
        (Flow("L", "n", 11), "more than its 10"),
        (Flow("L", "n", 0), "quantity"),
        (Flow("nope", "n", 1), "lot_id"),
        (Flow("L", "nope", 1), "need_id"),
        (Flow("other-item", "n", 1), "not a valid arc"),
    ],
)
def test_invalid_pins_raise(pin, message):
    lots = [lot("L", qty=10), lot("other-item", item="GLOVE")]
    with pytest.raises(ValueError, match=message):
        allocate(lots, [need("n", qty=20)], Policy(pinned=(pin,)))


def test_pin_over_a_cap_raises():
    policy = Policy(caps={("acme", "MASK"): 3}, pinned=(Flow("L", "n", 5),))
    with pytest.raises(ValueError, match="cap"):
        allocate([lot("L")], [need("n", company="acme")], policy)


def test_excluded_pin_raises():
    policy = Policy(excluded=frozenset({("L", "n")}), pinned=(Flow("L", "n", 1),))
    with pytest.raises(ValueError, match="excluded"):
        allocate([lot("L")], [need("n")], policy)


@pytest.mark.parametrize("engine", ENGINES)
def test_excluded_pairs_get_nothing(engine):
    lots = [lot("near", qty=10, km_north=1), lot("far", qty=10, km_north=40)]
    policy = Policy(excluded=frozenset({("near", "n")}))
    result = allocate(lots, [need("n", qty=10)], policy, engine=engine)
    assert result.flows == (Flow("far", "n", 10),)
    only = allocate(lots[:1], [need("n", qty=10)], policy, engine=engine)
    assert only.unmet_reason("n") == "excluded"


@pytest.mark.parametrize("engine", ENGINES)
def test_nearest_keeps_only_the_k_closest_lots_per_item(engine):
    lots = [lot("d1", qty=1, km_north=1), lot("d2", qty=1, km_north=2),
            lot("d3", qty=1, km_north=3), lot("g", item="GLOVE", qty=1, km_north=9)]
    needs = [need("n", qty=10, subs={"GLOVE"})]
    result = allocate(lots, needs, Policy(nearest=2), engine=engine)
    assert {f.lot_id for f in result.flows} == {"d1", "d2", "g"}
    assert result.stats.arcs == 3


@pytest.mark.parametrize("engine", ENGINES)
def test_empty_problem_gives_an_empty_result(engine):
    result = allocate([], [], engine=engine)
    assert result.flows == ()
    assert result.unmet == {}
    assert result.stats.total_units == 0
    assert result.stats.min_fill_rate == 1.0


@pytest.mark.parametrize("engine", ENGINES)
def test_needs_without_lots_and_lots_without_needs(engine):
    no_lots = allocate([], [need("n", qty=3)], engine=engine)
    assert no_lots.unmet == {"n": 3}
    assert no_lots.unmet_reason("n") == "no_stock"
    no_needs = allocate([lot("L")], [], engine=engine)
    assert no_needs.flows == ()


@pytest.mark.parametrize("engine", ENGINES)
def test_more_stock_than_demand_fills_everyone(engine):
    lots = [lot("A", qty=100), lot("B", qty=100, km_north=3)]
    needs = [need(i, qty=7 + i, tier=1 + i % 4) for i in range(6)]
    result = allocate(lots, needs, engine=engine)
    assert all(units == 0 for units in result.unmet.values())
    assert result.stats.fill_rate == 1.0
    assert all(result.unmet_reason(x.id) == "none" for x in needs)


@pytest.mark.parametrize("engine", ENGINES)
def test_fairness_steps_one_means_no_fairness(engine):
    # With a single step every unit is worth the same, so cost decides alone.
    lots = [lot("L", qty=10)]
    needs = [need("near", qty=10, km_north=0.1), need("far", qty=10, km_north=20)]
    served = served_by_need(allocate(lots, needs, Policy(fairness_steps=1), engine=engine))
    assert served == {"near": 10}


def test_ids_are_opaque_hashables():
    lots = [lot(("lot", 1), qty=4)]
    needs = [need(frozenset({"n"}), qty=4)]
    result = allocate(lots, needs)
    assert result.flows == (Flow(("lot", 1), frozenset({"n"}), 4),)


def test_decimal_prices_are_accepted():
    from decimal import Decimal

    lots = [lot("L", price=Decimal("1.25"))]
    result = allocate(lots, [need("n", qty=2, cap=Decimal("1.25"))])
    assert result.stats.total_price == pytest.approx(2.5)


def test_unknown_engine_is_rejected():
    with pytest.raises(ValueError, match="engine"):
        allocate([], [], engine="simplex")
