"""Plain-language reasons for what one need got, for a coordinator to read."""

from __future__ import annotations

from collections.abc import Iterable

from solver.reasons import Diagnostics

STRATEGY_NAMES = {
    "optimal": "the optimised allocation",
    "fcfs": "first come, first served",
    "proportional": "proportional shares",
}


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %"


class _Sentences:
    """Writes the sentences of many needs, sharing what they have in common."""

    def __init__(self, diag: Diagnostics) -> None:
        self.diag = diag
        self.plain = diag.plain
        self.lots = diag.inst.lots
        self.transport = diag.inst.policy.transport_cost_per_unit_km
        self.lot_head = [f"Lot {lot.id!r} (" for lot in self.lots]
        self.lot_price = [f"{float(lot.unit_price):.2f}" for lot in self.lots]
        self.tier_range = {
            tier: f"fill rates of tier {tier} needs range from {_pct(low)} to {_pct(high)}."
            for tier, (low, high) in diag.tier_rate_range.items()
        }

    def flow_line(self, need_item: str, i: int) -> str:
        """Return the sentence of flow i: lot, units, price, distance, transport, pin."""
        plain = self.plain
        index = plain.lot[i]
        item = self.lots[index].item
        what = item if item == need_item else f"{item}, a substitute"
        pinned = plain.pinned[i]
        note = f"; {pinned} of them pinned by a coordinator" if pinned else ""
        km = plain.dist_km[i]
        return (
            f"{self.lot_head[index]}{what}): {plain.qty[i]} units at {self.lot_price[index]} "
            f"per unit, {km:.1f} km away (transport {self.transport * km:.2f} per unit){note}."
        )

    def need_lines(self, n: int) -> list[str]:
        """Return the reasons for what need n got, one sentence per line."""
        plain, need = self.plain, self.diag.inst.needs[n]
        lines = [f"Need {need.id!r}: {need.quantity} units of {need.item} for company "
                 f"{need.company!r}, priority tier {need.tier}."]
        lines += [self.flow_line(need.item, i)
                  for i in plain.order[plain.starts[n]:plain.starts[n + 1]]]
        got, wanted = plain.served[n], plain.wanted[n]
        lines.append(f"Filled {got} of {wanted} units ({_pct(got / wanted)}); "
                     + self.tier_range[plain.tier[n]])
        if wanted - got:
            lines.append(_unmet_line(self.diag, n, wanted - got))
        return lines


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
    if code == "cap":
        group = int(inst.need_group[n])
        _company, item = inst.group_keys[group]
        cap = int(inst.group_cap[group])
        return f"the cap of {cap} units of {item} for this company is reached."
    taken = diag.need_takers(n)
    head = f"its {diag.eligible_count(n)} eligible lots are used up"
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


def _unmet_line(diag: Diagnostics, n: int, unmet: int) -> str:
    code = diag.code(n)
    blocked = diag.eligible_count(n) == 0
    text = _blocked_text(diag, n, code) if blocked else _used_up_text(diag, n, code)
    return f"{unmet} units unmet ({code}): {text}"


def explain_need(diag: Diagnostics, n: int) -> list[str]:
    """Return the reasons for what need n got, one sentence per line."""
    return explain_needs(diag, [n])[0]


def explain_needs(diag: Diagnostics, ns: Iterable[int]) -> list[list[str]]:
    """Return explain_need for each need position in ns, sharing the set-up between them.

    A run explains tens of thousands of needs: the arrays are read as Python values once
    per result and the reason codes come from one pass over every need's eligible lots.
    """
    sentences = _Sentences(diag)
    return [sentences.need_lines(n) for n in ns]
