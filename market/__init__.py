"""The PPE marketplace Flask application."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask


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
    """Register every area's API blueprint (`api.blp`, under /api/v1) and page blueprint (`bp`).

    The imports are the list of areas: a missing `api.py` or `views.py` stops the app from
    starting, and no module adds routes to another area's blueprint by being imported.
    """
    from market.accounts import api as accounts_api
    from market.accounts import views as accounts_views
    from market.allocations import api as allocations_api
    from market.allocations import views as allocations_views
    from market.audit import api as audit_api
    from market.audit import views as audit_views
    from market.catalog import api as catalog_api
    from market.catalog import views as catalog_views
    from market.extensions import api
    from market.giftpacks import api as giftpacks_api
    from market.giftpacks import views as giftpacks_views
    from market.lots import api as lots_api
    from market.lots import views as lots_views
    from market.matching import api as matching_api
    from market.matching import views as matching_views
    from market.needs import api as needs_api
    from market.needs import views as needs_views
    from market.notifications import api as notifications_api
    from market.notifications import views as notifications_views
    from market.places import api as places_api
    from market.places import views as places_views
    from market.public import views as public_views
    from market.reports import api as reports_api
    from market.reports import views as reports_views
    from market.whatif import api as whatif_api
    from market.whatif import views as whatif_views

    for module in (places_api, accounts_api, catalog_api, lots_api, needs_api, matching_api,
                   allocations_api, giftpacks_api, reports_api, whatif_api, audit_api,
                   notifications_api):
        api.register_blueprint(module.blp, url_prefix=f"/api/v1{module.blp.url_prefix or ''}")
    for module in (public_views, places_views, accounts_views, catalog_views, lots_views,
                   needs_views, matching_views, allocations_views, giftpacks_views,
                   reports_views, whatif_views, audit_views, notifications_views):
        app.register_blueprint(module.bp)


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
