"""What-if: compare allocation strategies on one snapshot of the market, writing nothing.

The snapshot is read once with the matching adapter (the same rows a run reads);
first-come-first-served, proportional shares and the optimiser with the current
policy then run on it, plus the optimiser with the knobs a coordinator edited.
No proposal, run or audit row is written: this page only informs the decision.
At city scale that takes seconds, so the page and the API run it as a study in
the background (`studies`); `compute` is the comparison itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

import solver
from market.accounts.access import require_coordinator
from market.accounts.models import User
from market.common.display import district_today
from market.common.errors import Invalid
from market.common.types import to_money, utcnow
from market.matching import adapter
from market.matching.diff import previous_pairs
from market.matching.knobs import KNOBS
from solver.baselines import first_come_first_served, proportional_shares
from solver.tiers import TIERS

STRATEGIES = ("fcfs", "proportional", "optimal", "edited")
STRATEGY_LABELS = {
    "fcfs": _l("First come, first served"),
    "proportional": _l("Proportional shares"),
    "optimal": _l("Optimised, current policy"),
    "edited": _l("Optimised, edited policy"),
}


@dataclass(frozen=True)
class Knobs:
    """The policy knobs a coordinator may edit on the what-if page."""

    transport_cost_per_unit_km: float
    max_distance_km: float | None
    fairness_steps: int
    nearest: int | None
    keep_caps: bool = True


def configured_knobs() -> Knobs:
    """Return the policy knobs of the app config (no access check: for background studies)."""
    return _configured_knobs()


def _configured_knobs() -> Knobs:
    cfg = adapter.default_knobs()
    distance, nearest = cfg.get("max_distance_km"), cfg.get("nearest")
    return Knobs(
        transport_cost_per_unit_km=float(cfg["transport_cost_per_unit_km"]),
        max_distance_km=None if distance is None else float(distance),
        fairness_steps=int(cfg["fairness_steps"]),
        nearest=None if nearest is None else int(nearest),
    )


def current_knobs(actor: User | None) -> Knobs:
    """Return the policy knobs a run uses today (coordinators only)."""
    require_coordinator(actor)
    return _configured_knobs()


def _number(errors: dict, name: str, value: Any, low: float, high: float,
            low_open: bool = False, integer: bool = False) -> Any:
    """Check one numeric knob, collecting a message that names the field and the value."""
    bad_type = isinstance(value, bool) or not isinstance(value, int | float)
    if integer and isinstance(value, float):
        bad_type = True
    if bad_type or (isinstance(value, float) and not math.isfinite(value)):
        errors[name] = [_("%(name)s must be a number, got %(value)s", name=name,
                          value=repr(value))]
        return None
    too_low = value <= low if low_open else value < low
    if too_low or value > high:
        words = {"name": name, "low": f"{low:g}", "high": f"{high:g}", "value": repr(value)}
        errors[name] = [_("%(name)s must be more than %(low)s and at most %(high)s, got "
                          "%(value)s", **words) if low_open else
                        _("%(name)s must be at least %(low)s and at most %(high)s, got "
                          "%(value)s", **words)]
        return None
    return int(value) if integer else float(value)


def check_knobs(base: Knobs, edits: Mapping[str, Any]) -> Knobs:
    """Apply the edited knobs over `base`; raise Invalid naming every bad field."""
    errors: dict[str, list[str]] = {}
    values = asdict(base)
    for knob in KNOBS:  # the same names and limits as a run's knobs
        if knob.name not in edits:
            continue
        value = edits[knob.name]
        if value is None and knob.nullable:
            values[knob.name] = None  # no limit
            continue
        values[knob.name] = _number(errors, knob.name, value, knob.low, knob.high,
                                    knob.low_open, knob.integer)
    if "keep_caps" in edits:
        if not isinstance(edits["keep_caps"], bool):
            errors["keep_caps"] = [_("keep_caps must be true or false, got %(value)s",
                                     value=repr(edits["keep_caps"]))]
        values["keep_caps"] = edits["keep_caps"]
    unknown = sorted(set(edits) - set(values))
    for name in unknown:
        errors[name] = [_("%(name)s is not a policy knob", name=name)]
    if errors:
        raise Invalid(_("Some policy knobs are not valid."), errors)
    return Knobs(**values)


def _edited_policy(market: adapter.Market, knobs: Knobs) -> solver.Policy:
    """The current policy with the edited knobs; pins are re-clipped to the new limits."""
    caps = market.policy.caps if knobs.keep_caps else {}
    # Read-only: pins beyond the new distance (or over kept caps) must be dropped, as a run would.
    pinned = adapter.usable_pins(
        market.lots, market.needs, dict(caps), market.policy.excluded, knobs.max_distance_km
    )
    return replace(
        market.policy,
        transport_cost_per_unit_km=knobs.transport_cost_per_unit_km,
        max_distance_km=knobs.max_distance_km,
        fairness_steps=knobs.fairness_steps,
        nearest=knobs.nearest,
        caps=caps,
        pinned=tuple(pinned),
    )


def _figures(key: str, result: solver.AllocationResult) -> dict[str, Any]:
    """The figures the page and the API show for one strategy."""
    s = result.stats
    fill = {t: s.fill_rate_by_tier.get(t, 0.0) for t in TIERS if s.demand_by_tier.get(t)}
    return {
        "strategy": key,
        "units_by_tier": {t: int(s.units_by_tier.get(t, 0)) for t in TIERS},
        "fill_rate_by_tier": {t: round(v, 4) for t, v in fill.items()},
        "total_units": int(s.total_units),
        "fill_rate": round(s.fill_rate, 4),
        "min_fill_rate": round(s.min_fill_rate, 4),
        "gini": round(s.gini, 4),
        "distance_per_unit": round(s.distance_per_unit, 3),
        "total_price": to_money(round(s.total_price, 2)),
        "total_transport_cost": to_money(round(s.total_transport_cost, 2)),
        "total_cost": to_money(round(s.total_cost, 2)),
        "shipments": int(s.shipments),
    }


def _solve_all(market: adapter.Market, knobs: Knobs, current: Knobs) -> dict[str, Any]:
    lots, needs = tuple(market.solver_lots()), tuple(market.solver_needs())
    results = {
        # The adapter lists needs by id, i.e. in creation order: the order FCFS serves.
        "fcfs": first_come_first_served(lots, needs, market.policy),
        "proportional": proportional_shares(lots, needs, market.policy),
        "optimal": solver.allocate(lots, needs, market.policy, hint=previous_pairs()),
    }
    # Unchanged knobs give the same answer: spare the second solve. Edited knobs start
    # from the optimum's pairs (a hint: quicker when little changes, same answer).
    results["edited"] = results["optimal"] if knobs == current else solver.allocate(
        lots, needs, _edited_policy(market, knobs),
        hint=[(f.lot_id, f.need_id) for f in results["optimal"].flows])
    return results


def compute(current: Knobs, knobs: Knobs,
            known: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Run the four strategies on the current snapshot; return their figures (no labels).

    `known` is the answer of a finished comparison of the same snapshot with the same
    current knobs: its first three strategies do not depend on the edited knobs, so they
    are taken as they are and only the edited policy is solved (a city-scale solve saved).
    """
    market = adapter.load_market(district_today(), utcnow())
    answer: dict[str, Any] = {
        "needs": len(market.needs),
        "lots": len(market.lots),
        "units_demanded": sum(n.outstanding for n in market.needs.values()),
        "units_available": sum(lot.available for lot in market.lots.values()),
        "current_knobs": asdict(current),
        "edited_knobs": asdict(knobs),
        "empty": not market.needs or not market.lots,
        "demand_by_tier": {},
        "strategies": [],
    }
    if answer["empty"]:
        return answer
    if known is not None:
        rows = {row["strategy"]: row for row in known["strategies"] if row["strategy"] != "edited"}
        rows["edited"] = {**rows["optimal"], "strategy": "edited"} if knobs == current else \
            _figures("edited", solver.allocate(market.solver_lots(), market.solver_needs(),
                                               _edited_policy(market, knobs),
                                               hint=previous_pairs()))
        answer["demand_by_tier"] = dict(known["demand_by_tier"])
        answer["strategies"] = [rows[key] for key in STRATEGIES]
        return answer
    results = _solve_all(market, knobs, current)
    stats = results["optimal"].stats
    answer["demand_by_tier"] = {t: int(stats.demand_by_tier.get(t, 0)) for t in TIERS}
    answer["strategies"] = [_figures(key, results[key]) for key in STRATEGIES]
    return answer


def labelled(answer: dict[str, Any]) -> dict[str, Any]:
    """Return the answer with each strategy's label in the page language."""
    rows = [{**row, "label": str(STRATEGY_LABELS[row["strategy"]])}
            for row in answer["strategies"]]
    return {**answer, "strategies": rows}


def compare(actor: User | None, edits: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Run the four strategies now, in this request; return their figures side by side."""
    current = current_knobs(actor)
    knobs = check_knobs(current, edits or {})
    return labelled(compute(current, knobs))
