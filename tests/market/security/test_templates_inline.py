"""No template holds inline script or style: the Content-Security-Policy would block it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.market.security.inline_code import inline_code

TEMPLATES = Path(__file__).resolve().parents[3] / "market" / "templates"


def test_the_scan_sees_every_kind_of_inline_code():
    html = """
    <script>alert(1)</script>
    <script type="text/javascript">alert(2)</script>
    <button onclick="window.print()">Print</button>
    <form onsubmit="return confirm('Sure?')"></form>
    <div hx-on:click="alert(3)"></div>
    <a href="javascript:alert(4)">x</a>
    <p style="color: red">x</p>
    <style>p { color: red }</style>
    """
    found = inline_code(html)
    assert len(found) == 8, found


def test_the_scan_lets_files_and_data_islands_pass():
    html = """
    <script src="/static/js/page.js"></script>
    <script type="application/json" id="data">{"a": 1}</script>
    <button type="button" data-print id="print">Print</button>
    <a href="/lots/">Lots</a>
    """
    assert inline_code(html) == []


@pytest.mark.parametrize(
    "template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html"))
)
def test_template_has_no_inline_script_or_style(template):
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    # Jinja comments are not sent; blank them line for line so the reported lines stay right
    text = re.sub(r"\{#.*?#\}", lambda m: "\n" * m.group().count("\n"), text, flags=re.S)
    assert inline_code(text) == []
