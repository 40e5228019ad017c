"""Replacing an extension's request hook with a narrower one, in the hook's own place."""

from __future__ import annotations

from collections.abc import Callable


def replace_hook(registry: dict, hook, wrap: Callable) -> None:
    """Put ``wrap(hook)`` where ``hook`` stands among the app-wide hooks of ``registry``
    (``app.before_request_funcs`` and the like); nothing if it is not there."""
    hooks = registry.get(None, [])
    if hook in hooks:
        hooks[hooks.index(hook)] = wrap(hook)
