"""Users, the companies they act for, and API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin

from market.common.lifecycle import Status, describe, status_check
from market.common.types import UTCDateTime, utcnow
from market.extensions import Model

SECTOR_TIERS: dict[str, int] = {
    "medical": 1,
    "epidemic_control": 1,
    "elder_care": 2,
    "food_supply": 2,
    "supermarket": 2,
    "utilities": 2,
    "public_transport": 2,
    "logistics": 2,
    "manufacturing": 3,
    "construction": 3,
    "trade": 3,
    "services": 3,
    "office": 4,
    "other": 4,
}
USER_ROLES = ("company", "coordinator", "admin")
# The users' roles and a company's roles, as pages show them.
ROLE_LABELS = {
    "company": _l("company"),
    "coordinator": _l("coordinator"),
    "admin": _l("admin"),
    "supplier": _l("supplier"),
    "buyer": _l("buyer"),
}


class OrgStatus(Status):
    """A company's filing: pending until a coordinator verifies (or rejects) it."""

    # named subsets of the statuses, set after `describe` below
    SETTABLE: ClassVar[tuple[OrgStatus, ...]]

    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


describe(
    OrgStatus,
    {
        OrgStatus.PENDING: _l("pending"),
        OrgStatus.VERIFIED: _l("verified"),
        OrgStatus.REJECTED: _l("rejected"),
        OrgStatus.SUSPENDED: _l("suspended"),
    },
    {
        # A rejected company re-files (pending again); a coordinator suspends or reinstates.
        OrgStatus.PENDING: {OrgStatus.VERIFIED, OrgStatus.REJECTED, OrgStatus.SUSPENDED},
        OrgStatus.REJECTED: {OrgStatus.PENDING, OrgStatus.SUSPENDED},
        OrgStatus.VERIFIED: {OrgStatus.SUSPENDED},
        OrgStatus.SUSPENDED: {OrgStatus.VERIFIED},
    },
)
# Statuses a coordinator sets by editing a company.
OrgStatus.SETTABLE = (OrgStatus.VERIFIED, OrgStatus.SUSPENDED)


class Organization(Model):
    """A company: supplier, buyer or both; `pending` until a coordinator verifies it."""

    __tablename__ = "organizations"
    __table_args__ = (status_check(OrgStatus, "ck_organizations_status"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200), index=True)
    credit_code: so.Mapped[str] = so.mapped_column(sa.String(18), unique=True)
    is_supplier: so.Mapped[bool] = so.mapped_column(default=False)
    is_buyer: so.Mapped[bool] = so.mapped_column(default=False)
    sector: so.Mapped[str] = so.mapped_column(sa.String(40))
    tier: so.Mapped[int] = so.mapped_column(sa.SmallInteger)
    tier_overridden: so.Mapped[bool] = so.mapped_column(default=False)
    headcount: so.Mapped[int]
    address: so.Mapped[str] = so.mapped_column(sa.String(300))
    # The subdistrict (街道) code of market/places; NULL for places given only by coordinates.
    subdistrict: so.Mapped[str | None] = so.mapped_column(sa.String(12))
    latitude: so.Mapped[float]
    longitude: so.Mapped[float]
    phone: so.Mapped[str] = so.mapped_column(sa.String(40))
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="pending", index=True)
    rejection_reason: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    verified_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # A company's own change of sector or headcount waiting for a coordinator:
    # {"sector"?, "headcount"?, "requested_at": ISO 8601, "requested_by": e-mail}, or NULL.
    pending_change: so.Mapped[dict[str, Any] | None] = so.mapped_column(
        sa.JSON(none_as_null=True)
    )

    users: so.Mapped[list[User]] = so.relationship(back_populates="organization")

    @property
    def was_verified(self) -> bool:
        """Verified or suspended: a coordinator may suspend or reinstate it."""
        return self.status in (OrgStatus.VERIFIED, OrgStatus.SUSPENDED)

    @property
    def roles(self) -> list[str]:
        """The company's roles as API.md names them."""
        return [r for r, on in (("supplier", self.is_supplier), ("buyer", self.is_buyer)) if on]

    @property
    def change_request(self) -> dict[str, Any] | None:
        """The pending change as the API shows it: old and new values, the tier it would give.

        `requested_at` is a datetime; `tier` is the tier the new sector would give (the
        current tier when the sector does not change or a coordinator fixed the tier).
        """
        change = self.pending_change
        if not change:
            return None
        sector = change.get("sector", self.sector)
        tier = self.tier if self.tier_overridden else SECTOR_TIERS.get(sector, self.tier)
        shown: dict[str, Any] = {k: change[k] for k in ("sector", "headcount") if k in change}
        shown["current"] = {"sector": self.sector, "headcount": self.headcount, "tier": self.tier}
        shown["tier"] = tier
        shown["requested_at"] = datetime.fromisoformat(change["requested_at"])
        shown["requested_by"] = change.get("requested_by")
        return shown

    @property
    def is_verified(self) -> bool:
        """Whether the company may list stock, post needs and apply for packs."""
        return self.status == "verified"


class User(UserMixin, Model):
    """A person who logs in: a company's user, a coordinator or an admin."""

    __tablename__ = "users"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    role: so.Mapped[str] = so.mapped_column(sa.String(20), default="company")
    organization_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # Failed log-ins since the last success or lock, counted in the database so every
    # worker sees the same number; `locked_until` refuses even the right password.
    failed_logins: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    locked_until: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # The language the person reads: notifications, e-mail and SMS are written in it.
    language: so.Mapped[str] = so.mapped_column(sa.String(5), default="en", server_default="en")

    organization: so.Mapped[Organization | None] = so.relationship(back_populates="users")

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return self.active

    @property
    def is_coordinator(self) -> bool:
        """Coordinators and admins see and decide everything."""
        return self.role in ("coordinator", "admin")

    @property
    def label(self) -> str:
        """How the user appears in the audit log."""
        return self.email


class ApiToken(Model):
    """A bearer token for API clients, stored as a SHA-256 hash with an expiry."""

    __tablename__ = "api_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)

    user: so.Mapped[User] = so.relationship()


class LoginSession(Model):
    """One browser log-in: the cookie carries its secret, logout deletes the row.

    The cookie alone is not enough to stay logged in: a copy taken before logout, or
    before a password change, finds no row and is anonymous.
    """

    __tablename__ = "login_sessions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    key_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    user: so.Mapped[User] = so.relationship()
