"""Commands `seed-demo` and `demo-logins`: a believable district to try the product on."""

from __future__ import annotations

import os
import time

import click
import sqlalchemy as sa
from flask import Flask

from market.demo import people, seed
from market.extensions import db


def print_logins() -> None:
    """Print the demo accounts, their password and where the app answers."""
    from market.accounts.models import Organization, User

    if not seed.demo_loaded():
        click.echo("No demo data yet: run `flask --app wsgi seed-demo`.")
        return
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "5000")
    click.echo(f"Open http://{host}:{port}/ and log in with password {seed.PASSWORD!r} as:")
    click.echo(f"  {seed.COORDINATOR:<28} coordinator (dashboard, filings, matching, approvals)")
    click.echo(f"  {seed.ADMIN:<28} admin")
    wanted = [f"supplier{i}@{seed.DOMAIN}" for i in (1, 2, 3)]
    wanted += [f"buyer{i}@{seed.DOMAIN}" for i in range(1, len(people.FIRST_BUYERS) + 1)]
    rows = db.session.execute(
        sa.select(User.email, Organization.name, Organization.sector)
        .join(Organization, Organization.id == User.organization_id)
        .where(User.email.in_(wanted))
    ).all()
    for email, name, sector in sorted(rows, key=lambda r: wanted.index(r[0])):
        note = " (gives donations)" if email == f"supplier3@{seed.DOMAIN}" else ""
        click.echo(f"  {email:<28} {name} · {sector}{note}")
    pending = db.session.scalar(
        sa.select(User.email).join(Organization, Organization.id == User.organization_id)
        .where(Organization.status == "pending", User.email.like(f"%@{seed.DOMAIN}"))
        .order_by(User.id).limit(1)
    )
    if pending:
        click.echo(f"  {pending:<28} a company whose filing waits for review")
    click.echo("  (supplierN@ / buyerN@demo.local for the other companies)")


def init_app(app: Flask) -> None:
    """Register the demo commands."""

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing when any company exists.")
    @click.option("--scale", type=click.Choice(sorted(people.SCALES)), default="district",
                  show_default=True, help="district: ~50 buyers; city: 10,000 buyers.")
    @click.option("--seed", "seed_value", type=int, default=2020, show_default=True,
                  help="Random seed (the same seed builds the same district).")
    def seed_demo_command(if_empty: bool, scale: str, seed_value: int) -> None:
        """Build a believable demo district: companies, logins, lots, needs, gift packs."""
        if if_empty and seed.any_organization():
            click.echo("Companies exist already: demo data not loaded (--if-empty).")
            return
        if seed.demo_loaded():
            click.echo("The demo district is loaded already: nothing to do.")
            return
        started = time.perf_counter()
        counts = seed.seed_demo(scale, seed_value)
        seconds = time.perf_counter() - started
        click.echo(
            f"Demo district ({scale}) built in {seconds:.1f} s: {counts['suppliers']} suppliers, "
            f"{counts['buyers']} buyers ({counts['pending']} filings pending), "
            f"{counts['lots']} lots ({counts['donation_lots']} donations), "
            f"{counts['needs']} open needs, {counts['applications']} gift-pack applications."
        )
        click.echo(f"Every demo account has the password {seed.PASSWORD!r}.")
        print_logins()

    @app.cli.command("demo-logins")
    def demo_logins_command() -> None:
        """Print the demo logins, their password and the URL."""
        print_logins()
