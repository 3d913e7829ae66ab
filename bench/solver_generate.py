"""Seeded generator of realistic allocation and gift-pack instances.

Six items, four tiers, log-normal quantities, demand 1.5-3x supply per item,
suppliers and buyers clustered in a ~30 km square. Sizes are named after the
scale they model: district (50 suppliers x 500 buyers), city (500 x 5,000)
and province (5,000 x 50,000).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver import Applicant, Lot, Need, PackTemplate

SIZES = {"district": (50, 500), "city": (500, 5_000), "province": (5_000, 50_000)}
ITEMS = {  # SKU: (base price, median lot size)
    "MASK-SURGICAL": (0.8, 20_000),
    "MASK-KN95": (2.5, 8_000),
    "MASK-CIVIL": (0.4, 30_000),
    "DISINFECTANT-ALCOHOL-75": (12.0, 800),
    "GLOVES-NITRILE": (0.6, 10_000),
    "THERMOMETER-IR": (90.0, 60),
}
SUBSTITUTES = {"MASK-SURGICAL": {"MASK-KN95"}, "MASK-CIVIL": {"MASK-KN95", "MASK-SURGICAL"}}
CENTRE = (31.23, 121.47)
KM_PER_DEG_LAT = 111.2


@dataclass(frozen=True)
class Instance:
    """An allocation instance."""

    name: str
    lots: list[Lot]
    needs: list[Need]


def places(rng: np.random.Generator, count: int, clusters: int = 12) -> np.ndarray:
    """Return (lat, lon) rows clustered in a 30 km square around CENTRE."""
    centres = rng.uniform(-15, 15, size=(clusters, 2))
    pick = rng.integers(0, clusters, size=count)
    km = np.clip(centres[pick] + rng.normal(0, 2.5, size=(count, 2)), -15, 15)
    lat = CENTRE[0] + km[:, 0] / KM_PER_DEG_LAT
    lon = CENTRE[1] + km[:, 1] / (KM_PER_DEG_LAT * np.cos(np.radians(CENTRE[0])))
    return np.column_stack([lat, lon])


def _lots(rng: np.random.Generator, suppliers: int) -> list[Lot]:
    where = places(rng, suppliers)
    names = list(ITEMS)
    lots = []
    for s in range(suppliers):
        for item in rng.choice(names, size=rng.integers(1, 5), replace=False):
            price, size = ITEMS[str(item)]
            lots.append(Lot(
                id=f"L{len(lots)}", item=str(item),
                quantity=max(1, int(rng.lognormal(np.log(size), 0.8))),
                unit_price=round(price * float(rng.lognormal(0, 0.15)), 2),
                lat=float(where[s, 0]), lon=float(where[s, 1]),
            ))
    return lots


def _needs(rng: np.random.Generator, buyers: int, supply: dict[str, int]) -> list[Need]:
    where = places(rng, buyers)
    tiers = rng.choice([1, 2, 3, 4], size=buyers, p=[0.15, 0.3, 0.35, 0.2])
    names = list(ITEMS)
    rows = []
    for b in range(buyers):
        for item in rng.choice(names, size=rng.integers(1, 4), replace=False):
            rows.append((b, str(item), float(rng.lognormal(0, 0.9))))
    needs = []
    for item in names:
        mine = [r for r in rows if r[1] == item]
        scale = supply.get(item, 0) * rng.uniform(1.5, 3.0) / max(sum(r[2] for r in mine), 1e-9)
        for b, _, weight in mine:
            capped = rng.random() < 0.3
            needs.append(Need(
                id=f"N{len(needs)}", company=f"C{b}", item=item,
                quantity=max(1, int(weight * scale)), tier=int(tiers[b]),
                lat=float(where[b, 0]), lon=float(where[b, 1]),
                substitutes=frozenset(SUBSTITUTES.get(item, set())),
                max_unit_price=round(ITEMS[item][0] * rng.uniform(0.9, 1.5), 2) if capped else None,
            ))
    return needs


def allocation_instance(size: str, seed: int = 1) -> Instance:
    """Return the named instance (district, city or province) for this seed."""
    suppliers, buyers = SIZES[size]
    rng = np.random.default_rng(seed)
    lots = _lots(rng, suppliers)
    supply: dict[str, int] = {}
    for lot in lots:
        supply[lot.item] = supply.get(lot.item, 0) + lot.quantity
    return Instance(size, lots, _needs(rng, buyers, supply))


GIFT_TEMPLATES = (  # later templates share stock with earlier ones on purpose
    PackTemplate("small", {"MASK-CIVIL": 200, "GLOVES-NITRILE": 100}),
    PackTemplate("standard", {"MASK-SURGICAL": 500, "DISINFECTANT-ALCOHOL-75": 5}),
    PackTemplate("large", {"MASK-KN95": 1000, "DISINFECTANT-ALCOHOL-75": 5,
                           "GLOVES-NITRILE": 200}),
)


def gift_instance(
    packs: int, applicants: int, seed: int = 1
) -> tuple[list[PackTemplate], list[Lot], list[Applicant]]:
    """Return templates, donated lots and applicants so that about `packs` packs fit."""
    rng = np.random.default_rng(seed)
    third = packs // 3
    stock: dict[str, int] = {}
    for template in GIFT_TEMPLATES:
        for item, units in template.contents.items():
            stock[item] = stock.get(item, 0) + units * third
    donors = max(10, packs // 10)
    where = places(rng, donors)
    lots = []
    for item, units in stock.items():
        shares = rng.dirichlet(np.ones(donors)) * units
        for d in range(donors):
            lots.append(Lot(f"D{len(lots)}", item, int(shares[d]) + 1, 0.0,
                            float(where[d, 0]), float(where[d, 1])))
    spots = places(rng, applicants)
    people = rng.lognormal(np.log(40), 1.0, size=applicants).astype(int) + 1
    apps = [Applicant(f"A{a}", f"C{a}", int(rng.integers(1, 5)), int(people[a]),
                      int(rng.integers(0, 20 * people[a])), round(float(rng.uniform(0, 30)), 1),
                      float(spots[a, 0]), float(spots[a, 1])) for a in range(applicants)]
    return list(GIFT_TEMPLATES), lots, apps
