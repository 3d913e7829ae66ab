"""Plain-language reasons for what one need got, for a coordinator to read."""

from __future__ import annotations

from solver.reasons import Diagnostics

STRATEGY_NAMES = {
    "optimal": "the optimised allocation",
    "fcfs": "first come, first served",
    "proportional": "proportional shares",
}


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %"


def _flow_lines(diag: Diagnostics, n: int) -> list[str]:
    out, inst = diag.outcome, diag.inst
    need = inst.needs[n]
    lines = []
    transport = inst.policy.transport_cost_per_unit_km
    for i in diag.flows_of(n):
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


def _fill_line(diag: Diagnostics, n: int) -> str:
    inst = diag.inst
    qty, served, tier = int(inst.need_qty[n]), int(diag.served[n]), int(inst.need_tier[n])
    low, high = diag.tier_rate_range[tier]
    return (
        f"Filled {served} of {qty} units ({_pct(served / qty)}); fill rates of tier {tier} "
        f"needs range from {_pct(low)} to {_pct(high)}."
    )


def _blocked_text(diag: Diagnostics, n: int, code: str) -> str:
    inst = diag.inst
    need = inst.needs[n]
    items = ", ".join(sorted({need.item, *need.substitutes}))
    scope = "" if inst.policy.nearest is None else \
        f" among the {inst.policy.nearest} nearest lots of each item"
    lots = diag.considered_lots(n)
    if code == "no_stock":
        return f"no lot offers {items}."
    if code == "price_cap":
        cheapest = float(inst.lot_price[lots].min())
        return (f"every lot of {items}{scope} costs more than the price cap of "
                f"{float(inst.need_price_cap[n]):.2f} (cheapest {cheapest:.2f}).")
    if code == "distance":
        within = lots[inst.lot_price[lots] <= inst.need_price_cap[n]]
        nearest = float(diag.distances(n)[within].min())
        return (f"every lot of {items} within the price cap{scope} is beyond the maximum "
                f"distance of {inst.policy.max_distance_km} km (nearest {nearest:.1f} km).")
    return f"every eligible lot of {items}{scope} was excluded from this run."


def _used_up_text(diag: Diagnostics, n: int, code: str) -> str:
    inst = diag.inst
    tier = int(inst.need_tier[n])
    lots = diag.eligible_lots(n)
    if code == "cap":
        group = int(inst.need_group[n])
        _company, item = inst.group_keys[group]
        cap = int(inst.group_cap[group])
        return f"the cap of {cap} units of {item} for this company is reached."
    taken = diag.takers(n, lots)
    head = f"its {lots.size} eligible lots are used up"
    if code == "higher_tier":
        return f"{head}: {taken.higher} of their units went to higher-tier needs " \
               f"and {taken.same} to other tier-{tier} needs."
    if code == "shared":
        return f"{head} and shared evenly within tier {tier}: {taken.same} of their units " \
               f"went to other tier-{tier} needs, filled step by step to even fill rates."
    if code == "no_stock":
        return f"{head}, all by this need: there is no more eligible stock."
    if code == "pinned":
        return f"{head} by flows a coordinator pinned ({taken.pinned} units)."
    rule = STRATEGY_NAMES.get(diag.outcome.strategy, diag.outcome.strategy)
    return f"the {rule} rule left it short although eligible stock was unused or " \
           f"went to lower tiers ({taken.lower} units)."


def explain_need(diag: Diagnostics, n: int) -> list[str]:
    """Return the reasons for what need n got, one sentence per line."""
    inst = diag.inst
    need = inst.needs[n]
    lines = [f"Need {need.id!r}: {need.quantity} units of {need.item} for company "
             f"{need.company!r}, priority tier {need.tier}."]
    lines += _flow_lines(diag, n)
    lines.append(_fill_line(diag, n))
    unmet = int(inst.need_qty[n] - diag.served[n])
    if unmet:
        code = diag.code(n)
        blocked = diag.eligible_lots(n).size == 0
        text = _blocked_text(diag, n, code) if blocked else _used_up_text(diag, n, code)
        lines.append(f"{unmet} units unmet ({code}): {text}")
    return lines
