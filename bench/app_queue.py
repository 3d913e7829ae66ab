"""Time the web while a matching run computes in the worker, and a run from click to proposals.

Against a filled PostgreSQL database (`flask --app wsgi seed-demo --scale city`), the queue
on the same database (PostgresHuey) or on Redis:

    export DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_city
    export QUEUE_URL=$DATABASE_URL
    .venv/bin/python -m bench.app_queue --web 2 --workers 1 --repeat 5

It starts gunicorn (`--web` workers) on a free local port and `flask --app wsgi worker`
(`--workers` processes) as production does, logs in as the coordinator (pages through the
login form, the API with a bearer token), then:
1. baseline: loads each list page and the dashboard `--repeat` times, no run under way;
2. starts a run through the API (as the button does) and, until it has ended, loads the
   same pages in turn; prints the median and worst latency of each while the run computed;
3. prints the time from the click (the POST) to the run `completed`, polled every 0.2 s,
   and to the first page of its proposals.
Times are wall-clock on whatever else the machine runs: quote them with the load average.
"""

# ruff: noqa: S310 - every URL is the local server this script started (http://127.0.0.1)
from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("/lots/", "/needs/", "/allocations/proposals", "/matching/", "/gift-packs/",
         "/reports/")


class Client:
    """A cookie session for the pages and a bearer token for the API, over urllib."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.pages = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.token = ""

    def get(self, path: str, api: bool = False) -> tuple[int, bytes, float]:
        """GET a path; return the status, the body and the seconds to the whole body."""
        request = urllib.request.Request(self.base + path)
        if api:
            request.add_header("Authorization", f"Bearer {self.token}")
        t0 = time.perf_counter()
        with (self.pages.open(request) if not api else urllib.request.urlopen(request)) as r:  # noqa: S310
            body = r.read()
            return r.status, body, time.perf_counter() - t0

    def post_api(self, path: str, payload: dict) -> tuple[int, dict]:
        """POST JSON to the API with the bearer token."""
        request = urllib.request.Request(self.base + path, data=json.dumps(payload).encode(),
                                         headers={"Content-Type": "application/json",
                                                  "Authorization": f"Bearer {self.token}"})
        try:
            with urllib.request.urlopen(request) as r:  # noqa: S310
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    def log_in(self, email: str, password: str) -> None:
        """Log in through the login form (pages) and get an API token."""
        _, body, _ = self.get("/login")
        csrf = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', body) or \
            re.search(rb'value="([^"]+)"[^>]*name="csrf_token"', body)
        form = {"email": email, "password": password, "next": "",
                "csrf_token": csrf.group(1).decode() if csrf else ""}
        self.pages.open(self.base + "/login", data=urllib.parse.urlencode(form).encode())
        status, body, _ = self.get("/matching/")
        if b'id="run-matching"' not in body:
            raise SystemExit(f"could not log in as {email} (status {status})")
        request = urllib.request.Request(
            self.base + "/api/v1/auth/tokens", headers={"Content-Type": "application/json"},
            data=json.dumps({"email": email, "password": password}).encode())
        with urllib.request.urlopen(request) as r:  # noqa: S310
            self.token = json.loads(r.read())["token"]


def free_port() -> int:
    """A free local TCP port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args: argparse.Namespace) -> tuple[list[subprocess.Popen], str]:
    """Start gunicorn and the worker; return them and the base URL once the web answers."""
    port = free_port()
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(args.web)}
    bin_dir = Path(sys.executable).parent
    procs = [
        subprocess.Popen([str(bin_dir / "gunicorn"), "wsgi:app",  # noqa: S603
                          "--access-logfile", "/dev/null"], cwd=ROOT, env=env,
                         start_new_session=True),
        subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker",  # noqa: S603
                          "--workers", str(args.workers)], cwd=ROOT, env=env,
                         start_new_session=True),
    ]
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/login").read()  # noqa: S310
            break
        except OSError:
            time.sleep(0.2)
    time.sleep(args.settle)  # let the worker start (it imports the solver)
    return procs, base


def stop(procs: list[subprocess.Popen]) -> None:
    """Stop gunicorn and the worker (their process groups)."""
    for proc in procs:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)


def summary(times: dict[str, list[float]]) -> None:
    """Print median and worst milliseconds per page."""
    for path, values in times.items():
        if values:
            median, worst = statistics.median(values) * 1000, max(values) * 1000
            print(f"  {path:<26} n={len(values):3d}  median {median:7.0f} ms  "
                  f"worst {worst:7.0f} ms")


def main() -> None:
    """Measure; see the module's docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--email", default="coordinator@demo.local")
    parser.add_argument("--password", default="demo-password")
    parser.add_argument("--web", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--settle", type=float, default=8.0)
    args = parser.parse_args()
    procs, base = start(args)
    try:
        client = Client(base)
        client.log_in(args.email, args.password)
        baseline: dict[str, list[float]] = {p: [] for p in PAGES}
        for _ in range(args.repeat):
            for path in PAGES:
                baseline[path].append(client.get(path)[2])
        print(f"load average {os.getloadavg()[0]:.1f}; baseline, no run under way:")
        summary(baseline)

        during: dict[str, list[float]] = {p: [] for p in PAGES}
        t0 = time.perf_counter()
        status, run = client.post_api("/api/v1/match-runs", {})
        if status != 202:
            raise SystemExit(f"POST /api/v1/match-runs answered {status}: {run}")
        posted = time.perf_counter() - t0
        url = f"/api/v1/match-runs/{run['id']}"
        phases, done = [], None
        while done is None:
            for path in PAGES:
                during[path].append(client.get(path)[2])
            state = json.loads(client.get(url, api=True)[1])
            phases.append(state.get("phase") or state["status"])
            if state["status"] in ("completed", "failed"):
                done = state
        print(f"load average {os.getloadavg()[0]:.1f}; while run {run['id']} computed "
              f"(phases seen: {', '.join(dict.fromkeys(phases))}):")
        summary(during)

        # Click to proposals, polled every 0.2 s with no page load in between.
        t0 = time.perf_counter()
        status, run = client.post_api("/api/v1/match-runs", {})
        url = f"/api/v1/match-runs/{run['id']}"
        while (state := json.loads(client.get(url, api=True)[1]))["status"] not in (
                "completed", "failed"):
            time.sleep(0.2)
        ended = time.perf_counter() - t0
        page = client.get(f"/allocations/proposals?run_id={run['id']}")
        shown = time.perf_counter() - t0
        stats = state.get("stats") or {}
        print(f"click to proposals: POST answered in {posted * 1000:.0f} ms; run {run['id']} "
              f"{state['status']} after {ended:.1f} s (solve {stats.get('solve_seconds')} s, "
              f"{stats.get('proposals')} proposals for {stats.get('needs')} needs); "
              f"proposals page shown after {shown:.1f} s (status {page[0]})")
    finally:
        stop(procs)


if __name__ == "__main__":
    main()
