"""/healthz and /readyz for load balancers, and the JSON log lines (issue 15, point 4)."""

import json
import logging

import pytest
from django.db import connection

from core.log_format import JsonFormatter

pytestmark = [pytest.mark.django_db, pytest.mark.storage]

# A load balancer probes each instance by its own address, over plain HTTP.
PROBE = {"HTTP_HOST": "10.0.3.7:8000", "secure": False}


@pytest.fixture
def production_checks(settings):
    settings.ALLOWED_HOSTS = ["decisions.example.org"]
    settings.SECURE_SSL_REDIRECT = True


def test_healthz_answers_any_host_over_http_without_touching_the_database(
    client, production_checks, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/healthz", **PROBE)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response
    assert response["X-Request-ID"]
    # Anything else from that address is still refused (host check, HTTPS redirect).
    assert client.get("/decisions/", **PROBE).status_code == 400
    refused = client.get("/decisions/", HTTP_HOST="decisions.example.org", secure=False)
    assert refused.status_code == 301


def test_readyz_names_each_dependency(client, production_checks):
    response = client.get("/readyz", **PROBE)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "storage": "ok"}
    assert client.head("/readyz", **PROBE).status_code == 200
    posted = client.post("/readyz", **PROBE)
    assert posted.status_code == 405 and posted["Allow"] == "GET, HEAD"


def test_readyz_is_unavailable_when_the_cache_is(client, settings, production_checks):
    # A Redis server that is not there (nothing listens on port 1).
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    response = client.get("/readyz", **PROBE)
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "cache": "unavailable",
        "storage": "ok",
    }


def test_readyz_is_unavailable_when_uploads_cannot_be_stored(
    client, settings, production_checks, tmp_path
):
    # The local disk's check (tests/test_object_storage.py has the bucket's).
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = str(blocker / "media")
    assert client.get("/readyz", **PROBE).json()["storage"] == "unavailable"
    settings.MEDIA_ROOT = str(tmp_path / "made-by-the-first-upload")
    assert client.get("/readyz", **PROBE).json()["storage"] == "ok"


def test_readyz_is_unavailable_without_the_database(client, production_checks, monkeypatch):
    def refuse(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/readyz", **PROBE)
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert "refused" not in response.content.decode()  # the reason is logged, not shown


def test_log_lines_are_json_with_the_request_id(client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    handler = Collect()
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get("/decisions/no-such-decision/")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 404
    (line,) = [json.loads(text) for text in lines]
    assert line["request_id"] == response["X-Request-ID"]
    assert (line["level"], line["logger"], line["path"]) == (
        "WARNING",
        "django.request",
        "/decisions/no-such-decision/",
    )
    assert "Not Found" in line["message"]
