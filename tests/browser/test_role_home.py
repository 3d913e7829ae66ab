"""Each role's home page says what needs doing, and a received gift pack counts in the totals
(issue 12, points 8, 10 and 11), in a real browser.

A proposed gift pack of 1,200 donated masks goes round the three roles from their home pages:
the coordinator's home lists it for approval, the donor's home then lists it to ship, the
recipient's home lists it to confirm; once received, the home page's "Units delivered" and the
coordinator's dashboard count its 1,200 units, with thousands separators. A company still
waiting for verification sees its filing status instead, and no way to post a need. Run in
English on a laptop and in Chinese on a phone (where the links sit behind the menu).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from market.extensions import db
from market.giftpacks.models import (
    GiftPack,
    GiftPackApplication,
    GiftPackComponent,
    GiftPackTemplate,
    TemplateContent,
)
from market.matching.models import MatchRun

from .helpers import LAPTOP, LOCALES, PASSWORD, PHONE, Ui, expect_flash, fresh, log_in, set_width

pytestmark = pytest.mark.browser

PACK_UNITS = 1_200


@pytest.fixture
def pack_world(make_org, make_user, make_lot, catalog) -> dict:
    """A coordinator, a donor, a recipient with a proposed pack, and a pending company."""
    donor = make_org(name="Donor Co", roles=("supplier",))
    recipient = make_org(name="Recipient Clinic", roles=("buyer",), sector="medical")
    pending = make_org(name="Pending Shop", roles=("buyer",), status="pending")
    lot = make_lot(donor, quantity=5_000, kind="donation")
    template = GiftPackTemplate(name="Reopening pack", active=True)
    template.contents = [TemplateContent(item=catalog["MASK-SURGICAL"], quantity=PACK_UNITS)]
    run = MatchRun(trigger="manual", status="completed")
    application = GiftPackApplication(organization_id=recipient.id, status="assigned")
    db.session.add_all([template, run, application])
    db.session.flush()
    pack = GiftPack(run_id=run.id, template_id=template.id, application_id=application.id,
                    organization_id=recipient.id, status="proposed")
    pack.components = [GiftPackComponent(lot_id=lot.id, item_id=lot.item_id, quantity=PACK_UNITS)]
    db.session.add(pack)
    emails = {
        "coordinator": make_user(None, role="coordinator", email="home-coord@example.com",
                                 password=PASSWORD).email,
        "supplier": make_user(donor, email="home-donor@example.com", password=PASSWORD).email,
        "buyer": make_user(recipient, email="home-clinic@example.com", password=PASSWORD).email,
        "pending": make_user(pending, email="home-pending@example.com", password=PASSWORD).email,
    }
    world = {"emails": emails, "pack": pack.id, "pending_name": pending.name}
    db.session.commit()  # hold no read transaction while the server writes
    return world


def open_task(page: Page, ui: Ui, key: str, label: str, count: str) -> None:
    """On the home page, the to-do line `key` shows `count` and `label`; follow its link."""
    page.locator(".topbar .brand").click()  # the name in the header leads home
    task = page.locator(f"#todo-{key}")
    expect(task).to_contain_text(ui.t(label))
    expect(task.locator("strong")).to_have_text(count)
    task.get_by_role("link").click()


def nothing_waits(page: Page, ui: Ui) -> None:
    """The home page says nothing is waiting for this person."""
    page.locator(".topbar .brand").click()
    expect(page.locator("#home-nothing")).to_have_text(ui.t("Nothing is waiting for you."))
    expect(page.locator("#home-tasks")).to_have_count(0)


@pytest.mark.parametrize(("locale", "width"), [("en", LAPTOP), ("zh", PHONE)],
                         ids=["en-laptop", "zh-phone"])
def test_role_homes_lead_a_gift_pack_to_receipt_and_the_totals_count_it(
        new_page, pack_world, locale, width):
    ui = Ui(locale)
    pack_id = pack_world["pack"]
    pages = {}
    for role, email in pack_world["emails"].items():
        pages[role] = new_page(LOCALES[locale])
        set_width(pages[role], width)
        log_in(pages[role], email)

    anonymous = new_page(LOCALES[locale])
    set_width(anonymous, width)
    anonymous.goto("/")
    expect(anonymous.locator("#home-todo")).to_have_count(0)  # a visitor has nothing to do
    expect(anonymous.locator("#home-delivered")).to_have_text("0")

    office = pages["coordinator"]
    open_task(office, ui, "packs", "proposed gift packs waiting for approval", "1")
    office.locator(f"#approve-pack-{pack_id}").click()
    expect_flash(office, ui.t("Gift pack %(id)s approved.", id=pack_id))
    office.locator(".topbar .brand").click()
    expect(office.locator("#todo-packs")).to_have_count(0)
    filings = office.locator("#todo-filings")  # the pending company's filing still waits
    expect(filings).to_contain_text(ui.t("company filings waiting for verification"))
    expect(filings.locator("strong")).to_have_text("1")

    donor = pages["supplier"]
    open_task(donor, ui, "ship_packs", "approved gift packs to ship", "1")
    donor.locator(f"#ship-pack-{pack_id}").click()
    expect_flash(donor, ui.t("Gift pack %(id)s marked shipped.", id=pack_id))
    nothing_waits(donor, ui)

    clinic = pages["buyer"]
    open_task(clinic, ui, "confirm_packs", "gift packs to confirm on receipt", "1")
    expect(clinic.locator(f"#pack-components-{pack_id}")).to_contain_text(f"{PACK_UNITS:,}")
    clinic.locator(f"#receive-pack-{pack_id}").click()
    expect_flash(clinic, ui.t("Receipt of gift pack %(id)s confirmed.", id=pack_id))
    nothing_waits(clinic, ui)
    assert fresh(GiftPack, pack_id).status == "received"

    # The received pack counts in the public totals and the dashboard, with separators.
    anonymous.goto("/")
    expect(anonymous.locator("#home-delivered")).to_have_text(f"{PACK_UNITS:,}")
    masks = anonymous.locator("#public-totals tbody tr", has_text="MASK-SURGICAL")
    expect(masks.locator("td.num").nth(2)).to_have_text(f"{PACK_UNITS:,}")  # delivered
    office.goto("/reports/")
    expect(office.locator("#card-received .stat")).to_have_text(f"{PACK_UNITS:,}")

    # A company still waiting for verification sees its filing, and no way to post a need.
    waiting = pages["pending"]
    waiting.goto("/")
    expect(waiting.locator("#home-filing")).to_contain_text(pack_world["pending_name"])
    expect(waiting.locator("#home-filing")).to_contain_text(ui.t(
        "%(name)s is waiting for a district coordinator to verify its filing. Until then you "
        "cannot list stock, post needs or apply for gift packs; you will be told as soon as it "
        "is decided.", name=pack_world["pending_name"]))
    expect(waiting.locator("#home-tasks")).to_have_count(0)
    expect(waiting.get_by_text(ui.t("Post a need"), exact=True)).to_have_count(0)
    waiting.goto("/needs/")
    expect(waiting.locator("#new-need")).to_have_count(0)
    expect(waiting.locator("#new-need-closed")).to_have_text(
        ui.t("Only verified buyers can post needs."))
