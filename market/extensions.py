"""Unbound Flask extensions; `create_app` binds them with `init_app`."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

from market.common.api import Api


class Base(DeclarativeBase):
    """Declarative base of every model."""


db = SQLAlchemy(model_class=Base)
if TYPE_CHECKING:
    # mypy cannot subclass the dynamic `db.Model`; it is `Base` plus Flask-SQLAlchemy's table
    # naming and session binding, so the models are typed against `Base`.
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
api = Api()
# Flask-Talisman (security headers) is bound per app in market/security_headers.py: a Talisman
# object is not safe to share between apps.
