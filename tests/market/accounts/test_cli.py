"""The `create-user` and `seed-catalog` commands."""

from __future__ import annotations

import sqlalchemy as sa
from werkzeug.security import check_password_hash

from market.accounts.models import User
from market.audit.models import AuditEntry
from market.catalog.models import Item
from market.extensions import db


def test_create_user_makes_a_coordinator(app):
    args = ["create-user", "Boss@Example.com", "--role", "coordinator", "--password", "s3cret pass"]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "coordinator boss@example.com" in result.output
    user = db.session.scalar(sa.select(User).where(User.email == "boss@example.com"))
    assert user.role == "coordinator"
    assert user.organization_id is None
    assert check_password_hash(user.password_hash, "s3cret pass")
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.created"))
    assert entry.actor == "system"


def test_create_user_makes_an_admin(app):
    result = app.test_cli_runner().invoke(
        args=["create-user", "root@example.com", "--role", "admin", "--password", "s3cret pass"]
    )
    assert result.exit_code == 0
    assert db.session.scalar(sa.select(User.role)) == "admin"


def test_create_user_twice_fails_cleanly(app):
    runner = app.test_cli_runner()
    args = ["create-user", "boss@example.com", "--role", "coordinator", "--password", "s3cret pass"]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code == 1
    assert "already registered" in again.output
    assert "Traceback" not in again.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_create_user_validates_role_email_and_password(app):
    runner = app.test_cli_runner()
    bad_role = runner.invoke(args=["create-user", "x@example.com", "--role", "company",
                                   "--password", "s3cret pass"])
    assert bad_role.exit_code == 2
    short = runner.invoke(args=["create-user", "x@example.com", "--password", "short"])
    assert short.exit_code == 1
    assert "password" in short.output
    bad_email = runner.invoke(args=["create-user", "not-an-email", "--password", "s3cret pass"])
    assert bad_email.exit_code == 1
    assert "email" in bad_email.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_seed_catalog_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-catalog"])
    assert first.exit_code == 0
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Item))
    assert total >= 7
    assert f"{total} item(s) added" in first.output
    second = runner.invoke(args=["seed-catalog"])
    assert "0 item(s) added" in second.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Item)) == total
