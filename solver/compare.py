"""Side-by-side figures for any allocation result (optimiser or baseline)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from solver.result import AllocationResult


@dataclass(frozen=True)
class Comparison:
    """The figures the what-if page shows for one strategy."""

    strategy: str
    units_by_tier: Mapping[int, int]
    total_units: int
    fill_rate: float
    min_fill_rate: float
    min_fill_rate_by_tier: Mapping[int, float]
    gini_by_tier: Mapping[int, float]
    distance_per_unit: float
    total_price: float
    total_transport_cost: float
    total_cost: float
    shipments: int


def comparison_figures(result: AllocationResult) -> Comparison:
    """Return units per tier, lowest fill rate, Gini, distance per unit, costs and shipments."""
    s = result.stats
    strategy = s.engine if s.engine in ("fcfs", "proportional") else "optimal"
    return Comparison(
        strategy=strategy,
        units_by_tier=dict(s.units_by_tier),
        total_units=s.total_units,
        fill_rate=s.fill_rate,
        min_fill_rate=s.min_fill_rate,
        min_fill_rate_by_tier=dict(s.min_fill_rate_by_tier),
        gini_by_tier=dict(s.gini_by_tier),
        distance_per_unit=s.distance_per_unit,
        total_price=s.total_price,
        total_transport_cost=s.total_transport_cost,
        total_cost=s.total_cost,
        shipments=s.shipments,
    )
