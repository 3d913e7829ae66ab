"""Unified social credit codes (GB 32100-2015): 18 characters with a check digit."""

from __future__ import annotations

from flask_babel import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_digit(body: str) -> str:
    """The 18th character for the first 17 of a code."""
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(body, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_error(code: str) -> str | None:
    """Why `code` is not a valid unified social credit code, or None when it is."""
    if not isinstance(code, str) or len(code) != 18:
        return _("must be 18 characters, got %(code)r", code=code)
    code = code.upper()
    bad = [ch for ch in code if ch not in ALPHABET]
    if bad:
        return _("contains characters not allowed in a credit code: %(bad)r", bad="".join(bad))
    if code[17] != check_digit(code[:17]):
        # The expected digit is not named: it would let anyone forge a valid-looking code.
        return _("%(code)s is not a valid credit code: check it against the business licence",
                 code=code)
    return None
