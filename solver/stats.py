"""Figures of a run: units and fill rates per tier, fairness spread, costs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from solver.instance import FloatArray, IntArray
from solver.outcome import Outcome
from solver.segments import need_worths
from solver.tiers import TIERS


@dataclass(frozen=True)
class RunInfo:
    """How a result was produced."""

    engine: str
    staged: bool = False
    note: str = ""
    solve_seconds: float = 0.0
    total_seconds: float = 0.0


@dataclass(frozen=True)
class AllocationStats:
    """Figures of one allocation; per-tier fill maps only list tiers with demand."""

    units_by_tier: Mapping[int, int]
    demand_by_tier: Mapping[int, int]
    fill_rate_by_tier: Mapping[int, float]
    min_fill_rate_by_tier: Mapping[int, float]
    gini_by_tier: Mapping[int, float]
    total_units: int
    total_demand: int
    fill_rate: float
    min_fill_rate: float
    gini: float
    total_price: float
    total_transport_cost: float
    total_cost: float
    unit_km: float
    distance_per_unit: float
    shipments: int
    fairness_worth: int
    cost_scaled: int
    arcs: int
    engine: str
    staged: bool
    note: str
    solve_seconds: float
    total_seconds: float

    @property
    def objective(self) -> tuple[int, int, int, int, int, int]:
        """Return the lexicographic objective: units of tiers 1-4, worth, -scaled cost."""
        units = tuple(self.units_by_tier[t] for t in TIERS)
        return (*units, self.fairness_worth, -self.cost_scaled)  # type: ignore[return-value]


def gini(values: FloatArray) -> float:
    """Return the Gini coefficient of non-negative values (0 = all equal)."""
    if values.size == 0 or float(values.sum()) <= 0.0:
        return 0.0
    ordered = np.sort(values)
    ranks = np.arange(1, ordered.size + 1)
    n = ordered.size
    return float(2.0 * np.dot(ranks, ordered) / (n * ordered.sum()) - (n + 1) / n)


def _per_tier(tier: IntArray, qty: IntArray, served: IntArray) -> dict[str, dict[int, float]]:
    rate = served / np.maximum(qty, 1)
    out: dict[str, dict[int, float]] = {"fill": {}, "min": {}, "gini": {}}
    for t in TIERS:
        mask = tier == t
        if not mask.any():
            continue
        out["fill"][t] = float(served[mask].sum() / qty[mask].sum())
        out["min"][t] = float(rate[mask].min())
        out["gini"][t] = gini(rate[mask])
    return out


def _exact_sum(values: IntArray, weights: IntArray) -> int:
    return int(np.dot(values.astype(object), weights.astype(object))) if values.size else 0


def compute_stats(outcome: Outcome, info: RunInfo) -> AllocationStats:
    """Compute all figures of an outcome."""
    inst = outcome.inst
    served, qty, tier = outcome.served, inst.need_qty, inst.need_tier
    per_tier = _per_tier(tier, qty, served)
    rate = served / np.maximum(qty, 1)
    units, demand = int(served.sum()), int(qty.sum())
    price = float(np.dot(outcome.qty, inst.lot_price[outcome.lot]))
    unit_km = float(np.dot(outcome.qty, outcome.dist_km))
    transport = inst.policy.transport_cost_per_unit_km * unit_km
    worth = need_worths(qty, served, inst.policy.fairness_steps)
    return AllocationStats(
        units_by_tier={t: int(served[tier == t].sum()) for t in TIERS},
        demand_by_tier={t: int(qty[tier == t].sum()) for t in TIERS},
        fill_rate_by_tier=per_tier["fill"],
        min_fill_rate_by_tier=per_tier["min"],
        gini_by_tier=per_tier["gini"],
        total_units=units,
        total_demand=demand,
        fill_rate=units / demand if demand else 1.0,
        min_fill_rate=float(rate.min()) if rate.size else 1.0,
        gini=gini(rate),
        total_price=price,
        total_transport_cost=transport,
        total_cost=price + transport,
        unit_km=unit_km,
        distance_per_unit=unit_km / units if units else 0.0,
        shipments=int(outcome.qty.size),
        fairness_worth=_exact_sum(worth, np.ones_like(worth)),
        cost_scaled=_exact_sum(outcome.qty, outcome.cost_int),
        arcs=outcome.arc_count,
        engine=info.engine,
        staged=info.staged,
        note=info.note,
        solve_seconds=info.solve_seconds,
        total_seconds=info.total_seconds,
    )
