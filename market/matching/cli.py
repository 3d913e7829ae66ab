"""`flask --app wsgi match run [--dry-run]`: one run now, in this process, for operators."""

from __future__ import annotations

import json

import click
from flask import Flask
from flask.cli import AppGroup

from market.common.errors import Conflict

match_cli = AppGroup("match", help="Matching runs.")


@match_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Compute and print the figures; write nothing.")
def run_command(dry_run: bool) -> None:
    """Run matching now, synchronously (under the same one-run lock), and print its figures."""
    from market.matching.runs import run_now

    try:
        run = run_now(None, "manual", dry_run=dry_run, as_system=True)
    except Conflict as exc:
        raise click.ClickException(exc.message) from None
    label = f"dry run {run.id} (nothing written)" if dry_run else f"run {run.id}"
    click.echo(f"Matching {label}: {run.status}")
    if run.status != "completed":
        raise click.ClickException(run.error or "the run failed")
    for key, value in run.stats.items():
        shown = json.dumps(value) if isinstance(value, dict | list) else value
        click.echo(f"  {key}: {shown}")
    changes = run.changes or {}
    click.echo(f"  changes: new {changes.get('new', 0)}, dropped {changes.get('dropped', 0)}, "
               f"changed {changes.get('changed', 0)}")


def init_app(app: Flask) -> None:
    """Register the matching commands."""
    app.cli.add_command(match_cli)
