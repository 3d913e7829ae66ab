"""Time every list page, the dashboard and the report API as a coordinator (median of N).

Against a database filled by `flask --app wsgi seed-demo --scale city`:

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/market \
        .venv/bin/python -m bench.app_pages [--repeat 5] [--email coordinator@demo.local]

It logs in with Flask's test client (no network, no browser rendering), requests each page
`repeat` times after one warm-up request, and prints the median and worst time per page with
the number of SQL statements the page sent and its size.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

# (endpoint or API path, query string): pages that do not exist in this build are skipped.
PAGES = (
    ("reports.dashboard", ""),
    ("reports.daily", ""),
    ("public.home", ""),
    ("accounts.filings", ""),
    ("matching.runs", ""),
    ("allocations.proposals", ""),
    ("lots.index", ""),
    ("lots.index", "page=40"),
    ("needs.index", ""),
    ("needs.index", "page=900"),
    ("needs.index", "item=MASK-SURGICAL&status=open"),
    ("allocations.mine", ""),
    ("giftpacks.index", ""),
    ("catalog.index", ""),
    ("audit.index", ""),
    ("notifications.index", ""),
    ("/api/v1/reports/summary", ""),
    ("/api/v1/reports/runs", ""),
    ("/api/v1/reports/public", ""),
    ("/api/v1/lots", "per_page=50"),
    ("/api/v1/needs", "per_page=50"),
    ("/api/v1/needs", "per_page=500&page=90"),
    ("/api/v1/allocations", "per_page=50"),
    ("/api/v1/organizations", "per_page=50"),
)


@contextmanager
def counting(engine: sa.Engine) -> Iterator[list[str]]:
    """Collect the SQL statements sent while the block runs."""
    seen: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)


def page_url(app, endpoint: str, query: str) -> str | None:
    """The URL of a page endpoint or API path, or None when this build has no such page."""
    if endpoint.startswith("/"):
        return f"{endpoint}?{query}" if query else endpoint
    if endpoint not in app.view_functions:
        return None
    with app.test_request_context():
        from flask import url_for

        base = url_for(endpoint)
    return f"{base}?{query}" if query else base


def time_page(client, engine, url: str, repeat: int) -> dict:
    """Median and worst wall time of `repeat` requests after one warm-up."""
    client.get(url)
    times = []
    for _ in range(repeat):
        with counting(engine) as statements:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
    return {"status": response.status_code, "median_ms": statistics.median(times) * 1000,
            "max_ms": max(times) * 1000, "queries": len(statements),
            "kb": len(response.data) / 1024}


def database_size(db) -> str:
    """A one-line description of how much data the database holds."""
    from market.accounts.models import Organization
    from market.lots.models import Lot
    from market.matching.models import Allocation
    from market.needs.models import Need

    def n(model) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))

    return (f"{n(Organization)} companies, {n(Lot)} lots, {n(Need)} needs, "
            f"{n(Allocation)} allocations")


def main() -> None:
    """Log in as the coordinator and print a table of page timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--email", default="coordinator@demo.local")
    args = parser.parse_args()

    from market import create_app
    from market.accounts.models import User
    from market.extensions import db

    app = create_app({"RATELIMIT_ENABLED": False})
    logging.getLogger("market").setLevel(logging.CRITICAL)  # a failing page shows as its status
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == args.email))
        if user is None:
            raise SystemExit(f"No user {args.email}: run `flask --app wsgi seed-demo` first.")
        user_id, engine = user.id, db.engine
        print(f"{engine.dialect.name}: {database_size(db)}; median of {args.repeat}")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
    print(f"{'page':<52} {'status':>6} {'median ms':>10} {'max ms':>8} {'queries':>8} {'KB':>7}")
    for endpoint, query in PAGES:
        url = page_url(app, endpoint, query)
        if url is None:
            print(f"{endpoint + ('?' + query if query else ''):<52} {'(no such page)':>6}")
            continue
        row = time_page(client, engine, url, args.repeat)
        print(f"{url:<52} {row['status']:>6} {row['median_ms']:>10.1f} {row['max_ms']:>8.1f} "
              f"{row['queries']:>8} {row['kb']:>7.1f}")


if __name__ == "__main__":
    main()
