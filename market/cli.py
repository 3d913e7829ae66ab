"""Collect the command-line commands of every area (`flask --app wsgi …`)."""

from __future__ import annotations

import importlib

from flask import Flask


def init_app(app: Flask) -> None:
    """Register each area's commands from its `cli.py` (an `init_app(app)` function)."""
    from market import AREAS

    for area in (*AREAS, "demo"):
        try:
            module = importlib.import_module(f"market.{area}.cli")
        except ModuleNotFoundError as exc:
            if exc.name != f"market.{area}.cli":
                raise
            continue
        module.init_app(app)
