"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from market import create_app
from market.config import TestConfig
from market.extensions import db


def _fresh_database_url(tmp_path) -> str:
    """An empty database of the kind under test: a SQLite file, or a PostgreSQL schema reset."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_path / 'migrations.db'}"
    url = sa.engine.make_url(base)
    name = f"{url.database}_migrations"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    target = url.set(database=name)
    engine = sa.create_engine(target, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return target.render_as_string(hide_password=False)


@pytest.fixture
def migrated_app(tmp_path):
    """An app whose database was built by `flask db upgrade`, not by create_all."""
    app = create_app(
        TestConfig, overrides={"SQLALCHEMY_DATABASE_URI": _fresh_database_url(tmp_path)}
    )
    with app.app_context():
        upgrade(directory="market/migrations")
        yield app
        db.session.remove()
        db.engine.dispose()


def test_upgrade_matches_the_models(migrated_app):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


def test_upgrade_is_safe_to_repeat_and_downgrade_empties(migrated_app):
    upgrade(directory="market/migrations")
    tables = set(sa.inspect(db.engine).get_table_names())
    assert {"organizations", "lots", "needs", "allocations", "match_runs"} <= tables
    downgrade(directory="market/migrations", revision="base")
    db.engine.dispose()
    assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
