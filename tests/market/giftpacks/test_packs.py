"""The lifecycle of a gift pack: approve (reserve), reject, ship, receive, dispute, cancel."""

from __future__ import annotations

import sqlalchemy as sa

from market.allocations.services import reservation_drift
from market.audit.models import AuditEntry
from market.extensions import db
from market.giftpacks.models import GiftPack, GiftPackApplication, GiftPackComponent
from market.lots.models import Lot
from market.notifications.models import Notification


def _fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def _reserved_by_packs(lot_id: int) -> int:
    """Units of approved or shipped (not yet received) pack components drawn from a lot."""
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(GiftPackComponent.quantity), 0))
        .join(GiftPack)
        .where(GiftPackComponent.lot_id == lot_id, GiftPack.status.in_(("approved", "shipped")))
    )


def _pack(people, donations, make_pack, masks=500, alcohol=5):
    return make_pack(people["buyer_org"],
                     [(donations["masks"], masks), (donations["alcohol"], alcohol)])


def test_approve_reserves_the_donated_units(people, donations, make_pack, as_user):
    first = _pack(people, donations, make_pack)
    second = _pack(people, donations, make_pack, masks=300, alcohol=10)
    coordinator = people["coordinator"]
    r = as_user(coordinator, "post", f"/api/v1/gift-packs/{first.id}/approve")
    assert r.status_code == 200, r.json
    assert r.json["status"] == "approved"
    assert r.json["recipient"]["id"] == people["buyer_org"].id
    assert sorted((c["item"], c["quantity"]) for c in r.json["components"]) == [
        ("DISINFECTANT-ALCOHOL-75", 5), ("MASK-SURGICAL", 500)]
    r = as_user(coordinator, "post", f"/api/v1/gift-packs/{second.id}/approve")
    assert r.status_code == 200
    masks, alcohol = (_fresh(Lot, donations[k].id) for k in ("masks", "alcohol"))
    assert (masks.reserved, alcohol.reserved) == (800, 15)
    assert masks.reserved == _reserved_by_packs(masks.id)
    assert alcohol.reserved == _reserved_by_packs(alcohol.id)
    assert _fresh(GiftPackApplication, first.application_id).status == "assigned"
    subjects = {n.subject for n in db.session.scalars(sa.select(Notification))}
    assert {"Gift pack approved", "Donation to ship"} <= subjects
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"gift_pack.approve", "lot.reserve"} <= actions


def test_approve_twice_is_a_conflict(people, donations, make_pack, as_user):
    pack = _pack(people, donations, make_pack)
    as_user(people["coordinator"], "post", f"/api/v1/gift-packs/{pack.id}/approve")
    r = as_user(people["coordinator"], "post", f"/api/v1/gift-packs/{pack.id}/approve")
    assert r.status_code == 409
    assert _fresh(Lot, donations["masks"].id).reserved == 500


def test_shortage_refuses_and_changes_nothing(people, donations, make_pack, as_user):
    pack = _pack(people, donations, make_pack, masks=400, alcohol=25)  # only 20 L donated
    r = as_user(people["coordinator"], "post", f"/api/v1/gift-packs/{pack.id}/approve")
    assert r.status_code == 409
    assert "DISINFECTANT-ALCOHOL-75" in r.json["message"]
    assert "short by 5" in r.json["message"]
    assert _fresh(Lot, donations["masks"].id).reserved == 0  # reserved first, rolled back
    assert _fresh(Lot, donations["alcohol"].id).reserved == 0
    assert _fresh(GiftPack, pack.id).status == "proposed"
    assert not db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.entity == "gift_pack"))


def test_shortage_counts_earlier_reservations(people, donations, make_pack, as_user):
    first = _pack(people, donations, make_pack, masks=700, alcohol=1)
    second = _pack(people, donations, make_pack, masks=400, alcohol=1)
    as_user(people["coordinator"], "post", f"/api/v1/gift-packs/{first.id}/approve")
    r = as_user(people["coordinator"], "post", f"/api/v1/gift-packs/{second.id}/approve")
    assert r.status_code == 409
    assert "MASK-SURGICAL" in r.json["message"]
    assert "short by 100" in r.json["message"]
    assert _fresh(Lot, donations["masks"].id).reserved == 700


def test_withdrawn_lot_cannot_be_reserved(people, donations, make_pack, as_user):
    pack = _pack(people, donations, make_pack)
    lot = donations["alcohol"]
    lot.status = "withdrawn"
    db.session.commit()
    r = as_user(people["coordinator"], "post", f"/api/v1/gift-packs/{pack.id}/approve")
    assert r.status_code == 409
    assert _fresh(Lot, donations["masks"].id).reserved == 0


def test_reject_puts_the_application_back_in_the_queue(people, donations, make_pack, as_user):
    pack = _pack(people, donations, make_pack)
    r = as_user(people["coordinator"], "post", f"/api/v1/gift-packs/{pack.id}/reject",
                json={"reason": "company closed"})
    assert r.status_code == 200
    assert (r.json["status"], r.json["decision_note"]) == ("rejected", "company closed")
    assert _fresh(GiftPackApplication, pack.application_id).status == "waiting"
    r = as_user(people["coordinator"], "post", f"/api/v1/gift-packs/{pack.id}/reject",
                json={"reason": "again"})
    assert r.status_code == 409
    r = as_user(people["coordinator"], "post", f"/api/v1/gift-packs/{pack.id}/approve")
    assert r.status_code == 409


def test_reject_needs_a_reason(people, donations, make_pack, as_user):
    pack = _pack(people, donations, make_pack)
    r = as_user(people["coordinator"], "post", f"/api/v1/gift-packs/{pack.id}/reject", json={})
    assert r.status_code == 422
    assert "reason" in r.json["errors"]
    assert _fresh(GiftPack, pack.id).status == "proposed"


def test_ship_then_receive(people, donations, make_pack, as_user):
    pack = _pack(people, donations, make_pack)
    as_user(people["coordinator"], "post", f"/api/v1/gift-packs/{pack.id}/approve")
    # the recipient cannot ship, a stranger supplier does not even see it
    assert as_user(people["buyer"], "post", f"/api/v1/gift-packs/{pack.id}/ship").status_code == 403
    assert as_user(people["supplier_b"], "post",
                   f"/api/v1/gift-packs/{pack.id}/ship").status_code == 404
    r = as_user(people["buyer"], "post", f"/api/v1/gift-packs/{pack.id}/receive", json={})
    assert r.status_code == 409  # not shipped yet
    r = as_user(people["supplier_a"], "post", f"/api/v1/gift-packs/{pack.id}/ship")
    assert r.status_code == 200
    assert r.json["status"] == "shipped"
    # on their way: still reserved and still in the lot's quantity until receipt
    masks = _fresh(Lot, donations["masks"].id)
    assert (masks.quantity, masks.reserved, masks.shipped) == (1000, 500, 500)
    assert masks.reserved == _reserved_by_packs(masks.id)
    assert reservation_drift() == []
    assert as_user(people["supplier_a"], "post",
                   f"/api/v1/gift-packs/{pack.id}/ship").status_code == 409
    assert _fresh(Lot, donations["masks"].id).shipped == 500  # not counted twice
    r = as_user(people["buyer"], "post", f"/api/v1/gift-packs/{pack.id}/receive")
    assert r.status_code == 200, r.json
    assert (r.json["status"], r.json["received_quantity"]) == ("received", 505)
    masks, alcohol = _fresh(Lot, donations["masks"].id), _fresh(Lot, donations["alcohol"].id)
    assert (masks.quantity, masks.reserved, masks.shipped, masks.status) == (
        500, 0, 500, "active")
    assert (alcohol.quantity, alcohol.reserved, alcohol.shipped) == (15, 0, 5)
    assert masks.reserved == _reserved_by_packs(masks.id) == 0
    assert reservation_drift() == []


def test_receiving_everything_exhausts_the_lot(people, donations, make_pack, as_user):
    pack = _pack(people, donations, make_pack, masks=1000, alcohol=20)
    as_user(people["coordinator"], "post", f"/api/v1/gift-packs/{pack.id}/approve")
    r = as_user(people["coordinator"], "post", f"/api/v1/gift-packs/{pack.id}/ship")
    assert r.status_code == 200
    lot = _fresh(Lot, donations["masks"].id)
    assert (lot.quantity, lot.reserved, lot.shipped, lot.status) == (1000, 1000, 1000, "active")
    r = as_user(people["buyer"], "post", f"/api/v1/gift-packs/{pack.id}/receive")
    assert r.status_code == 200, r.json
    lot = _fresh(Lot, donations["masks"].id)
    assert (lot.quantity, lot.reserved, lot.shipped, lot.status) == (0, 0, 1000, "exhausted")
    entry = db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.action == "lot.exhausted", AuditEntry.entity_id == lot.id))
    assert entry is not None
    assert reservation_drift() == []


def test_short_delivery_is_disputed(people, donations, make_pack, as_user):
    pack = _pack(people, donations, make_pack)
    as_user(people["coordinator"], "post", f"/api/v1/gift-packs/{pack.id}/approve")
    as_user(people["supplier_a"], "post", f"/api/v1/gift-packs/{pack.id}/ship")
    r = as_user(people["buyer"], "post", f"/api/v1/gift-packs/{pack.id}/receive",
                json={"quantity": 1000})
    assert r.status_code == 422
    assert "quantity" in r.json["errors"]
    r = as_user(people["coordinator"], "post", f"/api/v1/gift-packs/{pack.id}/receive", json={})
    assert r.status_code == 403
    r = as_user(people["buyer"], "post", f"/api/v1/gift-packs/{pack.id}/receive",
                json={"quantity": 400, "note": "one box wet"})
    assert r.status_code == 200
    assert (r.json["status"], r.json["received_quantity"], r.json["receipt_note"]) == (
        "disputed", 400, "one box wet")
    # the full 500 packed left the donor's stock; the 100 missing are the coordinator's matter
    masks = _fresh(Lot, donations["masks"].id)
    assert (masks.quantity, masks.reserved, masks.shipped) == (500, 0, 500)
    assert reservation_drift() == []
    notes = db.session.scalars(sa.select(Notification.user_id)).all()
    assert people["coordinator"].id in notes


def test_cancel_releases_the_reservation(people, donations, make_pack, as_user):
    pack = _pack(people, donations, make_pack)
    proposed = _pack(people, donations, make_pack)
    assert as_user(people["coordinator"], "post",
                   f"/api/v1/gift-packs/{proposed.id}/cancel").status_code == 409
    as_user(people["coordinator"], "post", f"/api/v1/gift-packs/{pack.id}/approve")
    assert as_user(people["supplier_a"], "post",
                   f"/api/v1/gift-packs/{pack.id}/cancel").status_code == 403
    r = as_user(people["coordinator"], "post", f"/api/v1/gift-packs/{pack.id}/cancel")
    assert r.status_code == 200
    assert r.json["status"] == "cancelled"
    masks = _fresh(Lot, donations["masks"].id)
    assert (masks.quantity, masks.reserved) == (1000, 0)
    assert masks.reserved == _reserved_by_packs(masks.id)
    assert _fresh(GiftPackApplication, pack.application_id).status == "waiting"


def test_cannot_cancel_a_shipped_pack(people, donations, make_pack, as_user):
    pack = _pack(people, donations, make_pack)
    as_user(people["coordinator"], "post", f"/api/v1/gift-packs/{pack.id}/approve")
    as_user(people["supplier_a"], "post", f"/api/v1/gift-packs/{pack.id}/ship")
    r = as_user(people["coordinator"], "post", f"/api/v1/gift-packs/{pack.id}/cancel")
    assert r.status_code == 409
    masks = _fresh(Lot, donations["masks"].id)
    assert (masks.quantity, masks.reserved, masks.shipped) == (1000, 500, 500)


def test_pack_list_visibility(people, donations, make_pack, as_user):
    approved = _pack(people, donations, make_pack)
    proposed = _pack(people, donations, make_pack, masks=10, alcohol=1)
    as_user(people["coordinator"], "post", f"/api/v1/gift-packs/{approved.id}/approve")
    ids = lambda user, q="": [p["id"] for p in as_user(user, "get", f"/api/v1/gift-packs{q}").json]  # noqa: E731
    assert ids(people["coordinator"]) == [proposed.id, approved.id]
    assert ids(people["coordinator"], "?status=proposed") == [proposed.id]
    assert ids(people["coordinator"], f"?run_id={approved.run_id}") == [approved.id]
    assert ids(people["buyer"]) == [approved.id]  # proposals are not shown to companies
    assert ids(people["supplier_a"]) == [approved.id]  # the donor sees what to ship
    assert ids(people["supplier_b"]) == []
    assert as_user(people["buyer"], "get", f"/api/v1/gift-packs/{proposed.id}").status_code == 404
    r = as_user(people["buyer"], "get", f"/api/v1/gift-packs/{approved.id}")
    assert r.status_code == 200
    assert r.json["template"]["name"] == "Reopening pack"
    assert {"lot_id", "item", "quantity"} <= set(r.json["components"][0])
