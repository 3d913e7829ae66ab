"""Commands: `create-user` for coordinators and admins, `seed-catalog` for the item list."""

from __future__ import annotations

import click
from flask import Flask

from market.common.errors import ServiceError


def init_app(app: Flask) -> None:
    """Register the accounts commands."""

    @app.cli.command("create-user")
    @click.argument("email")
    @click.option(
        "--role", type=click.Choice(["coordinator", "admin"]), default="coordinator",
        show_default=True, help="What the account may do.",
    )
    @click.password_option(
        "--password", help="At least PASSWORD_MIN_LENGTH characters (prompted when omitted)."
    )
    def create_user_command(email: str, role: str, password: str) -> None:
        """Create a coordinator or admin account."""
        from market.accounts.services import create_user

        try:
            user = create_user(None, email, role, password)
        except ServiceError as exc:
            raise click.ClickException(exc.message) from None
        click.echo(f"Created {user.role} {user.email} (id {user.id}).")

    @app.cli.command("seed-catalog")
    def seed_catalog_command() -> None:
        """Load the standard item catalogue (safe to repeat)."""
        from market.catalog.seed import seed_catalog

        added = seed_catalog()
        click.echo(f"Catalogue seeded: {added} item(s) added.")
