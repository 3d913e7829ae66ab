"""Finds the inline code a strict Content-Security-Policy blocks, in a template or a page.

Blocked: a <script> without src that executes (any type but application/json), an event
handler attribute (onclick=, onsubmit=, …), htmx's hx-on (evaluated as code), a javascript:
URL, a style attribute and a <style> element.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

DATA_TYPES = {"application/json", "application/ld+json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction"}


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        where = f"line {self.getpos()[0]}: <{tag}>"
        named = dict(attrs)
        if tag == "script" and "src" not in named and named.get("type") not in DATA_TYPES:
            self.found.append(f"{where} inline script")
        if tag == "style":
            self.found.append(f"{where} <style> element")
        for name, value in attrs:
            if re.fullmatch(r"on[a-z]+", name) or name.startswith(("hx-on", "data-hx-on")):
                self.found.append(f"{where} handler {name}=")
            elif name == "style":
                self.found.append(f"{where} style attribute")
            elif name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{where} javascript: URL in {name}")


def inline_code(html: str) -> list[str]:
    """Each piece of inline script or style in `html`, as 'line N: <tag> what'."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.found
