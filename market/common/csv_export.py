"""The one CSV writer of every export: formula-safe cells, UTF-8 with BOM, streamed.

A cell a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return, e.g. a company named `=HYPERLINK(...)`) is written with a leading `'`. The BOM
lets Excel open Chinese text as UTF-8. Rows are written in chunks so a large export never
sits whole in memory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from flask import Response, stream_with_context

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHUNK_ROWS = 500


def safe_cell(value: Any) -> Any:
    """One cell as written: None is empty, text that starts like a formula gets a `'`."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Any]],
               chunk_rows: int = CHUNK_ROWS) -> Iterator[str]:
    """The CSV text in chunks: BOM and header, then every `chunk_rows` rows.

    The first chunk is produced only after the first rows were read, so whatever the rows'
    query checks (access, filters) has run before a response starts streaming.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow([safe_cell(h) for h in header])
    for n, row in enumerate(rows, start=1):
        writer.writerow([safe_cell(v) for v in row])
        if n % chunk_rows == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The whole CSV as one string (small tables, tests)."""
    return "".join(csv_chunks(header, rows))


def csv_response(filename: str, header: Sequence[str],
                 rows: Iterable[Sequence[Any]]) -> Response:
    """A streamed `text/csv` download named `filename`."""
    chunks = csv_chunks(header, rows)
    first = next(chunks)  # reads the first rows now: errors become answers, not cut streams
    return Response(
        stream_with_context(_chain(first, chunks)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
