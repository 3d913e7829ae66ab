"""Helpers of the stock-lot tests."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from market.extensions import db

HEADER = "item,quantity,kind,unit_price,latitude,longitude,address,available_until"


@pytest.fixture
def lot_count(app) -> Callable[[], int]:
    """How many lots the database holds."""
    from market.lots.models import Lot

    def count() -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(Lot)) or 0

    return count


@pytest.fixture
def as_user(token_for) -> Callable[[Any], dict[str, str]]:
    """Bearer headers for a user, or none for an anonymous caller."""

    def headers(user) -> dict[str, str]:
        return {} if user is None else token_for(user)

    return headers


def csv_file(*rows: str, header: str = HEADER) -> dict[str, Any]:
    """A multipart body with a CSV file under `file`."""
    text = "\n".join((header, *rows)) + "\n"
    return {"file": (io.BytesIO(text.encode()), "lots.csv")}


@pytest.fixture
def hold(people, make_need) -> Callable[..., None]:
    """Reserve units of a lot the way approval does: an allocation (or a gift pack) in
    `status` drawing `quantity` from it, and the lot's counters to match."""
    from decimal import Decimal

    from market.giftpacks.models import (
        GiftPack,
        GiftPackApplication,
        GiftPackComponent,
        GiftPackTemplate,
    )
    from market.matching.models import Allocation, MatchRun

    def make(lot, quantity: int, status: str = "approved", pack: bool = False) -> None:
        run = MatchRun(trigger="manual", status="completed")
        db.session.add(run)
        db.session.flush()
        buyer = people["buyer_org"]
        if pack:
            template = GiftPackTemplate(name=f"Pack {run.id}")
            application = GiftPackApplication(organization_id=buyer.id, status="assigned")
            db.session.add_all([template, application])
            db.session.flush()
            row = GiftPack(run_id=run.id, template_id=template.id, application_id=application.id,
                           organization_id=buyer.id, status=status)
            row.components = [GiftPackComponent(lot_id=lot.id, item_id=lot.item_id,
                                                quantity=quantity)]
        else:
            need = make_need(buyer, quantity=quantity, allocated=quantity)
            row = Allocation(
                run_id=run.id, lot_id=lot.id, need_id=need.id, item_id=lot.item_id,
                supplier_id=lot.organization_id, buyer_id=buyer.id, quantity=quantity,
                unit_price=lot.unit_price or Decimal("0"), distance_km=1.0,
                tier=buyer.tier, fill_rate=1.0, reasons=[], status=status,
            )
        db.session.add(row)
        lot.reserved += quantity
        if status == "shipped":
            lot.shipped += quantity
        db.session.commit()

    return make
