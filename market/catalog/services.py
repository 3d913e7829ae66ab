"""Catalogue rules: who may read and add items, SKU uniqueness, substitutes."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import get_locale
from flask_babel import gettext as _

from market.accounts.access import require_coordinator, require_user
from market.accounts.models import User
from market.audit.services import record, snapshot
from market.catalog.models import Item
from market.common.errors import Conflict, Invalid
from market.common.transaction import unit_of_work
from market.extensions import db

ITEM_FIELDS = ("sku", "name", "name_zh", "category", "unit", "daily_use_per_person")


def items_query(actor: User | None, category: str | None = None) -> sa.Select:
    """The catalogue as a SELECT (for paging), ordered by category then SKU; any user may read."""
    require_user(actor)
    # The list shows each item's substitutes: one extra query for the page, not one per item.
    stmt = sa.select(Item).options(so.selectinload(Item.substitutes)).order_by(
        Item.category, Item.sku
    )
    if category:
        stmt = stmt.where(Item.category == category)
    return stmt


def all_items() -> list[Item]:
    """Every catalogue item ordered by SKU (for select boxes)."""
    return list(db.session.scalars(sa.select(Item).order_by(Item.sku)))


def item_by_sku(sku: str) -> Item | None:
    """The item with this SKU, or None."""
    return db.session.scalar(sa.select(Item).where(Item.sku == sku))


def items_by_sku(skus: set[str] | None = None) -> dict[str, Item]:
    """Items keyed by SKU (all of them, or only those named)."""
    stmt = sa.select(Item)
    if skus is not None:
        stmt = stmt.where(Item.sku.in_(skus))
    return {item.sku: item for item in db.session.scalars(stmt)}


def sku_name(sku: str) -> str:
    """The name of the item with this SKU in the page's language (the SKU if unknown).

    Report rows carry SKUs; the items are read once per request, whatever the rows.
    """
    from market.i18n import per_request

    names = per_request("item_names", lambda: {
        item.sku: (item.name, item.name_zh) for item in items_by_sku().values()
    })
    if sku not in names:
        return sku
    name, name_zh = names[sku]
    return name_zh if name_zh and str(get_locale()).startswith("zh") else name


def display_name(item: Item) -> str:
    """The item's name in the page's language (the Chinese name when the locale is zh)."""
    if item.name_zh and str(get_locale()).startswith("zh"):
        return item.name_zh
    return item.name


def _resolve_substitutes(sku: str, substitute_skus: list[str]) -> list[Item]:
    """Look up the substitute SKUs; any unknown one (or the item itself) is a 422 naming it."""
    wanted = list(dict.fromkeys(substitute_skus))
    if sku in wanted:
        raise Invalid.field("substitutes", _("an item cannot substitute for itself (%(sku)s)",
                                             sku=repr(sku)))
    found = items_by_sku(set(wanted))
    unknown = [s for s in wanted if s not in found]
    if unknown:
        raise Invalid.field("substitutes", _("unknown SKU %(value)s",
                                             value=", ".join(repr(s) for s in unknown)))
    return [found[s] for s in wanted]


def create_item(actor: User | None, data: dict[str, Any]) -> Item:
    """Add a catalogue item (coordinators only); a taken SKU is a 409."""
    actor = require_coordinator(actor)
    with unit_of_work():
        if item_by_sku(data["sku"]) is not None:
            raise Conflict(_("An item with SKU %(sku)s already exists.", sku=repr(data["sku"])))
        item = Item(**{k: data.get(k) for k in ITEM_FIELDS if k in data})
        item.substitutes = _resolve_substitutes(data["sku"], data.get("substitutes") or [])
        db.session.add(item)
        try:
            db.session.flush()
        except sa.exc.IntegrityError:  # another request took the SKU between check and insert
            raise Conflict(_("An item with SKU %(sku)s already exists.",
                             sku=repr(data["sku"]))) from None
        after = snapshot(item, ITEM_FIELDS) | {"substitutes": [s.sku for s in item.substitutes]}
        record(actor, "item.create", "item", item.id, None, after)
    return item
