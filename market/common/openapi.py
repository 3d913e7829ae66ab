"""What the OpenAPI document says about ids, integers and decimal amounts.

Three things keep the document honest, so a schema-driven fuzzer tests every operation:
- ids in paths are whole numbers from 1 to 2^31 - 1 (the range of an `integer` column on
  PostgreSQL); a larger id matches no route (404) instead of overflowing the database;
- every integer in a request is bounded the same way unless its field says otherwise
  (an id filter of 10^20 answers 422 rather than 500);
- decimals (money, daily use) are the strings they are answered as; requests accept a
  string or a number, and `minimum` / `maximum` are written as numbers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma
from werkzeug.routing import IntegerConverter

from market.i18n import N_

MAX_ID = 2**31 - 1
"""The largest value of a PostgreSQL `integer` column (ids, counts kept as `integer`)."""

DECIMAL_PATTERN = r"^-?\d+(\.\d+)?$"
_REQUEST_MARK = "_openapi_request"


class IdConverter(IntegerConverter):
    """`<int:id>` in every route: 0 to 2^31 - 1, so a larger id is a 404, never a 500."""

    def __init__(self, map, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def mark_request_schema(schema: ma.Schema) -> None:
    """Note that `schema` (and each schema nested in it) is read from requests.

    Also bounds its unbounded integers to the id range, so that no number a client sends
    can overflow a column.
    """
    seen: set[int] = set()

    def walk(s: ma.Schema) -> None:
        if id(s) in seen:
            return
        seen.add(id(s))
        setattr(s, _REQUEST_MARK, True)
        for field in s.fields.values():
            for inner in _inner_fields(field):
                if isinstance(inner, ma.fields.Nested) and isinstance(inner.schema, ma.Schema):
                    walk(inner.schema)
                elif isinstance(inner, ma.fields.Integer) and not _has_max(inner):
                    inner.validators.append(ma.validate.Range(
                        min=-MAX_ID, max=MAX_ID,
                        error=N_("must be from {min} to {max}, got {input}"),
                    ))

    walk(schema)


def _inner_fields(field: ma.fields.Field) -> list[ma.fields.Field]:
    """The field itself, or the fields a List / Tuple / Dict holds."""
    if isinstance(field, ma.fields.List):
        return [field, *_inner_fields(field.inner)]
    if isinstance(field, ma.fields.Tuple):
        return [field, *[f for t in field.tuple_fields for f in _inner_fields(t)]]
    if isinstance(field, ma.fields.Dict) and field.value_field is not None:
        return [field, *_inner_fields(field.value_field)]
    return [field]


def _has_max(field: ma.fields.Field) -> bool:
    return any(getattr(v, "max", None) is not None for v in field.validators)


def _number(value: Any) -> int | float:
    """A bound as a JSON number (Decimal bounds would print as strings)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def decimal2property(self, field: ma.fields.Field, ret: dict, **kwargs: Any) -> dict:
    """apispec attribute function: document Decimal fields as strings (and numbers in)."""
    if not isinstance(field, ma.fields.Decimal):
        return {}
    bounds = {key: _number(ret[key]) if not isinstance(ret[key], str) else _number(Decimal(
        ret[key])) for key in ("minimum", "maximum") if key in ret}
    as_string = {"type": "string", "pattern": DECIMAL_PATTERN}
    if not getattr(field.parent, _REQUEST_MARK, False):
        return {**as_string, "minimum": None, "maximum": None} if field.as_string else bounds
    extra = {"nullable": True} if field.allow_none else {}
    return {"type": None, "minimum": None, "maximum": None, "nullable": None,
            "anyOf": [{**as_string, **extra}, {"type": "number", **bounds, **extra}]}


def drop_none(self, field: ma.fields.Field, ret: dict, **kwargs: Any) -> dict:
    """Remove the keys `decimal2property` set to None (apispec merges shallowly)."""
    for key in [k for k in ("type", "minimum", "maximum", "nullable") if k in ret
                and ret[k] is None]:
        del ret[key]
    return {}
