"""Fixtures: an app with a fresh database per test, factories, and login helpers.

The database is SQLite in memory, or PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import g
from flask.testing import FlaskClient

from market import create_app
from market.config import TestConfig
from market.extensions import db
from tests import factories
from tests.factories import make_credit_code  # noqa: F401 - imported by the tests

_schema_ready: set[str] = set()


def _reset_database(app) -> None:
    """Create the schema once per database, then empty every table before each test."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if db.engine.dialect.name == "sqlite":
        db.create_all()
        return
    if url not in _schema_ready:
        db.drop_all()
        db.create_all()
        _schema_ready.add(url)
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Per-test overrides of TestConfig (override this fixture to change settings)."""
    return {"WTF_CSRF_ENABLED": False}


@pytest.fixture
def app(app_config):
    """A fresh application and database."""
    app = create_app(TestConfig, overrides=app_config)
    with app.app_context():
        _reset_database(app)
        factories.reset_sequences()
        yield app
        db.session.remove()
        if db.engine.dialect.name == "sqlite":
            db.drop_all()
        db.engine.dispose()


class FreshUserClient(FlaskClient):
    """A test client whose every request finds its own user and its own language.

    The `app` fixture keeps one app context open for the whole test, and Flask reuses it
    for the client's requests; Flask-Login caches the user and Flask-Babel the locale on
    its `g`, so without this a later request would act as whoever called first, in their
    language.
    """

    def open(self, *args: Any, **kwargs: Any):
        g.pop("_login_user", None)
        g.pop("_flask_babel", None)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    """A test client of the app."""
    app.test_client_class = FreshUserClient
    return app.test_client()


@pytest.fixture
def catalog(app):
    """The standard catalogue, by SKU."""
    from market.catalog.models import Item
    from market.catalog.seed import seed_catalog

    seed_catalog()
    return {i.sku: i for i in db.session.scalars(sa.select(Item))}


@pytest.fixture
def make_org(app) -> Callable[..., Any]:
    """Factory: a company (verified buyer+supplier by default): OrganizationFactory."""
    return factories.OrganizationFactory


@pytest.fixture
def make_user(app) -> Callable[..., Any]:
    """Factory: a user of `org` (a coordinator or admin when None and role says so)."""
    return lambda org=None, **kw: factories.UserFactory(organization=org, **kw)


@pytest.fixture
def make_lot(app, catalog) -> Callable[..., Any]:
    """Factory: an active sale lot of surgical masks at the company's location."""

    def make(org, item: str = "MASK-SURGICAL", quantity: int = 1000, **kw: Any):
        return factories.LotFactory(organization=org, item__sku=item, quantity=quantity, **kw)

    return make


@pytest.fixture
def make_need(app, catalog) -> Callable[..., Any]:
    """Factory: an open need for surgical masks at the company's location."""

    def make(org, item: str = "MASK-SURGICAL", quantity: int = 100, **kw: Any):
        return factories.NeedFactory(organization=org, item__sku=item, quantity=quantity, **kw)

    return make


@pytest.fixture
def make_run(app) -> Callable[..., Any]:
    """Factory: a completed matching run with the given stats."""
    return lambda stats=None, **kw: factories.MatchRunFactory(stats=stats or {}, **kw)


@pytest.fixture
def login(client) -> Callable[[Any], None]:
    """Log a user into the test client's cookie session (None logs out)."""

    from market.accounts.sessions import start_session
    from market.auth_loaders import SESSION_ID_KEY

    def do(user) -> None:
        with client.session_transaction() as sess:
            sess.clear()
            if user is not None:
                sess["_user_id"] = str(user.id)
                sess["_fresh"] = True
                sess[SESSION_ID_KEY] = start_session(user)  # the server-side session row

    return do


@pytest.fixture
def token_for(app) -> Callable[[Any], dict[str, str]]:
    """Bearer headers for a user, through a stored API token."""
    from market.accounts.models import ApiToken
    from market.auth_loaders import hash_token
    from market.common.types import utcnow

    def make(user) -> dict[str, str]:
        token = secrets.token_urlsafe(24)
        db.session.add(
            ApiToken(
                user_id=user.id,
                token_hash=hash_token(token),
                expires_at=utcnow() + timedelta(days=1),
            )
        )
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def as_user(client, token_for) -> Callable[..., Any]:
    """Call the API as a user (None = anonymous): as_user(user, "post", path, json=...)."""

    def call(user, method: str, path: str, **kw: Any):
        headers = token_for(user) if user is not None else {}
        return getattr(client, method)(path, headers=headers, **kw)

    return call


@pytest.fixture
def page_as(client, login) -> Callable[..., Any]:
    """Log a user into the cookie session (None logs out), then call a page:
    page_as(user, "post", path, data=...)."""

    def call(user, method: str, path: str, **kw: Any):
        login(user)
        return getattr(client, method)(path, **kw)

    return call


@pytest.fixture
def people(make_org, make_user) -> dict[str, Any]:
    """The cast of the access matrix: two suppliers, a buyer, a coordinator, an admin."""
    supplier_a = make_org(name="Supplier A", roles=("supplier",), sector="trade")
    supplier_b = make_org(name="Supplier B", roles=("supplier",), sector="trade")
    buyer = make_org(name="Buyer C", roles=("buyer",), sector="elder_care")
    return {
        "supplier_a_org": supplier_a,
        "supplier_b_org": supplier_b,
        "buyer_org": buyer,
        "supplier_a": make_user(supplier_a),
        "supplier_b": make_user(supplier_b),
        "buyer": make_user(buyer),
        "coordinator": make_user(None, role="coordinator"),
        "admin": make_user(None, role="admin"),
    }
