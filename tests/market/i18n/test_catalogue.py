"""Every message the code or the templates mark for translation has a Chinese translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "N_": None}
METHODS = [("market/**.py", "python"), ("market/templates/**.html", "jinja2")]


def _used_msgids() -> dict[str, str]:
    """msgid -> a file using it, from babel's extractor over market/ (as pybabel does)."""
    used: dict[str, str] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=METHODS, keywords=KEYWORDS,
        options_map={"market/templates/**.html": {"extensions": "jinja2.ext.do"}},
    ):
        msgid = message[0] if isinstance(message, tuple) else message  # plural: singular id
        if msgid:
            used.setdefault(msgid, filename)
    return used


def test_every_message_used_in_market_has_a_chinese_translation():
    with open(ROOT / "market/translations/zh/LC_MESSAGES/messages.po", "rb") as po:
        catalog = read_po(po)
    untranslated = []
    for msgid, filename in sorted(_used_msgids().items()):
        entry = catalog.get(msgid)
        strings = entry.string if entry is not None else None
        if isinstance(strings, tuple | list):
            strings = strings[0]
        if not strings:
            untranslated.append(f"{filename}: {msgid!r}")
    assert not untranslated, "no zh translation for:\n" + "\n".join(untranslated)
