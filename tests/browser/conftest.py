"""Browser fixtures: the app served on a local port, driven by Debian's Chromium via Playwright.

The database is a SQLite file (so the server thread and the test share it) or PostgreSQL when
TEST_DATABASE_URL is set. A failing test leaves a screenshot and the HTML of every open page
in test-artifacts/.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def app_config(tmp_path) -> dict:
    """Real CSRF protection, and a file database shared with the server thread."""
    config = {"WTF_CSRF_ENABLED": True}
    if not os.environ.get("TEST_DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'browser.db'}"
    return config


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """Serve the app on a free local port for the duration of the test."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (Debian's package; never a downloaded build)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's outcome on the test item so fixtures can see a failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


# Runs in every document before its own scripts: reports each Content-Security-Policy
# violation to the console, where the page's console listener collects it.
REPORT_CSP = """document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline")
                + " at " + e.sourceFile + ":" + e.lineNumber);
});"""


@pytest.fixture
def csp_violations() -> list[str]:
    """The Content-Security-Policy violations of every page this test opened."""
    return []


@pytest.fixture
def new_page(browser, request, live_server, csp_violations):
    """Open browser pages (one context each, so each is its own logged-in person).

    Every page reports its Content-Security-Policy violations: the test fails on any.
    """
    contexts = []

    def collect(message) -> None:
        text = message.text
        if "CSP violation" in text or "Content Security Policy" in text:
            csp_violations.append(f"{message.page.url if message.page else ''}: {text}")

    def make(locale: str = "en-GB"):
        context = browser.new_context(base_url=live_server, locale=locale)
        context.set_default_timeout(15_000)
        context.add_init_script(REPORT_CSP)
        context.on("console", collect)
        contexts.append(context)
        return context.new_page()

    yield make
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for n, context in enumerate(contexts):
            for m, page in enumerate(context.pages):
                stem = f"{request.node.name}-{n}-{m}"
                page.screenshot(path=ARTIFACTS / f"{stem}.png", full_page=True)
                # The HTML too: a flash or field error is easier to grep than to spot.
                (ARTIFACTS / f"{stem}.html").write_text(page.content(), encoding="utf-8")
    for context in contexts:
        context.close()
    assert csp_violations == [], "Content-Security-Policy violations"
