"""Django's Redis cache with one client object per connection pool, made once, and a
``clear()`` that clears this cache only.

Django's RedisCacheClient builds a new ``redis.Redis`` for every cache call, and
redis-py's constructor fills a table of about 160 response callbacks each time: on
a page-cache hit (one ``get_many``) that was most of the CPU the cache cost, more
than the round trip itself (issue 12, the PDF download). A ``redis.Redis`` is safe to
share between threads (each command takes a connection from the pool), and its pool
opens new connections in a forked worker, so one per pool serves every call.

Django's ``clear()`` is FLUSHDB: it empties the whole Redis database, so clearing the
throttle counts would drop every cached page, and one site (or test process) sharing
the Redis under a key prefix of its own (CACHE_KEY_PREFIX) would empty the others'.
Here it deletes this cache's keys only: those under its prefix and a version number.
"""

from __future__ import annotations

import re

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

# Deleted per round trip when clearing: bounded, so a large cache never blocks Redis.
_CLEAR_BATCH = 500


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class SharedClientRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient

    def clear(self) -> bool:
        # Keys are "<prefix>:<version>:<key>" (Django's default key function); the
        # version's first digit keeps "pages:..." out of the default cache's clear
        # when the pages' prefix extends the default's ("t1" and "t1:pages").
        pattern = f"{_glob_escape(self.key_prefix)}:[0-9]*"
        client = self._cache.get_client(None, write=True)
        batch = []
        for key in client.scan_iter(match=pattern, count=_CLEAR_BATCH):
            batch.append(key)
            if len(batch) == _CLEAR_BATCH:
                client.unlink(*batch)
                batch.clear()
        if batch:
            client.unlink(*batch)
        return True


def _glob_escape(text: str) -> str:
    """`text` matched literally in a Redis MATCH pattern."""
    return re.sub(r"([*?\[\]\\])", r"\\\1", text)
