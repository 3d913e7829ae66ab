"""Gift packs obey the same transitions table as allocations, and move stock the same way."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from market.audit.models import AuditEntry
from market.extensions import db
from market.giftpacks.models import GiftPack, PackStatus
from market.lots.models import Lot
from market.matching.models import AllocationStatus


def _pack(people, donations, make_pack):
    return make_pack(people["buyer_org"], [(donations["masks"], 500), (donations["alcohol"], 5)])


def _state(pack_id, donations):
    db.session.expire_all()
    lots = tuple((lot.reserved, lot.shipped, lot.quantity)
                 for lot in (db.session.get(Lot, donations[k].id) for k in ("masks", "alcohol")))
    audits = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    return db.session.get(GiftPack, pack_id).status, lots, audits


def test_packs_share_the_allocation_lifecycle():
    assert PackStatus is AllocationStatus


@pytest.mark.parametrize(
    ("steps", "action", "message"),
    [
        ((), "ship", "is proposed, not approved: it cannot become shipped"),
        ((), "cancel", "is proposed, not approved: it cannot become cancelled"),
        (("approve",), "approve", "is approved, not proposed any more"),
        (("approve", "ship"), "cancel", "is shipped, not approved: it cannot become cancelled"),
    ],
)
def test_a_forbidden_move_is_409_and_changes_nothing(
    people, donations, make_pack, as_user, steps, action, message
):
    pack = _pack(people, donations, make_pack)
    coordinator = people["coordinator"]
    for step in steps:
        done = as_user(coordinator, "post", f"/api/v1/gift-packs/{pack.id}/{step}")
        assert done.status_code == 200
    before = _state(pack.id, donations)
    r = as_user(coordinator, "post", f"/api/v1/gift-packs/{pack.id}/{action}")
    assert r.status_code == 409
    assert f"Gift pack {pack.id} {message}" in r.json["message"]
    assert _state(pack.id, donations) == before


def test_stock_moves_of_a_pack_audit_each_lot(people, donations, make_pack, as_user):
    pack = _pack(people, donations, make_pack)
    for step in ("approve", "ship"):
        as_user(people["coordinator"], "post", f"/api/v1/gift-packs/{pack.id}/{step}")
    as_user(people["buyer"], "post", f"/api/v1/gift-packs/{pack.id}/receive", json={})
    rows = db.session.execute(
        sa.select(AuditEntry.action, AuditEntry.after)
        .where(AuditEntry.entity == "lot", AuditEntry.entity_id == donations["masks"].id,
               AuditEntry.action.like("lot.%"))
        .order_by(AuditEntry.id)
    ).all()
    assert [(action, after.get("gift_pack_id")) for action, after in rows] == [
        ("lot.reserve", pack.id), ("lot.ship", pack.id), ("lot.deliver", pack.id),
    ]
