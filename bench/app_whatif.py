"""Time the what-if page over HTTP: first byte, results ready (cold and warm), and the baselines.

Against a database filled by `flask --app wsgi seed-demo --scale city` (and `db upgrade`):

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_city \
        .venv/bin/python -m bench.app_whatif [--email coordinator@demo.local]

The app is served on a local port by werkzeug (threaded) in this process, as by one gunicorn
worker; the study runs in a `flask --app wsgi worker` (start one first). As the coordinator it:

1. clears the stored studies and opens the page: time to the first byte and to the whole
   page (cold), then polls the study fragment as htmx does until the figures are there,
   and reports the slowest poll (a page of the same worker while the study computes);
2. opens the page again: the study is reused, so the figures come with the page (warm);
3. opens it with edited knobs (5 fairness steps): another study of the same snapshot, which
   reuses the first one's baselines and current-policy optimum and solves only the edited
   policy (edited);
4. times the two baselines alone on the same snapshot (solver only, no HTTP).
"""

from __future__ import annotations

import argparse
import http.client
import logging
import re
import threading
import time
from typing import Any

import sqlalchemy as sa
from werkzeug.serving import make_server

PAGE = "/reports/what-if"
EDITED = (f"{PAGE}?transport_cost_per_unit_km=0.01&max_distance_km=&fairness_steps=5&nearest="
          "&caps=kept")
POLL_SECONDS = 0.5


def fetch(port: int, path: str, cookie: str) -> dict[str, Any]:
    """GET path; return the status, seconds to the first byte and to the end, and the body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()  # returns once the status line and headers arrived
    first = time.perf_counter() - started
    body = response.read().decode()
    conn.close()
    return {"status": response.status, "first_byte": first,
            "total": time.perf_counter() - started, "body": body}


def study_state(body: str) -> tuple[str | None, str | None]:
    """The study's status and its fragment's address (while it still polls) in a page."""
    status = re.search(r'id="whatif-study" data-status="(\w+)"', body)
    poll = re.search(r'hx-get="([^"]+)"', body)
    return (status.group(1) if status else None), (poll.group(1) if poll else None)


def wait_ready(port: int, cookie: str, path: str | None,
               started: float) -> tuple[str, float, float]:
    """Poll the study fragment until it is done or failed.

    Return the final status, the seconds until then and the slowest poll's seconds.
    """
    status, slowest = "running", 0.0
    while path and status in ("queued", "running"):
        time.sleep(POLL_SECONDS)
        poll = fetch(port, path, cookie)
        slowest = max(slowest, poll["total"])
        status = study_state(poll["body"])[0] or "missing"
    return status, time.perf_counter() - started, slowest


def open_page(port: int, cookie: str, label: str, path: str = PAGE) -> None:
    """Open the page, wait for the figures, print one line."""
    started = time.perf_counter()
    page = fetch(port, path, cookie)
    status, poll = study_state(page["body"])
    final, ready, slowest = wait_ready(
        port, cookie, poll if status in ("queued", "running") else None, started)
    final = final if poll and status in ("queued", "running") else status
    print(f"{label:<6} HTTP {page['status']}  first byte {page['first_byte'] * 1000:8.1f} ms  "
          f"page {page['total'] * 1000:8.1f} ms  study {status} -> {final}  "
          f"figures ready after {ready:6.2f} s  slowest poll {slowest * 1000:6.1f} ms  "
          f"({len(page['body']) / 1024:.0f} KB)")


def time_baselines(app) -> None:
    """Time both baselines on the snapshot the page compares (solver only)."""
    from market.common.display import district_today
    from market.common.types import utcnow
    from market.matching.adapter import load_market
    from solver.baselines import first_come_first_served, proportional_shares

    with app.app_context():
        market = load_market(district_today(), utcnow())
        lots, needs = tuple(market.solver_lots()), tuple(market.solver_needs())
    for name, strategy in (("fcfs", first_come_first_served),
                           ("proportional", proportional_shares)):
        started = time.perf_counter()
        result = strategy(lots, needs, market.policy)
        print(f"{name:<13} {time.perf_counter() - started:6.2f} s  "
              f"{result.stats.total_units:>12,} units  {result.stats.shipments:>7,} shipments")


def main() -> None:
    """Serve the app, log in as the coordinator and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--email", default="coordinator@demo.local")
    args = parser.parse_args()

    from market import create_app
    from market.accounts.models import User
    from market.extensions import db
    from market.whatif.models import WhatIfStudy

    app = create_app({"RATELIMIT_ENABLED": False})  # studies: start `flask --app wsgi worker`
    logging.getLogger("market").setLevel(logging.CRITICAL)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per poll otherwise
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == args.email))
        if user is None:
            raise SystemExit(f"No user {args.email}: run `flask --app wsgi seed-demo` first.")
        db.session.execute(sa.delete(WhatIfStudy))
        db.session.commit()
        print(f"{db.engine.dialect.name}: studies cleared")
        user_id = user.id
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
    cookie = f"session={client.get_cookie('session').value}"
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        open_page(server.server_port, cookie, "cold")
        open_page(server.server_port, cookie, "warm")
        open_page(server.server_port, cookie, "edited", EDITED)
    finally:
        server.shutdown()
    time_baselines(app)


if __name__ == "__main__":
    main()
