"""Helpers of the stock-lot tests."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest

from market.extensions import db
from tests.factories import AllocationFactory, GiftPackFactory, NeedFactory
from tests.rows import count_rows

HEADER = "item,quantity,kind,unit_price,latitude,longitude,address,available_until"


@pytest.fixture
def lot_count(app) -> Callable[[], int]:
    """How many lots the database holds."""
    from market.lots.models import Lot

    return lambda: count_rows(Lot)


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
def hold(people) -> Callable[..., None]:
    """Reserve units of a lot the way approval does: an allocation (or a gift pack) in
    `status` drawing `quantity` from it, and the lot's counters to match."""

    def make(lot, quantity: int, status: str = "approved", pack: bool = False) -> None:
        buyer = people["buyer_org"]
        if pack:
            GiftPackFactory(organization=buyer, lines=[(lot, quantity)], status=status)
        else:
            need = NeedFactory(organization=buyer, item=lot.item, quantity=quantity,
                               allocated=quantity)
            AllocationFactory(lot=lot, need=need, quantity=quantity, status=status)
        lot.reserved += quantity
        if status == "shipped":
            lot.shipped += quantity
        db.session.commit()

    return make
