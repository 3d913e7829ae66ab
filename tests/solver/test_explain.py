"""explain() and the unmet reason codes read the way a coordinator needs."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solver import REASONS, Flow, Policy, allocate
from solver.baselines import first_come_first_served, proportional_shares
from solver.sentences import TEMPLATES
from tests.solver import reference_explain
from tests.solver.helpers import lot, need
from tests.solver.test_properties import FAST, problems


def test_explain_lists_tier_lots_distance_price_and_fill_rate():
    lots = [lot("L1", qty=6, price=1.5, km_north=3), lot("K", item="KN95", qty=2, price=2.0)]
    needs = [need("n", qty=10, tier=2, subs={"KN95"})]
    lines = allocate(lots, needs).explain("n")
    text = "\n".join(lines)
    assert "priority tier 2" in lines[0]
    assert "Lot 'L1' (MASK): 6 units at 1.50 per unit, 3.0 km away" in text
    assert "Lot 'K' (KN95, a substitute): 2 units at 2.00 per unit, 0.0 km away" in text
    assert "Filled 8 of 10 units (80.0 %)" in text
    assert "2 units unmet (no_stock)" in text


def test_explain_names_higher_tiers():
    result = allocate([lot("L", qty=10)], [need("vip", qty=10, tier=1), need("n", qty=5, tier=3)])
    assert result.unmet_reason("n") == "higher_tier"
    assert "10 of their units went to higher-tier needs" in result.explain("n")[-1]


def test_explain_names_even_sharing_within_the_tier():
    result = allocate([lot("L", qty=10)], [need("a", qty=10), need("b", qty=10)])
    assert result.unmet_reason("a") == "shared"
    assert "shared evenly within tier 1" in result.explain("a")[-1]


@pytest.mark.parametrize(
    ("lots", "needs", "policy", "code", "words"),
    [
        ([lot("G", item="GLOVE")], [need("n")], Policy(), "no_stock", "no lot offers MASK"),
        ([lot("L", price=3)], [need("n", cap=2)], Policy(), "price_cap", "price cap of 2.00"),
        ([lot("L", km_north=50)], [need("n")], Policy(max_distance_km=10), "distance",
         "maximum distance of 10"),
        ([lot("L")], [need("n")], Policy(excluded=frozenset({("L", "n")})), "excluded",
         "excluded"),
        ([lot("L")], [need("n", company="c")], Policy(caps={("c", "MASK"): 2}), "cap",
         "cap of 2 units of MASK"),
    ],
)
def test_each_reason_code_and_its_text(lots, needs, policy, code, words):
    result = allocate(lots, needs, policy)
    assert result.unmet_reason("n") == code
    assert words in result.explain("n")[-1]


def test_unmet_by_reason_sums_units_per_code():
    lots = [lot("L", qty=10), lot("far", item="GLOVE", km_north=99)]
    needs = [need("vip", qty=10, tier=1), need("low", qty=4, tier=2),
             need("glove", item="GLOVE", qty=3)]
    totals = allocate(lots, needs, Policy(max_distance_km=20)).unmet_by_reason()
    assert set(totals) == set(REASONS)
    assert totals["higher_tier"] == 4
    assert totals["distance"] == 3
    assert sum(totals.values()) == 7


def test_fully_served_need_has_reason_none():
    result = allocate([lot("L", qty=10)], [need("n", qty=3)])
    assert result.unmet_reason("n") == "none"
    assert not any("unmet" in line for line in result.explain("n"))


def test_unknown_need_id_raises_key_error():
    result = allocate([lot("L")], [need("n")])
    with pytest.raises(KeyError, match="unknown need"):
        result.explain("nope")


def test_nearest_scope_is_mentioned():
    lots = [lot("near", qty=1, price=9), lot("far", qty=1, price=1, km_north=5)]
    result = allocate(lots, [need("n", cap=2)], Policy(nearest=1))
    assert result.unmet_reason("n") == "price_cap"
    assert "1 nearest lots" in result.explain("n")[-1]


def test_importing_solver_loads_no_web_stack():
    code = (
        "import sys, solver\n"
        "from solver import Lot, Need, Policy, Flow, allocate, AllocationResult\n"
        "from solver import PackTemplate, Applicant, assign_gift_packs, GiftPackResult, Pack\n"
        "import solver.baselines\n"
        "bad = [m for m in ('flask', 'sqlalchemy', 'marshmallow', 'market') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60, cwd=root)
    assert done.stdout.strip() == ""


def _pinned_policy(policy, flows, rnd):
    """The policy with about half of these flows pinned, each for part of its units."""
    pins = tuple(Flow(f.lot_id, f.need_id, rnd.randint(1, f.quantity))
                 for f in flows if rnd.random() < 0.5)
    return replace(policy, pinned=pins)


def _assert_matches_reference(result, needs):
    diag = result.diagnostics
    ids = [x.id for x in needs]
    batch = result.explain_many(ids)
    assert list(batch) == ids
    for need_id in ids:
        n = diag.inst.need_pos[need_id]
        expected = reference_explain.explain(diag, n)
        assert batch[need_id] == expected
        parts = result.reason_parts([need_id])[need_id]  # the same lines, before filling in
        assert [template % args for template, args in parts] == expected
        assert all(template in TEMPLATES for template, _ in parts)
        assert all(type(v) in (str, int, float) for _, args in parts for v in args.values())
        assert result.explain(need_id) == expected
        assert result.unmet_reason(need_id) == reference_explain.code(diag, n)
        assert diag.eligible_count(n) == reference_explain.eligible_lots(diag, n).size
        assert sorted(diag.eligible_lots(n).tolist()) == sorted(
            reference_explain.eligible_lots(diag, n).tolist())


@FAST
@given(problems(rich=True), st.randoms(use_true_random=False))
def test_batch_reasons_match_the_need_by_need_reference(problem, rnd):
    lots, needs, policy = problem
    first = allocate(lots, needs, replace(policy, nearest=None))
    pinned = _pinned_policy(policy, first.flows, rnd)  # pins may lie outside the nearest lots
    for result in (allocate(lots, needs, policy), allocate(lots, needs, pinned),
                   first_come_first_served(lots, needs, pinned),
                   proportional_shares(lots, needs, pinned)):
        _assert_matches_reference(result, needs)


def test_reference_covers_pins_on_and_off_the_arcs():
    lots = [lot("L", qty=10), lot("M", qty=4, km_north=2), lot("P", item="GLOVE", qty=5)]
    needs = [need("vip", qty=6, tier=1), need("a", qty=8, tier=2), need("b", qty=8, tier=2),
             need("g1", item="GLOVE", qty=10), need("g2", item="GLOVE", qty=5)]
    # With nearest=1 lot M is no need's arc, so the pin M -> a lies off the arcs.
    policy = Policy(pinned=(Flow("M", "a", 4), Flow("P", "g2", 5)), nearest=1)
    result = allocate(lots, needs, policy)
    _assert_matches_reference(result, needs)
    codes = {x.id: result.unmet_reason(x.id) for x in needs}
    assert codes == {"vip": "none", "a": "higher_tier", "b": "higher_tier", "g1": "pinned",
                     "g2": "none"}


def test_explain_many_of_no_needs_and_of_an_empty_market():
    result = allocate([lot("L")], [need("n")])
    assert result.explain_many([]) == {}
    empty = allocate([], [need("n", qty=3)])
    assert empty.explain_many(["n"])["n"][-1].startswith("3 units unmet (no_stock)")
    with pytest.raises(KeyError, match="unknown need"):
        result.explain_many(["n", "nope"])
