"""CSV import (all or nothing, every bad row reported) and CSV export of lots."""

import csv
import io

import pytest
import sqlalchemy as sa

from market.extensions import db
from market.lots.models import Lot
from tests.market.lots.conftest import HEADER, csv_file

GOOD_ROWS = (
    "MASK-SURGICAL,1000,sale,0.80,,,,",
    "GLOVES-NITRILE,200,donation,,31.25,121.5,Dock 3,2999-01-01T00:00:00+08:00",
    'MASK-KN95,50,sale,3,,,,',
)


def import_as(client, headers, body):
    return client.post(
        "/api/v1/lots/import", data=body, headers=headers, content_type="multipart/form-data"
    )


def test_good_file_imports_every_row(client, people, catalog, as_user, lot_count):
    response = import_as(client, as_user(people["supplier_a"]), csv_file(*GOOD_ROWS))
    assert response.status_code == 201, response.json
    assert response.json == {"imported": 3, "encoding": "utf-8"}
    lots = db.session.scalars(sa.select(Lot).order_by(Lot.id)).all()
    assert [(lot.item.sku, lot.quantity, lot.kind) for lot in lots] == [
        ("MASK-SURGICAL", 1000, "sale"), ("GLOVES-NITRILE", 200, "donation"),
        ("MASK-KN95", 50, "sale"),
    ]
    assert str(lots[0].unit_price) == "0.80"
    assert lots[0].address == people["supplier_a_org"].address
    assert (lots[1].address, lots[1].latitude) == ("Dock 3", 31.25)
    assert lots[1].unit_price is None
    assert all(lot.organization_id == people["supplier_a_org"].id for lot in lots)


def test_every_bad_row_is_reported_and_nothing_imported(
    client, people, catalog, as_user, lot_count
):
    rows = (
        "MASK-SURGICAL,1000,sale,0.80,,,,",        # line 2: good
        "MASK-FFP9,10,sale,1,,,,",                 # line 3: unknown SKU
        "MASK-KN95,-4,sale,1,,,,",                 # line 4: negative quantity
        "MASK-KN95,12.5,sale,1,,,,",               # line 5: not whole
        "GLOVES-NITRILE,5,donation,2.00,,,,",      # line 6: donation with price
        "GLOVES-NITRILE,5,sale,,,,,",              # line 7: sale without price
        "MASK-CIVIL,5,gift,,,,,",                  # line 8: bad kind
        "MASK-CIVIL,0,sale,1,,,,",                 # line 9: zero
        "MASK-CIVIL,5,sale,1,95,121,,",            # line 10: latitude out of range
        "MASK-CIVIL,5,sale,1,,,,2020-01-01T00:00:00+00:00",  # line 11: in the past
        "MASK-CIVIL,5,sale",                       # line 12: too few values
        ",5,sale,1,,,,",                           # line 13: item missing
    )
    response = import_as(client, as_user(people["supplier_a"]), csv_file(*rows))
    assert response.status_code == 422
    assert response.json["code"] == 422
    reported = {(e["line"], e["field"]) for e in response.json["errors"]["rows"]}
    assert reported == {
        (3, "item"), (4, "quantity"), (5, "quantity"), (6, "unit_price"), (7, "unit_price"),
        (8, "kind"), (9, "quantity"), (10, "latitude"), (11, "available_until"), (12, "row"),
        (13, "item"),
    }
    assert all(e["message"] for e in response.json["errors"]["rows"])
    assert lot_count() == 0


def test_wrong_header_is_reported_on_line_one(client, people, catalog, as_user, lot_count):
    body = csv_file("MASK-SURGICAL,5,sale", header="sku,qty,kind")
    response = import_as(client, as_user(people["supplier_a"]), body)
    assert response.status_code == 422
    [error] = response.json["errors"]["rows"]
    assert (error["line"], error["field"]) == (1, "header")
    assert lot_count() == 0


def test_header_may_have_another_order_spaces_and_a_bom(client, people, catalog, as_user):
    header = " quantity,item,kind,unit_price,latitude,longitude,address,available_until"
    text = "\ufeff" + header + "\n7,MASK-KN95,sale,1,,,,\n\n"
    body = {"file": (io.BytesIO(text.encode()), "lots.csv")}
    response = import_as(client, as_user(people["supplier_a"]), body)
    assert response.status_code == 201, response.json
    assert response.json == {"imported": 1, "encoding": "utf-8-sig"}


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (HEADER.encode() + b"\n", "no rows"),
        (HEADER.encode() + b"\nMASK-KN95,5,sale,1,,,\xff\xfe,\n", "UTF-8"),
    ],
)
def test_unusable_files_are_refused(client, people, catalog, as_user, lot_count, content, needle):
    body = {"file": (io.BytesIO(content), "lots.csv")}
    response = import_as(client, as_user(people["supplier_a"]), body)
    assert response.status_code == 422
    assert needle in response.json["errors"]["file"][0]
    assert lot_count() == 0


def test_missing_file_is_refused(client, people, catalog, as_user):
    response = import_as(client, as_user(people["supplier_a"]), {})
    assert response.status_code == 422
    assert "file" in response.json["errors"]


def test_too_many_rows_are_refused(app, client, people, catalog, as_user, lot_count):
    app.config["LOTS_IMPORT_MAX_ROWS"] = 2
    body = csv_file(*GOOD_ROWS)
    response = import_as(client, as_user(people["supplier_a"]), body)
    assert response.status_code == 422
    assert "more than 2 rows" in response.json["errors"]["file"][0]
    assert lot_count() == 0


def test_import_is_for_verified_suppliers(client, people, catalog, as_user, lot_count):
    response = import_as(client, as_user(people["buyer"]), csv_file(*GOOD_ROWS))
    assert response.status_code == 403
    assert import_as(client, {}, csv_file(*GOOD_ROWS)).status_code == 401
    assert lot_count() == 0


def test_coordinator_imports_for_a_company(client, people, catalog, as_user):
    org = people["supplier_b_org"]
    body = {**csv_file(*GOOD_ROWS), "organization_id": str(org.id)}
    response = import_as(client, as_user(people["coordinator"]), body)
    assert response.status_code == 201, response.json
    lots = db.session.scalars(sa.select(Lot)).all()
    assert {lot.organization_id for lot in lots} == {org.id}
    assert {lot.entered_by_id for lot in lots} == {people["coordinator"].id}


def read_csv(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_export_has_a_header_and_only_visible_lots(client, people, make_lot, as_user):
    mine = make_lot(people["supplier_a_org"], quantity=70, reserved=20, unit_price=2)
    make_lot(people["supplier_a_org"], item="GLOVES-NITRILE", kind="donation")
    make_lot(people["supplier_b_org"], unit_price=9)
    response = client.get("/api/v1/lots.csv", headers=as_user(people["supplier_a"]))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.get_data().decode("utf-8-sig").splitlines()[0].startswith("id,organization_id,")
    rows = read_csv(response)
    assert {r["organization"] for r in rows} == {"Supplier A"}
    row = next(r for r in rows if r["id"] == str(mine.id))
    assert (row["item"], row["quantity"], row["reserved"], row["available"]) == (
        "MASK-SURGICAL", "70", "20", "50",
    )
    assert row["unit_price"] == "2.00"
    assert "9.00" not in response.get_data().decode("utf-8-sig")
    donations = client.get("/api/v1/lots.csv?kind=donation", headers=as_user(people["supplier_a"]))
    filtered = read_csv(donations)
    assert [r["item"] for r in filtered] == ["GLOVES-NITRILE"]


def test_coordinator_export_has_every_lot(client, people, make_lot, as_user):
    make_lot(people["supplier_a_org"])
    make_lot(people["supplier_b_org"], address="=HYPERLINK(\"x\")")
    rows = read_csv(client.get("/api/v1/lots.csv", headers=as_user(people["coordinator"])))
    assert {r["organization"] for r in rows} == {"Supplier A", "Supplier B"}
    assert any(r["address"].startswith("'=") for r in rows)  # no formula in spreadsheets


def test_export_of_nothing_is_just_the_header(client, people, catalog, as_user):
    response = client.get("/api/v1/lots.csv", headers=as_user(people["supplier_a"]))
    assert response.get_data().decode("utf-8-sig").strip().split(",")[0] == "id"
    assert read_csv(response) == []


def test_export_needs_a_login(client, catalog):
    assert client.get("/api/v1/lots.csv").status_code == 401
