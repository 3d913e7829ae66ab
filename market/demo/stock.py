"""What the demo district holds and needs: lots, needs and gift-pack applications."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from market.demo.people import lognormal

# sku: (share of needs, typical unit price, days of use a need covers)
ITEM_PROFILES: dict[str, tuple[float, float, int]] = {
    "MASK-SURGICAL": (0.26, 0.90, 14),
    "MASK-KN95": (0.12, 4.50, 14),
    "MASK-CIVIL": (0.12, 0.40, 14),
    "DISINFECTANT-ALCOHOL-75": (0.16, 22.0, 30),
    "DISINFECTANT-CHLORINE": (0.10, 12.0, 30),
    "GLOVES-NITRILE": (0.16, 1.20, 14),
    "THERMOMETER-IR": (0.08, 260.0, 365),
}
DEMAND_OVER_SUPPLY = 2.0  # demand is about twice the stock, as in a real shortage
DONATION_SHARE = 0.08
DONATED_SKUS = ("MASK-SURGICAL", "DISINFECTANT-ALCOHOL-75")
APPLICATION_REASONS = (
    "Reopening next week, no masks left for the staff.",
    "Our usual supplier cannot deliver before the end of the month.",
    "Elderly residents and carers need daily protection.",
    "Customers and cashiers need masks and hand disinfectant.",
    "Small company, we cannot buy at today's prices.",
)


def _price(rng: random.Random, typical: float) -> Decimal:
    return Decimal(str(round(typical * rng.uniform(0.75, 1.35), 2)))


def need_rows(rng: random.Random, buyers: list[dict], items: dict[str, Any], count: int,
              now: datetime) -> list[dict]:
    """`count` open needs spread over the verified buyers: every item asked for."""
    skus = list(ITEM_PROFILES)
    weights = [ITEM_PROFILES[s][0] for s in skus]
    rows = []
    for i in range(count):
        buyer = buyers[i % len(buyers)] if i < len(buyers) else rng.choice(buyers)
        sku = skus[i] if i < len(skus) else rng.choices(skus, weights)[0]
        item = items[sku]
        _share, typical, days = ITEM_PROFILES[sku]
        daily = float(item.daily_use_per_person)
        quantity = max(1, int(lognormal(rng, buyer["headcount"] * days * daily, 0.6)))
        capped = rng.random() < 0.5
        rows.append({
            "organization_id": buyer["id"], "item_id": item.id, "quantity": quantity,
            "allocated": 0, "received": 0,
            "max_unit_price": _price(rng, typical * 1.3) if capped else None,
            "needed_by": (now + timedelta(days=rng.randint(5, 40))).date(),
            "accept_substitutes": sku.startswith("MASK") and rng.random() < 0.5,
            "subdistrict": buyer["subdistrict"],
            "latitude": buyer["latitude"], "longitude": buyer["longitude"],
            "address": buyer["address"], "status": "open",
            "created_at": now - timedelta(minutes=rng.randint(0, 14 * 24 * 60)),
            "updated_at": now,
        })
    return rows


def lot_rows(rng: random.Random, suppliers: list[dict], items: dict[str, Any], count: int,
             demand: dict[int, int], now: datetime) -> list[dict]:
    """`count` lots (a few donations) holding about half of each item's demand."""
    skus = list(ITEM_PROFILES)
    donor = suppliers[2 % len(suppliers)]  # the pharmacy donates, in every district size
    picks = [(donor, sku, True) for sku in DONATED_SKUS]  # so the reopening pack can be built
    for i in range(count - len(picks)):
        sku = skus[i % len(skus)] if i < 2 * len(skus) else rng.choice(skus)
        donation = sku in DONATED_SKUS and rng.random() < DONATION_SHARE
        picks.append((suppliers[i % len(suppliers)], sku, donation))
    rows = []
    for supplier, sku, donation in picks:
        rows.append({
            "organization_id": supplier["id"], "item_id": items[sku].id,
            "kind": "donation" if donation else "sale",
            "quantity": lognormal(rng, 1.0, 0.9),  # a weight; scaled to units below
            "reserved": 0, "shipped": 0,
            "unit_price": None if donation else _price(rng, ITEM_PROFILES[sku][1]),
            "subdistrict": supplier["subdistrict"],
            "latitude": supplier["latitude"], "longitude": supplier["longitude"],
            "address": supplier["address"],
            "available_until": now + timedelta(days=rng.randint(20, 90)),
            "status": "active", "created_at": now - timedelta(hours=rng.randint(1, 24 * 20)),
            "updated_at": now,
        })
    _scale_to_demand(rows, demand)
    return rows


def _scale_to_demand(rows: list[dict], demand: dict[int, int]) -> None:
    """Turn each lot's weight into units so that an item's stock is demand / DEMAND_OVER_SUPPLY."""
    weight: defaultdict[int, float] = defaultdict(float)
    for row in rows:
        weight[row["item_id"]] += row["quantity"]
    for row in rows:
        target = demand.get(row["item_id"], 0) / DEMAND_OVER_SUPPLY
        row["quantity"] = max(1, int(target * row["quantity"] / weight[row["item_id"]]))


def application_rows(rng: random.Random, buyers: list[dict], count: int,
                     now: datetime) -> list[dict]:
    """Waiting gift-pack applications of small buyers (one per company)."""
    smallest = sorted(buyers, key=lambda b: (b["headcount"], b["id"]))[:count]
    return [
        {"organization_id": b["id"], "reason": rng.choice(APPLICATION_REASONS),
         "status": "waiting", "created_at": now - timedelta(hours=rng.randint(1, 24 * 7))}
        for b in smallest
    ]
