"""Report commands: `flask --app wsgi what-if-study ID` computes one queued what-if study."""

from __future__ import annotations

import click
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the report commands."""

    @app.cli.command("what-if-study")
    @click.argument("study_id", type=int)
    def what_if_study(study_id: int) -> None:
        """Compute one queued what-if study and store its figures (the page starts this)."""
        from market.reports.whatif_studies import run_study

        status = run_study(study_id)
        if status is None:
            raise click.ClickException(f"No queued what-if study {study_id}: nothing to do.")
        click.echo(f"What-if study {study_id}: {status}.")
        if status == "failed":
            raise SystemExit(1)
