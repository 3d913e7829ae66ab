"""Who may see an allocation: coordinators all, each company its own once approved."""

from __future__ import annotations

from flask_babel import gettext as _

from market.accounts.access import require_user
from market.accounts.models import User
from market.common.errors import NotFound
from market.extensions import db
from market.matching.models import Allocation, AllocationStatus

# What a company sees of its allocations: everything from approval on.


def can_see(actor: User, allocation: Allocation) -> bool:
    """Coordinators see every line; a company its own lines once approved."""
    if actor.is_coordinator:
        return True
    return allocation.status in AllocationStatus.VISIBLE_TO_COMPANIES and actor.organization_id in (
        allocation.supplier_id,
        allocation.buyer_id,
    )


def get_allocation(actor: User | None, allocation_id: int) -> Allocation:
    """One allocation the actor may see (404 for a company that is neither party)."""
    actor = require_user(actor)
    allocation = db.session.get(Allocation, allocation_id)
    if allocation is None or not can_see(actor, allocation):
        raise NotFound(_("Allocation %(id)s not found.", id=allocation_id))
    return allocation
