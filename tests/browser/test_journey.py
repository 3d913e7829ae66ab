"""The whole marketplace journey through the pages, for every role, in English and Chinese, on a
phone (390 px) and a laptop (1366 px).

A supplier and a buyer register on the register page, a coordinator verifies both on the
filings page, the supplier lists a lot, the buyer posts a need, the coordinator runs matching
and approves the proposal, the supplier ships and the buyer confirms receipt; the buyer then
cancels a spare need through its confirmation dialog. Each person has their own browser
context. Only the catalogue and the coordinator are seeded directly. On a phone every header
link is reached through the collapsed menu, and list rows are cards.

Expected page text is looked up in the app's own message catalogue (`t`), so the same steps
check the English and the Chinese UI, and keep passing as translations are reworded. On the
Chinese pages, no run of English words may be left (outside the data the test typed). The
phone pages of each language are saved in test-artifacts/journey/<lang>/ for a person to see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Page, expect

from market.allocations.services import reservation_drift
from market.extensions import db
from market.lots.models import Lot
from market.matching.models import Allocation
from market.needs.models import Need
from tests.conftest import make_credit_code

from .helpers import (
    LAPTOP,
    LOCALES,
    PASSWORD,
    PHONE,
    Ui,
    click_header,
    english_left,
    expect_flash,
    fresh,
    log_in,
    log_out,
    screenshots,
    set_width,
)

pytestmark = pytest.mark.browser

SKU = "MASK-SURGICAL"
LOT_QUANTITY = 500
NEED_QUANTITY = 200


@dataclass
class Company:
    """What a person types into the register page."""

    email: str
    name: str
    credit_code: str
    roles: str
    sector: str
    subdistrict: str  # a 街道 code of market/places/data/qingdao_shinan.json


def supplier_company(tag: str) -> Company:
    """A supplier filing, unique per `tag`."""
    return Company(
        f"supplier-{tag}@example.com",
        f"Shinan Masks {tag}",
        make_credit_code(501),
        "supplier",
        "manufacturing",
        "370202008",  # 香港中路街道
    )


def buyer_company(tag: str) -> Company:
    """A buyer filing (an elder-care home, tier 1) near the supplier."""
    return Company(
        f"buyer-{tag}@example.com",
        f"Sunshine Elder Home {tag}",
        make_credit_code(502),
        "buyer",
        "elder_care",
        "370202009",  # 金门路街道, about 1.3 km away
    )


@dataclass
class Person:
    """One person's browser page, language and width; `look` checks each page they reach."""

    page: Page
    ui: Ui
    role: str
    width: int
    typed: list[str]  # the data typed in this journey: names, e-mails, addresses
    english: list[str] = field(default_factory=list)

    def look(self, name: str) -> None:
        """After a step: on a Chinese page note any English left; on a phone save the page."""
        if self.ui.locale == "zh":
            left = english_left(self.page, self.typed)
            if left:
                self.english.append(f"{self.role} {name} ({self.page.url}): {left}")
        if self.width == PHONE:
            screenshots(self.page, f"journey/{self.ui.locale}", f"{self.role}-{name}")


def row_id(row, prefix: str) -> int:
    """The record id in a table row's element id (e.g. lot-12 → 12)."""
    return int(row.get_attribute("id").removeprefix(prefix))


def register(person: Person, company: Company) -> None:
    """File a company and its first user on the register page, then log out."""
    page, ui = person.page, person.ui
    page.goto("/register")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN" if ui.locale == "zh" else "en")
    expect(page.locator(f"#lang-{ui.locale}")).to_have_attribute("aria-current", "true")
    person.look("register")
    form = page.locator("#register-form")
    form.locator("#email").fill(company.email)
    form.locator("#password").fill(PASSWORD)
    form.locator("#name").fill(company.name)
    form.locator("#credit_code").fill(company.credit_code)
    form.locator("#roles").select_option(company.roles)
    form.locator("#sector").select_option(company.sector)
    form.locator("#headcount").fill("40")
    form.locator("#address").fill(f"{company.name} Road 1")
    form.locator("#subdistrict").select_option(company.subdistrict)  # no coordinates typed
    form.locator("#phone").fill("13800138000")
    page.locator("#register-submit").click()
    expect_flash(page, ui.t("Your company is filed. A coordinator will verify it soon."))
    expect(page.locator("#company-status .badge")).to_have_text(ui.badge("pending"))
    expect(page.locator("#current-user")).to_have_text(company.email)
    person.look("company-pending")
    log_out(page, ui)


def verify_filing(person: Person, company: Company) -> None:
    """Approve a company's filing on the filings page."""
    page, ui = person.page, person.ui
    page.goto("/filings")
    row = page.locator("#filings tbody tr", has_text=company.name)
    expect(row).to_contain_text(company.credit_code)
    person.look(f"filings-{company.roles}")
    row.locator("button[id^='approve-org-']").click()
    expect_flash(page, ui.t("%(name)s is verified.", name=company.name))
    expect(page.locator("#filings tbody tr", has_text=company.name)).to_have_count(0)


def list_lot(person: Person) -> int:
    """List a sale lot on the lots pages; returns its id."""
    page, ui = person.page, person.ui
    click_header(page, "nav-lots-index")
    expect(page).to_have_url(re.compile(r"/lots/(\?.*)?$"))
    page.locator("#new-lot").click()
    person.look("lot-new")
    form = page.locator("#lot-form")
    form.locator("#lot-item").select_option(SKU)
    form.locator("#lot-quantity").fill(str(LOT_QUANTITY))
    form.locator("#lot-kind").select_option("sale")
    form.locator("#lot-unit-price").fill("1.50")
    page.locator("#lot-submit").click()
    rows = page.locator("#lots-table tbody tr")
    expect(rows).to_have_count(1)
    lot_id = row_id(rows.first, "lot-")
    expect_flash(page, ui.t("Lot %(id)s listed.", id=lot_id))
    row = page.locator(f"#lot-{lot_id}")
    expect(row).to_contain_text(SKU)
    expect(row).to_contain_text("¥1.50")
    expect(row.locator(".badge")).to_have_text(ui.badge("active"))
    person.look("lots")
    return lot_id


def post_need(person: Person, quantity: int = NEED_QUANTITY) -> int:
    """Post a need on the needs pages; returns its id."""
    page, ui = person.page, person.ui
    click_header(page, "nav-needs-index")
    expect(page).to_have_url(re.compile(r"/needs/?(\?.*)?$"))
    before = page.locator("#needs-table tbody tr").count()
    page.locator("#new-need").click()
    person.look("need-new")
    form = page.locator("#need-form")
    form.locator("#need-item").select_option(SKU)
    form.locator("#need-quantity").fill(str(quantity))
    form.locator("#need-max-price").fill("2.00")
    page.locator("#need-submit").click()
    rows = page.locator("#needs-table tbody tr")
    expect(rows).to_have_count(before + 1)
    need_id = max(row_id(r, "need-") for r in rows.all())
    expect_flash(page, ui.t("Need %(id)s posted.", id=need_id))
    row = page.locator(f"#need-{need_id}")
    expect(row).to_contain_text(SKU)
    expect(row.locator(".badge")).to_have_text(ui.badge("open"))
    person.look("needs")
    return need_id


def run_matching_and_approve(person: Person, supplier: Company, buyer: Company) -> int:
    """Run matching from the runs page, then approve its one proposal; returns its id."""
    page, ui = person.page, person.ui
    click_header(page, "nav-matching-runs")
    person.look("runs")
    page.locator("#run-matching").click()
    expect(page).to_have_url(re.compile(r"/matching/runs/\d+$"))
    run_id = int(page.url.rsplit("/", 1)[1])
    expect_flash(page, ui.t("Matching run %(id)s proposed %(n)s lines.", id=run_id, n=1))
    expect(page.locator("h1 .badge")).to_have_text(ui.badge("completed"))
    person.look("run")

    click_header(page, "nav-allocations-proposals")
    rows = page.locator(".need-group tbody tr[id^=allocation-]")
    expect(rows).to_have_count(1)
    row = rows.first
    allocation_id = row_id(row, "allocation-")
    # the line explains itself, in the reader's language: the need, its tier and the lot used
    tier = "优先级 2" if ui.locale == "zh" else "priority tier 2"
    group = page.locator(".need-group").first  # one block per need: its buyer and reasons once
    expect(group.locator("ul.reasons")).to_contain_text(tier)
    expect(group.locator("h2")).to_contain_text(buyer.name)
    expect(row).to_contain_text(supplier.name)
    expect(row.locator("td.num").first).to_contain_text(f"{NEED_QUANTITY:,}")
    expect(row.locator(".badge")).to_have_text(ui.badge("proposed"))
    person.look("proposals")
    page.locator(f"#approve-{allocation_id}").click()
    expect_flash(page, ui.t("Allocation #%(id)s approved.", id=allocation_id))
    row = page.locator(f"#allocation-{allocation_id}")
    expect(row.locator(".badge")).to_have_text(ui.badge("approved"))
    expect(page.locator(f"#approve-{allocation_id}")).to_have_count(0)
    return allocation_id


def ship(person: Person, allocation_id: int, buyer: Company) -> None:
    """Mark the allocation shipped on the supplier's allocations page."""
    page, ui = person.page, person.ui
    click_header(page, "nav-allocations-mine")
    row = page.locator(f"#allocation-{allocation_id}")
    expect(row.locator(".badge")).to_have_text(ui.badge("approved"))
    expect(page.locator(f"#other-{allocation_id}")).to_contain_text(buyer.name)
    person.look("allocations-to-ship")
    page.locator(f"#ship-{allocation_id}").click()
    expect_flash(page, ui.t("Allocation #%(id)s marked shipped.", id=allocation_id))
    expect(page.locator(f"#allocation-{allocation_id} .badge")).to_have_text(ui.badge("shipped"))
    expect(page.locator(f"#ship-{allocation_id}")).to_have_count(0)


def receive(person: Person, allocation_id: int, supplier: Company) -> None:
    """Confirm receipt of everything on the buyer's allocations page."""
    page, ui = person.page, person.ui
    click_header(page, "nav-allocations-mine")
    row = page.locator(f"#allocation-{allocation_id}")
    expect(row.locator(".badge")).to_have_text(ui.badge("shipped"))
    expect(page.locator(f"#other-{allocation_id}")).to_contain_text(supplier.name)
    person.look("allocations-to-confirm")
    page.locator(f"#receive-{allocation_id}").click()
    expect_flash(page, ui.t("Receipt of allocation #%(id)s recorded.", id=allocation_id))
    expect(page.locator(f"#allocation-{allocation_id} .badge")).to_have_text(ui.badge("received"))
    expect(page.locator(f"#receive-{allocation_id}")).to_have_count(0)


def cancel_need(person: Person, need_id: int) -> None:
    """Cancel a need through its confirmation dialog: dismissing it first changes nothing."""
    page, ui = person.page, person.ui
    question = ui.t("Cancel this need? This cannot be undone.")
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.locator(f"#cancel-need-{need_id}").click()
    click_header(page, "nav-needs-index")  # a submitted form would have been sent before this
    expect(page.locator(f"#need-{need_id} .badge")).to_have_text(ui.badge("open"))
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    page.locator(f"#cancel-need-{need_id}").click()
    expect(page.locator(f"#need-{need_id} .badge")).to_have_text(ui.badge("cancelled"))
    assert asked == [question, question]


@dataclass
class Coordinator:
    """A seeded coordinator's login."""

    email: str


@pytest.fixture
def coordinator(app, catalog, make_user) -> Coordinator:
    """The seeded catalogue and a district coordinator who can log in."""
    user = make_user(None, role="coordinator", email="coordinator@example.com", password=PASSWORD)
    email = user.email
    db.session.commit()  # hold no read transaction while the server writes
    return Coordinator(email)


def journey(new_page, coordinator, locale: str, width: int) -> None:
    """Drive the whole journey in one UI language at one width; check the database at the end."""
    ui = Ui(locale)
    tag = f"{locale}{width}"
    supplier, buyer = supplier_company(tag), buyer_company(tag)
    typed = [coordinator.email]
    for company in (supplier, buyer):
        typed += [company.email, f"{company.name} Road 1", company.name, company.credit_code]

    def person(role: str) -> Person:
        page = new_page(locale=LOCALES[locale])
        set_width(page, width)
        return Person(page, ui, role, width, typed)

    seller, purchaser, office = person("supplier"), person("buyer"), person("coordinator")

    register(seller, supplier)
    register(purchaser, buyer)

    log_in(office.page, coordinator.email, "/filings", ui)
    verify_filing(office, supplier)
    verify_filing(office, buyer)
    expect(office.page.locator("p.empty")).to_have_text(ui.t("No filings wait for a decision."))

    log_in(seller.page, supplier.email, "/company", ui)
    expect(seller.page.locator("#company-status .badge")).to_have_text(ui.badge("verified"))
    seller.look("company")
    lot_id = list_lot(seller)

    log_in(purchaser.page, buyer.email, "/company", ui)
    need_id = post_need(purchaser)

    allocation_id = run_matching_and_approve(office, supplier, buyer)
    ship(seller, allocation_id, buyer)
    # On its way: the units stay in the lot and reserved until the buyer confirms receipt.
    lot = fresh(Lot, lot_id)
    assert (lot.quantity, lot.reserved, lot.shipped) == (
        LOT_QUANTITY, NEED_QUANTITY, NEED_QUANTITY)
    receive(purchaser, allocation_id, supplier)

    # The lots and needs pages follow the delivery.
    click_header(seller.page, "nav-lots-index")
    lot_row = seller.page.locator(f"#lot-{lot_id}")
    expect(lot_row.locator("td.num").first).to_contain_text(str(LOT_QUANTITY - NEED_QUANTITY))
    click_header(purchaser.page, "nav-needs-index")
    expect(purchaser.page.locator(f"#need-{need_id} .badge")).to_have_text(ui.badge("fulfilled"))
    purchaser.look("needs-fulfilled")
    spare_need = post_need(purchaser, quantity=1_500)
    expect(purchaser.page.locator(f"#need-{spare_need}")).to_contain_text("1,500")
    cancel_need(purchaser, spare_need)

    allocation = fresh(Allocation, allocation_id)
    assert (allocation.status, allocation.quantity, allocation.received_quantity) == (
        "received",
        NEED_QUANTITY,
        NEED_QUANTITY,
    )
    assert (allocation.lot_id, allocation.need_id) == (lot_id, need_id)
    lot = fresh(Lot, lot_id)
    assert (lot.quantity, lot.reserved, lot.shipped) == (
        LOT_QUANTITY - NEED_QUANTITY,
        0,
        NEED_QUANTITY,
    )
    need = fresh(Need, need_id)
    assert (need.received, need.status) == (NEED_QUANTITY, "fulfilled")
    assert fresh(Need, spare_need).status == "cancelled"
    try:
        assert reservation_drift() == []
    finally:
        db.session.commit()  # end the read, so SQLite is not locked
    english = seller.english + purchaser.english + office.english
    assert english == [], "English left on Chinese pages:\n" + "\n".join(english)


@pytest.mark.parametrize("width", [PHONE, LAPTOP], ids=["phone", "laptop"])
@pytest.mark.parametrize("locale", ["en", "zh"])
def test_journey(new_page, coordinator, locale, width):
    """Register, verify, list, post, match, approve, ship, receive and cancel — all through the
    pages, in each language, on a phone and on a laptop."""
    journey(new_page, coordinator, locale, width)


def test_language_switch(new_page):
    """The ?lang switch overrides the browser's language and sticks for the session."""
    page = new_page(locale="en-GB")
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#lang-en")).to_have_attribute("aria-current", "true")
    page.locator("#lang-zh").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("#lang-zh")).to_have_attribute("aria-current", "true")
    expect(page.locator("#lang-en")).not_to_have_attribute("aria-current", "true")
    expect(page.locator("h1")).to_have_text(Ui("zh").t("Log in"))
    page.goto("/register")  # no ?lang: the session keeps the choice
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")


def test_company_name_is_escaped_on_filings_page(new_page, coordinator):
    """A company named like a script shows as text, and no script runs."""
    ui = Ui("en")
    hostile = Company(
        "hostile@example.com",
        "<script>alert(1)</script>",
        make_credit_code(777),
        "both",
        "trade",
        "370202006",
    )
    dialogs: list[str] = []
    page = new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    register(Person(page, ui, "hostile", LAPTOP, []), hostile)
    log_in(page, coordinator.email, "/filings", ui)
    cell = page.locator("#filings tbody tr td").first
    expect(cell).to_have_text(hostile.name)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.content()
    assert page.locator("#filings script").count() == 0
    cell.get_by_role("link").click()  # the company's detail page escapes it too
    expect(page.get_by_role("heading", level=1)).to_contain_text(hostile.name)
    assert dialogs == [], f"a script ran: {dialogs}"


def test_the_english_check_sees_english_and_passes_typed_data(new_page):
    """The check used on the Chinese pages finds English words, and leaves typed data alone."""
    page = new_page(locale="en-GB")
    page.goto("/login")
    assert Ui("en").t("Log in") in english_left(page, [])  # "Log in", the page's heading
    page.goto("/login?lang=zh")
    assert english_left(page, []) == []
    page.locator("h1").evaluate("h => { h.textContent += ' Long Name Trading'; }")  # as data
    assert english_left(page, []) == ["Long Name Trading"]
    assert english_left(page, ["Long Name Trading"]) == []
