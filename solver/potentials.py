"""Node potentials (an optimal dual) of a solved min-cost flow, from its residual network.

A flow is optimal exactly when its residual network has no negative cycle; then the
shortest distances from a virtual root joined to every node at cost 0 are potentials
``d`` with ``cost + d[tail] - d[head] >= 0`` on every residual arc (LP duality: an
optimal dual). OR-Tools returns flows but no potentials, and scipy's Bellman-Ford is
O(nodes x arcs), so we alternate two cheap steps: relax the negative arcs at once
(numpy), then close over the non-negative arcs with one multi-source Dijkstra
(scipy). After k rounds every shortest path with at most k negative arcs is found,
so the rounds are bounded by the negative arcs a shortest path can hold (few when
they all end in a few nodes, as in our networks).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from solver.instance import IntArray

# Distances are sums of integer costs; float64 (scipy's Dijkstra) is exact below 2**53.
EXACT_FLOAT = 2**52


class PotentialError(RuntimeError):
    """The residual network has a negative cycle, or its distances are not exact in float64."""


def residual_arcs(
    tail: IntArray, head: IntArray, cap: IntArray, cost: IntArray, flow: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """Return the residual network's arcs: forward where flow < cap, backward where flow > 0."""
    fwd, bwd = flow < cap, flow > 0
    return (np.concatenate([tail[fwd], head[bwd]]), np.concatenate([head[fwd], tail[bwd]]),
            np.concatenate([cost[fwd], -cost[bwd]]))


def _min_parallel(tail: IntArray, head: IntArray, w: IntArray, n: int
                  ) -> tuple[IntArray, IntArray, IntArray]:
    """Keep the cheapest of parallel arcs (a sparse matrix would add them up)."""
    key = tail * n + head
    order = np.lexsort((w, key))
    key = key[order]
    first = np.ones(key.size, dtype=bool)
    first[1:] = key[1:] != key[:-1]
    keep = order[first]
    return tail[keep], head[keep], w[keep]


def shortest_potentials(n: int, tail: IntArray, head: IntArray, w: IntArray,
                        guess: IntArray | None = None, max_rounds: int | None = None
                        ) -> IntArray:
    """Return potentials ``d`` with ``w + d[tail] - d[head] >= 0`` on every arc, as int64.

    Without `guess`, the shortest distances from a virtual root (cost 0 to every node).
    With `guess` (say, the last round's dual on the same nodes), the shortest distances
    for the costs reduced by it, plus it: valid too, and found in fewer rounds when few
    arcs price negative against the guess. Raises PotentialError on a negative cycle or
    when the numbers are too large, and after `max_rounds` rounds when given (a quick
    test that gives up where a negative cycle would take n rounds to show).
    """
    if guess is not None:
        return guess + shortest_potentials(n, tail, head, w + guess[tail] - guess[head],
                                           max_rounds=max_rounds)
    if w.size and int(np.abs(w).max()) * (n + 1) >= EXACT_FLOAT:
        raise PotentialError("costs too large for exact float64 distances")
    neg = w < 0
    t_neg, h_neg, w_neg = tail[neg], head[neg], w[neg]
    t_pos, h_pos, w_pos = _min_parallel(tail[~neg], head[~neg], w[~neg], n)
    d = np.zeros(n, dtype=np.int64)
    nodes = np.arange(n, dtype=np.int64)
    for _ in range(n + 2 if max_rounds is None else max_rounds):
        before = d.copy()
        if t_neg.size:
            np.minimum.at(d, h_neg, d[t_neg] + w_neg)
        low = int(d.min()) if n else 0
        rows = np.concatenate([t_pos, np.full(n, n, dtype=np.int64)])
        cols = np.concatenate([h_pos, nodes])
        vals = np.concatenate([w_pos, d - low]).astype(np.float64)
        graph = sparse.csr_matrix((vals, (rows, cols)), shape=(n + 1, n + 1))
        dist = dijkstra(graph, indices=n)[:n]
        rounded: IntArray = np.rint(dist).astype(np.int64)  # scipy's dijkstra is untyped
        d = np.minimum(d, rounded + low)
        if np.array_equal(d, before):
            break
    else:
        raise PotentialError("negative cycle in the residual network" if max_rounds is None
                             else f"no potentials within {max_rounds} rounds")
    bad = w + d[tail] - d[head] < 0
    if np.any(bad):
        raise PotentialError("potentials do not price every residual arc non-negative")
    return d
