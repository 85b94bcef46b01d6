"""CSV downloads that spreadsheets open safely: whole (small reports) or streamed (the
open data exports, which grow with every decision ever published)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from django.http import HttpResponse, StreamingHttpResponse

# A text cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Rows written per chunk of a streamed download: one write to the client per few
# hundred rows rather than per row, and still only kilobytes held at a time.
ROWS_PER_CHUNK = 500
CONTENT_TYPE = "text/csv; charset=utf-8"


def csv_safe(value: object) -> object:
    """The cell, with a leading quote if a spreadsheet would treat it as a formula.

    Only text is defused: numbers (including negative ones) stay numbers.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return f"'{value}"
    return value


def _headers(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    response = HttpResponse(content_type=CONTENT_TYPE, headers=_headers(filename))
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([csv_safe(cell) for cell in row] for row in rows)
    return response


class _Lines:
    """A file for csv.writer that keeps what is written until it is taken."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def take(self) -> str:
        text, self.parts = "".join(self.parts), []
        return text


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
    """The CSV, UTF-8 encoded, `ROWS_PER_CHUNK` rows at a time, as the rows come."""
    lines = _Lines()
    writer = csv.writer(lines)
    writer.writerow(header)
    rows = iter(rows)
    while batch := list(islice(rows, ROWS_PER_CHUNK)):
        writer.writerows([csv_safe(cell) for cell in row] for row in batch)
        yield lines.take().encode()
    # The header alone when there are no rows.
    if lines.parts:
        yield lines.take().encode()


def csv_streaming_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> StreamingHttpResponse:
    """The same file as csv_response, sent as it is written: memory stays the same
    whatever the number of rows (give rows from a queryset's iterator())."""
    return StreamingHttpResponse(
        csv_chunks(header, rows), content_type=CONTENT_TYPE, headers=_headers(filename)
    )
