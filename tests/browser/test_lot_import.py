"""The CSV import of lots through the page, and what the lots page then shows (issue 12,
points 2, 4 and 11).

A supplier downloads the template (UTF-8 with BOM, the import's header), saves a file as a
Chinese Excel does (GB18030) and imports it: the page says which encoding it read, the Chinese
text arrives intact, and the lots page shows the amounts with thousands separators and ¥ and
the end time given in UTC as the district's wall clock (+8 h in Qingdao). Run in Chinese on a
phone and in English on a laptop.
"""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from market.extensions import db
from market.lots.csv_io import IMPORT_COLUMNS
from market.lots.models import Lot

from .helpers import (
    LAPTOP,
    LOCALES,
    PASSWORD,
    PHONE,
    Ui,
    click_header,
    expect_flash,
    log_in,
    set_width,
)

pytestmark = pytest.mark.browser

ADDRESS = "青岛市市南区香港中路十号仓库"
ROWS = [
    # item, quantity, kind, unit_price, latitude, longitude, address, available_until (UTC)
    ["MASK-SURGICAL", "12345", "sale", "1234.5", "36.0664", "120.3826", ADDRESS,
     "2030-06-30T10:00:00+00:00"],
    ["GLOVES-NITRILE", "800", "donation", "", "", "", "", ""],
]


@pytest.fixture
def supplier_email(make_org, make_user, catalog) -> str:
    """A verified supplier who can log in."""
    org = make_org(name="Import Co", roles=("supplier",))
    email = make_user(org, email="importer@example.com", password=PASSWORD).email
    db.session.commit()  # hold no read transaction while the server writes
    return email


def gb18030_file() -> bytes:
    """The rows as a Chinese Excel saves "CSV": GB18030 bytes, no BOM."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(IMPORT_COLUMNS)
    writer.writerows(ROWS)
    return text.getvalue().encode("gb18030")


@pytest.mark.parametrize(("locale", "width"), [("zh", PHONE), ("en", LAPTOP)],
                         ids=["zh-phone", "en-laptop"])
def test_import_a_gb18030_file_and_read_the_lots_page(
        new_page, supplier_email, locale, width, tmp_path):
    ui = Ui(locale)
    page = new_page(LOCALES[locale])
    set_width(page, width)
    log_in(page, supplier_email)
    click_header(page, "nav-lots-index")
    page.locator("#import-lots").click()

    with page.expect_download() as download_info:
        page.locator("#import-template").click()
    download = download_info.value
    assert download.suggested_filename == "lots-template.csv"
    raw = (tmp_path / "template.csv")
    download.save_as(raw)
    data = raw.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel opens it right
    template = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert template[0] == list(IMPORT_COLUMNS)
    assert template[1][0] == "MASK-SURGICAL"

    page.locator("#import-form input[type=file]").set_input_files(
        {"name": "lots-gbk.csv", "mimeType": "text/csv", "buffer": gb18030_file()})
    page.locator("#import-submit").click()
    expect_flash(page, ui.t("%(n)s lots imported (the file was read as %(encoding)s).",
                            n=2, encoding="GB18030/GBK"))

    db.session.commit()
    try:
        lots = db.session.scalars(sa.select(Lot).order_by(Lot.id)).all()
        assert [(lot.item.sku, lot.quantity, lot.kind) for lot in lots] == [
            ("MASK-SURGICAL", 12_345, "sale"), ("GLOVES-NITRILE", 800, "donation")]
        assert lots[0].address == ADDRESS  # the Chinese text decoded, not mojibake
        ids = [lot.id for lot in lots]
    finally:
        db.session.commit()

    row = page.locator(f"#lot-{ids[0]}")
    expect(row).to_contain_text("12,345")
    expect(row).to_contain_text("¥1,234.50")
    expect(row).to_contain_text("2030-06-30 18:00")  # 10:00 UTC in Qingdao (UTC+8)
    expect(row).not_to_contain_text("10:00")
    expect(page.locator(f"#lot-{ids[1]}")).to_contain_text("800")
