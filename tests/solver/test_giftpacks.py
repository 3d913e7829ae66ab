"""Gift packs: counts from pooled stock, one per applicant, priority order, lot tracing."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solver import Applicant, PackTemplate, assign_gift_packs
from solver.gift_assign import assign_by_flow, assign_by_lsa
from tests.solver.helpers import distance_km, lot, place


def applicant(ident, tier=2, headcount=10, shortage=50, waiting=1.0, km_north=0.0,
              company=None) -> Applicant:
    lat, lon = place(km_north, 0.0)
    return Applicant(ident, company or f"co-{ident}", tier, headcount, shortage, waiting, lat, lon)


KIT = PackTemplate("kit", {"MASK": 100, "ALCOHOL": 2})


def test_pack_count_is_limited_by_the_scarcest_component():
    lots = [lot("m", item="MASK", qty=1000), lot("a", item="ALCOHOL", qty=7)]
    result = assign_gift_packs([KIT], lots, [applicant(i) for i in range(10)])
    assert len(result.packs) == 3  # 7 litres make 3 packs of 2, masks would make 10
    assert result.stats.packs_by_template == {"kit": 3}
    assert result.stats.stock_left_by_item == {"MASK": 700, "ALCOHOL": 1}


def test_templates_are_filled_in_order_from_what_is_left():
    big = PackTemplate("big", {"MASK": 300})
    small = PackTemplate("small", {"MASK": 100})
    lots = [lot("m", item="MASK", qty=1000)]
    result = assign_gift_packs([big, small], lots, [applicant(i) for i in range(10)])
    assert result.stats.packs_by_template == {"big": 3, "small": 1}


def test_never_more_packs_than_applicants_and_one_each():
    lots = [lot("m", item="MASK", qty=10_000), lot("a", item="ALCOHOL", qty=10_000)]
    result = assign_gift_packs([KIT, PackTemplate("x", {"MASK": 1})], lots,
                               [applicant(i) for i in range(4)])
    assert len(result.packs) == 4
    assert result.stats.packs_by_template == {"kit": 4, "x": 0}
    assert len({p.applicant_id for p in result.packs}) == 4


def test_one_pack_per_company():
    lots = [lot("m", item="MASK", qty=10_000), lot("a", item="ALCOHOL", qty=10_000)]
    apps = [applicant("a1", company="acme", tier=2), applicant("a2", company="acme", tier=1),
            applicant("b", company="bolt")]
    result = assign_gift_packs([KIT], lots, apps)
    assert sorted(p.applicant_id for p in result.packs) == ["a2", "b"]


def test_tier_then_shortage_per_employee_then_waiting_decide():
    lots = [lot("m", item="MASK", qty=300), lot("a", item="ALCOHOL", qty=6)]
    apps = [
        applicant("t3-desperate", tier=3, headcount=1, shortage=1000),
        applicant("t1", tier=1, headcount=100, shortage=0),
        applicant("t2-short", tier=2, headcount=10, shortage=90),  # 9 per employee
        applicant("t2-ok", tier=2, headcount=10, shortage=50, waiting=30),
        applicant("t2-waiting", tier=2, headcount=20, shortage=180, waiting=20),  # 9, waits longer
    ]
    result = assign_gift_packs([KIT], lots, apps)
    assert sorted(p.applicant_id for p in result.packs) == ["t1", "t2-short", "t2-waiting"]
    ranked = assign_gift_packs([KIT], [lot("m", item="MASK", qty=200),
                                       lot("a", item="ALCOHOL", qty=4)], apps)
    assert sorted(p.applicant_id for p in ranked.packs) == ["t1", "t2-waiting"]
    assert ranked.stats.served_by_tier == {1: 1, 2: 1, 3: 0, 4: 0}


def test_bigger_packs_go_to_bigger_companies():
    small, large = PackTemplate("small", {"MASK": 10}), PackTemplate("large", {"MASK": 100})
    apps = [applicant("tiny", headcount=3), applicant("huge", headcount=900)]
    result = assign_gift_packs([large, small], [lot("m", item="MASK", qty=110)], apps)
    given_ = {p.applicant_id: p.template_id for p in result.packs}
    assert given_ == {"tiny": "small", "huge": "large"}


def test_components_come_from_the_nearest_lots_and_never_exceed_them():
    lots = [lot("far", item="MASK", qty=150, km_north=20), lot("near", item="MASK", qty=150),
            lot("a", item="ALCOHOL", qty=10, km_north=5)]
    apps = [applicant("x", tier=1), applicant("y", tier=2, km_north=20)]
    result = assign_gift_packs([KIT], lots, apps)
    packs = {p.applicant_id: p for p in result.packs}
    assert packs["x"].components == (("near", "MASK", 100), ("a", "ALCOHOL", 2))
    assert packs["y"].components == (("far", "MASK", 100), ("a", "ALCOHOL", 2))


def test_a_pack_can_draw_from_several_lots():
    lots = [lot("m1", item="MASK", qty=60), lot("m2", item="MASK", qty=60, km_north=1),
            lot("a", item="ALCOHOL", qty=2)]
    result = assign_gift_packs([KIT], lots, [applicant("x")])
    assert result.packs[0].components == (("m1", "MASK", 60), ("m2", "MASK", 40),
                                          ("a", "ALCOHOL", 2))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 400), min_size=1, max_size=8),
       st.lists(st.tuples(st.integers(1, 4), st.integers(1, 300), st.integers(0, 900)),
                min_size=0, max_size=30), st.integers(0, 1000))
def test_tracing_adds_up_for_random_instances(lot_sizes, people, seed):
    rng = np.random.default_rng(seed)
    lots = [lot(f"L{i}", item=["MASK", "ALCOHOL"][i % 2], qty=q,
                km_north=float(rng.uniform(0, 20))) for i, q in enumerate(lot_sizes)]
    apps = [applicant(f"A{i}", tier=t, headcount=h, shortage=s, km_north=float(rng.uniform(0, 20)))
            for i, (t, h, s) in enumerate(people)]
    templates = [PackTemplate("s", {"MASK": 30, "ALCOHOL": 3}), PackTemplate("m", {"MASK": 50})]
    result = assign_gift_packs(templates, lots, apps)
    taken = defaultdict(int)
    for pack in result.packs:
        template = templates[0] if pack.template_id == "s" else templates[1]
        got = Counter()
        for lot_id, item, units in pack.components:
            taken[lot_id] += units
            got[item] += units
        assert dict(got) == dict(template.contents)
    quantities = {x.id: x.quantity for x in lots}
    assert all(taken[k] <= quantities[k] for k in taken)
    assert len({p.applicant_id for p in result.packs}) == len(result.packs) <= len(apps)
    served_tiers = [a.tier for a in apps if a.id in {p.applicant_id for p in result.packs}]
    unserved_tiers = [a.tier for a in apps if a.id not in {p.applicant_id for p in result.packs}]
    if served_tiers and unserved_tiers:
        assert max(served_tiers) <= min(unserved_tiers)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=1, max_size=4), st.integers(0, 10_000))
def test_grouped_flow_and_lsa_reach_the_same_score(counts, seed):
    rng = np.random.default_rng(seed)
    counts = np.array(counts, dtype=np.int64)
    apps = int(counts.sum()) + int(rng.integers(0, 6))
    score = rng.integers(0, 50, size=(apps, counts.size)) * 1000 + rng.integers(
        0, 1000, size=(apps, counts.size))
    if counts.sum() == 0:
        return
    results = [assign_by_lsa(score, counts), assign_by_flow(score, counts)]
    totals = [int(score[app, tpl].sum()) for tpl, app in results]
    assert totals[0] == totals[1]
    for tpl, app in results:
        assert np.unique(app).size == app.size == counts.sum()
        assert np.array_equal(np.bincount(tpl, minlength=counts.size), counts)


def test_empty_inputs():
    assert assign_gift_packs([], [], []).packs == ()
    assert assign_gift_packs([KIT], [], [applicant("x")]).packs == ()
    assert assign_gift_packs([KIT], [lot("m", item="MASK")], []).packs == ()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([PackTemplate("t", {})], [], []), "template 't': contents"),
        (([PackTemplate("t", {"MASK": 0})], [], []), r"template 't': contents\['MASK'\]"),
        (([], [], [applicant("x", tier=0)]), "applicant 'x': tier"),
        (([], [], [applicant("x", headcount=0)]), "applicant 'x': headcount"),
        (([], [], [applicant("x", shortage=-1)]), "applicant 'x': shortage"),
        (([], [], [applicant("x"), applicant("x")]), "applicant 'x': id must be unique"),
        (([], [lot("m", qty=-2)], []), "lot 'm': quantity"),
    ],
)
def test_invalid_gift_inputs(args, message):
    with pytest.raises(ValueError, match=message):
        assign_gift_packs(*args)


def test_distances_in_stats_follow_components():
    lots = [lot("m", item="MASK", qty=100, km_north=3), lot("a", item="ALCOHOL", qty=2)]
    apps = [applicant("x")]
    result = assign_gift_packs([KIT], lots, apps)
    expected = 100 * distance_km(lots[0], apps[0])
    assert result.stats.unit_km == pytest.approx(expected, rel=1e-6)
