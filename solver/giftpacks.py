"""`assign_gift_packs`: build packs from donated stock and give them to applicants."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from time import perf_counter

import numpy as np

from solver.geo import EARTH_RADIUS_KM, unit_vectors
from solver.gift_assign import assign_slots, fit_matrix, pair_scores, priority_rank
from solver.instance import IntArray
from solver.model import DEFAULT_POLICY, Applicant, Lot, Pack, PackTemplate, Policy
from solver.tiers import TIERS
from solver.validate import check_applicant, check_lot, check_policy, check_template, check_unique


@dataclass(frozen=True)
class GiftPackStats:
    """Figures of one gift-pack run."""

    packs_by_template: Mapping[Hashable, int]
    served_by_tier: Mapping[int, int]
    applicants_by_tier: Mapping[int, int]
    units_by_item: Mapping[str, int]
    stock_left_by_item: Mapping[str, int]
    unit_km: float
    transport_cost: float
    candidates: int
    solve_seconds: float


@dataclass(frozen=True)
class GiftPackResult:
    """The packs given (one per applicant at most) and the run's figures."""

    packs: tuple[Pack, ...]
    stats: GiftPackStats


def pack_counts(templates: Sequence[PackTemplate], pool: Mapping[str, int],
                applicants: int) -> IntArray:
    """Count packs per template, in order, from pooled stock and applicants left."""
    left = dict(pool)
    counts = []
    for template in templates:
        fit = min(left.get(item, 0) // units for item, units in template.contents.items())
        count = max(0, min(fit, applicants))
        for item, units in template.contents.items():
            left[item] = left.get(item, 0) - count * units
        applicants -= count
        counts.append(count)
    return np.array(counts, dtype=np.int64)


def one_per_company(applicants: Sequence[Applicant], rank: IntArray) -> IntArray:
    """Keep the most deserving application of each company (first one on ties)."""
    best: dict[Hashable, int] = {}
    for i, applicant in enumerate(applicants):
        held = best.get(applicant.company)
        if held is None or rank[i] > rank[held]:
            best[applicant.company] = i
    return np.array(sorted(best.values()), dtype=np.int64)


class LotDrawer:
    """Donated lots per item, drawn nearest to the recipient first."""

    def __init__(self, lots: Sequence[Lot]) -> None:
        self.left = np.array([lot.quantity for lot in lots], dtype=np.int64)
        self.xyz = unit_vectors([float(lot.lat) for lot in lots], [float(lot.lon) for lot in lots])
        members: dict[str, list[int]] = {}
        for i, lot in enumerate(lots):
            members.setdefault(lot.item, []).append(i)
        self.by_item = {item: np.array(idx, dtype=np.int64) for item, idx in members.items()}

    def draw(self, item: str, units: int, lat: float, lon: float) -> list[tuple[int, int, float]]:
        """Take units of item, nearest lots first; return (lot index, units, km) parts."""
        idx = self.by_item.get(item, np.zeros(0, dtype=np.int64))
        idx = idx[self.left[idx] > 0]
        # On unit vectors a larger dot product is a shorter great circle.
        closeness = self.xyz[idx] @ unit_vectors([lat], [lon])[0]
        parts = []
        while units and idx.size:
            j = int(np.argmax(closeness))
            lot, dot = int(idx[j]), float(closeness[j])
            take = min(units, int(self.left[lot]))
            self.left[lot] -= take
            units -= take
            chord = math.sqrt(max(0.0, 2.0 - 2.0 * dot))
            parts.append((lot, take, 2 * EARTH_RADIUS_KM * math.asin(min(1.0, chord / 2))))
            closeness[j] = -np.inf
        if units:
            raise RuntimeError(f"gift packs: donated stock of {item} ran out while filling packs")
        return parts


def _validate(templates: Sequence[PackTemplate], lots: Sequence[Lot],
              applicants: Sequence[Applicant], policy: Policy) -> None:
    for template in templates:
        check_template(template)
    for lot in lots:
        check_lot(lot)
    for applicant in applicants:
        check_applicant(applicant)
    check_unique("template", (t.id for t in templates))
    check_unique("donated lot", (lot.id for lot in lots))
    check_unique("applicant", (a.id for a in applicants))
    check_policy(policy)


def _applicant_arrays(applicants: Sequence[Applicant]) -> tuple[IntArray, IntArray, IntArray]:
    tier = np.array([a.tier for a in applicants], dtype=np.int64)
    head = np.array([a.headcount for a in applicants], dtype=np.int64)
    rank = priority_rank(tier, np.array([a.shortage for a in applicants], dtype=np.float64),
                         head, np.array([float(a.waiting_days) for a in applicants]))
    return tier, head, rank


def assign_gift_packs(
    templates: Iterable[PackTemplate],
    donated_lots: Iterable[Lot],
    applicants: Iterable[Applicant],
    policy: Policy = DEFAULT_POLICY,
) -> GiftPackResult:
    """Build as many packs as donated stock allows and give them to those who need them most.

    Pack counts follow the templates' order; slots go to applicants by
    `linear_sum_assignment`, or the same assignment with identical slots grouped
    when there are many packs (see `solver.gift_assign`), at most one pack per
    applicant and per company; components come from the donated lots nearest
    to each recipient, most deserving recipients first. Only the policy's
    transport cost is used (for the transport figure): the stock is pooled.
    """
    started = perf_counter()
    templates, lots, applicants = tuple(templates), tuple(donated_lots), tuple(applicants)
    _validate(templates, lots, applicants, policy)
    tier, head, rank = _applicant_arrays(applicants)
    eligible = one_per_company(applicants, rank)
    pool: dict[str, int] = {}
    for lot in lots:
        pool[lot.item] = pool.get(lot.item, 0) + int(lot.quantity)
    counts = pack_counts(templates, pool, eligible.size)
    sizes = np.array([sum(t.contents.values()) for t in templates], dtype=np.int64)
    score = pair_scores(rank[eligible], fit_matrix(sizes, head[eligible]), int(counts.sum()))
    slot_template, slot_app, candidates = assign_slots(score, counts)
    order = np.argsort(-score[slot_app, slot_template], kind="stable")
    drawer = LotDrawer(lots)
    packs, unit_km = _build_packs(templates, lots, [applicants[int(eligible[slot_app[s]])]
                                                    for s in order], slot_template[order], drawer)
    stats = _stats(templates, counts, lots, drawer, tier, tier[eligible[slot_app]], unit_km,
                   policy, candidates, perf_counter() - started)
    return GiftPackResult(packs=tuple(packs), stats=stats)


def _build_packs(templates: Sequence[PackTemplate], lots: Sequence[Lot],
                 recipients: Sequence[Applicant], template_of: IntArray,
                 drawer: LotDrawer) -> tuple[list[Pack], float]:
    """Fill each pack from the lots nearest its recipient, in the order given."""
    packs, unit_km = [], 0.0
    for applicant, t in zip(recipients, template_of.tolist(), strict=True):
        template = templates[t]
        components = []
        for item, units in template.contents.items():
            for lot_index, take, km in drawer.draw(item, units, float(applicant.lat),
                                                   float(applicant.lon)):
                components.append((lots[lot_index].id, item, take))
                unit_km += take * km
        packs.append(Pack(template.id, applicant.id, tuple(components)))
    return packs, unit_km


def _stats(templates: Sequence[PackTemplate], counts: IntArray, lots: Sequence[Lot],
           drawer: LotDrawer, tier: IntArray, served_tier: IntArray, unit_km: float,
           policy: Policy, candidates: int, seconds: float) -> GiftPackStats:
    used: dict[str, int] = {}
    left: dict[str, int] = {}
    for i, lot in enumerate(lots):
        left[lot.item] = left.get(lot.item, 0) + int(drawer.left[i])
        used[lot.item] = used.get(lot.item, 0) + int(lot.quantity - drawer.left[i])
    return GiftPackStats(
        packs_by_template={t.id: int(c) for t, c in zip(templates, counts, strict=True)},
        served_by_tier={t: int(np.sum(served_tier == t)) for t in TIERS},
        applicants_by_tier={t: int(np.sum(tier == t)) for t in TIERS},
        units_by_item=used,
        stock_left_by_item=left,
        unit_km=unit_km,
        transport_cost=unit_km * policy.transport_cost_per_unit_km,
        candidates=candidates,
        solve_seconds=seconds,
    )
