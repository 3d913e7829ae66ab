"""What the browser tests share: the password, the widths, page text in one language, logging
in, the collapsed phone menu, reading what the server committed, screenshots, and the check that
a Chinese page left no English words behind.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale, gettext
from playwright.sync_api import Page, expect

from market.extensions import db

from .conftest import ARTIFACTS

PASSWORD = "correct horse battery"
PHONE, LAPTOP = 390, 1366
HEIGHTS = {PHONE: 844, LAPTOP: 900}
MENU_WIDTH = 900  # static/css/app.css: `@media (max-width: 900px)` collapses the header
LOCALES = {"en": "en-GB", "zh": "zh-CN"}


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


def set_width(page: Page, width: int) -> None:
    """Show the page at `width` px (PHONE or LAPTOP) with that device's usual height."""
    page.set_viewport_size({"width": width, "height": HEIGHTS.get(width, 900)})


def expect_flash(page: Page, text: str, category: str = "success") -> None:
    """Wait for the next page to show a flash message of `category` containing `text`."""
    expect(page.locator(f".flashes .flash-{category}", has_text=text)).to_be_visible()


def open_menu(page: Page) -> None:
    """On a phone the header's links sit behind the Menu button: open it (no-op on a laptop).

    Decided by the viewport's width (the CSS collapses the header below MENU_WIDTH px), not
    by the button's visibility: before the stylesheet applies, the button shows at any width.
    """
    if (page.viewport_size or {}).get("width", LAPTOP) > MENU_WIDTH:
        return
    toggle = page.locator("#menu-toggle")
    expect(toggle).to_be_visible()
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")


def click_header(page: Page, element_id: str) -> None:
    """Click a link or button of the header (`nav-lots-index`, `logout`…) as a person would:
    through the menu on a phone."""
    open_menu(page)
    target = page.locator(f"#{element_id}")
    expect(target).to_be_visible()
    target.click()


def log_in(page: Page, email: str, next_path: str | None = None, ui: Ui | None = None) -> None:
    """Log in on the login page (and land on `next_path` if given; checks the welcome flash
    in `ui`'s language if given)."""
    page.goto(f"/login?next={next_path}" if next_path else "/login")
    page.locator("#login-form #email").fill(email)
    page.locator("#login-form #password").fill(PASSWORD)
    page.locator("#login-submit").click()
    if ui is not None:
        expect_flash(page, ui.t("Welcome, %(email)s.", email=email))
    expect(page.locator("#current-user")).to_have_text(email)
    if next_path:
        expect(page).to_have_url(re.compile(re.escape(next_path) + r"(\?.*)?$"))


def log_out(page: Page, ui: Ui) -> None:
    """Press the log-out button in the header (through the menu on a phone)."""
    click_header(page, "logout")
    expect_flash(page, ui.t("You are logged out."))
    open_menu(page)
    expect(page.locator("#login-link")).to_be_visible()


def fresh(model, ident: int):
    """Read a row as committed by the server (and end the read, so SQLite is not locked)."""
    db.session.commit()  # drop any snapshot this thread's session still holds
    try:
        return db.session.execute(
            sa.select(model).where(model.id == ident).execution_options(populate_existing=True)
        ).scalar_one()
    finally:
        db.session.commit()


def screenshots(page: Page, folder: str, stem: str, part: int = 1600) -> list[Path]:
    """The whole page in screen-sized parts a person can read: test-artifacts/<folder>/
    <stem>.png, or <stem>-part2.png… when it is longer than `part` px."""
    target = ARTIFACTS / folder
    target.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("document.documentElement.scrollHeight")
    width = page.viewport_size["width"]
    paths = []
    for n, top in enumerate(range(0, height, part), start=1):
        clip = {"x": 0, "y": top, "width": width, "height": min(part, height - top)}
        path = target / (f"{stem}.png" if n == 1 else f"{stem}-part{n}.png")
        path.parent.mkdir(parents=True, exist_ok=True)  # a stem may name a subfolder
        page.screenshot(path=path, full_page=True, clip=clip)
        paths.append(path)
    return paths


def page_name(path: str) -> str:
    """A readable file-name part for a URL path (`/lots/import` → `lots-import`)."""
    return re.sub(r"[^a-z0-9]+", "-", path.split("?")[0].lower()).strip("-") or "home"


# Runs of two or more words of ASCII letters in the visible text (not inside a longer token
# such as an e-mail address, a SKU or a URL).
ENGLISH_RUN = re.compile(r"(?<![\w@.-])[A-Za-z]+(?:[ ,'’]+[A-Za-z]+)+(?![\w@-])")
# Words a Chinese page may show in Latin letters: names of the languages, product and
# format names, and the units and codes of the catalogue.
ALLOWED_LATIN = {"English", "API", "CSV", "UTF", "BOM", "GB", "GBK", "PPE", "ID", "SMS", "KN",
                 "FFP", "km", "kg", "ml", "ISO", "JSON", "OK", "Leaflet", "OpenStreetMap"}


def english_left(page: Page, typed: list[str]) -> list[str]:
    """Runs of 2+ English words in the page's visible text, leaving out the data the test
    typed (`typed`: names, e-mails, addresses), `<code>` and the allowed Latin words."""
    text = page.locator("body").inner_text()
    codes = page.locator("code").all_inner_texts()  # column codes, SKUs, audit actions: data
    for value in sorted([*typed, *codes], key=len, reverse=True):
        text = text.replace(value, " ")
    found = []
    for match in ENGLISH_RUN.finditer(text):
        words = re.findall(r"[A-Za-z]+", match.group())
        if any(w not in ALLOWED_LATIN and not w.isupper() for w in words):
            found.append(match.group())
    return found
