"""A stored file answered as WhiteNoise answers a static file: Content-Length, ETag,
Last-Modified, a 304 when the client already has it, and one byte range (206) when
asked, which PDF viewers use to show the first page before the rest arrives."""

from __future__ import annotations

import re

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


class _Slice:
    """The bytes [start, start + length) of an open file, read as a file is."""

    def __init__(self, opened, start: int, length: int) -> None:
        opened.seek(start)
        self._file, self._left = opened, length

    def read(self, size: int = -1) -> bytes:
        size = self._left if size < 0 else min(size, self._left)
        data = self._file.read(size) if size else b""
        self._left -= len(data)
        return data

    def close(self) -> None:
        self._file.close()


def byte_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """(start, end inclusive) of a single satisfiable range; None when there is no
    usable Range header (serve the whole file); False when it cannot be satisfied."""
    match = _RANGE.fullmatch(header.strip())
    if not match or (not match[1] and not match[2]):
        return None  # several ranges or nonsense: the whole file (RFC 9110 allows it)
    if not match[1]:  # the last N bytes
        suffix = int(match[2])
        return (max(size - suffix, 0), size - 1) if suffix and size else False
    start = int(match[1])
    end = min(int(match[2]), size - 1) if match[2] else size - 1
    if start >= size or end < start:
        return False
    return start, end


def static_file_response(
    request: HttpRequest,
    opened,
    *,
    size: int,
    etag: str,
    modified: float,
    content_type: str,
    filename: str,
    cache_control: str,
) -> HttpResponse:
    """The open file (closed with the response), or 304/206/416 as the request asks."""
    headers = {
        "ETag": f'"{etag}"',
        "Last-Modified": http_date(modified),
        "Cache-Control": cache_control,
        "Accept-Ranges": "bytes",
    }
    answer = get_conditional_response(request, etag=headers["ETag"], last_modified=int(modified))
    if answer is not None:  # 304 (or 412): the file is not needed
        opened.close()
        for name in ("ETag", "Last-Modified", "Cache-Control"):
            answer[name] = headers[name]
        return answer
    wanted = None
    if_range = request.META.get("HTTP_IF_RANGE", "")
    if "HTTP_RANGE" in request.META and (not if_range or if_range == headers["ETag"]):
        wanted = byte_range(request.META["HTTP_RANGE"], size)
    if wanted is False:
        opened.close()
        response = HttpResponse(status=416, headers=headers)
        response["Content-Range"] = f"bytes */{size}"
        return response
    if not wanted:
        response = FileResponse(
            opened, content_type=content_type, filename=filename, headers=headers
        )
        response["Content-Length"] = str(size)
        return response
    start, end = wanted
    response = FileResponse(
        _Slice(opened, start, end - start + 1),
        status=206,
        content_type=content_type,
        filename=filename,
        headers=headers,
    )
    response["Content-Length"] = str(end - start + 1)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response
