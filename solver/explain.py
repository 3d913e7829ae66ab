"""Plain-language reasons for what one need got, for a coordinator to read.

Each reason is made as a template of `solver.sentences` and its arguments; `explain_needs`
fills them in English, and `reason_parts` hands them over as they are, so that the
application can show them in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable

from solver import sentences as s
from solver.reasons import Diagnostics

Part = tuple[str, dict[str, str | int | float]]  # a template and its arguments

STRATEGY_NAMES = {
    "optimal": "optimised allocation",
    "fcfs": "first come, first served",
    "proportional": "proportional shares",
}
# A strategy without its own sentence (none today) still reads, in English only.
GENERIC_RULE = ("%(unmet)s units unmet (%(code)s): the %(rule)s rule left it short although "
                "eligible stock was unused or went to lower tiers (%(lower)s units).")


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %"


def _part(template: str, **args: str | int | float) -> Part:
    return template, args


class _Sentences:
    """Writes the sentences of many needs, sharing what they have in common."""

    def __init__(self, diag: Diagnostics) -> None:
        self.diag = diag
        self.plain = diag.plain
        self.lots = diag.inst.lots
        self.transport = diag.inst.policy.transport_cost_per_unit_km
        self.lot_name = [repr(lot.id) for lot in self.lots]
        self.lot_price = [f"{float(lot.unit_price):.2f}" for lot in self.lots]
        self.tier_range = {tier: (_pct(low), _pct(high))
                           for tier, (low, high) in diag.tier_rate_range.items()}

    def flow_line(self, need_item: str, i: int) -> Part:
        """Return the sentence of flow i: lot, units, price, distance, transport, pin."""
        plain = self.plain
        index = plain.lot[i]
        item = self.lots[index].item
        pinned = plain.pinned[i]
        if item == need_item:
            template = s.FLOW_PINNED if pinned else s.FLOW
        else:
            template = s.FLOW_SUBSTITUTE_PINNED if pinned else s.FLOW_SUBSTITUTE
        km = plain.dist_km[i]
        args: dict[str, str | int | float] = {
            "lot": self.lot_name[index], "item": item, "units": plain.qty[i],
            "price": self.lot_price[index], "km": f"{km:.1f}",
            "transport": f"{self.transport * km:.2f}"}
        if pinned:
            args["pinned"] = pinned
        return template, args

    def need_name(self, n: int) -> str:
        """Return need n's id as the sentences show it."""
        return repr(self.diag.inst.needs[n].id)

    def need_lines(self, n: int) -> list[Part]:
        """Return the reasons for what need n got, one sentence per line."""
        plain, need = self.plain, self.diag.inst.needs[n]
        lines: list[Part] = [(s.NEED, {"need": self.need_name(n), "quantity": int(need.quantity),
                           "item": need.item, "company": repr(need.company),
                           "tier": int(need.tier)})]
        lines += [self.flow_line(need.item, i)
                  for i in plain.order[plain.starts[n]:plain.starts[n + 1]]]
        got, wanted, tier = plain.served[n], plain.wanted[n], plain.tier[n]
        low, high = self.tier_range[tier]
        lines.append((s.FILLED, {"got": got, "wanted": wanted, "rate": _pct(got / wanted),
                                 "tier": tier, "low": low, "high": high}))
        if wanted - got:
            lines.append(_unmet_line(self.diag, n, wanted - got))
        return lines


def _blocked_line(diag: Diagnostics, n: int, head: dict[str, str | int | float]) -> Part:
    inst = diag.inst
    need = inst.needs[n]
    items = ", ".join(sorted({need.item, *need.substitutes}))
    nearest = inst.policy.nearest
    scope = {} if nearest is None else {"nearest": nearest}
    lots = diag.considered_lots(n)
    code = head["code"]
    if code == "no_stock":
        return _part(s.UNMET_NO_LOT, **head, items=items)
    if code == "price_cap":
        template = s.UNMET_PRICE_CAP if nearest is None else s.UNMET_PRICE_CAP_NEAREST
        return _part(template, **head, **scope, items=items,
                        cap=f"{float(inst.need_price_cap[n]):.2f}",
                        cheapest=f"{float(inst.lot_price[lots].min()):.2f}")
    if code == "distance":
        within = lots[inst.lot_price[lots] <= inst.need_price_cap[n]]
        template = s.UNMET_DISTANCE if nearest is None else s.UNMET_DISTANCE_NEAREST
        return _part(template, **head, **scope, items=items,
                        limit=str(inst.policy.max_distance_km),
                        closest=f"{float(diag.distances(n)[within].min()):.1f}")
    template = s.UNMET_EXCLUDED if nearest is None else s.UNMET_EXCLUDED_NEAREST
    return _part(template, **head, **scope, items=items)


def _used_up_line(diag: Diagnostics, n: int, head: dict[str, str | int | float]) -> Part:
    inst = diag.inst
    tier = int(inst.need_tier[n])
    code = head["code"]
    if code == "cap":
        group = int(inst.need_group[n])
        _company, item = inst.group_keys[group]
        return _part(s.UNMET_CAP, **head, cap=int(inst.group_cap[group]), item=item)
    taken = diag.need_takers(n)
    lots = diag.eligible_count(n)
    if code == "higher_tier":
        return _part(s.UNMET_HIGHER_TIER, **head, lots=lots, higher=taken.higher,
                        same=taken.same, tier=tier)
    if code == "shared":
        return _part(s.UNMET_SHARED, **head, lots=lots, same=taken.same, tier=tier)
    if code == "no_stock":
        return _part(s.UNMET_OWN, **head, lots=lots)
    if code == "pinned":
        return _part(s.UNMET_PINNED, **head, lots=lots, pinned=taken.pinned)
    strategy = diag.outcome.strategy
    if strategy in s.UNMET_RULE:
        return _part(s.UNMET_RULE[strategy], **head, lower=taken.lower)
    return _part(GENERIC_RULE, **head, rule=STRATEGY_NAMES.get(strategy, strategy),
                    lower=taken.lower)


def _unmet_line(diag: Diagnostics, n: int, unmet: int) -> Part:
    head: dict[str, str | int | float] = {"unmet": unmet, "code": diag.code(n)}
    if diag.eligible_count(n) == 0:
        return _blocked_line(diag, n, head)
    return _used_up_line(diag, n, head)


def explain_need(diag: Diagnostics, n: int) -> list[str]:
    """Return the reasons for what need n got, one sentence per line."""
    return explain_needs(diag, [n])[0]


def explain_needs(diag: Diagnostics, ns: Iterable[int]) -> list[list[str]]:
    """Return explain_need for each need position in ns, sharing the set-up between them."""
    return [[template % args for template, args in lines] for lines in reason_parts(diag, ns)]


def reason_parts(diag: Diagnostics, ns: Iterable[int]) -> list[list[Part]]:
    """Return each need's reasons as (template, arguments): explain_needs before filling in.

    A run explains tens of thousands of needs: the arrays are read as Python values once
    per result and the reason codes come from one pass over every need's eligible lots.
    """
    sentences = _Sentences(diag)
    return [sentences.need_lines(n) for n in ns]
