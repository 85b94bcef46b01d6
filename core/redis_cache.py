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

``remembered_many`` / ``remember_many``: values a process reads on every request (the
page cache's entry of a stored PDF and its generations) kept in the process while
Redis reports no change to them (TrackedMemory, below), so that such a hit makes no
round trip at all: the round trip (two context switches and Redis's own CPU on a
busy machine) was most of what a PDF download cost beyond a static file's.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import select
import threading
import time
import weakref
from collections import OrderedDict

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property

logger = logging.getLogger(__name__)

# Deleted per round trip when clearing: bounded, so a large cache never blocks Redis.
_CLEAR_BATCH = 500
# TrackedMemory: how many values a process keeps, and how long at most.
REMEMBERED_KEYS = 1024
REMEMBERED_SECONDS = 5.0


def _forgetting(write, *, many: bool = False):
    """A write of Django's client (its first argument the key, or the keys), then its
    keys dropped from this process's memories, whatever happened."""

    @functools.wraps(write)
    def written(self, *args, **kwargs):
        try:
            return write(self, *args, **kwargs)
        finally:
            memories_forget(args[0] if many else [args[0]])

    return written


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

    # Every write drops its keys from this process's memories (TrackedMemory) at once.
    add = _forgetting(RedisCacheClient.add)
    set = _forgetting(RedisCacheClient.set)
    touch = _forgetting(RedisCacheClient.touch)
    delete = _forgetting(RedisCacheClient.delete)
    incr = _forgetting(RedisCacheClient.incr)
    set_many = _forgetting(RedisCacheClient.set_many, many=True)
    delete_many = _forgetting(RedisCacheClient.delete_many, many=True)


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
        memories_forget_all()
        return True

    # Kept in this process (TrackedMemory): for values read on every request.

    def remembered_many(self, keys: list[str]) -> tuple[dict | None, int | None]:
        """The values of all these keys from this process's memory of them, and None;
        or, when one is missing or too old, None and the token to give remember_many
        with the values then read from Redis (None if nothing can be kept now)."""
        memory = self._memory
        if memory is None:
            return None, None
        full = [self.make_key(key) for key in keys]
        found, since = memory.get_many(full)
        if found is None:
            return None, since
        return {key: found[name] for key, name in zip(keys, full, strict=True)}, None

    def remember_many(self, values: dict, *, since: int) -> None:
        """Keep these values, read from Redis after remembered_many gave `since`."""
        memory = self._memory
        if memory is not None:
            memory.remember({self.make_key(key): value for key, value in values.items()}, since)

    @cached_property
    def _memory(self) -> TrackedMemory | None:
        prefix = self.make_key("")
        # One server (a replica could answer a read older than the message), and keys
        # that all start with the prefix tracked.
        if len(self._servers) != 1 or self.make_key("key") != f"{prefix}key":
            return None
        pool = self._cache._get_connection_pool(False)
        return TrackedMemory(pool, prefix, size=REMEMBERED_KEYS, max_age=REMEMBERED_SECONDS)


def _glob_escape(text: str) -> str:
    """`text` matched literally in a Redis MATCH pattern."""
    return re.sub(r"([*?\[\]\\])", r"\\\1", text)


# --- Values remembered in this process, dropped when Redis says they changed -----------

# Redis's channel for the invalidation messages of client-side caching (RESP2).
INVALIDATE_CHANNEL = "__redis__:invalidate"
# After a failure of the tracking connection, how long to go to Redis every time
# before trying to open it again.
RETRY_SECONDS = 1.0


class TrackedMemory:
    """Values of keys under one cache's prefix, kept in this process for at most
    ``max_age`` seconds and dropped as soon as Redis reports that any of them changed:
    Redis's server-assisted client-side caching (CLIENT TRACKING, broadcast mode on the
    cache's key prefix, reported on a connection of our own subscribed to
    ``__redis__:invalidate``). Every write to such a key, from any process on any
    server, an expiry, an eviction or a flush is reported; the messages waiting are
    read (one poll of that connection) before anything is answered from here.

    Writes made through a cache in this process drop their keys here at once too, so
    this process never depends on the message's arrival to see its own changes. While
    the tracking connection is not open (not yet, lost, Redis restarted) nothing is
    answered from here and what was kept is dropped: callers go to Redis as before.

    `max_age` bounds what a tracking connection silently cut (no reset, no error)
    could serve; one server only (with replicas a read may lag the message)."""

    clock = staticmethod(time.monotonic)

    def __init__(self, pool, prefix: str, *, size: int, max_age: float) -> None:
        self._pool, self._prefix = pool, prefix
        self._size, self._max_age = size, max_age
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.RLock()
        self._connection = None
        self._connection_id = None
        self._poll = None
        self._retry_at = 0.0
        self._failed = False
        # Changed whenever the connection opens or closes: what was read under another
        # token may have changed unreported.
        self._token = 0
        _memories.add(self)

    # What callers use.

    def get_many(self, keys: list[str]) -> tuple[dict | None, int | None]:
        """The values of all these (full) keys if every one is kept and fresh, and None;
        else None and the tracking connection's current token (None if it is not open):
        values read from Redis from now on may be kept with it (remember)."""
        with self._lock:
            if not self._ready():
                return None, None
            now = self.clock()
            found = {}
            for key in keys:
                item = self._items.get(key)
                if item is None or now - item[1] > self._max_age:
                    return None, self._token
                found[key] = item[0]
            return found, None

    def remember(self, values: dict, since: int) -> None:
        """Keep these values (full keys), read from Redis after get_many gave `since`,
        if the tracking connection has stayed open since: a change made after the read
        has sent its message to it, read here before the values are next used."""
        with self._lock:
            if self._connection is None or since != self._token:
                return
            now = self.clock()
            for key, value in values.items():
                self._items[key] = (value, now)
                self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
            self._read_messages()

    def forget(self, keys) -> None:
        with self._lock:
            for key in keys:
                self._items.pop(key, None)

    def forget_all(self) -> None:
        with self._lock:
            self._items.clear()

    # The tracking connection.

    def _ready(self) -> bool:
        """Whether the tracking connection is open, with every message waiting read."""
        if self._connection is None and not self._connect():
            return False
        return self._read_messages()

    def _forked(self) -> None:
        """In a forked child: the parent's connection (and lock) are not this one's."""
        self._lock = threading.RLock()
        self._connection = self._poll = None
        self._items.clear()
        self._token += 1

    def _connect(self) -> bool:
        now = self.clock()
        if now < self._retry_at:
            return False
        connection = self._pool.connection_class(**self._pool.connection_kwargs)
        try:
            if str(getattr(connection, "protocol", 2) or 2) != "2":
                raise ValueError("tracking messages are read as RESP2 here")
            connection.connect()
            connection.send_command("CLIENT", "ID")
            own_id = connection.read_response()
            connection.send_command(
                "CLIENT", "TRACKING", "ON", "REDIRECT", own_id, "BCAST", "PREFIX", self._prefix
            )
            if connection.read_response() not in (b"OK", "OK"):
                raise ConnectionError("CLIENT TRACKING refused")
            connection.send_command("SUBSCRIBE", INVALIDATE_CHANNEL)
            connection.read_response()
        except Exception:
            # Once a process (a Redis without CLIENT TRACKING would say so every second).
            log = logger.debug if self._failed else logger.warning
            log("Redis tracking connection could not be opened", exc_info=True)
            self._failed = True
            connection.disconnect()
            self._retry_at = now + RETRY_SECONDS
            return False
        self._items.clear()  # nothing kept from before was tracked by this connection
        self._connection, self._connection_id = connection, own_id
        self._poll = _poll_of(connection)
        self._token += 1
        return True

    def _read_messages(self) -> bool:
        connection = self._connection
        if connection is None:
            return False
        try:
            # Everything read so far was parsed (the loop below empties the parser's
            # buffer): when the socket has nothing, there is nothing. One poll.
            if self._poll is not None and not self._poll.poll(0):
                return True
            while connection.can_read(timeout=0):
                self._apply(connection.read_response())
        except Exception:
            logger.warning("Redis tracking connection lost", exc_info=True)
            self._lost()
            return False
        return True

    def _apply(self, message) -> None:
        """An invalidation message: the keys changed, or none (a flush): everything.
        Anything else not understood drops everything too."""
        keys = message[2] if isinstance(message, list) and len(message) == 3 else None
        if not isinstance(keys, list) or _text(message[0]) != "message":
            self._items.clear()
            return
        for key in keys:
            self._items.pop(_text(key), None)

    def _lost(self) -> None:
        connection, self._connection = self._connection, None
        self._items.clear()
        self._token += 1
        self._retry_at = self.clock() + RETRY_SECONDS
        if connection is not None:
            connection.disconnect()


_memories: weakref.WeakSet[TrackedMemory] = weakref.WeakSet()


def _memories_forked() -> None:
    for memory in list(_memories):
        memory._forked()


# (Not os.getpid() on every use: a system call each time.)
os.register_at_fork(after_in_child=_memories_forked)


def memories_forget(keys) -> None:
    """Drop these full keys from every memory of this process (a write made here)."""
    for memory in list(_memories):
        memory.forget(keys)


def _poll_of(connection):
    """A poll of the connection's socket (redis-py keeps it as ``_sock``), or None:
    then redis-py's can_read is asked every time (three system calls, not one)."""
    sock = getattr(connection, "_sock", None)
    if sock is None or not hasattr(select, "poll"):
        return None
    poll = select.poll()
    poll.register(sock, select.POLLIN)
    return poll


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def memories_forget_all() -> None:
    for memory in list(_memories):
        memory.forget_all()
