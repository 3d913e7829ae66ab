"""Who gets which gift pack: scores and the assignment.

Score of giving one pack of template t to applicant a (integers)::

    rank(a) * (FIT_SCALE * P + 1) + fit(a, t)

`rank` orders applicants by tier (1 first), then shortage per employee, then
waiting days (ties share a rank); `fit` in 0..FIT_SCALE is how well the
template's size matches the company's headcount (bigger packs to bigger
companies, by percentile). One rank step outweighs the whole fit of P packs,
so the most deserving applicants are served first and fit only shares the
templates among them. Scores stay below 2**53, so float sums are exact.

Candidates: only the top P applicants by score for each template can be
needed. If an optimal assignment gave a t-slot to an applicant outside t's
top P, at most P - 1 of that top P hold a pack, so one of them is free and
scores at least as much for that slot: moving the slot to them loses nothing
and puts one more slot inside its top P. Repeating ends in an optimal
assignment that only uses candidates.

Solving: `linear_sum_assignment` (rectangular, maximise) on slots x
candidates. Slots of one template are identical rows, and on such matrices
its shortest-augmenting-path search degrades to O(P^3) (measured: 1,500
slots 5 s, 3,000 slots 30 s). Above LSA_MAX_SLOTS slots we therefore group
identical slots into one node per template whose capacity is its pack count,
and solve the same assignment exactly as a transportation problem (min-cost
flow; its LP has integral vertices). Both give the same optimal total score;
the tests check it.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.stats import rankdata

from solver.instance import FloatArray, IntArray


def priority_rank(tier: IntArray, shortage: IntArray, headcount: IntArray,
                  waiting: FloatArray) -> IntArray:
    """Return a dense rank per applicant, larger = more deserving, ties equal."""
    per_head = shortage / headcount
    keys = np.column_stack([-tier, per_head, waiting])
    _, inverse = np.unique(keys, axis=0, return_inverse=True)
    return np.asarray(inverse, dtype=np.int64).ravel()


FIT_SCALE = 1000
LSA_MAX_SLOTS = 800


def fit_matrix(sizes: IntArray, headcount: IntArray) -> IntArray:
    """Return fit (applicants x templates) in 0..FIT_SCALE from size and headcount percentiles."""
    if np.unique(sizes).size <= 1:
        return np.full((headcount.size, sizes.size), FIT_SCALE, dtype=np.int64)
    size_pct = (rankdata(sizes, method="dense") - 1) / (np.unique(sizes).size - 1)
    head_pct = (rankdata(headcount, method="average") - 1) / max(headcount.size - 1, 1)
    fit: FloatArray = 1.0 - np.abs(head_pct[:, None] - size_pct[None, :])  # rankdata is untyped
    return np.rint(fit * FIT_SCALE).astype(np.int64)


def pair_scores(rank: IntArray, fit: IntArray, packs: int) -> IntArray:
    """Return the integer score of every (applicant, template) pair."""
    return rank[:, None] * (FIT_SCALE * packs + 1) + fit


def candidates(score: IntArray, counts: IntArray) -> IntArray:
    """Return the union over used templates of the top-P applicants by score."""
    total = int(counts.sum())
    picked = []
    for t in np.flatnonzero(counts):
        column = score[:, t]
        if total >= column.size:
            return np.arange(column.size)
        picked.append(np.argpartition(-column, total - 1)[:total])
    return np.unique(np.concatenate(picked)) if picked else np.zeros(0, dtype=np.int64)


def assign_by_lsa(score: IntArray, counts: IntArray) -> tuple[IntArray, IntArray]:
    """Assign slots (one row per pack) to applicants with linear_sum_assignment."""
    slot_template = np.repeat(np.arange(counts.size), counts)
    matrix = score[:, slot_template].T.astype(np.float64)
    rows, chosen = linear_sum_assignment(matrix, maximize=True)
    return slot_template[rows], np.asarray(chosen, dtype=np.int64)


def assign_by_flow(score: IntArray, counts: IntArray) -> tuple[IntArray, IntArray]:
    """Assign grouped slots (one node per template) to applicants by min-cost flow."""
    from solver.engine_ortools import available

    n_app, n_tpl = score.shape
    if not available():
        return _assign_by_lp(score, counts)
    from ortools.graph.python import min_cost_flow

    used = np.flatnonzero(counts)
    tpl = np.repeat(used, n_app)
    app = np.tile(np.arange(n_app), used.size)
    smcf = min_cost_flow.SimpleMinCostFlow()
    total = int(counts.sum())
    # nodes: 0 source, 1 sink, 2.. templates, then applicants
    smcf.add_arcs_with_capacity_and_unit_cost(np.full(used.size, 0), 2 + used, counts[used],
                                              np.zeros(used.size, dtype=np.int64))
    first = smcf.add_arcs_with_capacity_and_unit_cost(
        2 + tpl, 2 + n_tpl + app, np.ones(tpl.size, dtype=np.int64), -score[app, tpl])
    smcf.add_arcs_with_capacity_and_unit_cost(2 + n_tpl + np.arange(n_app), np.ones(n_app),
                                              np.ones(n_app), np.zeros(n_app, dtype=np.int64))
    smcf.set_nodes_supplies(np.array([0, 1]), np.array([total, -total]))
    if smcf.solve() != smcf.OPTIMAL:
        raise RuntimeError("gift packs: min-cost flow failed")
    chosen = np.flatnonzero(np.asarray(smcf.flows(first)) == 1)
    return tpl[chosen], app[chosen]


def _assign_by_lp(score: IntArray, counts: IntArray) -> tuple[IntArray, IntArray]:
    from scipy import sparse
    from scipy.optimize import linprog

    n_app, n_tpl = score.shape
    cols = np.arange(n_app * n_tpl)
    app, tpl = np.divmod(cols, n_tpl)
    rows = np.concatenate([tpl, n_tpl + app])
    a = sparse.csr_matrix((np.ones(2 * cols.size), (rows, np.concatenate([cols, cols]))))
    res = linprog(-score.ravel().astype(float), A_ub=a[n_tpl:], b_ub=np.ones(n_app),
                  A_eq=a[:n_tpl], b_eq=counts.astype(float), bounds=(0, 1), method="highs-ds")
    if res.status != 0:
        raise RuntimeError(f"gift packs: LP failed: {res.message}")
    chosen = np.flatnonzero(res.x > 0.5)
    return tpl[chosen], app[chosen]


def assign_slots(score: IntArray, counts: IntArray) -> tuple[IntArray, IntArray, int]:
    """Return template and applicant per pack maximising the total score, and the
    number of candidate applicants considered."""
    if int(counts.sum()) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 0
    cols = candidates(score, counts)
    solve = assign_by_lsa if int(counts.sum()) <= LSA_MAX_SLOTS else assign_by_flow
    slot_template, chosen = solve(score[cols], counts)
    if np.unique(chosen).size != chosen.size or chosen.size != int(counts.sum()):
        raise RuntimeError("gift packs: the assignment is not one pack per applicant")
    return slot_template, cols[chosen], int(cols.size)
