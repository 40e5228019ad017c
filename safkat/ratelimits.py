"""Rate limits applied to every route from one place.

Three application-wide limits of Flask-Limiter cover the whole URL map, so a new route
cannot escape them:

- **write**: every POST, PUT, PATCH or DELETE, whatever its blueprint, shares one budget
  per person (``SAFKAT_RATELIMIT_WRITE``);
- **upload-chunk**: the pieces of a resumable bid upload (a 50 MB document is 50 PUTs)
  have their own, higher budget instead (``SAFKAT_RATELIMIT_UPLOAD_CHUNK``);
- **search**: any GET with a non-empty ``q`` — the public list, the API, the feed — runs
  the full-text search and counts against ``SAFKAT_RATELIMIT_SEARCH``.

A person is their user id when logged in (colleagues behind one office NAT do not share a
budget) and their remote address otherwise. Login, registration and e-mail sending keep
their own stricter limits on top (``safkat/accounts/views.py``). Windows are counted in
wall-clock time by the limiter's storage (Redis in production), not by the app's clock.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, request
from flask_limiter import ApplicationLimit, ExemptionScope
from flask_limiter.util import get_remote_address
from flask_login import current_user

from safkat.request_hooks import replace_hook

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
READ_METHODS = frozenset({"GET", "HEAD"})
CHUNK_ENDPOINTS = frozenset({"bids.upload_chunk"})


def rate_limit_key() -> str:
    """Whom a request is counted against: the logged-in user, else the remote address."""
    if current_user and current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"addr:{get_remote_address()}"


def is_chunk_upload() -> bool:
    return request.method in WRITE_METHODS and request.endpoint in CHUNK_ENDPOINTS


def is_write() -> bool:
    return request.method in WRITE_METHODS and request.endpoint not in CHUNK_ENDPOINTS


def is_search() -> bool:
    return _is_search(request._get_current_object())


def _is_search(current) -> bool:
    if not current.query_string:  # most reads: nothing to parse
        return False
    return current.method in READ_METHODS and bool(current.args.get("q", "").strip())


def configured(name: str):
    """A limit read from the app's configuration at each request (``SAFKAT_<name>``)."""
    return lambda: current_app.config[name]


def _unless(predicate):
    return lambda: not predicate()


APPLICATION_LIMITS = [
    ApplicationLimit(
        limit_provider=configured("RATELIMIT_WRITE"),
        key_function=rate_limit_key,
        scope="write",
        exempt_when=_unless(is_write),
    ),
    ApplicationLimit(
        limit_provider=configured("RATELIMIT_UPLOAD_CHUNK"),
        key_function=rate_limit_key,
        scope="upload-chunk",
        exempt_when=_unless(is_chunk_upload),
    ),
    ApplicationLimit(
        limit_provider=configured("RATELIMIT_SEARCH"),
        key_function=rate_limit_key,
        scope="search",
        exempt_when=_unless(is_search),
    ),
]


def init_app(app: Flask) -> None:
    """Bind the limiter to ``app``.

    The :class:`~flask_limiter.Limiter` is one object shared by every app of the process,
    and its ``enabled`` flag is global: an app created with ``RATELIMIT_ENABLED=False``
    (a test fixture) would switch limits off for the next apps too. So the limiter stays
    enabled and each app says through a request filter whether it is limited.
    """
    from safkat.extensions import limiter

    enabled = app.config.get("RATELIMIT_ENABLED", True)
    app.config["RATELIMIT_ENABLED"] = True
    limiter.enabled = True
    limiter.init_app(app)
    app.config["RATELIMIT_ENABLED"] = enabled
    _skip_for_plain_reads(app, limiter)


def _skip_for_plain_reads(app: Flask, limiter) -> None:
    """A GET or HEAD without a search is never limited (every decorated limit is on POST),
    yet the limiter's bookkeeping (its check before the view, its headers after, its
    context released at teardown) was the largest cost of a /healthz: reads skip all three."""
    replace_hook(app.before_request_funcs, limiter._check_request_limit, _before_unless_plain_read)
    replace_hook(app.after_request_funcs, _limiter_hook(app.after_request_funcs, limiter), _after_unless_plain_read)
    replace_hook(app.teardown_request_funcs, limiter._Limiter__release_context, _teardown_unless_plain_read)


def is_plain_read() -> bool:
    """Asked three times a request (before, after, teardown): the request is looked up
    once, not through its proxy at each attribute (issue 16)."""
    current = request._get_current_object()
    return current.method in READ_METHODS and not _is_search(current)


def _limiter_hook(registry: dict, limiter):
    """The limiter's after-request hook: a ``partial`` of its own, bound to ``limiter``."""
    return next((hook for hook in registry.get(None, []) if getattr(hook, "args", ())[:1] == (limiter,)), None)


def _before_unless_plain_read(check):
    def check_unless_plain_read():
        return None if is_plain_read() else check()

    return check_unless_plain_read


def _after_unless_plain_read(inject_headers):
    def inject_unless_plain_read(response):
        return response if is_plain_read() else inject_headers(response)

    return inject_unless_plain_read


def _teardown_unless_plain_read(release):
    def release_unless_plain_read(error=None):
        if not is_plain_read():
            release(error)

    return release_unless_plain_read


def is_switched_off() -> bool:
    return not current_app.config.get("RATELIMIT_ENABLED", True)


def applied_scopes() -> list[str]:
    """The central limits that count the current request (the URL-map test asks it)."""
    from safkat.extensions import limiter

    exemption = limiter.limit_manager.exemption_scope(current_app, request.endpoint, request.blueprint)
    if exemption & ExemptionScope.APPLICATION or is_switched_off():
        return []
    return sorted(
        {
            limit.scope
            for limit in limiter.limit_manager.application_limits
            if not limit.is_exempt and not limit.method_exempt
        }
    )


def retry_after_seconds(default: int = 60) -> int:
    """Seconds until the limit this request broke lets the next one through."""
    from safkat.extensions import limiter

    current = limiter.current_limit
    if current is None or not current.breached:
        return default
    return max(1, int(current.reset_at - time.time()))
