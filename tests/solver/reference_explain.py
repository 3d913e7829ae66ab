"""The reasons of one need worked out for that need alone: the oracle of the batch code.

This is how `solver.explain` and `solver.reasons` explained a need before they learned to
explain every need of a run in one pass. It reads the same arrays, one need at a time,
with no caching, so a test can check the fast path word for word against it.
"""

from __future__ import annotations

import numpy as np

from solver.explain import STRATEGY_NAMES
from solver.reasons import Diagnostics, Takers


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %"


def eligible_lots(diag: Diagnostics, n: int) -> np.ndarray:
    """Return the lots with an arc to need n."""
    arcs = diag.outcome.arcs
    return arcs.lot[arcs.need == n]


def takers(diag: Diagnostics, n: int, lots: np.ndarray) -> Takers:
    """Return where these lots' units went, excluding need n's own flows on them."""
    out, inst = diag.outcome, diag.inst
    tier = int(inst.need_tier[n])
    by_tier = np.zeros(5, dtype=np.int64)
    pinned = 0
    for lot in lots.tolist():
        for i in np.flatnonzero(out.lot == lot).tolist():
            if int(out.need[i]) == n:
                continue
            by_tier[int(inst.need_tier[out.need[i]])] += int(out.qty[i] - out.pinned[i])
            pinned += int(out.pinned[i])
    return Takers(higher=int(by_tier[1:tier].sum()), same=int(by_tier[tier]),
                  lower=int(by_tier[tier + 1:].sum()), pinned=pinned)


def code(diag: Diagnostics, n: int) -> str:
    """Return the reason code of need n."""
    inst = diag.inst
    if diag.served[n] >= inst.need_qty[n]:
        return "none"
    lots = eligible_lots(diag, n)
    if lots.size == 0:
        return diag.blocked_by(n)
    group = int(inst.need_group[n])
    if group >= 0 and diag.group_used[group] >= inst.group_cap[group]:
        return "cap"
    if np.any(diag.lot_used[lots] < inst.lot_qty[lots]):
        return "strategy"
    taken = takers(diag, n, lots)
    if taken.lower > 0:
        return "strategy"
    if taken.higher == taken.same == 0:
        return "pinned" if taken.pinned > 0 else "no_stock"
    return "higher_tier" if taken.higher >= taken.same else "shared"


def _flow_lines(diag: Diagnostics, n: int) -> list[str]:
    out, inst = diag.outcome, diag.inst
    need = inst.needs[n]
    transport = inst.policy.transport_cost_per_unit_km
    lines = []
    for i in np.flatnonzero(out.need == n).tolist():
        lot = inst.lots[int(out.lot[i])]
        what = lot.item if lot.item == need.item else f"{lot.item}, a substitute"
        pinned = int(out.pinned[i])
        note = f"; {pinned} of them pinned by a coordinator" if pinned else ""
        lines.append(
            f"Lot {lot.id!r} ({what}): {int(out.qty[i])} units at {float(lot.unit_price):.2f} "
            f"per unit, {float(out.dist_km[i]):.1f} km away "
            f"(transport {transport * float(out.dist_km[i]):.2f} per unit){note}."
        )
    return lines


def _used_up_text(diag: Diagnostics, n: int, code_: str) -> str:
    inst = diag.inst
    tier = int(inst.need_tier[n])
    lots = eligible_lots(diag, n)
    if code_ == "cap":
        group = int(inst.need_group[n])
        return (f"the cap of {int(inst.group_cap[group])} units of {inst.group_keys[group][1]} "
                f"for this company is reached.")
    taken = takers(diag, n, lots)
    head = f"its {lots.size} eligible lots are used up"
    if code_ == "higher_tier":
        return f"{head}: {taken.higher} of their units went to higher-tier needs " \
               f"and {taken.same} to other tier-{tier} needs."
    if code_ == "shared":
        return f"{head} and shared evenly within tier {tier}: {taken.same} of their units " \
               f"went to other tier-{tier} needs, filled step by step to even fill rates."
    if code_ == "no_stock":
        return f"{head}, all by this need: there is no more eligible stock."
    if code_ == "pinned":
        return f"{head} by flows a coordinator pinned ({taken.pinned} units)."
    rule = STRATEGY_NAMES.get(diag.outcome.strategy, diag.outcome.strategy)
    return f"the {rule} rule left it short although eligible stock was unused or " \
           f"went to lower tiers ({taken.lower} units)."


def _blocked_text(diag: Diagnostics, n: int, code_: str) -> str:
    inst = diag.inst
    need = inst.needs[n]
    items = ", ".join(sorted({need.item, *need.substitutes}))
    scope = "" if inst.policy.nearest is None else \
        f" among the {inst.policy.nearest} nearest lots of each item"
    lots = diag.considered_lots(n)
    if code_ == "no_stock":
        return f"no lot offers {items}."
    if code_ == "price_cap":
        cheapest = float(inst.lot_price[lots].min())
        return (f"every lot of {items}{scope} costs more than the price cap of "
                f"{float(inst.need_price_cap[n]):.2f} (cheapest {cheapest:.2f}).")
    if code_ == "distance":
        within = lots[inst.lot_price[lots] <= inst.need_price_cap[n]]
        nearest = float(diag.distances(n)[within].min())
        return (f"every lot of {items} within the price cap{scope} is beyond the maximum "
                f"distance of {inst.policy.max_distance_km} km (nearest {nearest:.1f} km).")
    return f"every eligible lot of {items}{scope} was excluded from this run."


def explain(diag: Diagnostics, n: int) -> list[str]:
    """Return the reasons for what need n got."""
    inst = diag.inst
    need = inst.needs[n]
    lines = [f"Need {need.id!r}: {need.quantity} units of {need.item} for company "
             f"{need.company!r}, priority tier {need.tier}."]
    lines += _flow_lines(diag, n)
    qty, served, tier = int(inst.need_qty[n]), int(diag.served[n]), int(inst.need_tier[n])
    rates = diag.served / inst.need_qty
    same_tier = rates[inst.need_tier == tier]
    lines.append(f"Filled {served} of {qty} units ({_pct(served / qty)}); fill rates of tier "
                 f"{tier} needs range from {_pct(float(same_tier.min()))} to "
                 f"{_pct(float(same_tier.max()))}.")
    if qty - served:
        code_ = code(diag, n)
        if eligible_lots(diag, n).size == 0:
            text = _blocked_text(diag, n, code_)
        else:
            text = _used_up_text(diag, n, code_)
        lines.append(f"{qty - served} units unmet ({code_}): {text}")
    return lines
