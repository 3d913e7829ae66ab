"""Collect the command-line commands of every area (`flask --app wsgi …`), plus `worker`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--workers", "-w", type=click.IntRange(min=1), default=None,
              help="Worker processes (default WORKER_PROCESSES, 2).")
@with_appcontext
def worker_command(workers: int | None) -> None:
    """Run the background worker: queued and scheduled matching, what-if studies, notifications.

    Process workers, not threads: the solver holds the GIL for its whole solve. Run one
    or several, on one machine or many sharing the queue (QUEUE_URL) and the database.
    """
    from market import queue

    app = current_app._get_current_object()  # type: ignore[attr-defined]  # the proxy's
    count = workers or app.config.get("WORKER_PROCESSES", 2)
    modules = queue.import_tasks()
    click.echo(f"Worker: {count} processes on queue {queue.huey.name!r} "
               f"({type(queue.huey.storage).__name__}); tasks from {', '.join(modules)}; "
               f"matching on '{app.config['MATCH_SCHEDULE']}' ({app.config['TIMEZONE']})")
    queue.run_worker(app, count)


def init_app(app: Flask) -> None:
    """Register the `worker` command and each area's commands (its `cli.init_app(app)`)."""
    from market.accounts import cli as accounts_cli
    from market.demo import cli as demo_cli
    from market.matching import cli as matching_cli

    app.cli.add_command(worker_command)
    for module in (accounts_cli, matching_cli, demo_cli):
        module.init_app(app)
