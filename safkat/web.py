"""Small helpers shared by the views: the request's services, 404/403, safe redirects."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from safkat.clock import Clock
from safkat.db import get_session
from safkat.errors import DomainError
from safkat.permissions import can
from safkat.storage import FileStore

__all__ = [
    "get_session",
    "now",
    "clock",
    "hasher",
    "file_store",
    "get_or_404",
    "require",
    "flash_domain_error",
    "safe_next_url",
    "redirect_next",
]


def clock() -> Clock:
    return current_app.extensions["safkat.clock"]


def now() -> datetime:
    return clock().now()


def hasher():
    return current_app.extensions["safkat.hasher"]


def platform_keys():
    return current_app.extensions["safkat.keys"]


def file_store() -> FileStore:
    return current_app.extensions["safkat.files"]


def get_or_404(model, ident):
    obj = get_session().get(model, ident)
    if obj is None:
        abort(404)
    return obj


def require(action: str, obj: object = None) -> None:
    """Abort with 403 (or send to the login page) unless the current user may do it."""
    if not can(current_user, action, obj):
        if not current_user.is_authenticated:
            abort(redirect(url_for("auth.login", next=request.full_path)))
        abort(403)


def translate_error(error: DomainError) -> str:
    return gettext(error.message, **error.params)


def flash_domain_error(error: DomainError) -> None:
    flash(translate_error(error), "error")


def safe_next_url(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else ``None`` (no open redirects)."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def redirect_next(default_endpoint: str):
    target = safe_next_url(request.values.get("next"))
    return redirect(target or url_for(default_endpoint))
