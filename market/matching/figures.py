"""Turn a solver result into proposal lines and the figures a run reports."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from market.matching.adapter import Market
from market.matching.reason_text import Reason
from solver.geo import distance_km


def gini(values: Iterable[float]) -> float:
    """The Gini coefficient of non-negative values (0 = all equal); 0 for none."""
    xs = sorted(values)
    n, total = len(xs), sum(xs)
    if n == 0 or total <= 0:
        return 0.0
    weighted = sum((2 * (i + 1) - n - 1) * x for i, x in enumerate(xs))
    return weighted / (n * total)


ZERO_PRICE = Decimal("0.00")


def _ratio(num: float, den: float) -> float:
    return round(num / den, 4) if den else 0.0


def explain_all(result: Any, need_ids: Iterable[Any]) -> dict[Any, list[Reason]]:
    """Each need's reasons as a run stores them: the solver's templates with their arguments.

    One call to the solver explains every need (`AllocationResult.reason_parts`).
    """
    return {need_id: [{"msg": template, "args": args} for template, args in lines]
            for need_id, lines in result.reason_parts(need_ids).items()}


def served_per_need(flows: Iterable[Any]) -> dict[Any, int]:
    """Units each need receives in the run."""
    served: dict[Any, int] = defaultdict(int)
    for flow in flows:
        served[flow.need_id] += int(flow.quantity)
    return served


def proposal_lines(market: Market, result: Any) -> list[dict[str, Any]]:
    """One dict per flow with everything an Allocation row carries (except run and status)."""
    served = served_per_need(result.flows)
    reasons_of = explain_all(result, served)
    return [_line(market, flow, served, reasons_of) for flow in result.flows]


def _line(market: Market, flow: Any, served: dict[Any, int],
          reasons_of: dict[Any, list[Reason]]) -> dict[str, Any]:
    lot, need = market.lots[flow.lot_id], market.needs[flow.need_id]
    far = round(distance_km(lot.lat, lot.lon, need.lat, need.lon), 3)
    reaches = _ratio(need.allocated + served[need.id], need.quantity)
    price = lot.unit_price if lot.unit_price is not None else ZERO_PRICE
    return {
        "lot_id": lot.id, "need_id": need.id, "item_id": lot.item_id,
        "supplier_id": lot.organization_id, "buyer_id": need.organization_id,
        "quantity": int(flow.quantity), "unit_price": price, "distance_km": far,
        "tier": need.tier, "fill_rate": reaches, "reasons": reasons_of[need.id],
    }


def _tier_figures(market: Market, served: dict[Any, int]) -> list[dict[str, Any]]:
    by_tier: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for need in market.needs.values():
        by_tier[need.tier].append((served.get(need.id, 0), need.outstanding))
    tiers = []
    for tier in sorted(by_tier):
        pairs = by_tier[tier]
        units, demand = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
        rates = [s / d for s, d in pairs]
        tiers.append({
            "tier": tier, "needs": len(pairs), "units": units, "demand": demand,
            "fill_rate": _ratio(units, demand), "lowest_fill_rate": round(min(rates), 4),
            "gini": round(gini(rates), 4),
        })
    return tiers


def _unmet_by_reason(market: Market, result: Any, served: dict[Any, int]) -> dict[str, int]:
    by_reason = getattr(result, "unmet_by_reason", None)
    if by_reason is not None:
        return {str(k): int(v) for k, v in by_reason().items() if v}
    reason_of = getattr(result, "unmet_reason", None)
    unmet: dict[str, int] = defaultdict(int)
    for need in market.needs.values():
        short = need.outstanding - served.get(need.id, 0)
        if short > 0:
            unmet[str(reason_of(need.id)) if reason_of else "unmet"] += short
    return dict(unmet)


def run_figures(market: Market, result: Any, lines: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures of a run: totals, fill rates per tier, fairness, cost, unmet demand."""
    served = served_per_need(result.flows)
    demanded = sum(n.outstanding for n in market.needs.values())
    proposed = sum(line["quantity"] for line in lines)
    rates = [served.get(n.id, 0) / n.outstanding for n in market.needs.values()]
    per_km = float(market.policy.transport_cost_per_unit_km)
    price_total = sum(line["quantity"] * line["unit_price"] for line in lines)
    transport = sum(line["quantity"] * line["distance_km"] * per_km for line in lines)
    unit_km = sum(line["quantity"] * line["distance_km"] for line in lines)
    return {
        "lots": len(market.lots), "needs": len(market.needs), "proposals": len(lines),
        "units_proposed": proposed, "units_demanded": demanded,
        "units_available": sum(lot.available for lot in market.lots.values()),
        "fill_rate": _ratio(proposed, demanded),
        "lowest_fill_rate": round(min(rates), 4) if rates else 0.0,
        "gini": round(gini(rates), 4),
        "cost": round(float(price_total) + transport, 2),
        "price_total": round(float(price_total), 2), "transport_cost": round(transport, 2),
        "distance_per_unit_km": _ratio(unit_km, proposed),
        "tiers": _tier_figures(market, served),
        "unmet_by_reason": _unmet_by_reason(market, result, served),
        "pinned": len(market.policy.pinned), "excluded": len(market.policy.excluded),
        "donated_lots": len(market.donated),
    }
