"""The rendered-page cache in Redis, shared by every process and machine of a deployment.

Chosen with ``SAFKAT_PAGE_CACHE_URL=redis://…`` (see docs/deploy.md, "Several app
servers"). Keys are the page's ETag under the app's prefix, values the body's bytes, each
with the cache's lifetime as its Redis TTL, so stale entries expire by themselves and
Redis' ``maxmemory`` with ``allkeys-lru`` bounds the rest.

Redis is an optimisation, never a dependency of a page: when it cannot be reached the
page renders as on a miss, the outage is logged once, and Redis is left alone for a few
seconds, so that a visitor waits at most one short socket timeout per pause, not one per
request.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from itertools import islice

import redis

from safkat.http_cache import HIT, MISS, as_bytes, report

log = logging.getLogger(__name__)

SOCKET_TIMEOUT = 0.25  # seconds: a local or private-network Redis answers in well under 1 ms
PAUSE_AFTER_FAILURE = 5.0  # seconds without trying Redis after it failed
DELETE_BATCH = 500


def connect(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=SOCKET_TIMEOUT)


class RedisRenderedCache:
    """The same interface as :class:`safkat.http_cache.RenderedCache`, over Redis."""

    def __init__(self, url: str, prefix: str = "safkat:page:", lifetime: float = 60.0):
        self.client = connect(url)
        self.prefix, self.lifetime = prefix, lifetime
        self._paused_until = 0.0
        self._down = False
        self._lock = threading.Lock()

    def get_or_render(self, key: str, render: Callable[[], bytes | str]) -> bytes:
        cached = self._call(self.client.get, self.prefix + key)
        if cached is not None:
            return report(HIT, cached)
        body = as_bytes(render())
        self._call(self.client.set, self.prefix + key, body, px=int(self.lifetime * 1000))
        return report(MISS, body)

    def clear(self) -> None:
        """Delete this app's pages (its prefix only: ``SCAN`` then ``DEL``, never ``FLUSHALL``)."""
        self._call(self._delete_all)

    def _delete_all(self) -> None:
        keys = self.client.scan_iter(match=glob_escape(self.prefix) + "*", count=DELETE_BATCH)
        for batch in _batches(keys, DELETE_BATCH):
            self.client.delete(*batch)

    def _call(self, operation, *args, **kwargs):
        """``operation``'s answer, or ``None`` when Redis is unreachable or paused."""
        if time.monotonic() < self._paused_until:
            return None
        try:
            answer = operation(*args, **kwargs)
        except redis.RedisError as error:
            self._failed(error)
            return None
        if self._down:
            self._recovered()
        return answer

    def _failed(self, error: Exception) -> None:
        with self._lock:
            self._paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
            first, self._down = not self._down, True
        if first:
            log.warning("page cache: Redis unreachable (%s); pages render without the shared cache", error)

    def _recovered(self) -> None:
        with self._lock:
            was_down, self._down = self._down, False
        if was_down:
            log.warning("page cache: Redis reachable again")


def glob_escape(text: str) -> str:
    """``text`` matched literally by a Redis ``MATCH`` pattern."""
    return re.sub(r"([*?\[\]\\])", r"\\\1", text)


def _batches(items: Iterator[bytes], size: int) -> Iterator[list[bytes]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
