"""Stock-lot pages: list, new (with hotline intake), edit, buttons, import, CSRF, escaping."""

import io
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from market.extensions import db
from market.lots.models import Lot
from tests.market.lots.conftest import HEADER

FORM = {"item": "MASK-SURGICAL", "quantity": "300", "kind": "sale", "unit_price": "1.25"}


def text(response) -> str:
    return response.get_data(as_text=True)


def test_supplier_lists_a_lot_through_the_form(client, people, catalog, login):
    login(people["supplier_a"])
    form = client.get("/lots/new")
    page = text(form)
    for element in ("lot-form", "lot-item", "lot-quantity", "lot-kind", "lot-unit-price",
                    "lot-submit"):
        assert f'id="{element}"' in page
    assert "defaults to your company address" in page
    assert 'id="lot-organization"' not in page  # only coordinators pick a company
    body = dict(FORM, available_until="2999-06-01T20:00")
    response = client.post("/lots/new", data=body)
    assert response.status_code == 302
    lot = db.session.scalar(sa.select(Lot))
    assert (lot.quantity, str(lot.unit_price), lot.organization_id) == (
        300, "1.25", people["supplier_a_org"].id,
    )
    # The form's local time (Asia/Shanghai, UTC+8) is stored in UTC.
    assert lot.available_until == datetime(2999, 6, 1, 12, 0, tzinfo=UTC)
    assert lot.address == people["supplier_a_org"].address


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": "-5"}, "lot-quantity"),
        ({"quantity": "0"}, "lot-quantity"),
        ({"quantity": ""}, "lot-quantity"),
        ({"quantity": "many"}, "lot-quantity"),
        ({"quantity": str(10**9 + 1)}, "lot-quantity"),
        ({"kind": "donation"}, "lot-unit-price"),
        ({"unit_price": ""}, "lot-unit-price"),
        ({"unit_price": "-1"}, "lot-unit-price"),
        ({"item": "MASK-FFP9"}, "lot-item"),
        ({"latitude": "31.2"}, "lot-longitude"),
        ({"available_until": "2001-01-01T10:00"}, "lot-available-until"),
    ],
)
def test_form_errors_are_shown_next_to_the_field(client, people, catalog, login, change, field):
    login(people["supplier_a"])
    response = client.post("/lots/new", data={**FORM, **change})
    assert response.status_code == 200
    assert f'id="{field}-error"' in text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lot)) == 0


def test_coordinator_enters_a_lot_for_a_company(client, people, catalog, login):
    login(people["coordinator"])
    org = people["supplier_b_org"]
    page = text(client.get(f"/lots/new?organization_id={org.id}"))
    assert 'id="lot-organization"' in page
    assert "Buyer C" not in page  # only verified suppliers are offered
    response = client.post("/lots/new", data=dict(FORM, organization_id=str(org.id)))
    assert response.status_code == 302
    lot = db.session.scalar(sa.select(Lot))
    assert (lot.organization_id, lot.entered_by_id) == (org.id, people["coordinator"].id)
    listing = text(client.get("/lots/"))
    assert people["coordinator"].email in listing
    assert "Supplier B" in listing


def test_list_shows_columns_buttons_and_only_own_lots(client, people, make_lot, login):
    mine = make_lot(people["supplier_a_org"], quantity=100, reserved=40)
    paused = make_lot(
        people["supplier_a_org"], status="paused", available_until=datetime(2999, 1, 2, tzinfo=UTC)
    )
    theirs = make_lot(people["supplier_b_org"], unit_price=77)
    login(people["supplier_a"])
    page = text(client.get("/lots/"))
    assert 'id="lots-table"' in page
    assert f'id="lot-{mine.id}"' in page
    assert f'id="lot-{theirs.id}"' not in page
    assert "77.00" not in page
    assert f'id="pause-lot-{mine.id}"' in page
    assert f'id="resume-lot-{paused.id}"' in page
    assert f'id="withdraw-lot-{mine.id}"' in page
    assert f'id="edit-lot-{mine.id}"' in page
    assert ">60<" in page  # available = 100 - 40 reserved
    assert "2999-01-02 08:00" in page  # the deadline in the district's time (UTC+8)
    assert 'id="export-lots"' in page
    assert "/api/v1/lots.csv" in page


def test_list_filters_and_pages(client, people, make_lot, login):
    for _ in range(3):
        make_lot(people["supplier_a_org"])
    gloves = make_lot(people["supplier_a_org"], item="GLOVES-NITRILE")
    login(people["supplier_a"])
    page = text(client.get("/lots/?item=GLOVES-NITRILE"))
    assert page.count('<tr id="lot-') == 1
    assert f'id="lot-{gloves.id}"' in page
    assert "lots.csv?item=GLOVES-NITRILE" in page
    paged = text(client.get("/lots/?per_page=2"))
    assert paged.count('<tr id="lot-') == 2
    assert 'id="page-next"' in paged
    ignored = client.get("/lots/?status=nonsense")
    assert ignored.status_code == 200
    assert text(ignored).count('<tr id="lot-') == 4


def test_empty_state(client, people, catalog, login):
    login(people["supplier_a"])
    page = text(client.get("/lots/"))
    assert 'class="empty"' in page
    assert 'id="lots-table"' not in page


def test_edit_raises_and_refuses_below_reserved(client, people, make_lot, login):
    lot = make_lot(people["supplier_a_org"], quantity=100, reserved=40)
    login(people["supplier_a"])
    assert 'value="100"' in text(client.get(f"/lots/{lot.id}/edit"))
    refused = client.post(f"/lots/{lot.id}/edit", data={"quantity": "39", "unit_price": "1.00"})
    assert refused.status_code == 200
    assert 'id="lot-quantity-error"' in text(refused)
    db.session.expire_all()
    assert db.session.get(Lot, lot.id).quantity == 100
    saved = client.post(f"/lots/{lot.id}/edit", data={"quantity": "150", "unit_price": "0.90"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert (lot.quantity, str(lot.unit_price)) == (150, "0.90")


def test_pause_resume_and_withdraw_buttons(client, people, make_lot, login):
    lot = make_lot(people["supplier_a_org"])
    login(people["supplier_a"])
    client.post(f"/lots/{lot.id}/pause")
    db.session.expire_all()
    assert lot.status == "paused"
    client.post(f"/lots/{lot.id}/resume")
    db.session.expire_all()
    assert lot.status == "active"
    client.post(f"/lots/{lot.id}/withdraw")
    db.session.expire_all()
    assert lot.status == "withdrawn"


def test_withdraw_with_reservation_is_refused_with_a_message(
    client, people, make_lot, login, hold
):
    lot = make_lot(people["supplier_a_org"])
    hold(lot, 10)
    login(people["supplier_a"])
    response = client.post(f"/lots/{lot.id}/withdraw", follow_redirects=True)
    assert "reserved" in text(response)
    db.session.expire_all()
    assert lot.status == "active"


def upload(client, content: str, **extra):
    data = {"file": (io.BytesIO(content.encode()), "lots.csv"), **extra}
    return client.post("/lots/import", data=data, content_type="multipart/form-data")


def test_import_page_imports_a_good_file(client, people, catalog, login):
    login(people["supplier_a"])
    assert 'id="import-form"' in text(client.get("/lots/import"))
    response = upload(client, HEADER + "\nMASK-KN95,5,sale,1,,,,\nMASK-CIVIL,9,donation,,,,,\n")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lot)) == 2


def test_import_page_lists_every_bad_row(client, people, catalog, login):
    login(people["supplier_a"])
    rows = "\nMASK-KN95,5,sale,1,,,,\nNOPE,5,sale,1,,,,\nMASK-KN95,x,sale,1,,,,\n"
    response = upload(client, HEADER + rows)
    page = text(response)
    assert response.status_code == 200
    assert 'id="import-errors"' in page
    assert 'class="num">3</td>' in page
    assert 'class="num">4</td>' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lot)) == 0


def test_import_page_shows_a_file_problem_next_to_the_field(client, people, catalog, login):
    login(people["supplier_a"])
    response = upload(client, "")
    assert 'id="import-file-error"' in text(response)


def test_company_names_are_escaped(client, people, make_org, make_lot, login):
    org = make_org(name="<script>alert(1)</script>", roles=("supplier",))
    make_lot(org)
    login(people["coordinator"])
    page = text(client.get("/lots/"))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


class TestCsrf:
    """With CSRF on, posts without a token are refused and change nothing."""

    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_new_lot_without_token(self, client, people, catalog, login):
        login(people["supplier_a"])
        assert client.post("/lots/new", data=FORM).status_code == 400
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Lot)) == 0

    def test_withdraw_without_token(self, client, people, make_lot, login):
        lot = make_lot(people["supplier_a_org"])
        login(people["supplier_a"])
        assert client.post(f"/lots/{lot.id}/withdraw").status_code == 400
        db.session.expire_all()
        assert lot.status == "active"

    def test_bearer_api_needs_no_token(self, client, people, catalog, token_for):
        body = {"item": "MASK-KN95", "quantity": 5, "kind": "sale", "unit_price": 1}
        response = client.post("/api/v1/lots", json=body, headers=token_for(people["supplier_a"]))
        assert response.status_code == 201
