"""CSV files as Chinese offices have them: UTF-8 with or without BOM, GB18030/GBK, a template."""

import csv
import io

import sqlalchemy as sa

from market.extensions import db
from market.lots.csv_io import IMPORT_COLUMNS
from market.lots.models import Lot
from tests.market.lots.conftest import HEADER

ADDRESS = "青岛市市南区香港中路10号 仓库3"
ROWS = f"{HEADER}\nMASK-SURGICAL,1000,sale,0.80,36.06,120.38,{ADDRESS},\n"


def _post(client, headers, raw: bytes):
    return client.post("/api/v1/lots/import", data={"file": (io.BytesIO(raw), "lots.csv")},
                       headers=headers, content_type="multipart/form-data")


def _addresses() -> list[str]:
    return list(db.session.scalars(sa.select(Lot.address)))


def test_gbk_file_with_chinese_address_is_read_as_gb18030(client, people, catalog, as_user):
    raw = ROWS.encode("gbk")
    assert raw.decode("gbk") == ROWS  # real GBK bytes, which are not valid UTF-8
    response = _post(client, as_user(people["supplier_a"]), raw)
    assert response.status_code == 201, response.json
    assert response.json == {"imported": 1, "encoding": "gb18030"}
    assert _addresses() == [ADDRESS]


def test_utf8_with_and_without_bom_are_named(client, people, catalog, as_user):
    headers = as_user(people["supplier_a"])
    with_bom = _post(client, headers, b"\xef\xbb\xbf" + ROWS.encode("utf-8"))
    plain = _post(client, headers, ROWS.encode("utf-8"))
    assert (with_bom.json["encoding"], plain.json["encoding"]) == ("utf-8-sig", "utf-8")
    assert _addresses() == [ADDRESS, ADDRESS]  # the BOM did not end up in the header


def test_bytes_neither_utf8_nor_gb18030_are_refused(client, people, catalog, as_user):
    raw = HEADER.encode() + b"\nMASK-SURGICAL,10,sale,1,,,\x80\xff,\n"
    response = _post(client, as_user(people["supplier_a"]), raw)
    assert response.status_code == 422
    assert "GB18030" in str(response.json["errors"]["file"])
    assert _addresses() == []


def test_import_page_says_which_encoding_it_read(client, people, catalog, login):
    login(people["supplier_a"])
    data = {"file": (io.BytesIO(ROWS.encode("gb18030")), "lots.csv")}
    response = client.post("/lots/import", data=data, content_type="multipart/form-data",
                           follow_redirects=True)
    assert "GB18030/GBK" in response.get_data(as_text=True)
    assert _addresses() == [ADDRESS]


def test_import_page_links_the_template(client, people, login):
    login(people["supplier_a"])
    page = client.get("/lots/import").get_data(as_text=True)
    assert 'href="/lots/import/template.csv"' in page


def test_template_has_header_and_sample_row_in_the_users_language(client, people, catalog, login):
    login(people["supplier_a"])
    english = client.get("/lots/import/template.csv?lang=en").get_data()
    chinese = client.get("/lots/import/template.csv?lang=zh").get_data()
    assert english.startswith(b"\xef\xbb\xbf")
    assert chinese.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(chinese.decode("utf-8-sig"))))
    assert rows[0] == list(IMPORT_COLUMNS)
    assert "青岛" in rows[1][IMPORT_COLUMNS.index("address")]
    assert "Qingdao" in english.decode("utf-8-sig")


def test_the_template_imports_as_it_is(client, people, catalog, as_user):
    headers = as_user(people["supplier_a"])
    template = client.get("/api/v1/lots/import-template.csv", headers=headers)
    assert template.status_code == 200
    response = _post(client, headers, template.get_data())
    assert response.status_code == 201, response.json
    assert response.json == {"imported": 1, "encoding": "utf-8-sig"}


def test_export_is_utf8_with_bom_and_keeps_chinese(client, people, catalog, as_user):
    headers = as_user(people["supplier_a"])
    _post(client, headers, ROWS.encode("gbk"))
    raw = client.get("/api/v1/lots.csv", headers=headers).get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert ADDRESS.encode("utf-8") in raw
