"""The PPE marketplace Flask application."""

from __future__ import annotations

import importlib
import logging
from typing import Any

from flask import Flask

AREAS = (
    "public",
    "places",
    "accounts",
    "catalog",
    "lots",
    "needs",
    "matching",
    "allocations",
    "giftpacks",
    "reports",
    "audit",
    "notifications",
)


def create_app(
    config: type | dict[str, Any] | None = None, overrides: dict[str, Any] | None = None
) -> Flask:
    """Build the application: config, extensions, blueprints, error handlers, commands."""
    from market.config import config_from_env

    app = Flask(__name__, static_folder="../static", instance_relative_config=True)
    app.config.from_object(config_from_env())
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    app.config.update(overrides or {})
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set outside development")
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_hooks(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions of `market.extensions`."""
    import market.models  # noqa: F401 - registers every table on the metadata
    from market import auth_loaders, i18n, queue, security_headers, sqlite_setup
    from market.extensions import api, babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        sqlite_setup.configure(db.engine)
    migrate.init_app(app, db, render_as_batch=True, directory="market/migrations")
    login_manager.init_app(app)
    auth_loaders.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.install_marshmallow_translation()
    limiter.init_app(app)
    api.init_app(app)
    security_headers.init_app(app)
    queue.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Register each area's API blueprint (`api.blp`) and page blueprint (`views.bp`)."""
    from market.extensions import api

    for area in AREAS:
        for module_name, attr in (("api", "blp"), ("views", "bp")):
            try:
                module = importlib.import_module(f"market.{area}.{module_name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"market.{area}.{module_name}":
                    raise
                continue
            blueprint = getattr(module, attr, None)
            if blueprint is None:
                continue
            if module_name == "api":
                api.register_blueprint(blueprint, url_prefix=f"/api/v1{blueprint.url_prefix or ''}")
            else:
                app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    """Domain errors become the API's error shape or an error page."""
    from market.common.api import handle_service_error
    from market.common.errors import ServiceError

    app.register_error_handler(ServiceError, handle_service_error)


def register_hooks(app: Flask) -> None:
    """CSRF for cookie sessions, outbox delivery, template helpers."""
    from market import hooks

    hooks.init_app(app)


def register_commands(app: Flask) -> None:
    """Attach the `flask --app wsgi …` commands."""
    from market import cli

    cli.init_app(app)
