"""A cache of rendered public pages, answered before sessions, authentication, CSRF
and the second factor run, so that a published decision's page costs about one
cache lookup, near a static file's cost (issue 12).

Why not Django's ``cache_page`` / UpdateCacheMiddleware: they key a page by its URL
and Vary headers, so nothing can delete one decision's page (or every page that
shows a link to it) when it is withdrawn or amended; they also run after the session
and authentication middleware. Here each page's key carries a *generation* per path
(and one for every page) that ``pages_invalidate`` replaces, so any process on any
server drops a page at once: the cache is the shared one (CACHES["pages"]: Redis
with REDIS_URL, else its own database-cache table).

What is cached: only responses a view marks with ``cacheable_page`` (the published
decision page), to GET/HEAD requests with no query string from visitors with no
session (and no pending-messages) cookie, status 200, with no cookie set. Signed-in
users always get the full stack: their pages show who they are.

The key holds the host, the path, today's local date (a deferral ending at midnight
changes which linked decisions are public, with no event to say so) and a version:
``VERSION`` (bump it when a template or what a page shows changes shape) and the
static files' manifest (a deploy with new CSS/JS names never serves old pages).

An entry lives ``TTL`` seconds at most: the backstop for what changes a page with
no event (see ``decisions/services/pages.py``) and the bound on how long a record
altered behind the application's back (by SQL) can still be served from the cache
before the next miss checks its seals again (its ``until``, for a copy kept in a
process as below).

A stored file's entry (the published PDF: its path, SHA-256 and headers, a few
hundred bytes) is read on every download, so on Redis each process keeps the entry
and its two generations once a hit has read them (core/redis_cache.py TrackedMemory):
Redis reports every change to a key under the pages' prefix, from any process on any
server (a generation replaced, an entry stored, expired, evicted, a flush) on a
connection of the process's own, whose waiting messages are read before each use,
and a change made in this process drops its keys at once. Without that connection
(lost, not open yet) nothing is used from memory; a copy is asked of Redis again
after a few seconds anyway. So a download costs no round trip, as a static file
does; the file itself is still opened and checked against its SHA-256 on every hit
(hashed again whenever it changed on disk), and conditional and range requests are
answered as before.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import secrets
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import http_date, parse_http_date_safe

from core.verified_files import opened_file_intact

PAGES = "pages"  # the alias in settings.CACHES
VERSION = "3"
# Five minutes: a miss costs one full render with its integrity check (about 25 ms
# for PCD 1620), negligible once per page every five minutes, and it bounds both
# what an event cannot announce and how long an altered record stays served.
TTL = 300
# What a shared cache (a CDN, a proxy) may keep: as long as our own entry, half the
# PDF's 600 s, so a withdrawn page leaves every cache within five minutes.
MAX_AGE = 300
# As long as an entry: a generation that expires or is evicted only makes the next
# request a miss (tokens are random, so an old entry never matches a new one), and
# the database cache then holds about two rows per page visited in the last TTL,
# not one per page ever visited.
GENERATION_TTL = TTL
EVERY_PAGE = "generation:*"
# The decision page, and its PDF (a few hundred KB, the signed bytes once verified).
CACHED_VIEWS = frozenset({"decisions:detail", "decisions:pdf"})
# A visitor with pending messages (cookie storage) must get the page that shows them.
MESSAGES_COOKIE = "messages"
# Set by the view: this response is the same for every visitor without a session.
CACHEABLE = "page_cacheable"
# Set by cacheable_file on a local file's response: (path, sha256), stored instead of the bytes.
_FILE = "page_cache_file"
# Not stored: added per response, or nothing to do with the page.
_NOT_STORED = frozenset({"set-cookie", "x-request-id"})
_NOT_IN_304 = frozenset({"content-type", "content-length", "content-language"})
# Without any of these a conditional answer is the response itself (RFC 9110 13.2.2).
_CONDITIONAL_HEADERS = (
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
)


def page_cache():
    return caches[PAGES]


@functools.cache
def _build() -> str:
    """The static files' manifest, in short: pages name hashed static files."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    hashed = getattr(staticfiles_storage, "hashed_files", None) or {}
    text = json.dumps(sorted(hashed.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _generation_key(path: str) -> str:
    return f"generation:{path}"


def _entry_key(request: HttpRequest) -> str:
    where = f"{request.scheme}://{request.get_host()}{request.path}"
    if len(where) > _REMEMBERED_PATH_LENGTH:
        return _entry_key_of(where, timezone.localdate())
    return _entry_key_remembered(where, timezone.localdate())


def _entry_key_of(where: str, day) -> str:
    digest = hashlib.sha256(f"{where}|{day.isoformat()}".encode()).hexdigest()[:40]
    return f"page:{VERSION}:{_build()}:{digest}"


# Worked out on every hit: remembered per address and day (VERSION and the build are
# fixed for the life of the process).
_entry_key_remembered = functools.lru_cache(maxsize=4096)(_entry_key_of)


def _eligible(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING"):
        return False
    if "HTTP_RANGE" in request.META:  # part of a file: the view answers 206 itself
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or MESSAGES_COOKIE in cookies:
        return False
    return _cached_view(request.path_info, get_urlconf() or settings.ROOT_URLCONF)


# Paths this long are resolved every time: the memory stays small whatever is asked.
_REMEMBERED_PATH_LENGTH = 200


def _cached_view(path: str, urlconf) -> bool:
    """Whether the view at `path` is one whose pages are cached. Resolving walks the
    URL patterns (a good part of a hit's time): remembered per path, for the URLconf
    in use (a test's override is a key of its own)."""
    if len(path) > _REMEMBERED_PATH_LENGTH:
        return _resolves_to_cached_view(path, urlconf)
    return _resolves_to_cached_view_remembered(path, urlconf)


def _resolves_to_cached_view(path: str, urlconf) -> bool:
    try:
        return resolve(path, urlconf).view_name in CACHED_VIEWS
    except Resolver404:
        return False


_resolves_to_cached_view_remembered = functools.lru_cache(maxsize=4096)(_resolves_to_cached_view)


def cacheable_page(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Called by a cached view on its 200: validators, caching headers, the mark
    that lets the middleware store it, and a 304 when the client has this copy."""
    set_response_etag(response)
    response["Last-Modified"] = http_date(time.time())
    patch_vary_headers(response, ["Cookie"])
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # Shows who is signed in: never for a shared cache, checked on every use.
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        setattr(response, CACHEABLE, True)
    return _conditional(request, response)


def cacheable_file(response: HttpResponse, *, path: str | None, sha256: str) -> HttpResponse:
    """A whole file served by a view (a FileResponse, 200, its SHA-256 checked), as a
    response the middleware may store, with the same headers (its own ETag and
    Last-Modified). A local file (`path`) is stored as its path and SHA-256 and the
    response stays the file, sent by the server as a static file is (sendfile); a hit
    opens it again and serves it only if it is still those bytes. Without a path
    (object storage) the bytes are read once and stored (the caller closes its file:
    closing the response would send request_finished): only for files of a few
    hundred KB."""
    if response.status_code != 200 or not response.streaming:
        return response
    if path is not None:
        setattr(response, CACHEABLE, True)
        setattr(response, _FILE, (path, sha256))
        return response
    whole = HttpResponse(b"".join(response.streaming_content), status=200)
    for name, value in response.items():
        whole[name] = value
    setattr(whole, CACHEABLE, True)
    return whole


def _conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
    answer = get_conditional_response(
        request, etag=response.get("ETag"), last_modified=last_modified, response=response
    )
    if answer is not response:
        # The same headers as the full page (security policy included), less the body's.
        for name, value in response.items():
            if name.lower() not in _NOT_IN_304 and name not in answer:
                answer[name] = value
    return answer


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    user = getattr(request, "user", None)
    return (
        getattr(response, CACHEABLE, False)
        and response.status_code == 200
        and (not response.streaming or hasattr(response, _FILE))
        and not response.cookies
        and "Set-Cookie" not in response
        and not (user is not None and user.is_authenticated)
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def _entry(response: HttpResponse, generations: tuple) -> dict:
    entry = {
        "generations": generations,
        # Its end (the cache's own TTL ends it in the cache; this, in a process's memory).
        "until": time.time() + TTL,
        "status": response.status_code,
        "headers": [(k, v) for k, v in response.items() if k.lower() not in _NOT_STORED],
    }
    if hasattr(response, _FILE):
        entry["file"] = getattr(response, _FILE)
    else:
        entry["body"] = response.content
    return entry


def _response(entry: dict) -> HttpResponse:
    response = HttpResponse(entry["body"], status=entry["status"])
    for name, value in entry["headers"]:
        response[name] = value
    return response


def _file_response(request: HttpRequest, entry: dict) -> HttpResponse | None:
    """A stored file entry answered: a 304 without opening the file, else the file if
    it is still the bytes whose SHA-256 was recorded (hashed unless this process has
    checked this very file: core/verified_files.py). None when it is missing or
    changed: the view then answers, and reports it."""
    if any(name in request.META for name in _CONDITIONAL_HEADERS):
        headers = HttpResponse(status=entry["status"])
        for name, value in entry["headers"]:
            headers[name] = value
        answer = _conditional(request, headers)
        if answer is not headers:
            return answer
    path, sha256 = entry["file"]
    try:
        opened = open(path, "rb")  # noqa: SIM115 (closed with the response)
    except OSError:
        return None
    if opened_file_intact(opened, sha256) is None:
        opened.close()
        return None
    response = _StoredFileResponse(opened, status=entry["status"])
    # The stored headers, checked and encoded once per process (as setting each would).
    response.headers._store = _headers_checked(tuple(entry["headers"])).copy()
    return response


@functools.lru_cache(maxsize=256)
def _headers_checked(headers: tuple) -> dict:
    """The header store of a response given these headers in this order, after the
    defaults: what ``response[name] = value`` for each would leave."""
    response = HttpResponse()
    for name, value in headers:
        response[name] = value
    return response.headers._store


class _StoredFileResponse(FileResponse):
    """A FileResponse whose headers (type, length, disposition) are those stored with
    the entry, set by the caller: not worked out from the file again."""

    def set_headers(self, filelike) -> None:
        pass


def _generation(found: dict, key: str) -> str | None:
    """The key's generation, made now if there is none yet (a miss only)."""
    value = found.get(key)
    if value is None:
        token = secrets.token_hex(8)
        cache = page_cache()
        value = token if cache.add(key, token, GENERATION_TTL) else cache.get(key)
    return value


class PageCacheMiddleware:
    """Right after WhiteNoise: a hit is one cache round trip (the entry and its two
    generations; none for a stored file's entry this process keeps, see above),
    answered with the stored headers (those the inner middleware added: security
    policy, frame options...) or a 304; a miss runs the whole stack and stores what
    the view marked cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _eligible(request):
            return self.get_response(request)
        entry_key = _entry_key(request)
        path_key = _generation_key(request.path)
        keys = [entry_key, path_key, EVERY_PAGE]
        cache = page_cache()
        # A stored file's entry and its generations, as this process last read them,
        # while Redis has reported no change to any of them (core/redis_cache.py).
        remembered = getattr(cache, "remembered_many", None)
        found, since = remembered(keys) if remembered is not None else (None, None)
        if found is None:
            found = cache.get_many(keys)
        entry = found.get(entry_key)
        current = (found.get(EVERY_PAGE), found.get(path_key))
        if (
            entry is not None
            and None not in current
            and entry["generations"] == current
            and entry.get("until", math.inf) > time.time()
        ):
            if "file" not in entry:
                return _conditional(request, _response(entry))
            answer = _file_response(request, entry)
            if answer is not None:
                if since is not None and "until" in entry:
                    cache.remember_many(found, since=since)
                return answer
        # Read before rendering: if the page changes while it renders, the change
        # replaces a generation and what we store below is never used.
        generations = (_generation(found, EVERY_PAGE), _generation(found, path_key))
        # The full page, to store; the client's validators are applied afterwards.
        validators = {
            name: request.META.pop(name)
            for name in ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")
            if name in request.META
        }
        response = self.get_response(request)
        request.META.update(validators)
        if _storable(request, response) and None not in generations:
            cache.set(entry_key, _entry(response, generations), TTL)
        if response.status_code == 200 and response.has_header("ETag"):
            answer = _conditional(request, response)
            if answer is not response and hasattr(response, _FILE):
                response.file_to_stream.close()  # a 304: the file is not sent
            return answer
        return response


def _replace(keys: Iterable[str]) -> None:
    page_cache().set_many({key: secrets.token_hex(8) for key in keys}, GENERATION_TTL)


def _replace_now_and_after_commit(keys: list[str]) -> None:
    # Now, in the caller's transaction: on the database cache this is atomic with the
    # change itself (kept if it commits, gone if it rolls back, never lost to a crash
    # between the two). Again after commit: on Redis the first is visible at once,
    # and a page rendered from the old rows in between would otherwise be kept.
    _replace(keys)
    transaction.on_commit(lambda: _replace(keys))


def pages_invalidate(paths: Iterable[str], *, after_commit: bool = True) -> None:
    """Drop the cached pages at these paths, for every host and date, on every server:
    now and, unless `after_commit` is False (the caller drops them again itself once
    committed, or runs after its commit), again after commit."""
    keys = sorted({_generation_key(path) for path in paths})
    if keys:
        if after_commit:
            _replace_now_and_after_commit(keys)
        else:
            _replace(keys)


def pages_invalidate_all() -> None:
    """Drop every cached page (a decision type's rules changed, a backup restored)."""
    _replace_now_and_after_commit([EVERY_PAGE])
