"""A published PDF's page-cache entry kept in each process's memory while Redis
reports no change to it (core/redis_cache.py TrackedMemory; core/page_cache.py): a
hit without a round trip to Redis, dropped by a change made in any process, and never
a file altered on disk (issue 12, the PDF download)."""

from __future__ import annotations

import json
import os
import pickle
import time

import pytest
import redis
from django.core.cache import caches

from core import page_cache, redis_cache
from tests.backends import stored_bytes, stored_replace
from tests.factories import approved_decision


@pytest.fixture
def published(redis_caches, officer, reviewers):
    # Local files (the default storage) and the caches on Redis: a file entry.
    return approved_decision(user=officer, reviewers=reviewers, title="Remembered")


@pytest.fixture
def redis_reads(monkeypatch):
    """The page cache's reads from Redis (get_many), one item a read."""
    cache = caches["pages"]
    reads = []
    real = cache.get_many

    def counting(keys, version=None):
        reads.append(keys)
        return real(keys, version=version)

    monkeypatch.setattr(cache, "get_many", counting)
    return reads


def pdf_url(decision) -> str:
    return f"{decision.get_absolute_url()}pdf/"


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def headers_of(response) -> dict:
    return {name: value for name, value in response.items() if name != "X-Request-ID"}


def kept(url: str, name: str = "path") -> bool:
    """Whether this process's memory holds the page cache's key for `url`."""
    cache = caches["pages"]
    key = page_cache._generation_key(url) if name == "path" else page_cache.EVERY_PAGE
    return cache.make_key(key) in cache._memory._items


def until_dropped(url: str, name: str = "path", seconds: float = 2.0) -> None:
    """Waits for Redis's message (well within the memory's own age limit)."""
    assert seconds < redis_cache.REMEMBERED_SECONDS
    deadline = time.monotonic() + seconds
    while kept(url, name) and time.monotonic() < deadline:
        caches["pages"].remembered_many(["any"])  # reads the messages waiting
        time.sleep(0.01)
    assert not kept(url, name), "Redis's change was not reported"


def remembered(client, url: str):
    """The view stores the entry; the next request reads it from Redis and keeps it."""
    stored = client.get(url)
    assert stored.status_code == 200
    assert client.get(url).status_code == 200
    assert kept(url)
    return stored


def test_a_kept_pdf_is_served_without_asking_redis_with_the_same_headers(
    client, published, redis_reads
):
    url = pdf_url(published)
    stored = remembered(client, url)
    assert len(redis_reads) == 2  # the miss, then the hit that kept it
    for _ in range(3):
        hit = client.get(url)
        assert hit.status_code == 200
        assert body_of(hit) == stored_bytes(published.published_document.file)
        assert headers_of(hit) == headers_of(stored)
        assert hit["X-Request-ID"] != stored["X-Request-ID"]
    # A 304 too, from the same memory.
    again = client.get(url, HTTP_IF_NONE_MATCH=stored["ETag"])
    assert again.status_code == 304 and again["Content-Security-Policy"]
    assert len(redis_reads) == 2


def test_a_withdrawal_in_another_process_drops_the_kept_pdf(
    client, published, redis_reads, records_manager, monkeypatch
):
    from decisions.services import decision_publication_withdraw

    url = pdf_url(published)
    remembered(client, url)
    with monkeypatch.context() as elsewhere:
        # Another process's writes drop nothing from this one's memory: only the
        # message Redis sends to this process's tracking connection does.
        elsewhere.setattr(redis_cache, "memories_forget", lambda keys: None)
        decision_publication_withdraw(user=records_manager, decision=published, reason="Error.")
        until_dropped(url)
    assert client.get(url).status_code == 404


def test_any_write_to_a_kept_key_by_any_client_drops_it(client, published, redis_server):
    url = pdf_url(published)
    remembered(client, url)
    cache = caches["pages"]
    outside = redis.Redis.from_url(redis_server)  # not through Django at all
    token = pickle.dumps("another process's token")  # as Django's serializer writes it
    outside.set(cache.make_key(page_cache._generation_key(url)), token, ex=60)
    until_dropped(url)
    # The same for the generation of every page, and a deletion.
    remembered(client, url)
    outside.delete(cache.make_key(page_cache.EVERY_PAGE))
    until_dropped(url, "every")
    assert client.get(url).status_code == 200  # a miss: the view, then stored again


def test_a_kept_pdf_altered_on_disk_is_withheld_at_once(client, published, caplog):
    url = pdf_url(published)
    document = published.published_document
    remembered(client, url)
    original = stored_bytes(document.file)
    stored_replace(document.file, original[:-1] + b"X")
    caplog.clear()
    response = client.get(url)
    assert response.status_code == 503
    alerts = [
        json.loads(r.getMessage()) for r in caplog.records if '"verify_failed"' in r.getMessage()
    ]
    assert [alert["served"] for alert in alerts] == ["pdf"]
    stored_replace(document.file, original)
    assert body_of(client.get(url)) == original


def test_nothing_is_served_from_memory_once_the_tracking_connection_is_lost(
    client, published, redis_reads, redis_server, monkeypatch
):
    url = pdf_url(published)
    remembered(client, url)
    memory = caches["pages"]._memory
    # Redis drops the connection (a restart, a network cut): everything kept goes.
    outside = redis.Redis.from_url(redis_server)
    outside.client_kill_filter(_id=memory._connection_id)
    assert client.get(url).status_code == 200
    assert not memory._items and len(redis_reads) == 3
    # Opened again a moment later, and used from then on.
    monkeypatch.setattr(redis_cache, "RETRY_SECONDS", 0.0)
    memory._retry_at = 0.0
    remembered(client, url)
    reads = len(redis_reads)
    assert client.get(url).status_code == 200 and len(redis_reads) == reads


def test_what_is_kept_is_asked_of_redis_again_after_its_age_limit(
    client, published, redis_reads, monkeypatch
):
    url = pdf_url(published)
    remembered(client, url)
    memory = caches["pages"]._memory
    reads = len(redis_reads)
    later = memory.clock() + redis_cache.REMEMBERED_SECONDS + 1
    monkeypatch.setattr(memory, "clock", lambda: later)
    assert client.get(url).status_code == 200
    assert len(redis_reads) == reads + 1 and kept(url)
    assert memory._items  # kept again, read afresh


def test_a_forked_process_uses_nothing_its_parent_kept(client, published):
    """A worker forked from a process that had kept something (gunicorn --preload):
    the parent's tracking connection is not the child's, and neither is what it kept."""
    url = pdf_url(published)
    remembered(client, url)
    memory = caches["pages"]._memory
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child reports and leaves at once)
        os.write(write, f"{len(memory._items)} {memory._connection is None}".encode())
        os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    assert os.read(read, 100) == b"0 True"
    os.close(read)
    assert kept(url) and memory._connection is not None  # the parent's, as they were
