"""Great-circle distances and the projection used for nearest-lot searches."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_KM = 6371.0088

FloatArray = npt.NDArray[np.float64]


def haversine_km(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> FloatArray:
    """Return great-circle distances in km between paired points (vectorised)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dlat = p2 - p1
    dlon = np.radians(lon2) - np.radians(lon1)
    h = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle km between two points (one pair of `haversine_km`).

    The app measures a proposal's distance and checks a pin against the maximum distance
    with this, so both agree with the solver to the last digit.
    """
    return float(haversine_km(lat1, lon1, lat2, lon2))


def unit_vectors(lat: npt.ArrayLike, lon: npt.ArrayLike) -> FloatArray:
    """Project points onto the unit sphere in 3-D.

    Chord length is a monotone function of great-circle distance, so a k-d
    tree on these vectors finds exactly the nearest points along the Earth,
    with no distortion near the poles or the date line.
    """
    phi, lam = np.radians(lat), np.radians(lon)
    cos_phi = np.cos(phi)
    return np.column_stack([cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)])


def chord_km(a_xyz: FloatArray, b_xyz: FloatArray) -> FloatArray:
    """Return great-circle km between paired unit vectors (as `haversine_km`, but cheaper)."""
    diff = a_xyz - b_xyz
    chord = np.sqrt(np.einsum("ij,ij->i", diff, diff))
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, chord / 2)))


# Floating-point slack on a computed distance (km): far above float64 error at Earth scale.
DISTANCE_SLACK_KM = 1e-6


def farthest_km_bound(lat: npt.ArrayLike, lon: npt.ArrayLike) -> float:
    """Return an upper bound on the great-circle km between any two of these points.

    From a to b one may walk along a's parallel to b's longitude (R cos(lat_a) dlon, at
    least the great-circle arc between those two points), then along the meridian (R
    dlat); the walk is never shorter than the great circle. So the box of latitudes and
    longitudes bounds every pair. Used to tell that a maximum distance excludes no pair.
    """
    phi, lam = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float))
    if not phi.size:
        return 0.0
    lo, hi = float(phi.min()), float(phi.max())
    widest = 1.0 if lo <= 0.0 <= hi else max(np.cos(lo), np.cos(hi))
    walk = (hi - lo) + widest * float(lam.max() - lam.min())
    return EARTH_RADIUS_KM * walk + DISTANCE_SLACK_KM
