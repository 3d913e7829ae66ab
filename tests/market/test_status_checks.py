"""Every status column refuses a value its lifecycle does not know (CHECK constraint)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from market.accounts.models import Organization, OrgStatus
from market.extensions import db
from market.lots.models import Lot, LotStatus
from market.matching.models import MatchRun, RunStatus
from market.needs.models import Need, NeedStatus


@pytest.fixture
def rows(people, make_lot, make_need, make_run):
    """One organisation, lot, need and run to spoil."""
    return {
        Organization: people["buyer_org"].id,
        Lot: make_lot(people["supplier_a_org"], quantity=10).id,
        Need: make_need(people["buyer_org"], quantity=5).id,
        MatchRun: make_run().id,
    }


@pytest.mark.parametrize("model", [Organization, Lot, Need, MatchRun])
def test_an_unknown_status_is_refused_by_the_database(rows, model):
    table = model.__table__
    spoil = sa.update(table).where(table.c.id == rows[model]).values(status="bogus")
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(spoil)
    db.session.rollback()


@pytest.mark.parametrize(
    ("model", "enum"),
    [(Organization, OrgStatus), (Lot, LotStatus), (Need, NeedStatus), (MatchRun, RunStatus)],
)
def test_every_known_status_is_accepted(rows, model, enum):
    table = model.__table__
    for status in enum:
        db.session.execute(
            sa.update(table).where(table.c.id == rows[model]).values(status=status.value)
        )
    assert db.session.scalar(sa.select(table.c.status).where(table.c.id == rows[model])) == (
        list(enum)[-1].value
    )
    db.session.rollback()
