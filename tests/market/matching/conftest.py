"""Fixtures of the matching tests: a small hand-built market."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.rows import count_rows as count  # noqa: F401 - imported by the matching tests


@pytest.fixture
def small_market(make_org, make_lot, make_need) -> dict[str, Any]:
    """One supplier with 300 surgical masks; a tier-1 clinic wants 200, a tier-3 trader 200.

    The optimum serves the clinic fully (200) and gives the trader the rest (100).
    """
    supplier = make_org(name="Mask Trader", roles=("supplier",), sector="trade")
    clinic = make_org(name="Clinic", roles=("buyer",), sector="medical")
    trader = make_org(name="Shop", roles=("buyer",), sector="trade")
    lot = make_lot(supplier, quantity=300, unit_price=Decimal("1.50"))
    clinic_need = make_need(clinic, quantity=200)
    trader_need = make_need(trader, quantity=200)
    return {"supplier": supplier, "clinic": clinic, "trader": trader, "lot": lot,
            "clinic_need": clinic_need, "trader_need": trader_need}
