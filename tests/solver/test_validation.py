"""Invalid inputs raise ValueError whose message names the record, field and value."""

from __future__ import annotations

import math

import pytest

from solver import Lot, Need, Policy, allocate
from tests.solver.helpers import lot, need


def make_lot(**changes) -> Lot:
    fields = {"id": 3, "item": "MASK", "quantity": 5, "unit_price": 1.0, "lat": 31.0, "lon": 121.0}
    return Lot(**{**fields, **changes})


def make_need(**changes) -> Need:
    fields = {"id": 7, "company": "acme", "item": "MASK", "quantity": 5, "tier": 1,
              "lat": 31.0, "lon": 121.0}
    return Need(**{**fields, **changes})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"quantity": -3}, "need 7: quantity must be a positive integer.*got -3"),
        ({"quantity": 0}, "need 7: quantity"),
        ({"quantity": 2.5}, "need 7: quantity"),
        ({"quantity": True}, "need 7: quantity"),
        ({"tier": 5}, "need 7: tier must be an integer from 1 to 4, got 5"),
        ({"tier": 0}, "need 7: tier"),
        ({"lat": 91.0}, "need 7: lat"),
        ({"lon": -180.5}, "need 7: lon"),
        ({"lat": math.nan}, "need 7: lat"),
        ({"item": ""}, "need 7: item"),
        ({"substitutes": "KN95"}, "need 7: substitutes"),
        ({"max_unit_price": -1.0}, "need 7: max_unit_price"),
        ({"max_unit_price": math.inf}, "need 7: max_unit_price"),
        ({"company": ["not", "hashable"]}, "need 7: company"),
    ],
)
def test_bad_need_fields(changes, message):
    with pytest.raises(ValueError, match=message):
        allocate([], [make_need(**changes)])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"quantity": -3}, "lot 3: quantity must be a positive integer.*got -3"),
        ({"quantity": "5"}, "lot 3: quantity"),
        ({"unit_price": -0.01}, "lot 3: unit_price"),
        ({"unit_price": math.inf}, "lot 3: unit_price"),
        ({"unit_price": False}, "lot 3: unit_price"),
        ({"lat": "31"}, "lot 3: lat"),
        ({"lon": math.inf}, "lot 3: lon"),
        ({"item": None}, "lot 3: item"),
    ],
)
def test_bad_lot_fields(changes, message):
    with pytest.raises(ValueError, match=message):
        allocate([make_lot(**changes)], [])


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        (Policy(fairness_steps=0), "fairness_steps"),
        (Policy(fairness_steps=2.0), "fairness_steps"),
        (Policy(transport_cost_per_unit_km=-1), "transport_cost_per_unit_km"),
        (Policy(max_distance_km=-5), "max_distance_km"),
        (Policy(nearest=0), "nearest"),
        (Policy(caps={("acme", "MASK"): -1}), r"caps\[\('acme', 'MASK'\)\]: cap"),
        (Policy(caps={"acme": 3}), "caps key"),
        (Policy(excluded=frozenset({"L"})), "excluded"),
    ],
)
def test_bad_policy(policy, message):
    with pytest.raises(ValueError, match=message):
        allocate([lot("L")], [need("n")], policy)


@pytest.mark.parametrize(
    ("hint", "message"),
    [
        (["L"], r"allocate: hint must be \(lot_id, need_id\) pairs, got 'L'"),
        ([("L", "n", 3)], r"hint must be \(lot_id, need_id\) pairs, got \('L', 'n', 3\)"),
        ([("L", ["n"])], "hint must be .*hashable ids"),
    ],
)
def test_a_bad_hint_is_named(hint, message):
    with pytest.raises(ValueError, match=message):
        allocate([lot("L")], [need("n")], hint=hint)


def test_a_hint_of_unknown_ids_is_ignored():
    plain = allocate([lot("L", qty=2)], [need("n", qty=2)])
    hinted = allocate([lot("L", qty=2)], [need("n", qty=2)], hint=[("ghost", "n"), ("L", 9)])
    assert hinted.flows == plain.flows


def test_duplicate_lot_ids():
    with pytest.raises(ValueError, match="lot 'L': id must be unique"):
        allocate([lot("L"), lot("L")], [])


def test_duplicate_need_ids():
    with pytest.raises(ValueError, match="need 'n': id must be unique"):
        allocate([], [need("n"), need("n")])


def test_a_lot_and_a_need_may_share_an_id():
    result = allocate([lot("x", qty=2)], [need("x", qty=2)])
    assert result.unmet == {"x": 0}


def test_wrong_record_type():
    with pytest.raises(ValueError, match="Need records"):
        allocate([], [make_lot()])


def test_not_a_policy():
    with pytest.raises(ValueError, match="policy must be a Policy"):
        allocate([], [], {"max_distance_km": 3})
