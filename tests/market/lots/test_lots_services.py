"""Service rules other areas rely on: exhaustion after shipping, restocking."""

import pytest
import sqlalchemy as sa

from market.audit.models import AuditEntry
from market.common.errors import NotAuthenticated, NotFound
from market.extensions import db
from market.lots import services


def test_a_lot_with_nothing_left_becomes_exhausted(people, make_lot):
    lot = make_lot(people["supplier_a_org"], quantity=0, shipped=100)
    assert services.mark_exhausted_if_empty(people["supplier_a"], lot) is True
    db.session.commit()
    assert lot.status == "exhausted"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "lot.exhausted"))
    assert (entry.before["status"], entry.after["status"]) == ("active", "exhausted")


def test_a_lot_with_stock_or_withdrawn_is_left_alone(people, make_lot):
    assert services.mark_exhausted_if_empty(None, make_lot(people["supplier_a_org"])) is False
    withdrawn = make_lot(people["supplier_a_org"], quantity=0, status="withdrawn")
    assert services.mark_exhausted_if_empty(None, withdrawn) is False
    assert withdrawn.status == "withdrawn"


def test_an_exhausted_lot_is_restocked_by_raising_its_quantity(people, make_lot):
    lot = make_lot(people["supplier_a_org"], quantity=0, status="exhausted")
    services.update_lot(people["supplier_a"], lot.id, {"quantity": 50})
    db.session.expire_all()
    assert (lot.quantity, lot.status) == (50, "active")


def test_the_service_checks_access_itself(people, make_lot):
    lot = make_lot(people["supplier_a_org"])
    with pytest.raises(NotFound):
        services.update_lot(people["supplier_b"], lot.id, {"quantity": 1})
    with pytest.raises(NotAuthenticated):
        services.withdraw_lot(None, lot.id)
