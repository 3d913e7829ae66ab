"""The item catalogue and which items may substitute for which."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from market.extensions import Model, db

item_substitutes = sa.Table(
    "item_substitutes",
    db.metadata,
    sa.Column("item_id", sa.ForeignKey("items.id"), primary_key=True),
    sa.Column("substitute_id", sa.ForeignKey("items.id"), primary_key=True),
)


class Item(Model):
    """A catalogue item; quantities of it are whole numbers of its base `unit`."""

    __tablename__ = "items"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    sku: so.Mapped[str] = so.mapped_column(sa.String(60), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    name_zh: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    category: so.Mapped[str] = so.mapped_column(sa.String(60))
    unit: so.Mapped[str] = so.mapped_column(sa.String(20))
    daily_use_per_person: so.Mapped[Decimal] = so.mapped_column(
        sa.Numeric(8, 3), default=Decimal("0")
    )

    # Items that may be delivered in place of this one (KN95 for a surgical-mask need).
    substitutes: so.Mapped[list[Item]] = so.relationship(
        secondary=item_substitutes,
        primaryjoin=lambda: Item.id == item_substitutes.c.item_id,
        secondaryjoin=lambda: Item.id == item_substitutes.c.substitute_id,
        order_by=lambda: Item.sku,
    )
