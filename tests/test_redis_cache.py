"""The caches on Redis (REDIS_URL; issue 15, part 2): rendered pages and the throttles'
counts are in one place every application server reads, and a change drops a page
for all of them at once (core/page_cache.py's generation tokens). "Another server"
here is a cache client of its own (its own connections); tests/test_two_instances.py
does the same with real gunicorn processes."""

from __future__ import annotations

import pytest
import redis
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import throttle
from accounts.roles import Role
from core import page_cache
from core.errors import Messages
from decisions.services import decision_publication_withdraw
from tests.factories import UserFactory, approved_decision, awaiting_approval_decision
from tests.helpers import page_text


@pytest.fixture
def published(redis_caches, officer, reviewers):
    return approved_decision(user=officer, reviewers=reviewers, title="Cached in Redis")


def get_counted(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def other_server(alias: str):
    """A cache client as another process has it: its own connection pool."""
    return caches.create_connection(alias)


def test_the_caches_are_redis_when_configured(redis_caches):
    for alias in ("default", "pages"):
        # Django's Redis backend (ours keeps one client per connection pool).
        assert isinstance(caches[alias], RedisCache)


def test_a_page_stored_by_one_server_is_served_by_another_and_dropped_for_both(
    client, published, redis_server, redis_caches, monkeypatch
):
    url = published.get_absolute_url()
    first, queries = get_counted(client, url)
    assert first.status_code == 200 and queries > 0
    # In Redis itself, under this test's prefix: the entry and its two generations.
    keys = {
        key.decode() for key in redis.Redis.from_url(redis_server).scan_iter(f"{redis_caches}*")
    }
    assert any(":pages:" in key and "page:" in key for key in keys)
    assert any(key.endswith("generation:*") for key in keys)
    # The other server's client finds it: a hit without a single query.
    monkeypatch.setattr(page_cache, "page_cache", lambda: other_server("pages"))
    hit, queries = get_counted(Client(), url)
    assert hit.status_code == 200 and queries == 0 and hit.content == first.content
    # Withdrawn through the other server: this one answers 410 at once.
    records = UserFactory(role=Role.RECORDS_MANAGER)
    decision_publication_withdraw(user=records, decision=published, reason="Published in error.")
    monkeypatch.undo()
    gone, queries = get_counted(client, url)
    assert gone.status_code == 410 and queries > 0


def test_invalidating_everything_on_one_server_drops_the_pages_of_all(
    client, published, monkeypatch
):
    url = published.get_absolute_url()
    client.get(url)
    assert get_counted(client, url)[1] == 0
    monkeypatch.setattr(page_cache, "page_cache", lambda: other_server("pages"))
    page_cache.pages_invalidate_all()
    monkeypatch.undo()
    response, queries = get_counted(client, url)
    assert response.status_code == 200 and queries > 0


def test_the_signing_throttle_counts_across_servers_on_redis(redis_caches, monkeypatch, db):
    decision = awaiting_approval_decision(user=UserFactory(role=Role.OFFICER))
    approver = UserFactory(role=Role.DMPC)
    url = reverse("drafting:act", kwargs={"pk": decision.pk, "action": "approve"})
    first, second = Client(), Client()
    first.force_login(approver)
    second.force_login(approver)
    guesses = {"has_interests": "no", "password": "guess"}
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        first.post(url, guesses)
    monkeypatch.setattr(throttle, "cache", other_server("default"))
    assert "The password is not correct." in page_text(second.post(url, guesses))
    response = second.post(url, {"has_interests": "no", "password": "correct horse battery staple"})
    assert Messages.SIGNING_THROTTLED in page_text(response)


def test_lock_outs_double_across_servers_on_redis(redis_caches, monkeypatch, db):
    assert throttle.lockouts("dmpc", "203.0.113.9") == 0
    key = throttle._lockouts_key("dmpc", "203.0.113.9")
    caches["default"].set(key, 2)
    monkeypatch.setattr(throttle, "cache", other_server("default"))
    assert throttle.lockouts("dmpc", "203.0.113.9") == 2
    assert throttle.cool_off_for("dmpc", "203.0.113.9") == 2 * throttle.cool_off_for("x", "y")


def test_clearing_a_cache_deletes_its_own_keys_only(redis_server, settings):
    """Django's clear() is FLUSHDB: clearing the throttle counts emptied the page cache,
    and a site (or a test process) clearing its cache emptied every other prefix on
    the same Redis database, so another process's pages went missing mid-use."""
    from tests.backends import redis_caches_settings

    mine, other, odd = "tclear-mine", "tclear-other", "tclear*?"
    settings.CACHES = {
        **redis_caches_settings(redis_server, mine),
        "other": redis_caches_settings(redis_server, other)["default"],
        "odd": redis_caches_settings(redis_server, odd)["default"],
    }
    for alias in ("default", "pages", "other", "odd"):
        caches[alias].set("key", alias, 60)
    raw = redis.Redis.from_url(redis_server)
    raw.set("no-prefix-of-ours", "kept", ex=60)
    try:
        caches["default"].clear()
        assert caches["default"].get("key") is None
        assert caches["pages"].get("key") == "pages"  # "<mine>:pages" extends "<mine>"
        assert caches["other"].get("key") == "other"
        assert caches["odd"].get("key") == "odd"
        assert raw.get("no-prefix-of-ours") == b"kept"
        # A prefix with glob characters clears its own keys and nobody else's.
        caches["odd"].clear()
        assert caches["odd"].get("key") is None
        assert caches["other"].get("key") == "other"
        assert caches["pages"].get("key") == "pages"
    finally:
        raw.delete("no-prefix-of-ours")
        for alias in ("pages", "other"):
            caches[alias].clear()
