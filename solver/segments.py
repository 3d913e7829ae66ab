"""Fairness segments: each need's quantity cut into K steps of falling worth.

Segment k (1-based) of a need of quantity q holds
``floor(k*q/K) - floor((k-1)*q/K)`` units, each worth ``K - k + 1``. Since the
worth only falls, serving a need's first units is always worth more than its
later ones, and maximising the total worth fills everyone's first step before
anyone's second.
"""

from __future__ import annotations

import numpy as np

from solver.instance import IntArray


def segment_edges(qty: IntArray, steps: int) -> tuple[IntArray, IntArray]:
    """Return (start, end) unit offsets of every segment, shape (needs, steps)."""
    k = np.arange(steps + 1, dtype=np.int64)
    edges = (qty[:, None] * k[None, :]) // steps
    return edges[:, :-1], edges[:, 1:]


def segment_worths(steps: int) -> IntArray:
    """Return the worth of a unit in each segment: K, K-1, ..., 1."""
    return np.arange(steps, 0, -1, dtype=np.int64)


def segment_room(qty: IntArray, done: IntArray, steps: int) -> IntArray:
    """Return units still open in each segment once `done` units are served first."""
    start, end = segment_edges(qty, steps)
    return np.maximum(0, end - np.maximum(start, done[:, None]))


def need_worths(qty: IntArray, served: IntArray, steps: int) -> IntArray:
    """Return the fairness worth of each need given the units it is served."""
    if qty.size == 0:
        return np.zeros(0, dtype=np.int64)
    start, end = segment_edges(qty, steps)
    filled = np.clip(served[:, None] - start, 0, end - start)
    return np.asarray(filled @ segment_worths(steps), dtype=np.int64)
