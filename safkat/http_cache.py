"""Conditional requests for public pages: ETag and Last-Modified, 304 when unchanged."""

from __future__ import annotations

import hashlib
import time
import weakref
from collections.abc import Callable
from datetime import datetime

from flask import Response, current_app, g, has_app_context, request, session
from flask_login import current_user
from werkzeug.http import http_date

from safkat.i18n import add_vary, current_language
from safkat.lru import LeastRecentlyUsed


def make_etag(*parts: object) -> str:
    """A weak validator from what the representation depends on, plus the page language and
    the viewer (a logged-in page shows the user's menu)."""
    viewer = current_user.get_id() if current_user.is_authenticated else "anonymous"
    pending = len(session.get("_flashes", []))  # a page with a message to show is not the cached one
    basis = "|".join(str(part) for part in (*parts, current_language(), viewer, pending))
    return hashlib.sha256(basis.encode()).hexdigest()[:32]


def not_modified(etag: str, last_modified: datetime | None, max_age: int = 60) -> Response | None:
    """A 304 answer if the client's copy is current, else ``None`` (render the page). It
    carries the page's own ``max_age``: the browser keeps the headers of a 304."""
    if request.if_none_match:
        is_current = request.if_none_match.contains_weak(etag)
    else:
        since = request.if_modified_since
        is_current = bool(last_modified and since and last_modified.replace(microsecond=0) <= since)
    # Built only when sent: most requests have no copy to revalidate (issue 16).
    return cacheable(Response(status=304), etag, last_modified, max_age) if is_current else None


def cacheable(response: Response, etag: str, last_modified: datetime | None, max_age: int = 60) -> Response:
    """Stamp a public response with its validators and a short shared-cache lifetime (a
    logged-in user's copy is made ``private, no-store`` by :func:`safkat.accounts.sessions.keep_private`)."""
    _stamp(response, etag, last_modified)
    if "page_cache" in g:
        response.headers["X-Cache"] = g.page_cache
    if not current_user.is_authenticated:
        # The header written whole: werkzeug's ``cache_control`` parses it, and writes it
        # again at each directive set (issue 16: every public page).
        response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response


def _stamp(response: Response, etag: str, last_modified: datetime | None) -> None:
    headers = response.headers
    headers["ETag"] = f'W/"{etag}"'  # make_etag's hex digits: nothing to quote
    if last_modified is not None:
        headers["Last-Modified"] = http_date(last_modified)
    add_vary(response, "Accept-Language", "Cookie")


class RenderedCache:
    """Recently rendered public bodies, keyed by their ETag, for a short time.

    An ETag already names everything a page depends on (filters, language, viewer, the
    last public change), so a hit is the same page; the lifetime bounds what time alone
    changes (the countdown's minute). Per process and optional: a miss just renders.
    Benchmarks: an uncached /tenders costs ~40 ms of templates alone on this machine.
    """

    def __init__(self, max_entries: int = 512, lifetime: float = 60.0):
        self.lifetime = lifetime
        self._entries: LeastRecentlyUsed[tuple[float, bytes]] = LeastRecentlyUsed(max_entries)

    def clear(self) -> None:
        self._entries.clear()

    def get_or_render(self, key: str, render: Callable[[], bytes | str]) -> bytes:
        now = time.monotonic()
        hit = self._entries.get(key)
        if hit is not None and now - hit[0] < self.lifetime:
            return report(HIT, hit[1])
        body = as_bytes(render())
        self._entries.put(key, (now, body))
        return report(MISS, body)


HIT, MISS = "hit", "miss"


def as_bytes(body: bytes | str) -> bytes:
    return body.encode() if isinstance(body, str) else body


def report(outcome: str, body: bytes) -> bytes:
    """Note whether the current request's body came from the cache: :func:`cacheable`
    sends it as ``X-Cache`` (how a test, or an operator with curl, sees that a page
    rendered by one process was served by another)."""
    if has_app_context():
        g.page_cache = outcome
    return body


class PageCache:
    """The rendered-page cache of the current app: shared through Redis when the app was
    configured with ``SAFKAT_PAGE_CACHE_URL`` (:mod:`safkat.shared_cache`), else this
    process's own :class:`RenderedCache`, the default."""

    def __init__(self) -> None:
        self.local = RenderedCache()
        self._shared = weakref.WeakSet()

    def share_through(self, app, store) -> None:
        app.extensions["safkat.page_cache"] = store
        self._shared.add(store)

    def stop_sharing(self, app) -> None:
        """Back to this process's memory for ``app`` (a test's app, done with its Redis)."""
        store = app.extensions.pop("safkat.page_cache", None)
        self._shared.discard(store)

    def store(self):
        if has_app_context():
            return current_app.extensions.get("safkat.page_cache", self.local)
        return self.local

    def get_or_render(self, key: str, render: Callable[[], bytes | str]) -> bytes:
        return self.store().get_or_render(key, render)

    def clear(self) -> None:
        """Forget every page this process's apps cached, in memory and in Redis."""
        self.local.clear()
        for store in list(self._shared):
            store.clear()


rendered = PageCache()


def init_app(app) -> None:
    """Share the page cache through Redis when ``PAGE_CACHE_URL`` names one."""
    url = app.config.get("PAGE_CACHE_URL")
    if url:
        from safkat.shared_cache import RedisRenderedCache

        rendered.share_through(app, RedisRenderedCache(url, prefix=app.config["PAGE_CACHE_PREFIX"]))


def public_body(etag: str, render: Callable[[], bytes | str]) -> bytes | str:
    """The body of a page named by ``etag``: shared between anonymous visitors through
    :data:`rendered`, rendered afresh for a logged-in user (whose page shows their menu)."""
    return render() if current_user.is_authenticated else rendered.get_or_render(etag, render)
