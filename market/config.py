"""Configuration classes read from environment variables (and a `.env` file)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import overload
from urllib.parse import urlsplit

from dotenv import load_dotenv

from market.matching.knobs import KNOB_DEFAULTS

load_dotenv()

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


@overload
def _env(name: str) -> str | None: ...
@overload
def _env(name: str, default: str) -> str: ...
def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _distance_limit(name: str, default: float) -> float | None:
    """A distance in km; `none` (or 0) means no limit, unset means `default`."""
    value = _env(name)
    if value is None:
        return default
    if value.lower() == "none" or float(value) == 0:
        return None
    return float(value)


def _tile_origin(url: str | None) -> str:
    """The CSP source of a map tile URL (`{s}` subdomains become `*`); empty for own tiles."""
    parts = urlsplit((url or "").replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _optional_int(name: str) -> int | None:
    value = _env(name)
    return int(value) if value is not None else None


class Config:
    """Settings for development and production, overridable by environment variables."""

    ENV_NAME = "development"
    SECRET_KEY: str | None = _env("SECRET_KEY", "dev-only-insecure-key")
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'market.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    MATCH_SCHEDULE = _env("MATCH_SCHEDULE", "0 8,16 * * *")
    TIMEZONE = _env("TIMEZONE", "Asia/Shanghai")
    # Matching policy (SOLVER.md): empty nearest = every arc. The maximum delivery distance
    # suits a city (50 km) so one misplaced lot is not proposed hundreds of km away;
    # MATCH_MAX_DISTANCE_KM=none removes the limit.
    # The defaults and limits are the knobs' (market/matching/knobs.py).
    MATCH_TRANSPORT_COST_PER_UNIT_KM = float(
        _env("MATCH_TRANSPORT_COST_PER_UNIT_KM") or KNOB_DEFAULTS["transport_cost_per_unit_km"])
    MATCH_MAX_DISTANCE_KM = _distance_limit("MATCH_MAX_DISTANCE_KM",
                                            KNOB_DEFAULTS["max_distance_km"])
    MATCH_FAIRNESS_STEPS = int(_env("MATCH_FAIRNESS_STEPS") or KNOB_DEFAULTS["fairness_steps"])
    MATCH_NEAREST = _optional_int("MATCH_NEAREST")
    MATCH_LOCK_STALE_SECONDS = int(_env("MATCH_LOCK_STALE_SECONDS", "1800") or 1800)
    # The district's subdistricts (街道) with centroids (market/places/data/*.json shape);
    # a deployment for another district points this at its own file.
    DISTRICT_PLACES_FILE = _env("DISTRICT_PLACES_FILE")
    # Map tiles for the location pin, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png;
    # empty = no map (the subdistrict and the coordinates fields still work).
    MAP_TILE_URL = _env("MAP_TILE_URL", "")
    LOTS_IMPORT_MAX_ROWS = int(_env("LOTS_IMPORT_MAX_ROWS", "5000") or 5000)
    # Background work (market/queue.py): the Huey queue, a SQLite file under instance/ by
    # default, `postgresql+psycopg://…` or `redis://…` in production. QUEUE_IMMEDIATE runs
    # each task at once in the caller (tests), with no worker.
    QUEUE_URL = _env("QUEUE_URL")
    QUEUE_NAME = _env("QUEUE_NAME", "ppe-market")
    QUEUE_IMMEDIATE = _env("QUEUE_IMMEDIATE", "0") == "1"
    WORKER_PROCESSES = int(_env("WORKER_PROCESSES", "2") or 2)
    # A run or study whose worker sent no sign of life for this long was interrupted
    # (a worker on another machine; on the same machine a vanished process is seen at once).
    WHATIF_STALE_SECONDS = int(_env("WHATIF_STALE_SECONDS", "1800") or 1800)
    # At most this many what-if studies computing at once; more are refused (429).
    WHATIF_MAX_RUNNING = int(_env("WHATIF_MAX_RUNNING", "2") or 2)

    # Notifications: log sender by default, SMTP when SMTP_HOST is set.
    SMTP_HOST = _env("SMTP_HOST")
    SMTP_PORT = int(_env("SMTP_PORT", "587") or 587)
    SMTP_USER = _env("SMTP_USER")
    SMTP_PASSWORD = _env("SMTP_PASSWORD")
    SMTP_STARTTLS = _env("SMTP_STARTTLS", "1") == "1"
    MAIL_FROM = _env("MAIL_FROM", "noreply@ppe-market.local")
    SMS_SENDER = _env("SMS_SENDER", "log")
    # Delivery by queue tasks: attempts per message, the first retry's delay (doubled after
    # each failure), and the age at which a claim left by a dead worker may be taken again.
    NOTIFY_MAX_ATTEMPTS = int(_env("NOTIFY_MAX_ATTEMPTS", "5") or 5)
    NOTIFY_RETRY_DELAY_SECONDS = float(_env("NOTIFY_RETRY_DELAY_SECONDS", "30") or 30)
    NOTIFY_CLAIM_STALE_SECONDS = int(_env("NOTIFY_CLAIM_STALE_SECONDS", "600") or 600)
    # The daily report is mailed to coordinators at this time of day (HH:MM, TIMEZONE) when
    # SMTP_HOST is set.
    DAILY_REPORT_AT = _env("DAILY_REPORT_AT", "18:00")

    API_TOKEN_DAYS = int(_env("API_TOKEN_DAYS", "30") or 30)
    # A browser log-in lasts at most this long (its server-side session row then lapses).
    LOGIN_SESSION_DAYS = int(_env("LOGIN_SESSION_DAYS", "14") or 14)
    PASSWORD_MIN_LENGTH = 8
    # Passwords scoring below this (zxcvbn 0-4) are refused: 12345678, aaaaaaaa, the e-mail…
    PASSWORD_MIN_SCORE = int(_env("PASSWORD_MIN_SCORE", "2") or 2)
    # Failed log-ins per account (counted in the database) before it is locked for a while.
    LOGIN_MAX_FAILURES = int(_env("LOGIN_MAX_FAILURES", "10") or 10)
    LOGIN_LOCK_MINUTES = int(_env("LOGIN_LOCK_MINUTES", "15") or 15)
    # Per address (Flask-Limiter); only failed log-ins count, so a shared office is not limited.
    RATELIMIT_LOGIN = _env("RATELIMIT_LOGIN", "10 per minute")
    RATELIMIT_REGISTER = _env("RATELIMIT_REGISTER", "10 per hour")
    # memory:// counts per worker; redis://host:6379 shares the counts between every worker.
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_KEY_PREFIX = _env("RATELIMIT_KEY_PREFIX", "market")
    RATELIMIT_HEADERS_ENABLED = True

    # flask-smorest / OpenAPI
    API_TITLE = "PPE supply-demand marketplace"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "/static/vendor/swagger-ui/"

    # Flask-WTF: CSRF is checked in a before_request hook so bearer API calls can skip it.
    WTF_CSRF_CHECK_DEFAULT = False
    WTF_CSRF_TIME_LIMIT = None

    # Cookies and security headers (Flask-Talisman, market/security_headers.py). Development
    # and tests serve plain HTTP: no Secure cookie, no HTTPS redirect, no HSTS.
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    FORCE_HTTPS = False
    HSTS_ENABLED = False
    HSTS_MAX_AGE = 31536000
    REFERRER_POLICY = "strict-origin-when-cross-origin"
    # No inline script or style anywhere: every script and stylesheet is a file under static/.
    CONTENT_SECURITY_POLICY = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        # map tiles (MAP_TILE_URL) may come from their tile server
        "img-src": f"'self' data: {_tile_origin(MAP_TILE_URL)}".strip(),
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    # The API docs page: no third-party validator badge (CSP allows no other host anyway).
    OPENAPI_SWAGGER_UI_CONFIG = {"validatorUrl": None}

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("en", "zh")
    PER_PAGE = 50


class ProductionConfig(Config):
    """Production: a real SECRET_KEY is required; HTTPS only (Secure cookies, redirect, HSTS)."""

    ENV_NAME = "production"
    SECRET_KEY = _env("SECRET_KEY")
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    # Behind a TLS-terminating proxy that sends X-Forwarded-Proto: https. FORCE_HTTPS=0 only
    # if that proxy already redirects plain HTTP itself.
    FORCE_HTTPS = _env("FORCE_HTTPS", "1") == "1"
    HSTS_ENABLED = True


class TestConfig(Config):
    """Tests: a fresh database per test (SQLite in memory unless TEST_DATABASE_URL is set)."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret"  # noqa: S105 - fixed key for tests only
    SQLALCHEMY_DATABASE_URI = _env("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_LOGIN = "1000 per minute"
    RATELIMIT_REGISTER = "1000 per minute"
    RATELIMIT_STORAGE_URI = "memory://"
    MATCH_SCHEDULE = "0 8,16 * * *"
    QUEUE_IMMEDIATE = True


CONFIGS = {"development": Config, "production": ProductionConfig, "testing": TestConfig}


def config_from_env() -> type[Config]:
    """Pick the config class named by MARKET_ENV (development by default)."""
    return CONFIGS.get(_env("MARKET_ENV", "development") or "development", Config)
