"""Placeholder pages; the accounts area replaces this file."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in (placeholder)."""
    return "login"


@bp.post("/logout")
def logout():
    """Log out (placeholder)."""
    return "logout"


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Register (placeholder)."""
    return "register"
