"""Conditional requests for public pages: ETag and Last-Modified, 304 when unchanged."""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask import Response, request, session
from flask_login import current_user

from safkat.i18n import current_language


def make_etag(*parts: object) -> str:
    """A weak validator from what the representation depends on, plus the page language and
    the viewer (a logged-in page shows the user's menu)."""
    viewer = current_user.get_id() if current_user.is_authenticated else "anonymous"
    pending = len(session.get("_flashes", []))  # a page with a message to show is not the cached one
    basis = "|".join(str(part) for part in (*parts, current_language(), viewer, pending))
    return hashlib.sha256(basis.encode()).hexdigest()[:32]


def not_modified(etag: str, last_modified: datetime | None) -> Response | None:
    """A 304 answer if the client's copy is current, else ``None`` (render the page)."""
    response = cacheable(Response(status=304), etag, last_modified)
    if request.if_none_match and request.if_none_match.contains_weak(etag):
        return response
    if not request.if_none_match and last_modified and request.if_modified_since:
        if last_modified.replace(microsecond=0) <= request.if_modified_since:
            return response
    return None


def cacheable(response: Response, etag: str, last_modified: datetime | None, max_age: int = 60) -> Response:
    """Stamp a public response with its validators and a short shared-cache lifetime."""
    _stamp(response, etag, last_modified)
    if current_user.is_authenticated:
        response.cache_control.private = True
        response.cache_control.no_cache = True
    else:
        response.cache_control.public = True
        response.cache_control.max_age = max_age
    return response


def _stamp(response: Response, etag: str, last_modified: datetime | None) -> None:
    response.set_etag(etag, weak=True)
    if last_modified is not None:
        response.last_modified = last_modified
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
