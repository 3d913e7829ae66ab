"""Needs that buyers post."""

from __future__ import annotations

from datetime import date, datetime
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


class NeedStatus(Status):
    """A need's progress; live ones follow its counters (`services.recompute_need_status`)."""

    # named subsets of the statuses, set after `describe` below
    MATCHABLE: ClassVar[tuple[NeedStatus, ...]]
    EDITABLE: ClassVar[tuple[NeedStatus, ...]]
    CLOSED: ClassVar[tuple[NeedStatus, ...]]

    OPEN = "open"
    PARTIALLY_ALLOCATED = "partially_allocated"
    ALLOCATED = "allocated"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


_COUNTED = {NeedStatus.OPEN, NeedStatus.PARTIALLY_ALLOCATED, NeedStatus.ALLOCATED,
            NeedStatus.FULFILLED}
describe(
    NeedStatus,
    {
        NeedStatus.OPEN: _l("open"),
        NeedStatus.PARTIALLY_ALLOCATED: _l("partially allocated"),
        NeedStatus.ALLOCATED: _l("allocated"),
        NeedStatus.FULFILLED: _l("fulfilled"),
        NeedStatus.CANCELLED: _l("cancelled"),
        NeedStatus.EXPIRED: _l("expired"),
    },
    {
        # The counters move a live need between these; only an open need can be cancelled
        # (nothing allocated), only a matchable one expires, and a renewal reopens it.
        NeedStatus.OPEN: _COUNTED | {NeedStatus.CANCELLED, NeedStatus.EXPIRED},
        NeedStatus.PARTIALLY_ALLOCATED: _COUNTED | {NeedStatus.EXPIRED},
        NeedStatus.ALLOCATED: _COUNTED,
        NeedStatus.FULFILLED: _COUNTED,
        NeedStatus.EXPIRED: _COUNTED | {NeedStatus.CANCELLED},
    },
)
# Needs the solver still tries to fill.
NeedStatus.MATCHABLE = (NeedStatus.OPEN, NeedStatus.PARTIALLY_ALLOCATED)
# Needs whose buyer may still edit them.
NeedStatus.EDITABLE = (NeedStatus.OPEN, NeedStatus.PARTIALLY_ALLOCATED, NeedStatus.EXPIRED)
# Needs that keep their status whatever the counters say.
NeedStatus.CLOSED = (NeedStatus.CANCELLED, NeedStatus.EXPIRED)


class Need(Model):
    """A buyer's request for a quantity of an item; `allocated` counts approved units."""

    __tablename__ = "needs"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="need_quantity_positive"),
        sa.CheckConstraint(
            "allocated >= 0 AND allocated <= quantity", name="need_allocated_bounds"
        ),
        sa.Index("ix_needs_status_item", "status", "item_id"),
        status_check(NeedStatus, "ck_needs_status"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    organization_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    item_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("items.id"), index=True)
    quantity: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    allocated: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    received: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    max_unit_price: so.Mapped[Decimal | None] = so.mapped_column(Money)
    needed_by: so.Mapped[date | None] = so.mapped_column(sa.Date)
    accept_substitutes: so.Mapped[bool] = so.mapped_column(default=False)
    latitude: so.Mapped[float]
    longitude: so.Mapped[float]
    address: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    # The subdistrict (街道) code of market/places; NULL for places given only by coordinates.
    subdistrict: so.Mapped[str | None] = so.mapped_column(sa.String(12))
    status: so.Mapped[str] = so.mapped_column(sa.String(30), default="open")
    entered_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organization: so.Mapped[Organization] = so.relationship()
    item: so.Mapped[Item] = so.relationship()
    entered_by: so.Mapped[User | None] = so.relationship()

    @property
    def is_closed(self) -> bool:
        """Cancelled or expired: not matched, whatever its counters say."""
        return self.status in NeedStatus.CLOSED

    @property
    def is_editable(self) -> bool:
        """Open, partly allocated or expired: the buyer may still change it."""
        return self.status in NeedStatus.EDITABLE

    @property
    def outstanding(self) -> int:
        """Units still to be allocated."""
        return self.quantity - self.allocated
