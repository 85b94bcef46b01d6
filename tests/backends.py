"""The shared servers of a deployment with several application servers, for tests: an
S3 endpoint (moto's server mode, a real HTTP endpoint boto3 talks to) and Redis
(Debian's redis-server, started by scripts/redis-up.sh when it is not running).

Fixtures (imported by tests/conftest.py):

- ``s3_server``: the endpoint URL of a moto server on a free loopback port, one per
  test process, stopped at the end of the session;
- ``s3_storage``: this test's default storage is a new, empty bucket on it;
- ``redis_server``: the URL of the local Redis (database REDIS_TEST_DB);
- ``redis_caches``: this test's caches (throttling and pages) are in Redis, under a
  key prefix of their own, as with REDIS_URL.

Tests marked ``storage`` (they touch stored files or the caches) run twice in every
`make test`: on the defaults (``[local]``: MEDIA_ROOT, the database cache) and on
S3 and Redis (``[s3-redis]``). With TEST_STORAGE=s3 and/or TEST_CACHE=redis in the
environment every test runs so, once (the whole suite on object storage and Redis:
README "Tests on S3 and Redis").
"""

from __future__ import annotations

import os
import socket
import subprocess
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
S3_KEY, S3_SECRET, S3_REGION = "testing", "testing", "eu-west-2"
# A database number of its own, apart from anything else using the local Redis.
REDIS_TEST_DB = int(os.environ.get("REDIS_TEST_DB", "11"))
REDIS_BASE = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def s3_client(endpoint: str):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=S3_KEY,
        aws_secret_access_key=S3_SECRET,
        region_name=S3_REGION,
    )


def s3_bucket_create(endpoint: str) -> str:
    name = f"dr-{uuid.uuid4().hex[:20]}"
    s3_client(endpoint).create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": S3_REGION}
    )
    return name


def s3_storage_settings(endpoint: str, bucket: str) -> dict:
    """STORAGES["default"] as config/settings.py builds it for this bucket."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": "",
            "access_key": S3_KEY,
            "secret_key": S3_SECRET,
            "endpoint_url": endpoint,
            "region_name": S3_REGION,
            "addressing_style": "path",
            "signature_version": "s3v4",
            "file_overwrite": False,
            "default_acl": None,
            "max_memory_size": 2 * 1024 * 1024,
        },
    }


def s3_env(endpoint: str, bucket: str) -> dict[str, str]:
    """The environment that gives a process that storage (config/settings.py)."""
    return {
        "STORAGE_URL": f"s3://{bucket}",
        "AWS_ACCESS_KEY_ID": S3_KEY,
        "AWS_SECRET_ACCESS_KEY": S3_SECRET,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": S3_REGION,
        "AWS_S3_ADDRESSING_STYLE": "path",
    }


@pytest.fixture(scope="session")
def s3_server():
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line a request otherwise
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def _use_s3(settings, endpoint: str) -> str:
    bucket = s3_bucket_create(endpoint)
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage_settings(endpoint, bucket)}
    return bucket


@pytest.fixture
def s3_storage(settings, s3_server):
    """This test's default storage: a new bucket on the moto server. Yields the bucket."""
    return _use_s3(settings, s3_server)


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=2).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="session")
def redis_server() -> str:
    url = f"{REDIS_BASE}/{REDIS_TEST_DB}"
    if not _redis_answers(url):
        subprocess.run([str(ROOT / "scripts" / "redis-up.sh")], check=True, timeout=60)
    return url


def redis_caches_settings(url: str, prefix: str) -> dict:
    """CACHES as config/settings.py builds them with REDIS_URL, under a key prefix."""
    backend = "core.redis_cache.SharedClientRedisCache"
    return {
        "default": {"BACKEND": backend, "LOCATION": url, "KEY_PREFIX": prefix},
        "pages": {"BACKEND": backend, "LOCATION": url, "KEY_PREFIX": f"{prefix}:pages"},
    }


def _use_redis(settings, url: str) -> str:
    prefix = f"t{uuid.uuid4().hex[:12]}"
    settings.CACHES = redis_caches_settings(url, prefix)
    return prefix


@pytest.fixture
def redis_caches(settings, redis_server):
    """This test's caches are in Redis, under a prefix of their own. Yields the prefix."""
    import redis

    prefix = _use_redis(settings, redis_server)
    yield prefix
    # This test's keys only (never FLUSHDB: other test processes share the database).
    client = redis.Redis.from_url(redis_server)
    for key in client.scan_iter(f"{prefix}:*", count=500):
        client.delete(key)


BOTH_MODES = ("local", "s3-redis")


def _suite_mode() -> str | None:
    """The mode the environment sets for every test, if any."""
    if os.environ.get("TEST_STORAGE") == "s3" or os.environ.get("TEST_CACHE") == "redis":
        return "environment"
    return None


def pytest_generate_tests(metafunc) -> None:
    """A test marked ``storage`` runs in both modes, unless the environment chose one
    for every test or the test asks for its backends itself."""
    if (
        metafunc.definition.get_closest_marker("storage") is None
        or _suite_mode() is not None
        or {"s3_storage", "redis_caches"} & set(metafunc.fixturenames)
    ):
        return
    metafunc.parametrize("backends_mode", BOTH_MODES, indirect=True)


@pytest.fixture
def backends_mode(request) -> str:
    """``local`` or ``s3-redis`` (a marked test's parameter), else ``environment``
    or ``local``."""
    return getattr(request, "param", None) or _suite_mode() or "local"


@pytest.fixture(autouse=True)
def _suite_backends(request, settings, backends_mode):
    """S3 and Redis for this test: a marked test's ``s3-redis`` run, or every test
    with TEST_STORAGE=s3, TEST_CACHE=redis."""
    s3 = backends_mode == "s3-redis" or os.environ.get("TEST_STORAGE") == "s3"
    redis = backends_mode == "s3-redis" or os.environ.get("TEST_CACHE") == "redis"
    if s3 and "s3_storage" not in request.fixturenames:
        _use_s3(settings, request.getfixturevalue("s3_server"))
    if redis and "redis_caches" not in request.fixturenames:
        request.getfixturevalue("redis_caches")


# --- Altering stored files behind the application's back (tamper tests) --------------


def stored_bytes(file) -> bytes:
    with file.storage.open(file.name, "rb") as stored:
        return stored.read()


def stored_replace(file, data: bytes) -> None:
    """Write `data` over the stored file in place, as someone with access to the disk
    or the bucket would (the application itself never overwrites)."""
    from django.core.files.storage import FileSystemStorage

    if isinstance(file.storage, FileSystemStorage):
        with open(file.path, "r+b") as replaced:
            replaced.write(data)
            replaced.truncate()
    else:
        file.storage.bucket.Object(file.storage._normalize_name(file.name)).put(Body=data)


def stored_remove(file) -> None:
    file.storage.delete(file.name)
