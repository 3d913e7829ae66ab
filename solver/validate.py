"""Checks on the input records; each failure is a ValueError naming the field.

Messages read like ``need 7: quantity must be a positive integer, got -3`` so a
coordinator (or the web form behind them) can tell which record to fix.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Iterable
from decimal import Decimal
from operator import attrgetter
from typing import Any, TypeGuard

import numpy as np

from solver.model import Applicant, Lot, Need, PackTemplate, Policy
from solver.tiers import HIGHEST_TIER, LOWEST_TIER, is_tier

MAX_QUANTITY = 10**12
MAX_PRICE = 10**12
MAX_FAIRNESS_STEPS = 10_000


def is_int(value: object) -> TypeGuard[numbers.Integral]:
    """Tell whether value is an integer (bool is not one)."""
    kind = type(value)
    if kind is int:  # the common case, without the slow ABC check
        return True
    return kind is not bool and isinstance(value, numbers.Integral)


def is_real(value: object) -> bool:
    """Tell whether value is a real number, Decimal included (bool is not one)."""
    kind = type(value)
    if kind is float or kind is int:  # the common cases, without the slow ABC check
        return True
    return kind is not bool and isinstance(value, numbers.Real | Decimal)


def _fail(who: str, name: str, rule: str, value: object) -> ValueError:
    return ValueError(f"{who}: {name} must be {rule}, got {value!r}")


def check_positive_int(who: str, name: str, value: object, limit: int = MAX_QUANTITY) -> int:
    """Return value as int if it is an integer in 1..limit, else raise ValueError."""
    if not is_int(value) or not 1 <= int(value) <= limit:
        raise _fail(who, name, f"a positive integer (at most {limit})", value)
    return int(value)


def check_non_negative_int(who: str, name: str, value: object) -> int:
    """Return value as int if it is an integer >= 0, else raise ValueError."""
    if not is_int(value) or not 0 <= int(value) <= MAX_QUANTITY:
        raise _fail(who, name, "a non-negative integer", value)
    return int(value)


def check_real(who: str, name: str, value: object, low: float, high: float) -> float:
    """Return value as float if it is a finite number in [low, high], else raise."""
    if not is_real(value):
        raise _fail(who, name, f"a finite number in [{low}, {high}]", value)
    number = float(value)  # type: ignore[arg-type]
    if not (math.isfinite(number) and low <= number <= high):
        raise _fail(who, name, f"a finite number in [{low}, {high}]", value)
    return number


def check_item(who: str, name: str, value: object) -> str:
    """Return value if it is a non-empty string (an item SKU), else raise."""
    if not isinstance(value, str) or not value:
        raise _fail(who, name, "a non-empty string", value)
    return value


def check_tier(who: str, value: object) -> int:
    """Return the tier if it is an integer from HIGHEST_TIER to LOWEST_TIER, else raise."""
    if not is_int(value) or not is_tier(int(value)):
        raise _fail(who, "tier", f"an integer from {HIGHEST_TIER} to {LOWEST_TIER}", value)
    return int(value)


def check_place(who: str, lat: object, lon: object) -> None:
    """Raise unless lat is in [-90, 90] and lon in [-180, 180], both finite."""
    check_real(who, "lat", lat, -90.0, 90.0)
    check_real(who, "lon", lon, -180.0, 180.0)


def check_unique(kind: str, ids: Iterable[Hashable]) -> None:
    """Raise if an id repeats among records of one kind."""
    seen: set[Hashable] = set()
    for ident in ids:
        try:
            duplicate = ident in seen
        except TypeError:
            raise ValueError(f"{kind} id must be hashable, got {ident!r}") from None
        if duplicate:
            raise ValueError(f"{kind} {ident!r}: id must be unique, it appears twice")
        seen.add(ident)


def check_lot(lot: Any) -> None:
    """Raise ValueError on the first bad field of a lot."""
    if not isinstance(lot, Lot):
        raise ValueError(f"lots must hold Lot records, got {type(lot).__name__}")
    who = f"lot {lot.id!r}"
    check_item(who, "item", lot.item)
    check_positive_int(who, "quantity", lot.quantity)
    check_real(who, "unit_price", lot.unit_price, 0.0, MAX_PRICE)
    check_place(who, lot.lat, lot.lon)


def check_need(need: Any) -> None:
    """Raise ValueError on the first bad field of a need."""
    if not isinstance(need, Need):
        raise ValueError(f"needs must hold Need records, got {type(need).__name__}")
    who = f"need {need.id!r}"
    check_item(who, "item", need.item)
    check_positive_int(who, "quantity", need.quantity)
    check_tier(who, need.tier)
    check_place(who, need.lat, need.lon)
    subs = need.substitutes
    if isinstance(subs, str) or not isinstance(subs, Iterable):
        raise _fail(who, "substitutes", "a set of item strings", subs)
    for sub in subs:
        check_item(who, "substitutes", sub)
    if need.max_unit_price is not None:
        check_real(who, "max_unit_price", need.max_unit_price, 0.0, math.inf)
    try:
        hash(need.company)
    except TypeError:
        raise _fail(who, "company", "hashable", need.company) from None


def check_policy(policy: Any) -> None:
    """Raise ValueError on the first bad knob of a policy (pins are checked later)."""
    if not isinstance(policy, Policy):
        raise ValueError(f"policy must be a Policy, got {type(policy).__name__}")
    who = "policy"
    check_real(who, "transport_cost_per_unit_km", policy.transport_cost_per_unit_km, 0, 1e9)
    if policy.max_distance_km is not None:
        check_real(who, "max_distance_km", policy.max_distance_km, 0.0, math.inf)
    check_positive_int(who, "fairness_steps", policy.fairness_steps, MAX_FAIRNESS_STEPS)
    if policy.nearest is not None:
        check_positive_int(who, "nearest", policy.nearest)
    for key, cap in policy.caps.items():
        if not (isinstance(key, tuple) and len(key) == 2):
            raise _fail(who, "caps key", "a (company, item) pair", key)
        check_non_negative_int(f"policy.caps[{key!r}]", "cap", cap)
    check_pairs(who, "excluded", policy.excluded)


def check_pairs(who: str, name: str, pairs: Iterable[Any]) -> None:
    """Raise ValueError naming the first entry that is not a (lot_id, need_id) pair."""
    for pair in pairs:
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise _fail(who, name, "(lot_id, need_id) pairs", pair)
        try:
            hash(pair)
        except TypeError:
            raise _fail(who, name, "(lot_id, need_id) pairs of hashable ids", pair) from None


def _plain(values: list[Any], kinds: set[type]) -> bool:
    return set(map(type, values)) <= kinds


def _in_range(values: list[Any], low: float, high: float) -> bool:
    array = np.asarray(values, dtype=np.float64)
    return bool(np.all(np.isfinite(array) & (array >= low) & (array <= high)))


def _fast_lots_ok(lots: list[Any]) -> bool:
    if not _plain(lots, {Lot}):
        return False
    qty, price, lat, lon, item = (list(map(attrgetter(f), lots))
                                  for f in ("quantity", "unit_price", "lat", "lon", "item"))
    return (_plain(qty, {int}) and _plain(price, {int, float}) and _plain(lat, {int, float})
            and _plain(lon, {int, float}) and _plain(item, {str}) and all(item)
            and _in_range(qty, 1, MAX_QUANTITY) and _in_range(price, 0, MAX_PRICE)
            and _in_range(lat, -90, 90) and _in_range(lon, -180, 180))


def _caps_ok(caps: list[Any]) -> bool:
    given = [c for c in caps if c is not None]
    return _plain(given, {int, float}) and _in_range(given, 0, math.inf)


def _fast_needs_ok(needs: list[Any]) -> bool:
    if not _plain(needs, {Need}):
        return False
    qty, tier, lat, lon, item, subs, cap = (list(map(attrgetter(f), needs)) for f in (
        "quantity", "tier", "lat", "lon", "item", "substitutes", "max_unit_price"))
    return (_plain(qty, {int}) and _plain(tier, {int}) and _plain(lat, {int, float})
            and _plain(lon, {int, float}) and _plain(item, {str}) and all(item)
            and _plain(subs, {frozenset}) and _caps_ok(cap)
            and _in_range(qty, 1, MAX_QUANTITY) and _in_range(tier, 1, 4)
            and _in_range(lat, -90, 90) and _in_range(lon, -180, 180)
            and all(_plain(list(x), {str}) and all(x) for x in subs if x)
            and _plain(list(map(hash, map(attrgetter("company"), needs))), {int}))


def check_allocation_inputs(lots: Iterable[Any], needs: Iterable[Any], policy: Any) -> None:
    """Validate lots, needs and policy of an allocation problem.

    A vectorised pass accepts the common case (plain ints, floats and strings)
    quickly; anything else goes through the per-record checks, which name the
    record and field at fault.
    """
    lots, needs = list(lots), list(needs)
    try:
        fast = _fast_lots_ok(lots) and _fast_needs_ok(needs)
    except TypeError:  # e.g. an unhashable company: let the slow path name it
        fast = False
    if not fast:
        for lot in lots:
            check_lot(lot)
        for need in needs:
            check_need(need)
    check_unique("lot", (lot.id for lot in lots))
    check_unique("need", (need.id for need in needs))
    check_policy(policy)


def check_template(template: Any) -> None:
    """Raise ValueError on the first bad field of a gift-pack template."""
    if not isinstance(template, PackTemplate):
        raise ValueError(f"templates must hold PackTemplate records, got {template!r}")
    who = f"template {template.id!r}"
    if not template.contents:
        raise _fail(who, "contents", "a non-empty mapping of item to units", template.contents)
    for item, units in template.contents.items():
        check_item(who, "contents item", item)
        check_positive_int(who, f"contents[{item!r}]", units)


def check_applicant(applicant: Any) -> None:
    """Raise ValueError on the first bad field of a gift-pack applicant."""
    if not isinstance(applicant, Applicant):
        raise ValueError(f"applicants must hold Applicant records, got {applicant!r}")
    who = f"applicant {applicant.id!r}"
    check_tier(who, applicant.tier)
    check_positive_int(who, "headcount", applicant.headcount)
    check_non_negative_int(who, "shortage", applicant.shortage)
    check_real(who, "waiting_days", applicant.waiting_days, 0.0, 1e6)
    check_place(who, applicant.lat, applicant.lon)
