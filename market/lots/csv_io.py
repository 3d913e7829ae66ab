"""CSV import (all or nothing, every bad row reported) and CSV export of stock lots."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import marshmallow as ma
from flask import current_app
from flask_babel import gettext, ngettext

from market.accounts.access import acting_organization, require_user
from market.accounts.models import Organization, User
from market.catalog.services import items_by_sku
from market.common.display import local_time
from market.common.errors import Invalid
from market.common.input_guard import bad_text, text_message
from market.common.transaction import unit_of_work
from market.common.types import utcnow
from market.extensions import db
from market.lots.models import Lot
from market.lots.schemas import LotCreateSchema
from market.lots.services import add_lots, check_new_lot, lots_query

IMPORT_COLUMNS = (
    "item", "quantity", "kind", "unit_price", "latitude", "longitude", "address", "available_until",
)
MAX_IMPORT_ROWS = 5000
MAX_IMPORT_BYTES = 5 * 1024 * 1024
EXPORT_COLUMNS = (
    "id", "organization_id", "organization", "item", "quantity", "reserved", "shipped",
    "available", "kind", "unit_price", "status", "latitude", "longitude", "address",
    "available_until", "entered_by", "created_at",
)
_INTEGER = re.compile(r"[+-]?\d+")
_row_schema = LotCreateSchema(exclude=("organization_id",))

RowError = dict[str, Any]
# The encodings an upload may be in, as the answer names them. Excel saves "CSV UTF-8" with a
# BOM, other tools without; a Chinese Windows saves plain "CSV" in GBK, which GB18030 extends.
UTF8, UTF8_BOM, GB18030 = "utf-8", "utf-8-sig", "gb18030"


@dataclass(frozen=True)
class ImportResult:
    """How many lots one import added, and the encoding the file was read in."""

    imported: int
    encoding: str


def import_lots(
    actor: User | None, upload: IO[bytes] | None, organization_id: int | None = None
) -> ImportResult:
    """Check a whole CSV file of lots, then import every row in one transaction, or none.

    At most `LOTS_IMPORT_MAX_ROWS` (setting, default 5,000) rows per file. The file may be
    UTF-8 (with or without BOM) or GB18030/GBK; the result names the encoding read.
    """
    actor = require_user(actor)
    org = acting_organization(actor, "supplier", organization_id)
    max_rows = int(current_app.config.get("LOTS_IMPORT_MAX_ROWS", MAX_IMPORT_ROWS))
    text, encoding = read_upload(upload)
    rows = _check_rows(text, org, max_rows)
    with unit_of_work():
        lots = add_lots(actor, rows)
    return ImportResult(len(lots), encoding)


def read_upload(upload: IO[bytes] | None) -> tuple[str, str]:
    """The upload as text and the encoding it was read in: present, not empty, not too big.

    Strict UTF-8 first (a BOM is dropped), else GB18030, the superset of GBK and GB2312 that
    a Chinese Excel writes. Valid UTF-8 Chinese text is never valid-looking GBK by accident
    in practice, but GBK bytes are almost never valid UTF-8, so the order matters.
    """
    if upload is None:
        raise Invalid.field("file", gettext("no file uploaded (multipart field 'file')"))
    raw = upload.read(MAX_IMPORT_BYTES + 1)
    if len(raw) > MAX_IMPORT_BYTES:
        raise Invalid.field("file", gettext("is larger than %(size)s MB",
                                            size=MAX_IMPORT_BYTES // (1024 * 1024)))
    if not raw.strip():
        raise Invalid.field("file", gettext("is empty"))
    try:
        text = raw.decode(UTF8)
    except UnicodeDecodeError:
        pass
    else:
        return (text[1:], UTF8_BOM) if text.startswith("\ufeff") else (text, UTF8)
    try:
        return raw.decode(GB18030), GB18030
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise Invalid.field("file", gettext(
            "is neither UTF-8 nor GB18030/GBK text (bad byte at line %(line)s); "
            "save it as CSV UTF-8", line=line)) from None


def encoding_label(encoding: str) -> str:
    """How a page names an encoding read by `read_upload`."""
    return {UTF8: "UTF-8", UTF8_BOM: gettext("UTF-8 with BOM"), GB18030: "GB18030/GBK"}.get(
        encoding, encoding)


def _check_rows(text: str, org: Organization, max_rows: int) -> list[dict[str, Any]]:
    """Check every row; raise one 422 listing each bad row, or return the lots' columns."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader)]
    _check_header(header)
    items = items_by_sku()
    now = utcnow()
    good: list[dict[str, Any]] = []
    errors: list[RowError] = []
    count = 0
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue  # blank lines (often at the end) are not rows
            count += 1
            if count > max_rows:
                raise Invalid.field("file", gettext("has more than %(max)s rows; split it",
                                                    max=max_rows))
            line = reader.line_num
            columns, row_errors = _check_row(header, row, org, items, now)
            errors.extend({"line": line, "field": f, "message": m} for f, m in row_errors)
            if not row_errors:
                good.append(columns)
    except csv.Error as exc:
        problem = gettext("not valid CSV (%(error)s)", error=exc)
        raise Invalid(
            gettext("Line %(line)s: %(message)s", line=reader.line_num, message=problem),
            {"rows": [{"line": reader.line_num, "field": "row", "message": problem}]},
        ) from None
    if errors:
        lines = len({e["line"] for e in errors})
        message = ngettext("%(num)d bad row; nothing was imported.",
                           "%(num)d bad rows; nothing was imported.", lines)
        raise Invalid(message, {"rows": errors})
    if not good:
        raise Invalid.field("file", gettext("has no rows under the header"))
    return good


def _check_header(header: list[str]) -> None:
    """The header must name each import column exactly once (in any order)."""
    if sorted(header) != sorted(IMPORT_COLUMNS):
        expected = ",".join(IMPORT_COLUMNS)
        message = gettext("header must be %(expected)s; got %(got)s", expected=expected,
                          got=",".join(header))
        raise Invalid(
            gettext("Line %(line)s: %(message)s", line=1, message=message),
            {"rows": [{"line": 1, "field": "header", "message": message}]},
        )


def _check_row(
    header: list[str], row: list[str], org: Organization, items: dict, now: Any
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """One row through the API's schema and listing rules; returns columns and (field, message)s."""
    if len(row) != len(header):
        return {}, [("row", gettext("has %(got)s values, expected %(expected)s",
                                    got=len(row), expected=len(header)))]
    bad = [(name, text_message()) for name, cell in zip(header, row, strict=True)
           if bad_text(cell)]
    if bad:
        return {}, bad
    values: dict[str, Any] = {}
    for name, cell in zip(header, row, strict=True):
        cell = cell.strip()
        if cell:
            values[name] = int(cell) if name == "quantity" and _INTEGER.fullmatch(cell) else cell
    try:
        data = _row_schema.load(values)
    except ma.ValidationError as exc:
        return {}, [(f, str(m)) for f, msgs in _flat(exc.messages) for m in msgs]
    columns, errors = check_new_lot(data, org, items, now)
    return columns, [(f, m) for f, msgs in errors.items() for m in msgs]


def _flat(messages: Any) -> list[tuple[str, list[Any]]]:
    if isinstance(messages, dict):
        return [(f, m if isinstance(m, list) else [m]) for f, m in messages.items()]
    return [("row", messages if isinstance(messages, list) else [messages])]


def template_rows() -> list[list[Any]]:
    """The sample row of the downloadable import template, in the reader's language.

    The header stays the column codes the import reads; the sample shows the format (leaving
    latitude, longitude and address all empty takes the company's place instead).
    """
    skus = sorted(items_by_sku())
    sku = "MASK-SURGICAL" if "MASK-SURGICAL" in skus or not skus else skus[0]
    address = gettext("10 Hong Kong Middle Road, Shinan, Qingdao")
    return [[sku, 1000, "sale", "0.80", 36.0664, 120.3826, address, "2026-12-31T18:00:00+08:00"]]


def export_lots(actor: User | None, filters: dict[str, Any]) -> Iterator[list[Any]]:
    """The visible lots as CSV rows (`EXPORT_COLUMNS`), read in batches from the database."""
    stmt = lots_query(actor, filters).execution_options(yield_per=500)
    return (_export_row(lot) for lot in db.session.scalars(stmt))


def _export_row(lot: Lot) -> list[Any]:
    until = local_time(lot.available_until)
    return [
        lot.id, lot.organization_id, lot.organization.name, lot.item.sku, lot.quantity,
        lot.reserved, lot.shipped, lot.available, lot.kind,
        "" if lot.unit_price is None else f"{lot.unit_price:.2f}", lot.status, lot.latitude,
        lot.longitude, lot.address, until,
        lot.entered_by.email if lot.entered_by else "", local_time(lot.created_at),
    ]
