"""One distance and one tier scale: the scalar distance is the vectorised one, tiers are 1-4."""

from __future__ import annotations

import numpy as np
import pytest

from solver.geo import distance_km, haversine_km
from solver.tiers import HIGHEST_TIER, LOWEST_TIER, TIERS, is_tier
from solver.validate import check_tier


@pytest.mark.parametrize(("a", "b"), [
    ((31.2304, 121.4737), (31.2304, 121.4737)),  # the same point
    ((31.2304, 121.4737), (31.3000, 121.5000)),  # across a district
    ((39.9042, 116.4074), (31.2304, 121.4737)),  # Beijing - Shanghai
    ((0.0, 179.9), (0.0, -179.9)),               # across the date line
])
def test_the_scalar_distance_is_the_solvers_to_the_last_digit(a, b):
    vector = haversine_km(np.array([a[0]]), np.array([a[1]]), np.array([b[0]]), np.array([b[1]]))
    assert distance_km(a[0], a[1], b[0], b[1]) == float(vector[0])


def test_beijing_to_shanghai_is_about_1068_km():
    assert distance_km(39.9042, 116.4074, 31.2304, 121.4737) == pytest.approx(1067.3, abs=1.0)


def test_the_tier_scale_runs_from_the_highest_to_the_lowest_priority():
    assert TIERS == (1, 2, 3, 4)
    assert (HIGHEST_TIER, LOWEST_TIER) == (1, 4)
    assert [t for t in range(-1, 7) if is_tier(t)] == list(TIERS)


@pytest.mark.parametrize("bad", [0, 5, 2.5, True, "1"])
def test_the_solver_refuses_a_tier_off_the_scale_and_names_the_range(bad):
    with pytest.raises(ValueError, match="tier must be an integer from 1 to 4"):
        check_tier("need 'n'", bad)
