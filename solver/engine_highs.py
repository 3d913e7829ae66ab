"""Second engine: the same model as a staged LP solved by scipy's HiGHS.

Each level is optimised in turn (tier 1, 2, 3, 4 units, fairness worth,
cost). Between stages we do not add an "objective >= optimum - eps" row:
that row is not part of a network matrix, and the slack it allows is exactly
what produces fractional vertices. Instead we use complementary slackness: a
variable whose reduced cost is non-zero sits at its bound in every optimal
solution, so we fix it there. The optimal face is then the original network
polytope with some bounds tightened, still totally unimodular, and dual
simplex returns integral vertices. With integer objectives the reduced costs
of a basic solution are integers, so "non-zero" is tested as |d| > 0.5. The
final answer is checked for integrality and for keeping every stage's optimum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import OptimizeResult, linprog

from solver.instance import FloatArray, IntArray
from solver.network import FlowModel
from solver.tiers import TIERS


@dataclass(frozen=True)
class StagedLP:
    """Equality-form LP over [arc flows, segment fills, lot slacks, cap slacks]."""

    a_eq: sparse.csr_matrix
    b_eq: FloatArray
    lower: FloatArray
    upper: FloatArray
    n_arcs: int
    n_segs: int


def build_lp(model: FlowModel) -> StagedLP:
    """Write lot, need and cap-group balances as equalities with slack columns."""
    n_a, n_s, n_l, n_n, n_g = (model.arc_lot.size, model.seg_need.size, model.n_lots,
                               model.n_needs, model.n_groups)
    seg_group = model.need_group[model.seg_need]
    capped = np.flatnonzero(seg_group >= 0)
    arc_col, seg_col = np.arange(n_a), n_a + np.arange(n_s)
    group_row = n_l + n_n
    rows = np.concatenate([model.arc_lot, n_l + model.arc_need, n_l + model.seg_need,
                           group_row + seg_group[capped], np.arange(n_l),
                           group_row + np.arange(n_g)])
    cols = np.concatenate([arc_col, arc_col, seg_col, seg_col[capped],
                           n_a + n_s + np.arange(n_l), n_a + n_s + n_l + np.arange(n_g)])
    vals = np.concatenate([np.ones(n_a), np.ones(n_a), -np.ones(n_s), np.ones(capped.size),
                           np.ones(n_l), np.ones(n_g)])
    shape = (n_l + n_n + n_g, n_a + n_s + n_l + n_g)
    a_eq = sparse.csr_matrix((vals, (rows, cols)), shape=shape)
    b_eq = np.concatenate([model.lot_cap, np.zeros(n_n), model.group_cap]).astype(float)
    upper = np.concatenate([model.arc_cap, model.seg_cap, model.lot_cap,
                            model.group_cap]).astype(float)
    return StagedLP(a_eq, b_eq, np.zeros(shape[1]), upper, n_a, n_s)


def stage_objectives(model: FlowModel, lp: StagedLP) -> list[FloatArray]:
    """Return the objectives to minimise in order: tiers 1-4, worth, cost."""
    width = lp.lower.size
    seg = slice(lp.n_arcs, lp.n_arcs + lp.n_segs)
    stages = []
    for tier in TIERS:
        if np.any(model.seg_tier == tier):
            c = np.zeros(width)
            c[seg] = -(model.seg_tier == tier).astype(float)
            stages.append(c)
    worth, cost = np.zeros(width), np.zeros(width)
    worth[seg] = -model.seg_worth
    cost[: lp.n_arcs] = model.arc_cost
    return [*stages, worth, cost]


def _solve_stage(
    lp: StagedLP, c: FloatArray, lower: FloatArray, upper: FloatArray
) -> OptimizeResult:
    res = linprog(c, A_eq=lp.a_eq, b_eq=lp.b_eq, bounds=np.column_stack([lower, upper]),
                  method="highs-ds")
    if res.status != 0:
        raise RuntimeError(f"HiGHS stage failed: {res.message}")
    return res


def _integral(values: FloatArray) -> IntArray:
    rounded = np.rint(values)
    if np.any(np.abs(values - rounded) > 1e-6 + 1e-9 * np.abs(values)):
        raise RuntimeError("HiGHS returned a fractional flow")
    return rounded.astype(np.int64)


def solve_highs(model: FlowModel) -> IntArray:
    """Return the lexicographically optimal flow on each lot->need arc."""
    if model.arc_lot.size == 0:
        return np.zeros(0, dtype=np.int64)
    lp = build_lp(model)
    lower, upper = lp.lower.copy(), lp.upper.copy()
    stages = stage_objectives(model, lp)
    optima: list[float] = []
    for index, c in enumerate(stages):
        res = _solve_stage(lp, c, lower, upper)
        optima.append(float(res.fun))
        if index < len(stages) - 1:
            at_lower = res.lower.marginals > 0.5
            at_upper = res.upper.marginals < -0.5
            upper[at_lower] = lower[at_lower]
            lower[at_upper] = upper[at_upper]
    z = _integral(res.x)
    for c, optimum in zip(stages, optima, strict=True):
        value = int(np.dot(z.astype(object), np.rint(c).astype(np.int64).astype(object)))
        if abs(value - optimum) > 0.5 + 1e-9 * abs(optimum):
            raise RuntimeError(f"HiGHS staged answer lost a stage optimum ({value} != {optimum})")
    return z[: lp.n_arcs]
