"""Who lives in the demo district: companies with believable names, places and sizes."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

from market.accounts.credit_code import check_digit
from market.accounts.models import SECTOR_TIERS
from market.places.places import DEFAULT_FILE, Place, load_places

# The demo district is Qingdao's Shinan district, the seed story's: its real subdistricts
# (market/places/data/qingdao_shinan.json), 0532 phone numbers, places around 36.06N 120.38E.
SUBDISTRICTS: tuple[Place, ...] = load_places(str(DEFAULT_FILE))
KM_PER_DEG_LAT = 111.32
CODE_PREFIX = "91370202DM"  # 10 characters; with a 7-digit serial it is the 17-character body

PLACES = (
    "Shinan", "Badaguan", "Zhanshan", "Taiping Bay", "Zhongshan Road", "Xiaoyushan", "Tuandao",
    "Huiquan", "Fushan Bay", "Badaxia", "Yunnan Road", "Jiangsu Road", "Jinmen Road",
    "Zhuhai Road", "Jinhu Road", "May Fourth Square", "Olympic Sailing", "Minjiang Road",
    "Xianggang Road", "Qingdao Bay", "Zhan Qiao", "Guanhai", "Laiyang Road", "Taiping Jiao",
)
STREETS = (
    "Hong Kong Middle", "Zhongshan", "Yunnan", "Jiangsu", "Jinmen", "Zhuhai", "Jinhu",
    "Zhanshan 3rd", "Taiping", "Nanjing", "Shandong", "Minjiang",
)
# Buyer sectors with their share of the district, the noun in the name and the median headcount.
BUYER_SECTORS: tuple[tuple[str, float, tuple[str, ...], int], ...] = (
    ("medical", 0.08, ("Community Clinic", "Dental Clinic", "Health Centre"), 35),
    ("epidemic_control", 0.02, ("Epidemic Control Station", "Testing Centre"), 25),
    ("elder_care", 0.08, ("Care Home", "Elderly Day Centre"), 60),
    ("food_supply", 0.06, ("Wet Market", "Food Wholesale", "Bakery"), 40),
    ("supermarket", 0.10, ("Supermarket", "Fresh Mart", "Convenience Store"), 30),
    ("utilities", 0.03, ("Water Works", "Power Supply Station"), 80),
    ("public_transport", 0.03, ("Bus Depot", "Metro Station Services"), 120),
    ("logistics", 0.06, ("Express Delivery", "Logistics Hub"), 70),
    ("manufacturing", 0.14, ("Garment Factory", "Electronics Works", "Printing Factory"), 200),
    ("construction", 0.05, ("Construction Co.", "Renovation Co."), 90),
    ("trade", 0.10, ("Trading Co.", "Department Store"), 25),
    ("services", 0.10, ("Hotel", "Restaurant", "Hair Salon", "Property Services"), 30),
    ("office", 0.12, ("Tower Offices", "Consulting", "Law Firm", "Design Studio"), 50),
    ("other", 0.03, ("Cultural Centre", "Sports Club"), 20),
)
# Suppliers: (sector, noun, whether it also buys).
SUPPLIER_KINDS: tuple[tuple[str, str, bool], ...] = (
    ("trade", "Medical Supplies Trading Co.", False),
    ("manufacturing", "Protective Equipment Factory", True),
    ("medical", "Pharmacy", False),
    ("trade", "Import & Export Co.", False),
    ("manufacturing", "Disinfectant Chemical Works", True),
    ("medical", "Pharmacy Chain", False),
)
# The first buyers of the district have fixed, recognisable names (buyer1@demo.local …).
FIRST_BUYERS = (
    ("Sunshine Care Home", "elder_care", 80),
    ("Shinan Community Clinic", "medical", 45),
    ("Fresh Mart Supermarket", "supermarket", 35),
    ("Zhongshan Road Garment Factory", "manufacturing", 260),
    ("Hong Kong Road Tower Offices", "office", 120),
)


@dataclass(frozen=True)
class Scale:
    """How big a demo district is."""

    name: str
    suppliers: int
    buyers: int
    needs: int
    lots: int
    clusters: int
    spread_km: float
    pending_share: float
    applications: int


SCALES = {
    "district": Scale("district", 6, 50, 120, 42, 10, 0.5, 0.06, 6),
    "city": Scale("city", 500, 10_000, 50_000, 2_000, 40, 1.5, 0.02, 300),
}


def credit_code(serial: int) -> str:
    """A valid unified social credit code for the demo company number `serial`."""
    body = f"{CODE_PREFIX}{serial:07d}"
    return body + check_digit(body)


class Geography:
    """Clustered coordinates around the subdistricts' centres (neighbourhoods, not a grid).

    `clusters` neighbourhoods take turns over the subdistricts; each place keeps the code
    of the subdistrict its neighbourhood is in.
    """

    def __init__(self, rng: random.Random, clusters: int, spread_km: float):
        self.rng = rng
        self.centres: list[tuple[Place, tuple[float, float]]] = []
        for i in range(clusters):
            sub = SUBDISTRICTS[i % len(SUBDISTRICTS)]
            # more neighbourhoods than subdistricts: the extra ones sit around a centre
            north, east = ((rng.gauss(0, spread_km), rng.gauss(0, spread_km))
                           if i >= len(SUBDISTRICTS) else (0.0, 0.0))
            self.centres.append((sub, self._offset((sub.lat, sub.lon), north, east)))
        self.spread_km = spread_km

    @staticmethod
    def _offset(point: tuple[float, float], north_km: float, east_km: float) -> tuple[float, float]:
        lat, lon = point
        km_per_deg_lon = KM_PER_DEG_LAT * math.cos(math.radians(lat))
        return round(lat + north_km / KM_PER_DEG_LAT, 6), round(lon + east_km / km_per_deg_lon, 6)

    def place(self) -> tuple[float, float, str]:
        """A point in one of the neighbourhoods, with its subdistrict code."""
        subdistrict, centre = self.rng.choice(self.centres)
        spread = self.spread_km
        lat, lon = self._offset(centre, self.rng.gauss(0, spread), self.rng.gauss(0, spread))
        return lat, lon, subdistrict.code


def lognormal(rng: random.Random, median: float, sigma: float = 0.8) -> float:
    """A log-normal draw with the given median: many small values, a few large ones."""
    return median * math.exp(rng.gauss(0, sigma))


def _org_row(rng: random.Random, geo: Geography, serial: int, name: str, sector: str,
             headcount: int, roles: tuple[bool, bool], status: str, now: Any) -> dict[str, Any]:
    lat, lon, subdistrict = geo.place()
    return {
        "name": name, "credit_code": credit_code(serial), "is_supplier": roles[0],
        "is_buyer": roles[1], "sector": sector, "tier": SECTOR_TIERS[sector],
        "headcount": max(1, headcount),
        "subdistrict": subdistrict,
        "address": f"{rng.randint(1, 999)} {rng.choice(STREETS)} Road, Shinan District",
        "latitude": lat, "longitude": lon, "phone": f"0532{rng.randint(10**7, 10**8 - 1)}",
        "status": status, "created_at": now, "updated_at": now,
        "verified_at": now if status == "verified" else None,
    }


def supplier_rows(rng: random.Random, geo: Geography, scale: Scale, now: Any) -> list[dict]:
    """The suppliers: traders, factories and pharmacies (some also buy)."""
    rows = []
    for i in range(scale.suppliers):
        sector, noun, buys = SUPPLIER_KINDS[i % len(SUPPLIER_KINDS)]
        place = PLACES[i % len(PLACES)] if i < len(PLACES) else rng.choice(PLACES)
        name = f"{place} {noun}" if i < len(PLACES) else f"{place} {noun} No. {i + 1}"
        headcount = int(lognormal(rng, 40 if sector != "manufacturing" else 150, 0.5))
        rows.append(_org_row(rng, geo, i + 1, name, sector, headcount, (True, buys),
                             "verified", now))
    return rows


def buyer_rows(rng: random.Random, geo: Geography, scale: Scale, now: Any) -> list[dict]:
    """The buyers of every sector; the last few are filings still waiting for review."""
    sectors = [s for s, *_ in BUYER_SECTORS]
    weights = [w for _, w, *_ in BUYER_SECTORS]
    info = {s: (nouns, median) for s, _, nouns, median in BUYER_SECTORS}
    pending_from = scale.buyers - max(3, int(scale.buyers * scale.pending_share))
    rows = []
    for i in range(scale.buyers):
        serial = scale.suppliers + i + 1
        status = "pending" if i >= pending_from else "verified"
        if i < len(FIRST_BUYERS):
            name, sector, headcount = FIRST_BUYERS[i]
        else:
            # cycle through sectors first so every sector is present even in a small district
            sector = sectors[i % len(sectors)] if i < 2 * len(sectors) else rng.choices(
                sectors, weights)[0]
            nouns, median = info[sector]
            name = f"{rng.choice(PLACES)} {rng.choice(nouns)}"
            if scale.buyers > 200:
                name += f" No. {i + 1}"
            headcount = int(lognormal(rng, median, 0.7))
        rows.append(_org_row(rng, geo, serial, name, sector, headcount, (False, True),
                             status, now))
    return rows
