"""Django's Redis cache with one client object per connection pool, made once.

Django's RedisCacheClient builds a new ``redis.Redis`` for every cache call, and
redis-py's constructor fills a table of about 160 response callbacks each time: on
a page-cache hit (one ``get_many``) that was most of the CPU the cache cost, more
than the round trip itself (issue 12, the PDF download). A ``redis.Redis`` is safe to
share between threads (each command takes a connection from the pool), and its pool
opens new connections in a forked worker, so one per pool serves every call.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


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
