"""Import every model so that Alembic and `create_all` see the whole schema."""

from market.accounts.models import ApiToken, LoginSession, Organization, User
from market.allocations.models import ApprovalJob
from market.audit.models import AuditEntry
from market.catalog.models import Item, item_substitutes
from market.giftpacks.models import (
    GiftPack,
    GiftPackApplication,
    GiftPackComponent,
    GiftPackTemplate,
    TemplateContent,
)
from market.lots.models import Lot
from market.matching.models import Allocation, MatchConstraint, MatchRun, Quota, RunLock
from market.needs.models import Need
from market.notifications.models import Notification
from market.whatif.models import WhatIfStudy

__all__ = [
    "Allocation",
    "ApiToken",
    "ApprovalJob",
    "AuditEntry",
    "GiftPack",
    "GiftPackApplication",
    "GiftPackComponent",
    "GiftPackTemplate",
    "Item",
    "LoginSession",
    "Lot",
    "MatchConstraint",
    "MatchRun",
    "Need",
    "Notification",
    "Organization",
    "Quota",
    "RunLock",
    "TemplateContent",
    "User",
    "WhatIfStudy",
    "item_substitutes",
]
