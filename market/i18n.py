"""Language choice: an explicit switch (?lang=) kept in the session, else the browser's."""

from __future__ import annotations

from flask import current_app, request, session


def select_locale() -> str:
    """Pick English or Simplified Chinese for this request."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang")
    if chosen in languages:
        session["lang"] = chosen
        return chosen
    if session.get("lang") in languages:
        return session["lang"]
    return request.accept_languages.best_match(languages) or "en"
