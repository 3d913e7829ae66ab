"""Companies read only their own lots and needs in reasons; coordinators read everything."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po

from market.allocations import services as allocations
from market.extensions import db
from market.matching.models import Allocation
from market.matching.reason_view import TEMPLATES, visible_reason_texts
from market.matching.runs import start_run
from tests.market.matching.test_reason_text import CATALOGUE, PLACEHOLDER


@pytest.fixture
def contested(people, make_org, make_user, make_lot, make_need):
    """Two suppliers' lots (600 at 1.50, 700 at 2.80) for two tier-1 needs and a tier-3 one."""
    a, b = people["supplier_a_org"], people["supplier_b_org"]
    clinic = make_org(name="Clinic Zeta", roles=("buyer",), sector="medical")
    hospital = make_org(name="Hospital Eta", roles=("buyer",), sector="medical")
    shop = make_org(name="Shop Theta", roles=("buyer",), sector="trade")
    world = {
        "lot_a": make_lot(a, quantity=600, unit_price=Decimal("1.50")),
        "lot_b": make_lot(b, quantity=700, unit_price=Decimal("2.80")),
        "clinic_need": make_need(clinic, quantity=900),
        "hospital_need": make_need(hospital, quantity=100),
        "shop_need": make_need(shop, quantity=500),
        "clinic": clinic, "hospital": hospital, "shop": shop,
        "clinic_user": make_user(clinic), "shop_user": make_user(shop),
    }
    start_run(people["coordinator"])
    for line in db.session.scalars(sa.select(Allocation)).all():
        allocations.approve(people["coordinator"], line.id)
    return world


def _line(lot, need) -> Allocation:
    return db.session.scalars(sa.select(Allocation).where(
        Allocation.lot_id == lot.id, Allocation.need_id == need.id)).one()


def _reasons(client, headers, line_id: int) -> str:
    response = client.get("/api/v1/allocations", headers=headers)
    assert response.status_code == 200
    (row,) = [r for r in response.json if r["id"] == line_id]
    return "\n".join(row["reasons"])


def _found(text: str, *needles: str) -> list[str]:
    """The needles the text contains."""
    return [n for n in needles if n in text]


def _leaks(text: str, lot, need, *companies) -> list[str]:
    """What of another company's lot, need or identity the text contains."""
    found = [f for f in (f"#{lot.id} of ", f"{lot.unit_price:.2f}", f"{need.quantity} units",
                         f"Need {need.id}:") if f in text]
    found += [c.name for c in companies if c.name in text]
    found += [f"company {c.id}," for c in companies if f"company {c.id}," in text]
    return found


def test_a_supplier_reads_no_competitor_or_buyer_data(client, people, token_for, contested):
    lot_a, lot_b = contested["lot_a"], contested["lot_b"]
    clinic_need = contested["clinic_need"]
    line = _line(lot_a, clinic_need)
    mine = _reasons(client, token_for(people["supplier_a"]), line.id)
    assert f"Lot #{lot_a.id} of Supplier A (Surgical mask): 600 units at 1.50" in mine
    assert "Other lots serving this need: 1." in mine
    assert not _found(mine, f"#{lot_b.id} of ", "Supplier B")
    assert not _found(mine, "2.80", "300 units")
    assert not _found(mine, "900", "Filled")  # the buyer's need is the buyer's
    assert contested["clinic"].name not in mine
    assert f"company {contested['clinic'].id}" not in mine
    full = _reasons(client, token_for(people["coordinator"]), line.id)
    assert f"Lot #{lot_b.id} of Supplier B (Surgical mask): 300 units at 2.80" in full
    assert f"900 units of Surgical mask for company {contested['clinic'].name}," in full
    b_line = _line(lot_b, clinic_need)
    theirs = _reasons(client, token_for(people["supplier_b"]), b_line.id)
    assert f"Lot #{lot_b.id} of Supplier B (Surgical mask): 300 units at 2.80" in theirs
    assert not _found(theirs, f"#{lot_a.id} of ", "Supplier A", "1.50", "600")


def test_a_buyer_reads_its_need_and_only_totals_of_others(client, token_for, contested):
    lot_a, lot_b = contested["lot_a"], contested["lot_b"]
    clinic_line = _line(lot_b, contested["clinic_need"])
    clinic = _reasons(client, token_for(contested["clinic_user"]), clinic_line.id)
    assert f"Need {contested['clinic_need'].id}: 900 units" in clinic
    assert "Other lots serving this need: 1, with 600 units." in clinic
    assert "Filled 900 of 900 units" in clinic
    assert not _found(clinic, f"#{lot_a.id} of ", "Supplier A", "1.50")
    shop_line = _line(lot_b, contested["shop_need"])
    shop = _reasons(client, token_for(contested["shop_user"]), shop_line.id)
    assert "200 units unmet (higher_tier)" in shop  # anonymous totals stay
    assert not _leaks(shop, lot_a, contested["clinic_need"], contested["clinic"],
                      contested["hospital"])
    assert f"Need {contested['hospital_need'].id}:" not in shop


def test_csv_exports_filter_reasons_the_same_way(client, people, token_for, contested):
    own = client.get("/api/v1/allocations.csv", headers=token_for(people["supplier_a"]))
    text = own.get_data(as_text=True)
    assert "Other lots serving this need: 1." in text
    assert not _found(text, "2.80", f"#{contested['lot_b'].id} of ", "Supplier B")
    full = client.get("/api/v1/allocations.csv", headers=token_for(people["coordinator"]))
    assert "300 units at 2.80" in full.get_data(as_text=True)


def test_the_company_page_shows_only_its_own_reasons(client, login, people, contested):
    login(people["supplier_a"])
    page = client.get("/allocations/mine").get_data(as_text=True)
    line = _line(contested["lot_a"], contested["clinic_need"])
    assert f'id="reasons-{line.id}"' in page
    assert "Other lots serving this need: 1." in page
    assert not _found(page, "2.80", f"#{contested['lot_b'].id} of ", "Supplier B")
    login(people["coordinator"])
    assert "300 units at 2.80" in client.get("/allocations/proposals?status=approved").get_data(
        as_text=True)


def _stored(msg: str, **args) -> dict:
    return {"msg": msg, "args": args}


def test_prices_and_distances_of_other_lots_and_old_plain_text_are_left_out(app):
    from solver import sentences as s

    line = SimpleNamespace(lot_id=7, buyer_id=2, supplier_id=1, reasons=[
        "Lot 9 was cheaper (Rival Ltd)",
        _stored(s.UNMET_PRICE_CAP, unmet=5, code="price_cap", items="GLOVE", cap="1.00",
                cheapest="1.37"),
        _stored(s.UNMET_DISTANCE, unmet=5, code="distance", items="GLOVE", limit="30",
                closest="41.6"),
    ])
    buyer = SimpleNamespace(is_coordinator=False, organization_id=2)
    coordinator = SimpleNamespace(is_coordinator=True, organization_id=None)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        shown = visible_reason_texts(buyer, line)
        assert shown == [
            "5 units unmet (price_cap): every lot of GLOVE costs more than the price cap of 1.00.",
            "5 units unmet (distance): every lot of GLOVE within the price cap is beyond the "
            "maximum distance of 30 km.",
        ]
        assert visible_reason_texts(SimpleNamespace(is_coordinator=False, organization_id=1),
                                    line) == []
        assert visible_reason_texts(SimpleNamespace(is_coordinator=False, organization_id=3),
                                    line) == []
        everything = "\n".join(visible_reason_texts(coordinator, line))
        assert _found(everything, "Rival Ltd", "1.37", "41.6") == ["Rival Ltd", "1.37", "41.6"]


def test_every_new_template_has_a_chinese_translation_with_its_own_arguments():
    with CATALOGUE.open("rb") as po:
        catalogue = {m.id: m for m in read_po(po) if m.id}
    for template in TEMPLATES:
        message = catalogue.get(template)
        assert message is not None, template
        assert message.string, template
        assert set(PLACEHOLDER.findall(message.string)) <= set(PLACEHOLDER.findall(template))
