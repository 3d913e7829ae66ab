"""Guard: no error message a person reads is written as a bare English string.

Every `ServiceError` (and subclass), `Invalid.field(...)`, marshmallow `ValidationError` and
validator `error=` template, `ensure_visible(...)` message and field-error list in market/
must come from the catalogue
(`_`/`gettext`/`ngettext`/`_l`/`N_`), so the API answers in the `Accept-Language` and the
pages in the page language. A str literal or an f-string there is English for everybody;
this scan names the file and line of each one. The scanner is tested on small sources too,
so that it keeps finding what it is meant to find.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

TRANSLATORS = {"_", "gettext", "ngettext", "_l", "lazy_gettext", "lazy_ngettext", "N_"}
# Dictionary keys whose values are codes, not text: the CSV row errors' `field` and `line`.
CODE_KEYS = {"field", "line"}
# Where a bare string is right, and why ("path: source of the call" -> reason).
ALLOWED: dict[str, str] = {}


def _callee(call: ast.Call) -> tuple[str, str]:
    """(owner, name) of a call: `Invalid.field(...)` -> ("Invalid", "field")."""
    func = call.func
    if isinstance(func, ast.Name):
        return "", func.id
    if isinstance(func, ast.Attribute):
        owner = func.value
        owner_name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
        return owner_name, func.attr
    return "", ""


def is_english(node: ast.AST | None) -> bool:
    """Whether an expression builds text from an English literal instead of the catalogue."""
    if node is None:
        return False
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and any(c.isalpha() for c in node.value)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return is_english(node.left) or is_english(node.right)
    if isinstance(node, ast.IfExp):
        return is_english(node.body) or is_english(node.orelse)
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return any(is_english(element) for element in node.elts)
    if isinstance(node, ast.Dict):
        return any(
            is_english(value) for key, value in zip(node.keys, node.values, strict=True)
            if not (isinstance(key, ast.Constant) and key.value in CODE_KEYS)
        )
    if isinstance(node, ast.ListComp | ast.SetComp):
        return is_english(node.elt)
    if isinstance(node, ast.DictComp):
        return is_english(node.value)
    if isinstance(node, ast.Call):
        _owner, name = _callee(node)
        if name in TRANSLATORS:
            return False
        return name == "format" and is_english(node.func.value)
    return False


def error_classes(trees: list[ast.Module]) -> set[str]:
    """ServiceError and every class in the sources that derives from it."""
    names = {"ServiceError"}
    grown = True
    while grown:
        grown = False
        for tree in trees:
            for node in ast.walk(tree):
                if not isinstance(node, ast.ClassDef) or node.name in names:
                    continue
                bases = {getattr(b, "id", getattr(b, "attr", None)) for b in node.bases}
                if bases & names:
                    names.add(node.name)
                    grown = True
    return names


def _message_arguments(call: ast.Call, errors: set[str]) -> list[ast.AST]:
    """The arguments of `call` that carry text a person reads."""
    owner, name = _callee(call)
    keywords = {k.arg: k.value for k in call.keywords}
    if "error" in keywords or "error_messages" in keywords:  # marshmallow's message templates
        return [keywords.get("error"), keywords.get("error_messages")]
    if name == "field" and owner in errors:
        return [*call.args[1:2], keywords.get("message")]
    if name in errors:
        return [*call.args, keywords.get("message"), keywords.get("errors")]
    if name == "ValidationError":
        return [*call.args[:1], keywords.get("message")]
    if name == "setdefault" and call.args and getattr(call.args[0], "value", None) in (
            "error_messages", "error"):
        return call.args[1:2]
    if name == "ensure_visible":
        return [*call.args[2:3], keywords.get("message")]
    if name == "abort":
        return [*call.args[1:], keywords.get("messages"), keywords.get("message")]
    return []


def _assigned_errors(node: ast.AST) -> ast.AST | None:
    """The value assigned to a field-error mapping (`errors[...] = [...]`, `errors = {...}`)."""
    if not isinstance(node, ast.Assign):
        return None
    for target in node.targets:
        base = target.value if isinstance(target, ast.Subscript) else target
        if isinstance(base, ast.Name) and "error" in base.id.lower():
            return node.value
    return None


def english_messages(source: str, errors: set[str]) -> list[tuple[int, str]]:
    """(line, source) of every error message in `source` built from an English literal."""
    found = []
    for node in ast.walk(ast.parse(source)):
        suspects = (_message_arguments(node, errors) if isinstance(node, ast.Call)
                    else [_assigned_errors(node)])
        if any(is_english(argument) for argument in suspects):
            found.append((node.lineno, ast.get_source_segment(source, node) or ""))
    return found


def _sources() -> dict[str, str]:
    files = sorted((ROOT / "market").rglob("*.py"))
    return {str(f.relative_to(ROOT)): f.read_text(encoding="utf-8") for f in files
            if "migrations" not in f.parts}


def test_no_error_message_in_market_is_a_bare_english_string():
    sources = _sources()
    errors = error_classes([ast.parse(text) for text in sources.values()])
    assert {"Invalid", "NotFound", "Conflict", "Forbidden", "TooManyStudies"} <= errors
    offenders = []
    for path, text in sources.items():
        for line, code in english_messages(text, errors):
            key = f"{path}: {' '.join(code.split())}"
            if key not in ALLOWED:
                offenders.append(f"{path}:{line}: {' '.join(code.split())[:120]}")
    assert not offenders, "messages not from the catalogue (use _()):\n" + "\n".join(offenders)


ERRORS = {"ServiceError", "Invalid", "NotFound", "Conflict", "Forbidden"}


def test_the_scanner_finds_english_messages():
    source = '''
raise NotFound(f"Lot {lot_id} not found.")
raise Conflict("Lot is exhausted.")
raise Invalid.field("quantity", "must be positive")
raise Invalid(_("Bad rows"), {"rows": [{"line": 2, "field": "sku", "message": f"bad {sku}"}]})
ensure_visible(actor, org_id, f"Lot {lot_id}")
raise ma.ValidationError("must not be blank")
errors["item"] = [f"unknown SKU {sku!r}"]
errors = {name: ["is required"] for name in missing}
raise Conflict("Need %s is gone." % need_id)
raise Conflict("Need {} is gone.".format(need_id))
size = ma.validate.Range(min=1, max=4, error="must be 1 to 4, got {input}")
price = ma.fields.Decimal(error_messages={"invalid": "must be a number, got {input!r}"})
kwargs.setdefault("error_messages", {"invalid_awareness": "must include a time zone"})
'''
    assert sorted(line for line, _code in english_messages(source, ERRORS)) == list(range(2, 15))


def test_the_scanner_accepts_catalogue_messages_and_codes():
    source = '''
raise NotFound(_("Lot %(id)s not found.", id=lot_id))
raise Invalid.field("quantity", gettext("must be positive"))
raise Invalid(ngettext("%(num)d bad row", "%(num)d bad rows", n), {"rows": rows})
raise Invalid(_("Line %(line)s: %(message)s", line=1, message=m),
              {"rows": [{"line": 1, "field": "header", "message": m}]})
ensure_visible(actor, org_id, _("Lot %(id)s not found.", id=lot_id))
raise ma.ValidationError(_("give quantity"), "_schema")
errors["item"] = [_("unknown SKU %(value)s", value=sku)]
raise NotFound(message)
size = ma.validate.Range(min=1, max=4, error=N_("must be 1 to 4, got {input}"))
price = ma.fields.Decimal(error_messages={"invalid": N_("must be a number, got {input!r}")})
kwargs.setdefault("error_messages", {"invalid_awareness": N_("must include a time zone")})
'''
    assert english_messages(source, ERRORS) == []
