"""Shared input fields: whole quantities and two-decimal money, with errors naming the value."""

import marshmallow as ma
import pytest
import sqlalchemy as sa

from market.common.schemas import Money, Quantity
from market.extensions import db


class _Input(ma.Schema):
    quantity = Quantity()
    price = Money()


@pytest.mark.parametrize(
    ("value", "message"),
    [(-3, "got -3"), (0, "got 0"), (10**9 + 1, "got 1000000001"), ("5", "got '5'"),
     (2.5, "got 2.5"), (True, "got True")],
)
def test_quantity_refuses_what_is_not_a_whole_number_in_range(value, message):
    with pytest.raises(ma.ValidationError) as err:
        _Input().load({"quantity": value})
    assert message in err.value.messages["quantity"][0]


@pytest.mark.parametrize("value", ["1.234", "0.001", "abc", "NaN", -1, True])
def test_money_refuses_bad_amounts_instead_of_rounding(value):
    with pytest.raises(ma.ValidationError) as err:
        _Input().load({"price": value})
    assert "price" in err.value.messages


def test_money_reads_strings_and_numbers_and_answers_two_decimals():
    loaded = _Input().load({"price": 2.5})
    assert _Input().dump(loaded) == {"price": "2.50"}
    assert _Input().dump(_Input().load({"price": "3"})) == {"price": "3.00"}


def test_a_price_with_three_decimals_is_refused_and_nothing_is_written(
    client, people, token_for, catalog
):
    from market.lots.models import Lot

    response = client.post(
        "/api/v1/lots",
        json={"item": "MASK-SURGICAL", "quantity": 10, "kind": "sale", "unit_price": "1.234"},
        headers=token_for(people["supplier_a"]),
    )
    assert response.status_code == 422
    assert "unit_price" in response.json["errors"]
    assert "1.234" in response.json["message"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lot)) == 0
