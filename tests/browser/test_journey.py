"""The whole marketplace journey through the pages, in English and once in Chinese.

A supplier and a buyer register on the register page, a coordinator verifies both on the
filings page, the supplier lists a lot, the buyer posts a need, the coordinator runs matching
and approves the proposal, the supplier ships and the buyer confirms receipt. Each person has
their own browser context. Only the catalogue and the coordinator are seeded directly.

Expected page text is looked up in the app's own message catalogue (`t`), so the same steps
check the English and the Chinese UI, and keep passing as translations are reworded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext
from playwright.sync_api import Page, expect

from market.allocations.services import reservation_drift
from market.extensions import db
from market.lots.models import Lot
from market.matching.models import Allocation
from market.needs.models import Need
from tests.conftest import make_credit_code

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
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


class Ui:
    """Page text in one language, as the running app renders it."""

    def __init__(self, locale: str) -> None:
        self.locale = locale

    def t(self, message: str, **values: Any) -> str:
        """The app's translation of `message` (flash messages, buttons, badges)."""
        with force_locale(self.locale):
            return gettext(message, **values)

    def badge(self, status: str) -> str:
        """The text of the status badge the `status` macro shows."""
        return self.t(status.replace("_", " "))


def expect_flash(page: Page, text: str, category: str = "success") -> None:
    """Wait for the next page to show a flash message of `category` containing `text`."""
    expect(page.locator(f".flashes .flash-{category}", has_text=text)).to_be_visible()


def row_id(row, prefix: str) -> int:
    """The record id in a table row's element id (e.g. lot-12 → 12)."""
    return int(row.get_attribute("id").removeprefix(prefix))


def register(page: Page, ui: Ui, company: Company) -> None:
    """File a company and its first user on the register page, then log out."""
    page.goto("/register")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN" if ui.locale == "zh" else "en")
    expect(page.locator(f"#lang-{ui.locale}")).to_have_attribute("aria-current", "true")
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
    log_out(page, ui)


def log_in(page: Page, ui: Ui, email: str, next_path: str) -> None:
    """Log in on the login page and land on `next_path`."""
    page.goto(f"/login?next={next_path}")
    page.locator("#login-form #email").fill(email)
    page.locator("#login-form #password").fill(PASSWORD)
    page.locator("#login-submit").click()
    expect_flash(page, ui.t("Welcome, %(email)s.", email=email))
    expect(page).to_have_url(re.compile(re.escape(next_path) + r"(\?.*)?$"))


def log_out(page: Page, ui: Ui) -> None:
    """Press the log-out button in the top bar."""
    page.locator("#logout").click()
    expect_flash(page, ui.t("You are logged out."))
    expect(page.locator("#login-link")).to_be_visible()


def verify_filing(page: Page, ui: Ui, company: Company) -> None:
    """Approve a company's filing on the filings page."""
    page.goto("/filings")
    row = page.locator("#filings tbody tr", has_text=company.name)
    expect(row).to_contain_text(company.credit_code)
    row.locator("button[id^='approve-org-']").click()
    expect_flash(page, ui.t("%(name)s is verified.", name=company.name))
    expect(page.locator("#filings tbody tr", has_text=company.name)).to_have_count(0)


def list_lot(page: Page, ui: Ui) -> int:
    """List a sale lot on the lots pages; returns its id."""
    page.locator("#nav-lots-index").click()
    expect(page).to_have_url(re.compile(r"/lots/(\?.*)?$"))
    page.locator("#new-lot").click()
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
    expect(row.locator(".badge")).to_have_text(ui.badge("active"))
    return lot_id


def post_need(page: Page, ui: Ui) -> int:
    """Post a need on the needs pages; returns its id."""
    page.locator("#nav-needs-index").click()
    expect(page).to_have_url(re.compile(r"/needs/?(\?.*)?$"))
    page.locator("#new-need").click()
    form = page.locator("#need-form")
    form.locator("#need-item").select_option(SKU)
    form.locator("#need-quantity").fill(str(NEED_QUANTITY))
    form.locator("#need-max-price").fill("2.00")
    page.locator("#need-submit").click()
    rows = page.locator("#needs-table tbody tr")
    expect(rows).to_have_count(1)
    need_id = row_id(rows.first, "need-")
    expect_flash(page, ui.t("Need %(id)s posted.", id=need_id))
    row = page.locator(f"#need-{need_id}")
    expect(row).to_contain_text(SKU)
    expect(row.locator(".badge")).to_have_text(ui.badge("open"))
    return need_id


def run_matching_and_approve(page: Page, ui: Ui, supplier: Company, buyer: Company) -> int:
    """Run matching from the runs page, then approve its one proposal; returns its id."""
    page.locator("#nav-matching-runs").click()
    page.locator("#run-matching").click()
    expect(page).to_have_url(re.compile(r"/matching/runs/\d+$"))
    run_id = int(page.url.rsplit("/", 1)[1])
    expect_flash(page, ui.t("Matching run %(id)s proposed %(n)s lines.", id=run_id, n=1))
    expect(page.locator("h1 .badge")).to_have_text(ui.badge("completed"))

    page.locator("#nav-allocations-proposals").click()
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
    page.locator(f"#approve-{allocation_id}").click()
    expect_flash(page, ui.t("Allocation #%(id)s approved.", id=allocation_id))
    row = page.locator(f"#allocation-{allocation_id}")
    expect(row.locator(".badge")).to_have_text(ui.badge("approved"))
    expect(page.locator(f"#approve-{allocation_id}")).to_have_count(0)
    return allocation_id


def ship(page: Page, ui: Ui, allocation_id: int, buyer: Company) -> None:
    """Mark the allocation shipped on the supplier's allocations page."""
    page.locator("#nav-allocations-mine").click()
    row = page.locator(f"#allocation-{allocation_id}")
    expect(row.locator(".badge")).to_have_text(ui.badge("approved"))
    expect(page.locator(f"#other-{allocation_id}")).to_contain_text(buyer.name)
    page.locator(f"#ship-{allocation_id}").click()
    expect_flash(page, ui.t("Allocation #%(id)s marked shipped.", id=allocation_id))
    expect(page.locator(f"#allocation-{allocation_id} .badge")).to_have_text(ui.badge("shipped"))
    expect(page.locator(f"#ship-{allocation_id}")).to_have_count(0)


def receive(page: Page, ui: Ui, allocation_id: int, supplier: Company) -> None:
    """Confirm receipt of everything on the buyer's allocations page."""
    page.locator("#nav-allocations-mine").click()
    row = page.locator(f"#allocation-{allocation_id}")
    expect(row.locator(".badge")).to_have_text(ui.badge("shipped"))
    expect(page.locator(f"#other-{allocation_id}")).to_contain_text(supplier.name)
    page.locator(f"#receive-{allocation_id}").click()
    expect_flash(page, ui.t("Receipt of allocation #%(id)s recorded.", id=allocation_id))
    expect(page.locator(f"#allocation-{allocation_id} .badge")).to_have_text(ui.badge("received"))
    expect(page.locator(f"#receive-{allocation_id}")).to_have_count(0)


def fresh(model, ident: int):
    """Read a row as committed by the server (and end the read, so SQLite is not locked)."""
    db.session.commit()  # drop any snapshot this thread's session still holds
    try:
        return db.session.execute(
            sa.select(model).where(model.id == ident).execution_options(populate_existing=True)
        ).scalar_one()
    finally:
        db.session.commit()


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


def journey(new_page, coordinator, locale: str, browser_locale: str) -> None:
    """Drive the whole journey in one UI language and check the database at the end."""
    ui = Ui(locale)
    supplier, buyer = supplier_company(locale), buyer_company(locale)
    supplier_page = new_page(locale=browser_locale)
    buyer_page = new_page(locale=browser_locale)
    coordinator_page = new_page(locale=browser_locale)

    register(supplier_page, ui, supplier)
    register(buyer_page, ui, buyer)

    log_in(coordinator_page, ui, coordinator.email, "/filings")
    verify_filing(coordinator_page, ui, supplier)
    verify_filing(coordinator_page, ui, buyer)
    expect(coordinator_page.locator("p.empty")).to_have_text(
        ui.t("No filings wait for a decision.")
    )

    log_in(supplier_page, ui, supplier.email, "/company")
    expect(supplier_page.locator("#company-status .badge")).to_have_text(ui.badge("verified"))
    lot_id = list_lot(supplier_page, ui)

    log_in(buyer_page, ui, buyer.email, "/company")
    need_id = post_need(buyer_page, ui)

    allocation_id = run_matching_and_approve(coordinator_page, ui, supplier, buyer)
    ship(supplier_page, ui, allocation_id, buyer)
    # On its way: the units stay in the lot and reserved until the buyer confirms receipt.
    lot = fresh(Lot, lot_id)
    assert (lot.quantity, lot.reserved, lot.shipped) == (
        LOT_QUANTITY, NEED_QUANTITY, NEED_QUANTITY)
    receive(buyer_page, ui, allocation_id, supplier)

    # The lots and needs pages follow the delivery.
    supplier_page.locator("#nav-lots-index").click()
    lot_row = supplier_page.locator(f"#lot-{lot_id}")
    expect(lot_row.locator("td.num").first).to_contain_text(str(LOT_QUANTITY - NEED_QUANTITY))
    buyer_page.locator("#nav-needs-index").click()
    expect(buyer_page.locator(f"#need-{need_id} .badge")).to_have_text(ui.badge("fulfilled"))

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
    try:
        assert reservation_drift() == []
    finally:
        db.session.commit()  # end the read, so SQLite is not locked


def test_journey_in_english(new_page, coordinator):
    """Register, verify, list, post, match, approve, ship and receive — all through the pages."""
    journey(new_page, coordinator, "en", "en-GB")


def test_journey_in_chinese(new_page, coordinator):
    """The same journey with a Chinese browser: the pages speak Chinese."""
    journey(new_page, coordinator, "zh", "zh-CN")


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
    with force_locale("zh"):
        expect(page.locator("h1")).to_have_text(gettext("Log in"))
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
    register(page, ui, hostile)
    log_in(page, ui, coordinator.email, "/filings")
    cell = page.locator("#filings tbody tr td").first
    expect(cell).to_have_text(hostile.name)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.content()
    assert page.locator("#filings script").count() == 0
    cell.get_by_role("link").click()  # the company's detail page escapes it too
    expect(page.get_by_role("heading", level=1)).to_contain_text(hostile.name)
    assert dialogs == [], f"a script ran: {dialogs}"
