"""Stock lots that suppliers list, for sale or as donations."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import ClassVar

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from market.accounts.models import Organization, User
from market.catalog.models import Item
from market.common.lifecycle import Status, describe, status_check
from market.common.types import Money, UTCDateTime, utcnow
from market.extensions import Model

LOT_KINDS = ("sale", "donation")
LOT_KIND_LABELS = {"sale": _l("sale"), "donation": _l("donation")}


class LotStatus(Status):
    """A lot on offer (active), held back (paused), gone for good (withdrawn) or used up."""

    # named subsets of the statuses, set after `describe` below
    EDITABLE: ClassVar[tuple[LotStatus, ...]]
    OPEN: ClassVar[tuple[LotStatus, ...]]

    ACTIVE = "active"
    PAUSED = "paused"
    WITHDRAWN = "withdrawn"
    EXHAUSTED = "exhausted"


describe(
    LotStatus,
    {
        LotStatus.ACTIVE: _l("active"),
        LotStatus.PAUSED: _l("paused"),
        LotStatus.WITHDRAWN: _l("withdrawn"),
        LotStatus.EXHAUSTED: _l("exhausted"),
    },
    {
        LotStatus.ACTIVE: {LotStatus.PAUSED, LotStatus.WITHDRAWN, LotStatus.EXHAUSTED},
        LotStatus.PAUSED: {LotStatus.ACTIVE, LotStatus.WITHDRAWN, LotStatus.EXHAUSTED},
        LotStatus.EXHAUSTED: {LotStatus.ACTIVE, LotStatus.PAUSED, LotStatus.WITHDRAWN},
    },
)
# Statuses a supplier sets by editing a lot.
LotStatus.EDITABLE = (LotStatus.ACTIVE, LotStatus.PAUSED)
# Lots still listed (not withdrawn): they can be edited.
LotStatus.OPEN = (LotStatus.ACTIVE, LotStatus.PAUSED, LotStatus.EXHAUSTED)


class Lot(Model):
    """A quantity of one item held by a supplier; `reserved` is approved but not yet received."""

    __tablename__ = "lots"
    __table_args__ = (
        sa.CheckConstraint("quantity >= 0", name="lot_quantity_nonnegative"),
        sa.CheckConstraint("reserved >= 0 AND reserved <= quantity", name="lot_reserved_bounds"),
        sa.Index("ix_lots_status_item", "status", "item_id"),
        status_check(LotStatus, "ck_lots_status"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    organization_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    item_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("items.id"), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20), default="sale")
    quantity: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    reserved: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    shipped: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    unit_price: so.Mapped[Decimal | None] = so.mapped_column(Money)
    latitude: so.Mapped[float]
    longitude: so.Mapped[float]
    address: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    # The subdistrict (街道) code of market/places; NULL for places given only by coordinates.
    subdistrict: so.Mapped[str | None] = so.mapped_column(sa.String(12))
    available_until: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="active")
    entered_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organization: so.Mapped[Organization] = so.relationship()
    item: so.Mapped[Item] = so.relationship()
    entered_by: so.Mapped[User | None] = so.relationship()

    @property
    def is_open(self) -> bool:
        """Still listed (not withdrawn): its supplier may edit it."""
        return self.status in LotStatus.OPEN

    @property
    def is_gone(self) -> bool:
        """Withdrawn or exhausted: nothing of it is on offer."""
        return self.status in (LotStatus.WITHDRAWN, LotStatus.EXHAUSTED)

    @property
    def available(self) -> int:
        """Units not held for an approved or shipped (not yet received) allocation or pack."""
        return self.quantity - self.reserved
