"""The standard catalogue of PRODUCT.md, loaded idempotently."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from market.catalog.models import Item
from market.extensions import db

# sku, name, Chinese name, category, unit, daily use per person, substitutes for it
STANDARD_ITEMS: tuple[tuple[str, str, str, str, str, str, tuple[str, ...]], ...] = (
    ("MASK-SURGICAL", "Surgical mask", "医用外科口罩", "mask", "piece", "2", ("MASK-KN95",)),
    ("MASK-KN95", "KN95 respirator", "KN95口罩", "mask", "piece", "1", ()),
    ("MASK-CIVIL", "Civil mask", "民用口罩", "mask", "piece", "2", ("MASK-KN95",)),
    ("DISINFECTANT-ALCOHOL-75", "75% alcohol disinfectant", "75%酒精消毒液", "disinfectant",
     "litre", "0.05", ()),
    ("DISINFECTANT-CHLORINE", "Chlorine disinfectant", "含氯消毒液", "disinfectant", "litre",
     "0.02", ()),
    ("GLOVES-NITRILE", "Nitrile gloves", "丁腈手套", "gloves", "pair", "1", ()),
    ("THERMOMETER-IR", "Infrared thermometer", "红外测温仪", "equipment", "piece", "0.01", ()),
)
# The units and categories above, as pages show them (`_(item.unit)`, `_(item.category)`).
UNIT_LABELS = {"piece": _l("piece"), "pair": _l("pair"), "litre": _l("litre")}
CATEGORY_LABELS = {
    "mask": _l("mask"),
    "disinfectant": _l("disinfectant"),
    "gloves": _l("gloves"),
    "equipment": _l("equipment"),
}


def seed_catalog() -> int:
    """Insert the missing standard items and link substitutes; return how many were added."""
    existing = {i.sku: i for i in db.session.scalars(sa.select(Item))}
    added = 0
    for sku, name, name_zh, category, unit, daily, _subs in STANDARD_ITEMS:
        if sku not in existing:
            existing[sku] = Item(
                sku=sku, name=name, name_zh=name_zh, category=category, unit=unit,
                daily_use_per_person=Decimal(daily),
            )
            db.session.add(existing[sku])
            added += 1
    for sku, *_rest, subs in STANDARD_ITEMS:
        item = existing[sku]
        for sub in subs:
            if existing[sub] not in item.substitutes:
                item.substitutes.append(existing[sub])
    db.session.commit()
    return added
