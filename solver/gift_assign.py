"""Who gets which gift pack: scores and the rectangular assignment.

Score of giving one pack of template t to applicant a::

    rank(a) * (P + 1) + fit(a, t)

`rank` orders applicants by tier (1 first), then shortage per employee, then
waiting days (ties share a rank); `fit` in [0, 1] is how well the template's
size matches the company's headcount (bigger packs to bigger companies, by
percentile). One rank step is worth more than the whole fit of P packs, so
the assignment takes the most deserving applicants first and only uses fit
to share templates among them. Scores stay below 2**53, so float sums are exact
enough for `linear_sum_assignment`.

Candidates: only the top P applicants by score for each template can be
needed. If an optimal assignment gave a t-slot to an applicant outside t's
top P, at most P - 1 of that top P hold a pack, so one of them is free and
scores at least as much for that slot: moving the slot to them loses nothing
and puts one more slot inside its top P. Repeating ends in an optimal
assignment that only uses candidates, so the matrix is P x (union of the top
Ps) instead of P x applicants.
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


def fit_matrix(sizes: IntArray, headcount: IntArray) -> FloatArray:
    """Return fit (applicants x templates) in [0, 1]: 1 - |size pct - headcount pct|."""
    if np.unique(sizes).size <= 1:
        return np.ones((headcount.size, sizes.size))
    size_pct = (rankdata(sizes, method="dense") - 1) / (np.unique(sizes).size - 1)
    head_pct = (rankdata(headcount, method="average") - 1) / max(headcount.size - 1, 1)
    return 1.0 - np.abs(head_pct[:, None] - size_pct[None, :])


def candidates(score: FloatArray, counts: IntArray) -> IntArray:
    """Return the union over used templates of the top-P applicants by score."""
    total = int(counts.sum())
    picked = []
    for t in np.flatnonzero(counts):
        column = score[:, t]
        if total >= column.size:
            return np.arange(column.size)
        picked.append(np.argpartition(-column, total - 1)[:total])
    return np.unique(np.concatenate(picked)) if picked else np.zeros(0, dtype=np.int64)


def assign_slots(score: FloatArray, counts: IntArray) -> tuple[IntArray, IntArray, int]:
    """Return template and applicant per pack maximising the total score, and the
    number of candidate applicants the assignment matrix had."""
    cols = candidates(score, counts)
    slot_template = np.repeat(np.arange(counts.size), counts)
    if slot_template.size == 0:
        return slot_template, np.zeros(0, dtype=np.int64), 0
    matrix = score[np.ix_(cols, slot_template)].T
    rows, chosen = linear_sum_assignment(matrix, maximize=True)
    return slot_template[rows], cols[chosen], int(cols.size)
