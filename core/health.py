"""Health checks for load balancers and orchestrators.

`/healthz` says the process is up and answering (it touches nothing else), `/readyz`
that it can serve: the database, the caches and the file storage all answer. Both are
answered here, before host validation and the HTTPS redirect, because a load balancer
probes each instance by its own address over plain HTTP; they carry no data, set no
cookie and are never cached.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Callable
from pathlib import Path

from django.core.cache import caches
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _caches() -> None:
    # Every configured cache (the counts of the throttles and the rendered pages):
    # written and read back, so a read-only or full cache is not "ready".
    for alias in ("default", "pages"):
        cache = caches[alias]
        key = f"readyz:{uuid.uuid4().hex}"
        cache.set(key, "1", timeout=10)
        found = cache.get(key)
        cache.delete(key)
        if found != "1":
            raise RuntimeError(f"cache {alias!r} did not return what was written")


def _storage() -> None:
    location = getattr(default_storage, "location", None)
    if location is None:
        # Object storage: a lookup of a name never written (one HEAD request) shows
        # that the bucket answers and our credentials are taken.
        default_storage.exists("readyz-probe")
        return
    # The filesystem: uploads can be written where they go. The folder itself is made
    # by the first upload, so until then its nearest existing parent must be writable.
    folder = Path(location)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise RuntimeError(f"cannot write uploads under {folder}")


CHECKS: dict[str, Callable[[], None]] = {
    "database": _database,
    "cache": _caches,
    "storage": _storage,
}


def readiness() -> dict[str, str]:
    """Each dependency's state: "ok", or "unavailable" (the reason goes to the log only)."""
    states = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:
            logger.exception("readyz: %s unavailable", name)
            states[name] = "unavailable"
        else:
            states[name] = "ok"
    return states


def _json(body: dict, status: int) -> HttpResponse:
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answers /healthz and /readyz (GET or HEAD) before anything else looks at the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info not in (HEALTH_PATH, READY_PATH):
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = _json({"status": "method not allowed"}, 405)
            response["Allow"] = "GET, HEAD"
            return response
        if request.path_info == HEALTH_PATH:
            return _json({"status": "ok"}, 200)
        states = readiness()
        ready = all(state == "ok" for state in states.values())
        return _json({"status": "ok" if ready else "unavailable", **states}, 200 if ready else 503)
