"""`flask --app wsgi match run [--dry-run]` and `flask --app wsgi scheduler`."""

from __future__ import annotations

import json

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from market.common.errors import Conflict

match_cli = AppGroup("match", help="Matching runs.")


@match_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Compute and print the figures; write nothing.")
def run_command(dry_run: bool) -> None:
    """Run matching now and print its figures."""
    from market.matching.runs import start_run

    try:
        run = start_run(None, "manual", dry_run=dry_run, as_system=True)
    except Conflict as exc:
        raise click.ClickException(exc.message) from None
    label = "dry run (nothing written)" if dry_run else f"run {run.id}"
    click.echo(f"Matching {label}: {run.status}")
    if run.status != "completed":
        raise click.ClickException(run.error or "the run failed")
    for key, value in run.stats.items():
        shown = json.dumps(value) if isinstance(value, dict | list) else value
        click.echo(f"  {key}: {shown}")
    changes = run.changes or {}
    click.echo(f"  changes: new {changes.get('new', 0)}, dropped {changes.get('dropped', 0)}, "
               f"changed {changes.get('changed', 0)}")


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run matching on MATCH_SCHEDULE (in TIMEZONE) until stopped."""
    from market.matching.scheduler import build_scheduler, schedule_trigger

    app = current_app._get_current_object()
    click.echo(f"Matching on '{app.config['MATCH_SCHEDULE']}' ({app.config['TIMEZONE']}); "
               f"next at {schedule_trigger(app).get_next_fire_time(None, _now(app))}")
    try:
        build_scheduler(app).start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")


def _now(app: Flask):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(app.config["TIMEZONE"]))


def init_app(app: Flask) -> None:
    """Register the matching commands."""
    app.cli.add_command(match_cli)
    app.cli.add_command(scheduler_command)
