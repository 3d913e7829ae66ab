"""Gift-pack templates, applications, and the packs assigned to companies."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from market.accounts.models import Organization, User
from market.catalog.models import Item
from market.common.lifecycle import Status, describe, status_check
from market.common.types import UTCDateTime, utcnow
from market.extensions import Model
from market.lots.models import Lot
from market.matching.models import AllocationStatus, LifecycleMixin

# A pack goes through an allocation's lifecycle: proposed by a run, decided, shipped, received.
PackStatus = AllocationStatus


class ApplicationStatus(Status):
    """A company's request for a pack: waiting for a run, assigned a pack, or withdrawn."""

    WAITING = "waiting"
    ASSIGNED = "assigned"
    WITHDRAWN = "withdrawn"


describe(
    ApplicationStatus,
    {
        ApplicationStatus.WAITING: _l("waiting"),
        ApplicationStatus.ASSIGNED: _l("assigned"),
        ApplicationStatus.WITHDRAWN: _l("withdrawn"),
    },
    {
        # Approval assigns the pack; a rejected or cancelled pack sends it back to waiting.
        ApplicationStatus.WAITING: {ApplicationStatus.ASSIGNED, ApplicationStatus.WITHDRAWN},
        ApplicationStatus.ASSIGNED: {ApplicationStatus.WAITING, ApplicationStatus.WITHDRAWN},
        # Withdrawn while its pack was proposed, then the pack rejected: back in the queue.
        ApplicationStatus.WITHDRAWN: {ApplicationStatus.WAITING},
    },
)


class GiftPackTemplate(Model):
    """What one pack holds, e.g. 500 surgical masks + 5 L of 75 % alcohol."""

    __tablename__ = "gift_pack_templates"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    contents: so.Mapped[list[TemplateContent]] = so.relationship(
        back_populates="template", cascade="all, delete-orphan"
    )


class TemplateContent(Model):
    """Units of one item in a template."""

    __tablename__ = "gift_pack_template_contents"

    template_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("gift_pack_templates.id"), primary_key=True
    )
    item_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("items.id"), primary_key=True)
    quantity: so.Mapped[int] = so.mapped_column(sa.BigInteger)

    template: so.Mapped[GiftPackTemplate] = so.relationship(back_populates="contents")
    item: so.Mapped[Item] = so.relationship()


class GiftPackApplication(Model):
    """A buyer's request for a gift pack; one `waiting` application per company."""

    if TYPE_CHECKING:
        pack_status: str | None  # a column_property, mapped below once GiftPack exists

    __tablename__ = "gift_pack_applications"
    __table_args__ = (
        # Enforces "one waiting application per company" even under concurrent requests.
        sa.Index(
            "uq_gift_pack_applications_waiting",
            "organization_id",
            unique=True,
            postgresql_where=sa.text("status = 'waiting'"),
            sqlite_where=sa.text("status = 'waiting'"),
        ),
        status_check(ApplicationStatus, "ck_gift_pack_applications_status"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    organization_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    reason: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="waiting", index=True)
    entered_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    organization: so.Mapped[Organization] = so.relationship()
    entered_by: so.Mapped[User | None] = so.relationship()


class GiftPack(LifecycleMixin, Model):
    """A pack assigned to a company by a run, with the donated lots that fill it."""

    __tablename__ = "gift_packs"
    __table_args__ = (status_check(PackStatus, "ck_gift_packs_status"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    run_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("match_runs.id"), index=True)
    template_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("gift_pack_templates.id"))
    application_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("gift_pack_applications.id"))
    organization_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    # status, notes, decided_*, shipped_at, received_* (units received over all components),
    # created_at: LifecycleMixin

    template: so.Mapped[GiftPackTemplate] = so.relationship()
    application: so.Mapped[GiftPackApplication] = so.relationship()
    organization: so.Mapped[Organization] = so.relationship()
    components: so.Mapped[list[GiftPackComponent]] = so.relationship(
        back_populates="pack", cascade="all, delete-orphan"
    )


class GiftPackComponent(Model):
    """Units of one item drawn from one donated lot for a pack."""

    __tablename__ = "gift_pack_components"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    pack_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("gift_packs.id"), index=True)
    lot_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("lots.id"), index=True)
    item_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("items.id"))
    quantity: so.Mapped[int] = so.mapped_column(sa.BigInteger)

    pack: so.Mapped[GiftPack] = so.relationship(back_populates="components")
    lot: so.Mapped[Lot] = so.relationship()
    item: so.Mapped[Item] = so.relationship()


# The status of an application's latest pack (superseded proposals left out), loaded with
# the application in the same SELECT: an application's progress follows its pack.
GiftPackApplication.pack_status = so.column_property(  # type: ignore[assignment]  # maps it
    sa.select(GiftPack.status)
    .where(GiftPack.application_id == GiftPackApplication.id,
           GiftPack.status != PackStatus.SUPERSEDED)
    .order_by(GiftPack.id.desc())
    .limit(1)
    .correlate_except(GiftPack)
    .scalar_subquery(),
    deferred=False,
)

# Pack states an application shows as its own progress; after a rejected or cancelled
# pack the application is waiting again (or withdrawn) and shows that.
PROGRESS_STATUSES = (PackStatus.PROPOSED, *PackStatus.ALLOCATED)


def application_progress(application: GiftPackApplication, viewer: User | None) -> str:
    """Where an application stands for `viewer`: its pack's status once a run gave it one
    (a company does not see a pack that is only proposed), else its own status."""
    pack = application.pack_status
    if application.status == ApplicationStatus.WITHDRAWN or pack not in PROGRESS_STATUSES:
        return application.status
    if pack == PackStatus.PROPOSED and not (viewer is not None and viewer.is_coordinator):
        return application.status
    return pack
