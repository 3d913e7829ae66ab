"""Time the coordinator's pages in a real browser (headless Chromium), median of N loads.

Serve a filled database first (e.g. the city of `seed-demo --scale city` on PostgreSQL) with
the production server, then point this at it:

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_city \
        GUNICORN_BIND=127.0.0.1:8000 .venv/bin/gunicorn 'wsgi:app' &
    .venv/bin/python -m bench.browser_pages --base-url http://127.0.0.1:8000 --repeat 5

It logs in through the login form, then opens each page `repeat` times after one warm-up
load and prints, from the browser's Navigation Timing, the median time to the first byte, to
DOMContentLoaded and to the load event (scripts, styles and charts included).
"""

from __future__ import annotations

import argparse
import statistics

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
PAGES = (
    "/reports/",
    "/reports/daily",
    "/reports/what-if",
    "/",
    "/filings",
    "/matching/",
    "/allocations/proposals",
    "/lots/",
    "/lots/?page=40",
    "/needs/",
    "/needs/?page=900",
    "/needs/?item=MASK-SURGICAL&status=open",
    "/gift-packs/",
    "/catalog/",
    "/audit",
    "/notifications",
)
TIMING = """() => {
  const t = performance.getEntriesByType('navigation')[0];
  return {status: t.responseStatus, ttfb: t.responseStart, dom: t.domContentLoadedEventEnd,
          load: t.loadEventEnd, kb: t.transferSize / 1024};
}"""


def log_in(page: Page, email: str, password: str) -> None:
    """Log in through the login form, as a person would."""
    page.goto("/login")
    page.locator("#login-form #email").fill(email)
    page.locator("#login-form #password").fill(password)
    page.locator("#login-submit").click()
    page.wait_for_load_state("load")
    if "/login" in page.url:
        raise SystemExit(f"Could not log in as {email}: check the password and the database.")


def time_page(page: Page, path: str, repeat: int) -> dict:
    """Median Navigation Timing figures (ms) of `repeat` loads of one page after a warm-up."""
    page.goto(path, wait_until="load")
    rows = []
    for _ in range(repeat):
        page.goto(path, wait_until="load")
        page.wait_for_function("performance.getEntriesByType('navigation')[0].loadEventEnd > 0")
        rows.append(page.evaluate(TIMING))
    return {key: statistics.median(row[key] for row in rows) for key in ("ttfb", "dom", "load",
                                                                          "kb")} | {
        "status": rows[-1]["status"]}


def main() -> None:
    """Print a table of page timings as the browser saw them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--email", default="coordinator@demo.local")
    parser.add_argument("--password", default="demo-password")
    parser.add_argument("--skip", action="append", default=[],
                        help="leave out the pages whose path starts with this (repeatable)")
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(base_url=args.base_url, locale="en-GB")
        context.set_default_timeout(120_000)
        page = context.new_page()
        log_in(page, args.email, args.password)
        print(f"median of {args.repeat} loads in headless Chromium, {args.base_url}")
        print(f"{'page':<42} {'status':>6} {'first byte ms':>14} {'DOM ready ms':>13} "
              f"{'loaded ms':>10} {'KB':>7}")
        for path in (p for p in PAGES if not any(p.startswith(s) for s in args.skip)):
            row = time_page(page, path, args.repeat)
            print(f"{path:<42} {row['status']:>6} {row['ttfb']:>14.0f} {row['dom']:>13.0f} "
                  f"{row['load']:>10.0f} {row['kb']:>7.1f}")
        browser.close()


if __name__ == "__main__":
    main()
